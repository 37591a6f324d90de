/**
 * The record review ("who was on duty"): a discipline record's lifecycle as pure functions, every
 * change an event of the record's history. No I/O and no clock: the actor and the time come in.
 *
 *   raised ──▶ open ──objection 申诉 (text; once; the status stays open)──▶ open
 *                 └──confirm | waive (a supervisor, with a reason)──▶ confirmed | waived  (final)
 *
 * The history is append-only: a change adds an event (who, when, what, why) and never alters or
 * removes one; the record's status is the last decision in it (replay). The rules' own records get
 * events too: 'raised' when the rules raise one, 'evidence-completed' when its evidence grows (the
 * call seen to its end). Who may do what (the officer objects, a supervisor decides) is access
 * control's to check: here any named actor may.
 */
import type { TimelineEntry } from '../call/call-model.js';
import type { OfficeId } from '../office.js';
import type { DisciplineInput, DisciplineStatus, DisciplineSubject, MistakeKind } from './discipline-model.js';

/** What happened to a record; stored as these codes. */
export const RECORD_EVENT_KINDS = ['raised', 'objected', 'confirmed', 'waived', 'evidence-completed'] as const;
export type RecordEventKind = (typeof RECORD_EVENT_KINDS)[number];

/** One entry of a record's history. */
export interface RecordEvent {
  what: RecordEventKind;
  /** Who: the acting user's name; null for duty-hotline itself (a record its rules raised, evidence they completed). */
  actor: string | null;
  at: Date;
  /** Why: the objection's text, the decision's reason, the text or finding it was raised with, what the evidence grew by. */
  text: string;
}

/** What the lifecycle needs of a record. */
export interface ReviewState {
  status: DisciplineStatus;
  /** The officer has filed their objection (one per record). */
  objected: boolean;
}

export type ReviewAction = { kind: 'object'; text: string } | { kind: 'confirm'; reason: string } | { kind: 'waive'; reason: string };
export type ReviewActionKind = ReviewAction['kind'];

/** Longest objection text, decision reason or mistake text, in characters (code points). */
export const MAX_TEXT_LENGTH = 2000;
/** Longest name (actor, officer) or subject id. */
export const MAX_NAME_LENGTH = 200;
/** How far after `at` a manual mistake may say it occurred (the reporter's clock may run ahead). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export type FieldProblem = 'control-character' | 'lone-surrogate';

/**
 * Why a request was refused. The first four name a field whose value is not acceptable (the
 * API's 400); the last three are transitions the lifecycle does not have (the API's 409).
 */
export type LifecycleError =
  | { code: 'required'; field: string }
  | { code: 'too-long'; field: string; max: number }
  | { code: 'malformed'; field: string; problem: FieldProblem }
  | { code: 'in-future'; field: string }
  | { code: 'already-decided'; status: Exclude<DisciplineStatus, 'open'>; action: 'confirm' | 'waive' }
  | { code: 'objection-after-decision'; status: Exclude<DisciplineStatus, 'open'> }
  | { code: 'already-objected' };

export type FieldError = Extract<LifecycleError, { field: string }>;
export type IllegalTransition = Exclude<LifecycleError, FieldError>;

export function isIllegalTransition(error: LifecycleError): error is IllegalTransition {
  return !('field' in error);
}

export type Result<T> = ({ ok: true } & T) | { ok: false; error: LifecycleError };

/**
 * The one transition function: the new state and the event it adds to the history, or why not
 * (nothing changes then). Input is checked before the state: a blank reason is refused whatever
 * the record's status.
 */
export function review(state: ReviewState, action: ReviewAction, actor: string, at: Date): Result<{ state: ReviewState; event: RecordEvent }> {
  const input = checkReview(action, actor);
  if (!input.ok) return input;
  const { actor: who, text } = input;
  if (action.kind === 'object') {
    if (state.status !== 'open') return { ok: false, error: { code: 'objection-after-decision', status: state.status } };
    if (state.objected) return { ok: false, error: { code: 'already-objected' } };
    return { ok: true, state: { ...state, objected: true }, event: { what: 'objected', actor: who, at, text } };
  }
  if (state.status !== 'open') return { ok: false, error: { code: 'already-decided', status: state.status, action: action.kind } };
  const status = action.kind === 'confirm' ? 'confirmed' : 'waived';
  return { ok: true, state: { ...state, status }, event: { what: status, actor: who, at, text } };
}

/** The part of review() that needs no record: the actor and the action's text or reason, trimmed. */
export function checkReview(action: ReviewAction, actor: string): Result<{ actor: string; text: string }> {
  const who = checkName('actor', actor);
  if (!who.ok) return who;
  const text = action.kind === 'object' ? checkText('text', action.text) : checkText('reason', action.reason);
  if (!text.ok) return text;
  return { ok: true, actor: who.value, text: text.value };
}

/** The state a history leads to (a record's status is the last decision in its history). */
export function replay(history: readonly Pick<RecordEvent, 'what'>[]): ReviewState {
  const state: ReviewState = { status: 'open', objected: false };
  for (const { what } of history) {
    if (what === 'objected') state.objected = true;
    else if (what === 'confirmed' || what === 'waived') state.status = what;
  }
  return state;
}

/** A supervisor's report of a mistake (失误), raised by hand. */
export interface MistakeReport {
  officeId: OfficeId;
  subject: DisciplineSubject;
  mistakeKind: MistakeKind;
  text: string;
  /** Who is accountable, when the supervisor names them. */
  officer: string | null;
  occurredAt: Date;
}

/** The record a supervisor raises by hand (type 'mistake', no evidence, its reason the text) and its 'raised' event. */
export function raiseMistake(report: MistakeReport, actor: string, at: Date): Result<{ input: DisciplineInput; event: RecordEvent }> {
  const who = checkName('actor', actor);
  if (!who.ok) return who;
  const subjectId = checkName('subject/id', report.subject.id);
  if (!subjectId.ok) return subjectId;
  const text = checkText('text', report.text);
  if (!text.ok) return text;
  let officer: string | null = null;
  if (report.officer !== null) {
    const named = checkName('officer', report.officer);
    if (!named.ok) return named;
    officer = named.value;
  }
  const occurred = report.occurredAt.getTime();
  if (Number.isNaN(occurred)) return { ok: false, error: { code: 'required', field: 'occurredAt' } };
  if (occurred > at.getTime() + MAX_FUTURE_SKEW_MS) return { ok: false, error: { code: 'in-future', field: 'occurredAt' } };
  return {
    ok: true,
    input: {
      officeId: report.officeId,
      subject: { kind: report.subject.kind, id: subjectId.value },
      type: 'mistake',
      mistakeKind: report.mistakeKind,
      officer,
      deskEndpoint: null,
      occurredAt: report.occurredAt,
      reason: text.value,
      evidence: [],
    },
    event: { what: 'raised', actor: who.value, at, text: text.value },
  };
}

/** The 'raised' event of a record the rules raised: by duty-hotline itself, with their finding. */
export function raisedByRules(input: Pick<DisciplineInput, 'reason'>, at: Date): RecordEvent {
  return { what: 'raised', actor: null, at, text: input.reason };
}

/** The 'evidence-completed' event when `incoming` evidence is longer than the `stored` one (evidence only grows); else null. */
export function evidenceCompleted(stored: readonly TimelineEntry[], incoming: readonly TimelineEntry[], at: Date): RecordEvent | null {
  if (incoming.length <= stored.length) return null;
  const last = incoming[incoming.length - 1]!;
  return { what: 'evidence-completed', actor: null, at, text: `evidence ${stored.length} → ${incoming.length} entries, last: ${last.what}` };
}

/** An English sentence for the error, naming the field or the transition. */
export function describeLifecycleError(error: LifecycleError): string {
  switch (error.code) {
    case 'required':
      return `${error.field} must not be blank`;
    case 'too-long':
      return `${error.field} must not be longer than ${error.max} characters`;
    case 'malformed':
      return error.problem === 'control-character'
        ? `${error.field} must not contain control characters (NUL and the like)`
        : `${error.field} must be well-formed Unicode (it holds a lone surrogate)`;
    case 'in-future':
      return `${error.field} must not be in the future`;
    case 'already-decided':
      return `the record is already ${error.status}: it cannot be ${error.action === 'confirm' ? 'confirmed' : 'waived'}`;
    case 'objection-after-decision':
      return `the record is already ${error.status}: an objection can only be filed while it is open`;
    case 'already-objected':
      return 'an objection has already been filed for this record';
  }
}

type Checked = { ok: true; value: string } | { ok: false; error: FieldError };

/** Free text (tabs and line breaks allowed), trimmed, non-blank, at most MAX_TEXT_LENGTH characters. */
export function checkText(field: string, value: string): Checked {
  return check(field, value, MAX_TEXT_LENGTH, true);
}

/** A name or an id: one line, trimmed, non-blank, at most MAX_NAME_LENGTH characters. */
export function checkName(field: string, value: string): Checked {
  return check(field, value, MAX_NAME_LENGTH, false);
}

function check(field: string, value: string, max: number, multiline: boolean): Checked {
  // A string of more than 2·max UTF-16 units has more than max code points: no need to count them.
  if (value.length > 2 * max) return { ok: false, error: { code: 'too-long', field, max } };
  const trimmed = value.trim();
  if (trimmed === '') return { ok: false, error: { code: 'required', field } };
  const problem = problemOf(trimmed, multiline);
  if (problem) return { ok: false, error: { code: 'malformed', field, problem } };
  if (codePoints(trimmed) > max) return { ok: false, error: { code: 'too-long', field, max } };
  return { ok: true, value: trimmed };
}

/**
 * Text PostgreSQL could not store as it is (NUL), or would store as something else (a lone
 * surrogate becomes U+FFFD on the way), and control characters no one types (C0 but tab and
 * line breaks in free text, DEL, C1). Right-to-left marks and the like are text: they pass.
 */
function problemOf(value: string, multiline: boolean): FieldProblem | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (!(multiline && (c === 0x09 || c === 0x0a || c === 0x0d))) return 'control-character';
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'lone-surrogate';
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return 'lone-surrogate';
    }
  }
  return null;
}

function codePoints(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++; // a pair (checked well-formed before)
    n++;
  }
  return n;
}

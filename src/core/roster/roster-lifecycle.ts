/**
 * A month's roster: draft → submitted → approved → published (000 §一.1: drawn up by the duty
 * office, 经值班主任审核后执行). Only the duty director approves, or returns a submitted or
 * approved roster to draft with a reason; shifts change only in draft (a revision); once published
 * the roster stands, and only approved swaps change who is accountable. Each change appends to the
 * history; nothing is rewritten.
 */
import type { LocalDate } from '../schedule/schedule-model.js';
import type { OfficeId } from '../office.js';
import { publicationLateness } from './publication-deadline.js';
import { ok, refuse, type Result, type RosterAction, type RosterActor, type RosterMonth, type RosterStatus, type YearMonth } from './roster-model.js';
import { isYearMonth } from './year-month.js';

export type RosterErrorCode = 'bad-month' | 'illegal-transition' | 'not-duty-director' | 'reason-required' | 'no-shifts';

export type RosterCommand =
  | { action: 'revise'; by: RosterActor; at: Date; note?: string | null }
  | { action: 'submit'; by: RosterActor; at: Date }
  | { action: 'return'; by: RosterActor; at: Date; reason: string }
  | { action: 'approve'; by: RosterActor; at: Date }
  | {
      action: 'publish';
      by: RosterActor;
      at: Date;
      /** What the deadlines are judged on: the month's shift dates, statutory holidays, the office's time zone. */
      deadlines: { shiftDates: readonly LocalDate[]; holidays: readonly LocalDate[]; timezone: string };
    };

/** Which status each action starts from, and where it leads. */
const MOVES: Record<RosterCommand['action'], { from: readonly RosterStatus[]; to: RosterStatus }> = {
  revise: { from: ['draft'], to: 'draft' },
  submit: { from: ['draft'], to: 'submitted' },
  return: { from: ['submitted', 'approved'], to: 'draft' },
  approve: { from: ['submitted'], to: 'approved' },
  publish: { from: ['approved'], to: 'published' },
};

const DIRECTOR_ONLY: ReadonlySet<RosterAction> = new Set(['approve', 'return']);

export function newRosterMonth(input: { officeId: OfficeId; month: YearMonth; by: RosterActor; at: Date }): Result<Omit<RosterMonth, 'id'>, RosterErrorCode> {
  if (!isYearMonth(input.month)) return refuse('bad-month', `"${input.month}" is not a month (YYYY-MM)`);
  return ok({
    officeId: input.officeId,
    month: input.month,
    status: 'draft',
    revision: 0,
    createdAt: input.at,
    createdBy: input.by.id,
    submittedAt: null,
    submittedBy: null,
    approvedAt: null,
    approvedBy: null,
    publishedAt: null,
    publishedBy: null,
    lateness: null,
    history: [{ seq: 1, action: 'create', status: 'draft', at: input.at, by: input.by.id, note: null }],
  });
}

/** The roster after `command`, or why it is refused. The input is not modified. */
export function transitionRoster(roster: RosterMonth, command: RosterCommand): Result<RosterMonth, RosterErrorCode> {
  const move = MOVES[command.action];
  if (!move.from.includes(roster.status)) {
    return refuse('illegal-transition', `roster ${roster.month} is ${roster.status}: it cannot ${command.action} (only from ${move.from.join(' or ')})`);
  }
  if (DIRECTOR_ONLY.has(command.action) && !command.by.dutyDirector) {
    return refuse('not-duty-director', `only the duty director (值班主任) can ${command.action} a roster`);
  }
  let note: string | null = null;
  if (command.action === 'return') {
    note = command.reason.trim();
    if (!note) return refuse('reason-required', 'returning a roster to draft needs a reason');
  }
  if (command.action === 'revise') note = command.note ?? null;
  if (command.action === 'submit' && roster.revision === 0) return refuse('no-shifts', `roster ${roster.month} has no shifts yet: import them first`);

  const next: RosterMonth = structuredClone(roster);
  next.status = move.to;
  const by = command.by.id;
  switch (command.action) {
    case 'revise':
      next.revision += 1;
      break;
    case 'submit':
      next.submittedAt = command.at;
      next.submittedBy = by;
      break;
    case 'approve':
      next.approvedAt = command.at;
      next.approvedBy = by;
      break;
    case 'publish':
      next.publishedAt = command.at;
      next.publishedBy = by;
      next.lateness = publicationLateness({ month: roster.month, publishedAt: command.at, ...command.deadlines });
      break;
    case 'return':
      break;
  }
  next.history.push({ seq: roster.history.length + 1, action: command.action, status: move.to, at: command.at, by, note });
  return ok(next);
}

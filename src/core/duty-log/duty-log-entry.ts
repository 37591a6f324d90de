/**
 * The duty log entry (值班记录) an officer completes for a call the PBX logged: who called (name,
 * unit, position, phone), what about — when, where, who, what, why (seed 002 §一(三)) —, how it
 * was handled, what follows up, and whether it is a major incident (重大突发事件, with the times
 * it was reported orally and in writing, seed 001 第十六条) and was reported to the leader.
 * Every edit makes a new version; nothing is overwritten. Pure: the caller passes the time.
 */
import { checkName, checkText, describeLifecycleError, type LifecycleError } from '../discipline/record-lifecycle.js';

export const DUTY_LOG_TEXT_FIELDS = ['callerName', 'callerUnit', 'callerPosition', 'callerPhone', 'content', 'handling', 'followUp'] as const;
export type DutyLogTextField = (typeof DUTY_LOG_TEXT_FIELDS)[number];

/** One-line fields (a name, a unit, a phone number); the others are free text with line breaks. */
const ONE_LINE: ReadonlySet<DutyLogTextField> = new Set(['callerName', 'callerUnit', 'callerPosition', 'callerPhone']);

export const DUTY_LOG_LABELS: Readonly<Record<DutyLogTextField | 'majorIncident' | 'incidentClosed' | 'reportedToLeader' | 'oralReportAt' | 'writtenReportAt', string>> = {
  callerName: '来电人',
  callerUnit: '来电单位',
  callerPosition: '职务',
  callerPhone: '联系电话',
  content: '来电内容',
  handling: '处理情况',
  followUp: '后续跟进',
  majorIncident: '重大突发事件',
  incidentClosed: '事件已办结',
  reportedToLeader: '已报告领导',
  oralReportAt: '口头报告时间',
  writtenReportAt: '书面报告时间',
};

export interface DutyLogFields {
  callerName: string | null;
  callerUnit: string | null;
  callerPosition: string | null;
  callerPhone: string | null;
  content: string | null;
  handling: string | null;
  followUp: string | null;
  majorIncident: boolean;
  /** The major incident is dealt with (办结): until then the hand-over carries it to the next shift. */
  incidentClosed: boolean;
  reportedToLeader: boolean;
  /** When the major incident was reported orally / in writing; null: not yet. */
  oralReportAt: Date | null;
  writtenReportAt: Date | null;
}

export const EMPTY_DUTY_LOG: DutyLogFields = {
  callerName: null,
  callerUnit: null,
  callerPosition: null,
  callerPhone: null,
  content: null,
  handling: null,
  followUp: null,
  majorIncident: false,
  incidentClosed: false,
  reportedToLeader: false,
  oralReportAt: null,
  writtenReportAt: null,
};

/** An edit: the fields it sets (a text field set to null or blank is cleared). */
export type DutyLogEdit = Partial<{ [F in DutyLogTextField]: string | null } & Pick<DutyLogFields, 'majorIncident' | 'incidentClosed' | 'reportedToLeader' | 'oralReportAt' | 'writtenReportAt'>>;

export type DutyLogError = LifecycleError | { code: 'report-before-call'; field: 'oralReportAt' | 'writtenReportAt' } | { code: 'not-an-incident'; field: 'incidentClosed' };

export function describeDutyLogError(error: DutyLogError): string {
  if (error.code === 'report-before-call') return `${error.field} must not be before the call was offered`;
  if (error.code === 'not-an-incident') return 'incidentClosed: only a major incident (majorIncident true) is closed';
  return describeLifecycleError(error);
}

/** How far after `now` a report time may lie (the officer's clock may run ahead). */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** The entry after `edit`, or the first field it cannot take. */
export function applyDutyLogEdit(current: DutyLogFields, edit: DutyLogEdit, context: { offeredAt: Date; now: Date }): { ok: true; fields: DutyLogFields } | { ok: false; error: DutyLogError } {
  const next: DutyLogFields = { ...current };
  for (const field of DUTY_LOG_TEXT_FIELDS) {
    const value = edit[field];
    if (value === undefined) continue;
    if (value === null || value.trim() === '') {
      next[field] = null;
      continue;
    }
    const checked = ONE_LINE.has(field) ? checkName(field, value) : checkText(field, value);
    if (!checked.ok) return { ok: false, error: checked.error };
    next[field] = checked.value;
  }
  if (edit.majorIncident !== undefined) next.majorIncident = edit.majorIncident;
  if (edit.incidentClosed !== undefined) next.incidentClosed = edit.incidentClosed;
  if (!next.majorIncident && next.incidentClosed) {
    if (edit.incidentClosed === true) return { ok: false, error: { code: 'not-an-incident', field: 'incidentClosed' } };
    next.incidentClosed = false;
  }
  if (edit.reportedToLeader !== undefined) next.reportedToLeader = edit.reportedToLeader;
  for (const field of ['oralReportAt', 'writtenReportAt'] as const) {
    const at = edit[field];
    if (at === undefined) continue;
    if (at !== null) {
      if (Number.isNaN(at.getTime())) return { ok: false, error: { code: 'required', field } };
      if (at.getTime() < context.offeredAt.getTime()) return { ok: false, error: { code: 'report-before-call', field } };
      if (at.getTime() > context.now.getTime() + MAX_FUTURE_SKEW_MS) return { ok: false, error: { code: 'in-future', field } };
    }
    next[field] = at;
  }
  return { ok: true, fields: next };
}

/** What an entry can lack: who called (a name or a unit, either will do), or one field. */
export type MissingField = 'callerName or callerUnit' | 'content' | 'handling' | 'oralReportAt' | 'writtenReportAt';

/** A missing field as the console labels it: "来电人或来电单位", "处理情况". */
export const missingFieldLabel = (field: MissingField): string =>
  field === 'callerName or callerUnit' ? `${DUTY_LOG_LABELS.callerName}或${DUTY_LOG_LABELS.callerUnit}` : DUTY_LOG_LABELS[field];

/**
 * What the entry still lacks to be complete: who called (a name or a unit), the content and the
 * handling; for a major incident also both report times. Empty: complete.
 */
export function missingFields(fields: DutyLogFields): MissingField[] {
  const missing: MissingField[] = [];
  if (fields.callerName === null && fields.callerUnit === null) missing.push('callerName or callerUnit');
  if (fields.content === null) missing.push('content');
  if (fields.handling === null) missing.push('handling');
  if (fields.majorIncident) {
    if (fields.oralReportAt === null) missing.push('oralReportAt');
    if (fields.writtenReportAt === null) missing.push('writtenReportAt');
  }
  return missing;
}

/** Just the entry's fields of anything that has them (a stored version). */
export function pickFields(v: DutyLogFields): DutyLogFields {
  const { callerName, callerUnit, callerPosition, callerPhone, content, handling, followUp, majorIncident, incidentClosed, reportedToLeader, oralReportAt, writtenReportAt } = v;
  return { callerName, callerUnit, callerPosition, callerPhone, content, handling, followUp, majorIncident, incidentClosed, reportedToLeader, oralReportAt, writtenReportAt };
}

/**
 * The duty log's deadlines, pure: which records are due at `now` for a call, from what is stored
 * (the call, its entry, its shift's end). Nothing here remembers: a record is due whenever its
 * deadline has passed and its condition holds, and the store's unique key (one record of a type
 * per subject) makes it exactly once — across restarts, and when the service was down at the
 * deadline (the next sweep finds it due).
 *
 * - An answered call whose entry is still incomplete at the end of its shift plus the grace:
 *   seed 000 §二.2 有事漏记视为离岗 — an absence by default, reason 漏记; configurable to a mistake.
 * - A major incident (重大突发事件) must be reported orally within 1 hour and in writing within 2
 *   hours of the call (seed 001 第十六条): a report made later, or not made by then, is a mistake
 *   (未报告), one per report.
 */
import type { DisciplineInput, DutyAttribution } from '../discipline/discipline-model.js';
import { officerNames } from '../discipline/discipline-model.js';
import type { OfficeId } from '../office.js';
import { formatMinute, wallClockAt } from '../schedule/schedule-local-time.js';
import { DUTY_LOG_LABELS, EMPTY_DUTY_LOG, missingFieldLabel, missingFields, type DutyLogFields } from './duty-log-entry.js';

export interface DutyLogDeadlinePolicy {
  /** After the shift's end (or the answer, with no shift known), how long the officer has to complete the entry. */
  completionGraceMs: number;
  /** What an entry left incomplete makes: 离岗 (seed 000 §二.2) or a 漏记 mistake. */
  incompleteType: 'absence' | 'mistake';
  oralReportMs: number;
  writtenReportMs: number;
}

export const DEFAULT_DUTY_LOG_DEADLINES: DutyLogDeadlinePolicy = {
  completionGraceMs: 60 * 60_000,
  incompleteType: 'absence',
  oralReportMs: 60 * 60_000,
  writtenReportMs: 2 * 60 * 60_000,
};

export interface DeadlineCall {
  officeId: OfficeId;
  pbxCallId: string;
  offeredAt: Date;
  answeredAt: Date;
  deskEndpoint: string | null;
}

export interface DeadlineContext {
  /** The entry as it stands (null: nothing written). */
  entry: DutyLogFields | null;
  /** The end of the shift the call was answered in; null when no shift is known. */
  shiftEndsAt: Date | null;
  /** Who was accountable when it was answered (null: not known). */
  duty: DutyAttribution | null;
  now: Date;
  /** The office's time zone (its schedule's): the times in a record's reason are its wall clock. */
  timezone: string;
}

/** The subject of the record an incomplete entry makes, and of each overdue report. */
export const entrySubject = (pbxCallId: string) => ({ kind: 'duty-log-entry' as const, id: pbxCallId });
export const reportSubject = (pbxCallId: string, report: 'oral' | 'written') => ({ kind: 'duty-log-entry' as const, id: `${pbxCallId}/${report}-report` });

/** When the entry must be complete by. */
export const completionDeadline = (call: DeadlineCall, shiftEndsAt: Date | null, policy: DutyLogDeadlinePolicy): Date =>
  new Date(Math.max(shiftEndsAt?.getTime() ?? 0, call.answeredAt.getTime()) + policy.completionGraceMs);

/** "2026-11-05 14:03" on the office's wall clock; `seconds`: "2026-11-05 14:03:27". */
function localTime(at: Date, timezone: string, seconds = false): string {
  const { date, minute } = wallClockAt(at, timezone);
  // Offsets are whole minutes, so the seconds are UTC's.
  return `${date} ${formatMinute(minute)}${seconds ? `:${String(at.getUTCSeconds()).padStart(2, '0')}` : ''}`;
}

/** "应于 2026-11-05 15:03 前报告，实际于 2026-11-05 15:20 才报告", or "…，逾期未报告" (to the second when both fall in one minute). */
function lateReport(by: Date, madeAt: Date | null, timezone: string): string {
  if (madeAt === null) return `应于 ${localTime(by, timezone)} 前报告，逾期未报告`;
  const seconds = localTime(by, timezone) === localTime(madeAt, timezone);
  return `应于 ${localTime(by, timezone, seconds)} 前报告，实际于 ${localTime(madeAt, timezone, seconds)} 才报告`;
}

export function dueRecords(call: DeadlineCall, context: DeadlineContext, policy: DutyLogDeadlinePolicy): DisciplineInput[] {
  const { entry, now, duty, timezone } = context;
  const due: DisciplineInput[] = [];
  const base = { officeId: call.officeId, officer: duty ? officerNames(duty) : null, duty, deskEndpoint: call.deskEndpoint, evidence: [] };

  const deadline = completionDeadline(call, context.shiftEndsAt, policy);
  const missing = missingFields(entry ?? EMPTY_DUTY_LOG);
  if (now.getTime() >= deadline.getTime() && missing.length > 0) {
    due.push({
      ...base,
      subject: entrySubject(call.pbxCallId),
      type: policy.incompleteType,
      ...(policy.incompleteType === 'mistake' && { mistakeKind: 'unrecorded-call' as const }),
      occurredAt: deadline,
      reason: `漏记：${localTime(call.answeredAt, timezone)} 接听的来电，至 ${localTime(deadline, timezone)} 值班记录仍未填写完整（缺：${missing.map(missingFieldLabel).join('、')}）`,
      evidence: [{ at: deadline.toISOString(), what: `duty log incomplete at its deadline: ${missing.join(', ')}` }],
    });
  }

  if (entry?.majorIncident) {
    for (const [report, limitMs, madeAt, label] of [
      ['oral', policy.oralReportMs, entry.oralReportAt, '口头报告'],
      ['written', policy.writtenReportMs, entry.writtenReportAt, '书面报告'],
    ] as const) {
      const by = new Date(call.offeredAt.getTime() + limitMs);
      const late = madeAt !== null ? madeAt.getTime() > by.getTime() : now.getTime() >= by.getTime();
      if (!late) continue;
      due.push({
        ...base,
        subject: reportSubject(call.pbxCallId, report),
        type: 'mistake',
        mistakeKind: 'unreported-incident',
        occurredAt: by,
        reason: `未报告：${DUTY_LOG_LABELS.majorIncident}的${label}${lateReport(by, madeAt, timezone)}`,
        evidence: [{ at: by.toISOString(), what: `${report} report of a major incident due` }],
      });
    }
  }
  return due;
}

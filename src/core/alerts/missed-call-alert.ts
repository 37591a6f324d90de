/**
 * The live alert of a call the duty desk let ring N rings unanswered (离岗): raised once, when
 * its absence record is, for the open duty-desk and supervisor views (server-sent events) and
 * the office's webhooks. A call answered in time raises none: there is no absence. Pure.
 */
import type { DisciplineSubject, DutyAttribution } from '../discipline/discipline-model.js';
import type { OfficeId } from '../office.js';

export const MISSED_CALL_ALERT = 'missed-call';

export interface MissedCallAlert {
  kind: typeof MISSED_CALL_ALERT;
  /** The absence record's id: one alert per record, the same id on every retry and replay. */
  id: string;
  officeId: OfficeId;
  /** The PBX's id of the call. */
  callId: string;
  deskEndpoint: string | null;
  /** When the N-th ring was over (the record's moment). */
  occurredAt: Date;
  /** Who was rostered (names), the shift, and the leader on duty; empty when no one was. */
  officers: string[];
  shiftLabel: string | null;
  leader: string | null;
  /** The rules' finding, e.g. "值班台响铃3声无人接听（离岗）". */
  reason: string;
}

/** The record a live absence is, as a discipline record carries it. */
export interface AbsenceLike {
  id: string;
  officeId: OfficeId;
  type: string;
  subject: DisciplineSubject;
  deskEndpoint: string | null;
  occurredAt: Date;
  duty: DutyAttribution | null;
  officer: string | null;
  reason: string;
}

/** The alert a newly raised record makes: only an absence of a call does. */
export function missedCallAlertOf(record: AbsenceLike): MissedCallAlert | null {
  if (record.type !== 'absence' || record.subject.kind !== 'call') return null;
  const officers = record.duty?.officers.length ? record.duty.officers : record.officer ? [record.officer] : [];
  return {
    kind: MISSED_CALL_ALERT,
    id: record.id,
    officeId: record.officeId,
    callId: record.subject.id,
    deskEndpoint: record.deskEndpoint,
    occurredAt: record.occurredAt,
    officers,
    shiftLabel: record.duty?.shiftLabel ?? null,
    leader: record.duty?.leader ?? null,
    reason: record.reason,
  };
}

/** Discipline records (离岗 absence / 失误 mistake) as the rules raise them. */
import type { TimelineEntry } from '../call/call-model.js';
import type { OfficeId } from '../office.js';

export const DISCIPLINE_TYPES = ['absence', 'mistake'] as const; // 离岗 / 失误
export type DisciplineType = (typeof DISCIPLINE_TYPES)[number];

export const DISCIPLINE_STATUSES = ['open', 'confirmed', 'waived'] as const;
export type DisciplineStatus = (typeof DISCIPLINE_STATUSES)[number];

/**
 * What a record is about. A call's absence is about the call (its PBX call id); a missed hand-over,
 * an incomplete duty log or a failed spot check have no call of their own.
 */
export const SUBJECT_KINDS = ['call', 'shift', 'duty-log-entry', 'spot-check', 'hand-over'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface DisciplineSubject {
  kind: SubjectKind;
  /** Unique within the office for its kind: for a call, its PBX call id. */
  id: string;
}

export interface DisciplineInput {
  officeId: OfficeId;
  /** With officeId and type it makes the record unique: one record of a type per subject. */
  subject: DisciplineSubject;
  type: DisciplineType;
  /** Who is accountable: the rostered officer when a roster is known; null until the roster lands (nothing supplies one yet). */
  officer: string | null;
  deskEndpoint: string | null;
  occurredAt: Date;
  reason: string; // e.g. "desk rang 3 rings without answer"
  evidence: TimelineEntry[];
}

/** The subject of a call's records. */
export const callSubject = (pbxCallId: string): DisciplineSubject => ({ kind: 'call', id: pbxCallId });

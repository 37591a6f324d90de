/** Discipline records (离岗 absence / 失误 mistake) as the rules raise them. */
import type { TimelineEntry } from '../call/call-model.js';
import type { OfficeId } from '../office.js';

export const DISCIPLINE_TYPES = ['absence', 'mistake'] as const; // 离岗 / 失误
export type DisciplineType = (typeof DISCIPLINE_TYPES)[number];

/** open until a supervisor confirms or waives it (the lifecycle: ./record-lifecycle.ts). */
export const DISCIPLINE_STATUSES = ['open', 'confirmed', 'waived'] as const;
export type DisciplineStatus = (typeof DISCIPLINE_STATUSES)[number];

/**
 * What kind of mistake (失误) a record of type 'mistake' is, as the seeds name them; stored as these
 * stable codes, shown with the labels below.
 * - unrecorded-call 漏记: a call not written in the duty log (000 §二.2 — which counts it as 离岗);
 * - hand-over 交接不到位: a hand-over not done properly (000 §二.2, 000 §四; 002 §二(三));
 * - unreported-incident 未报告: a major incident not reported to the leaders (000 §二.2; 001 第十四条);
 * - late-or-early 迟到早退: late at or early off the post (000 §二.1; 002 §二(三));
 * - other 其他: any other failing the seeds "记失误" (000 §二.1, §二.2: e.g. a security incident).
 */
export const MISTAKE_KINDS = ['unrecorded-call', 'hand-over', 'unreported-incident', 'late-or-early', 'other'] as const;
export type MistakeKind = (typeof MISTAKE_KINDS)[number];

export const MISTAKE_KIND_LABELS: Readonly<Record<MistakeKind, string>> = {
  'unrecorded-call': '漏记',
  'hand-over': '交接不到位',
  'unreported-incident': '未报告',
  'late-or-early': '迟到早退',
  other: '其他',
};

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
  /** The kind of a mistake (type 'mistake'); absent or null for an absence, and for a mistake the rules raise without one. */
  mistakeKind?: MistakeKind | null;
  /** Who is accountable, by name (several: joined with 、): the rostered officer(s), or the one a supervisor named; null when nobody is known. */
  officer: string | null;
  /** Who the approved roster held accountable when it happened; null when the record was not attributed by the roster (raised by hand without a shift). */
  duty?: DutyAttribution | null;
  deskEndpoint: string | null;
  occurredAt: Date;
  /** Why it was raised: the rules' finding (e.g. "值班台响铃3声无人接听（离岗）"), in Chinese as the console shows it, or the supervisor's text. */
  reason: string;
  evidence: TimelineEntry[];
}

/** The subject of a call's records. */
export const callSubject = (pbxCallId: string): DisciplineSubject => ({ kind: 'call', id: pbxCallId });

/**
 * Attribution (DOMAIN.md "who is on duty"): the shift of the approved roster at the moment the
 * record is about, its duty officer(s) after approved swaps, and its leader on duty (带班领导).
 * `shiftId` null: no one was rostered at that desk then — recorded still, and reported as a gap.
 */
export interface DutyAttribution {
  shiftId: string | null;
  /** The shift as people read it: "2026-12-02 08:30–17:30 desk-1"; null when no one was rostered. */
  shiftLabel: string | null;
  officerIds: string[];
  officers: string[];
  leaderId: string | null;
  leader: string | null;
}

export const NOBODY_ROSTERED: DutyAttribution = { shiftId: null, shiftLabel: null, officerIds: [], officers: [], leaderId: null, leader: null };

/** The officer names of an attribution as the record's `officer` (null when no one was rostered). */
export const officerNames = (duty: DutyAttribution): string | null => (duty.officers.length > 0 ? duty.officers.join('、') : null);

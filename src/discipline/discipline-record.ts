import type { TimelineEntry } from '../calls/call-record.js';

export const DISCIPLINE_TYPES = ['absence', 'mistake'] as const; // 离岗 / 失误
export type DisciplineType = (typeof DISCIPLINE_TYPES)[number];

export const DISCIPLINE_STATUSES = ['open', 'confirmed', 'waived'] as const;
export type DisciplineStatus = (typeof DISCIPLINE_STATUSES)[number];

export interface DisciplineInput {
  type: DisciplineType;
  /** The call this record is about; with type it makes the record unique. */
  pbxCallId: string;
  /** Who is accountable: the rostered officer when a roster is known, else null. */
  officer: string | null;
  deskEndpoint: string | null;
  occurredAt: Date;
  reason: string; // e.g. "desk rang 3 rings without answer"
  evidence: TimelineEntry[];
}

export interface DisciplineRecord extends DisciplineInput {
  id: string;
  status: DisciplineStatus;
  createdAt: Date;
}

export interface DisciplineQuery {
  from?: Date; // occurredAt >= from
  to?: Date; // occurredAt < to
  type?: DisciplineType;
  status?: DisciplineStatus;
  limit: number;
  offset: number;
}

import type { TimeRange } from '../core/time-range.js';
import type { DisciplineInput, DutyAttribution, DisciplineStatus, DisciplineType, MistakeKind } from '../core/discipline/discipline-model.js';
import type { RecordEvent } from '../core/discipline/record-lifecycle.js';
import type { OfficeId } from '../core/office.js';

export interface DisciplineRecord extends Omit<DisciplineInput, 'mistakeKind' | 'duty'> {
  duty: DutyAttribution | null;
  id: string;
  /** The kind of a mistake; null for an absence and for a mistake raised without one. */
  mistakeKind: MistakeKind | null;
  /** open until decided; the last decision of its history. */
  status: DisciplineStatus;
  createdAt: Date;
}

/** An entry of a record's history as stored: its place in it (1, 2, …) and the event. */
export interface RecordHistoryEntry extends RecordEvent {
  seq: number;
}

/** A record with its whole history, oldest first. */
export interface DisciplineRecordWithHistory extends DisciplineRecord {
  history: RecordHistoryEntry[];
}

export interface DisciplineQuery {
  officeId?: OfficeId;
  from?: Date; // occurredAt >= from
  to?: Date; // occurredAt < to
  /** true: only records attributed to no one, the roster having no one on that desk then (a gap of the roster); false: only the others. */
  noOneRostered?: boolean;
  /** When given, occurredAt must also fall in one of these (a duty officer's shifts); none: nothing matches. */
  within?: readonly TimeRange[];
  type?: DisciplineType;
  status?: DisciplineStatus;
  limit: number;
  offset: number;
}

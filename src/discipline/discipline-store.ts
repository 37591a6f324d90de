import type { DisciplineQuery, DisciplineRecord, DisciplineRecordWithHistory } from './discipline-record.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';
import type { OfficeId } from '../core/office.js';
import type { TallyRecord } from '../core/tally/monthly-tally.js';
import type { LifecycleError, RecordEvent, ReviewAction } from '../core/discipline/record-lifecycle.js';

/** What review() did: the record with its history after the change, or why it refused (then nothing changed: the record as it is). */
export type ReviewOutcome = { ok: true; record: DisciplineRecordWithHistory } | { ok: false; error: LifecycleError; record: DisciplineRecordWithHistory };

/**
 * Discipline records and their history. The history is append-only: every change of a record
 * (raised, objected, confirmed, waived, evidence completed) adds one event, in the same
 * transaction as the change; nothing is deleted, no event is altered.
 */
export interface DisciplineStore {
  /**
   * The rules' write: create the record unless one of the same type already exists for its subject (in its office); never duplicates.
   * For an existing record only the evidence can change: a longer one (the call seen further, up
   * to how it ended) replaces it; everything else stays as first recorded. A created record gets
   * its 'raised' event (by duty-hotline, actor null), a longer evidence an 'evidence-completed' one.
   */
  recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }>;
  /** recordOnce for many (a rebuild's batch): the new ones in one transaction, the rest each as recordOnce does. Returns how many were new. */
  recordMany(inputs: readonly DisciplineInput[]): Promise<number>;
  /**
   * A record raised by hand, with the 'raised' event given (its actor, time and text), unless its
   * subject already has a record of its type: then nothing is written and that one is returned
   * (created false).
   */
  raise(input: DisciplineInput, raised: RecordEvent): Promise<{ record: DisciplineRecordWithHistory; created: boolean }>;
  /** One record with its history (oldest first); null for an unknown or malformed id. */
  get(id: string): Promise<DisciplineRecordWithHistory | null>;
  /**
   * Applies the lifecycle's transition (core review()) to the record as it is when no other change
   * can come between: the status change and its event together, or nothing. null for an unknown
   * or malformed id.
   */
  review(id: string, action: ReviewAction, actor: string, at: Date): Promise<ReviewOutcome | null>;
  list(query: DisciplineQuery): Promise<DisciplineRecord[]>;
  /** A report's read: one office's records that occurred in [from, to), every one in one go, few columns, oldest first (then id). */
  listForTally(query: { officeId: OfficeId; from: Date; to: Date }): Promise<TallyRecord[]>;
}

/** Whether `input` carries more evidence than the stored `record` (evidence only grows). */
export function extendsEvidence(input: DisciplineInput, record: DisciplineRecord): boolean {
  return input.evidence.length > record.evidence.length;
}

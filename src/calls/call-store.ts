import type { CallQuery, CallRecord, CallSnapshot } from './call-record.js';

/** Persistence of call-log entries. Writes are idempotent: one row per pbxCallId whatever repeats. */
export interface CallStore {
  /** Insert or update the entry for snapshot.pbxCallId. Never creates a second row for the same call. */
  save(snapshot: CallSnapshot): Promise<CallRecord>;
  get(id: string): Promise<CallRecord | null>;
  list(query: CallQuery): Promise<CallRecord[]>;
  /** Every entry not ended yet (endedAt null), oldest offeredAt first (then id). */
  listOpen(): Promise<CallRecord[]>;
}

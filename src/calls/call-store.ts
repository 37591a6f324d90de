import type { CallQuery, CallRecord } from './call-record.js';
import type { CallSnapshot } from '../core/call/call-model.js';
import type { OfficeId } from '../core/office.js';

/** Persistence of call-log entries. Writes are idempotent: one row per (officeId, pbxCallId) whatever repeats. */
export interface CallStore {
  /** Insert or update the entry for (snapshot.officeId, snapshot.pbxCallId). Never creates a second row for the same call. */
  save(snapshot: CallSnapshot): Promise<CallRecord>;
  get(id: string): Promise<CallRecord | null>;
  list(query: CallQuery): Promise<CallRecord[]>;
  /** The office's entries not ended yet (endedAt null), oldest offeredAt first (then id). */
  listOpen(officeId: OfficeId): Promise<CallRecord[]>;
}

import type { CallQuery, CallRecord } from './call-record.js';
import type { CallDirection, CallOutcome, CallSnapshot } from '../core/call/call-model.js';
import type { OfficeId } from '../core/office.js';

/** A call query without paging: what listAfter walks through, page by page. */
export type CallFilter = Omit<CallQuery, 'limit' | 'offset'>;

/** Where a keyset page starts: after this entry, in list order (offeredAt desc, then id desc). */
export interface CallCursor {
  offeredAt: Date;
  id: string;
}

/** What the office's reports read of a call (the tally's TallyCall, the missed-call report's ReportCall): no timeline, no officer fields. */
export type ReportCallRow = Pick<CallRecord, 'id' | 'pbxCallId' | 'direction' | 'offeredAt' | 'deskEndpoint' | 'answeredAt' | 'outcome' | 'ringCount'>;

/** An entry as an export writes it: the call without its timeline and the officer-completed text. */
export type ExportCallRow = Omit<CallRecord, 'timeline' | 'callerUnit' | 'content' | 'handling' | 'createdAt' | 'updatedAt'>;

/** What the monthly tally reads of a call (src/core/tally/monthly-tally.ts TallyCall). */
export type TallyCallRow = Pick<CallRecord, 'pbxCallId' | 'direction' | 'offeredAt' | 'deskEndpoint' | 'answeredAt' | 'outcome' | 'ringCount'>;

/** One office's calls offered in [from, to); of one direction and some outcomes when given (an empty list matches nothing). */
export interface ReportCallQuery {
  officeId: OfficeId;
  from: Date;
  to: Date;
  direction?: CallDirection;
  outcomes?: readonly CallOutcome[];
}

/** Persistence of call-log entries. Writes are idempotent: one row per (officeId, pbxCallId) whatever repeats. */
export interface CallStore {
  /** Insert or update the entry for (snapshot.officeId, snapshot.pbxCallId). Never creates a second row for the same call. */
  save(snapshot: CallSnapshot): Promise<CallRecord>;
  /** save() for many calls at once (a rebuild's batch): one statement per few hundred, the same result as saving each. */
  saveMany(snapshots: readonly CallSnapshot[]): Promise<void>;
  get(id: string): Promise<CallRecord | null>;
  list(query: CallQuery): Promise<CallRecord[]>;
  /**
   * Keyset paging (no OFFSET): up to `limit` entries matching `query` that come after `after` in
   * list's order (offeredAt desc, then id desc); from the first when `after` is null. Walking the
   * whole result: pass the last entry of each page until a page comes back shorter than `limit`.
   * An entry saved during a walk is seen when it sorts after the cursor (older), not when it sorts before.
   */
  listAfter(query: CallFilter, after: CallCursor | null, limit: number): Promise<ExportCallRow[]>;
  /** A report's read: every match in one go, few columns, oldest offeredAt first (then id). */
  listForReport(query: ReportCallQuery): Promise<ReportCallRow[]>;
  /** One office's inbound calls offered to a desk in [from, to), in no particular order: a month of them for the tally. */
  listForTally(query: Pick<ReportCallQuery, 'officeId' | 'from' | 'to'>): Promise<TallyCallRow[]>;
  /** The outcome stored for each of these PBX call ids of the office that has a row (the others are absent). */
  outcomesOf(officeId: OfficeId, pbxCallIds: readonly string[]): Promise<Map<string, CallOutcome>>;
  /** The office's entries not ended yet (endedAt null), oldest offeredAt first (then id). */
  listOpen(officeId: OfficeId): Promise<CallRecord[]>;
}

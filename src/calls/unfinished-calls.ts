/**
 * Calls an earlier run of the service saw start but never saw end. The tracker saves a
 * snapshot of each call as it goes (outcome 'in-progress', endedAt null while it is live); if
 * the service stops or crashes meanwhile, the next run's tracker does not know the call and
 * nothing would ever end its row. On every PBX (re)connection, once the PBX has listed
 * the calls it still has, the service closes the stored calls that are not ended, not
 * live in the PBX and not this process's own: endedAt = now (the PBX clock), a timeline note,
 * a decided outcome kept and an undecided one made 'interrupted'. No discipline record: how the
 * call went after the service stopped listening is unknown.
 *
 * Calls still live in the PBX but unknown to this process are left as they are: the tracker did
 * not see them start, and a partial view would overwrite what was stored, so nothing follows them
 * (src/pbx/asterisk/ami-translator.ts). A hang-up of one of their channels makes the service ask the PBX
 * again and sweep: once the call is gone, its row is closed.
 *
 * The closing snapshots go through the write queue (saveCall) like every other write, so a
 * database outage delays them and a shutdown spills them; nothing is lost.
 */
import type { CallRecord } from './call-record.js';
import { snapshotOf, type CallSnapshot, type TimelineEntry } from '../core/call/call-model.js';
import type { OfficeId } from '../core/office.js';
import type { CallStore } from './call-store.js';
import type { CallSink } from './call-tracker.js';
import { readBesideOwnCalls, type OwnCalls } from './own-calls.js';

export const END_NOT_OBSERVED = 'end not observed: the service was not listening (restart)';

/**
 * The snapshot that closes a call whose end nobody observed, at `at`: a decided outcome
 * (answered, absence, busy, …) is kept, 'in-progress' becomes 'interrupted'. Only the snapshot
 * fields are copied (not a record's id or officer fields). Pure.
 */
export function closeUnobserved(call: CallSnapshot, at: Date): CallSnapshot {
  const entry: TimelineEntry = { at: at.toISOString(), what: END_NOT_OBSERVED };
  return {
    ...snapshotOf(call),
    endedAt: at,
    outcome: call.outcome === 'in-progress' ? 'interrupted' : call.outcome,
    // Kept in time order like the rules keep it (a stable sort: equal times stay as they were).
    timeline: [...call.timeline.map((e) => ({ at: e.at, what: e.what })), entry].sort((a, b) => a.at.localeCompare(b.at)),
  };
}

export interface CloseUnfinishedOptions extends OwnCalls {
  /** The office whose calls are swept (live, own and the ids below are that office's). */
  officeId: OfficeId;
  store: Pick<CallStore, 'listOpen'>;
  sink: Pick<CallSink, 'saveCall'>;
  /** The call ids the PBX listed as live: calls it still has. */
  live: ReadonlySet<string>;
  /** The PBX clock. */
  now: () => Date;
  /** True once the service is stopping: nothing is queued then (the next start closes them). */
  stopping?: () => boolean;
}

/**
 * Closes the stored calls left unfinished by an earlier run; returns the ones queued for
 * closing. Throws when the database cannot be read (nothing is queued then).
 *
 * A call this process handles is never closed here, even one whose final save lands while the
 * database is read (the row read is then stale): such a call is tracked or has a save queued
 * when the read starts, or gets an event during it, or has a save queued when the closing
 * snapshots are queued (which, coalescing with it, would otherwise replace it).
 */
export async function closeUnfinishedCalls(opts: CloseUnfinishedOptions): Promise<CallRecord[]> {
  const { result: open, own } = await readBesideOwnCalls(opts, () => opts.store.listOpen(opts.officeId));
  if (opts.stopping?.()) return [];
  const at = opts.now();
  const closing = open.filter((call) => !opts.live.has(call.pbxCallId) && !own.has(call.pbxCallId));
  for (const call of closing) opts.sink.saveCall(closeUnobserved(call, at));
  return closing;
}

/**
 * The two ends of a spill file's life: at shutdown, what the write queue could not store is
 * written to one; at the next start, each file's writes go back into the queue and the file
 * is deleted once all of them are stored.
 */
import type { StoreLogger } from '../store-logger.js';
import type { SpillStore } from './spill-store.js';
import type { PendingWrite } from './write-kind.js';
import type { WriteQueue } from './write-queue.js';

export interface RequeuedSpills {
  /** Spill files whose writes were queued. */
  files: number;
  /** Resolves once every queued file's writes are stored and the file is deleted. */
  landed: Promise<void>;
}

/** Queues the writes of every spill file; never throws (a start must not fail on them). */
export async function requeueSpilledWrites(spill: SpillStore, writes: Pick<WriteQueue, 'requeue'>, log: StoreLogger): Promise<RequeuedSpills> {
  let files;
  try {
    files = await spill.readAll();
  } catch (err) {
    log.error({ dir: spill.dir, err: (err as Error).message }, 'cannot list spill files; writes kept there are not re-queued');
    return { files: 0, landed: Promise.resolve() };
  }
  const landed = files.map(async ({ path, writes: pending }) => {
    log.info({ file: path, writes: countByKind(pending) }, 're-queued writes left by an earlier shutdown');
    try {
      await writes.requeue(pending);
      await spill.remove(path);
      log.info({ file: path }, 'spill file stored and deleted');
    } catch (err) {
      log.error({ file: path, err: (err as Error).message }, 'spill file not deleted (its writes are re-queued at the next start; they are idempotent)');
    }
  });
  return { files: files.length, landed: Promise.all(landed).then(() => undefined) };
}

/** Keeps writes the queue could not store in a spill file; returns its path (null: nothing to keep, or writing failed). */
export async function spillUnwritten(spill: SpillStore, unwritten: readonly PendingWrite[], log: StoreLogger): Promise<string | null> {
  try {
    const path = await spill.write(unwritten);
    if (path) log.warn({ file: path, writes: countByKind(unwritten) }, 'unwritten writes kept in a spill file; the next start stores them');
    return path;
  } catch (err) {
    // The write queue has already logged their content at error level: the last copy.
    log.error({ dir: spill.dir, err: (err as Error).message }, 'cannot write the spill file; the unwritten writes are only in the log');
    return null;
  }
}

/** { call: 2, discipline: 1 }, for the log. */
function countByKind(writes: readonly PendingWrite[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { kind } of writes) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

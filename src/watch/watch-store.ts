import type { OfficeId } from '../core/office.js';
import type { WatchGap } from '../core/watch/watch-gap.js';

/**
 * The watch log: per office the service's last heartbeat, the periods it was not watching, and
 * how far the PBX's own event log was read to rebuild the calls of those periods.
 * Prisma (prisma-watch-store.ts) and memory (memory-watch-store.ts), one contract.
 */
export interface WatchStore {
  lastBeat(officeId: OfficeId): Promise<Date | null>;
  beat(officeId: OfficeId, at: Date): Promise<void>;
  /** Stores a gap (to null: still going on); returns its id. */
  addGap(gap: WatchGap): Promise<string>;
  endGap(id: string, to: Date): Promise<void>;
  /** Ends every gap of the office still open, at `to`. */
  endOpenGaps(officeId: OfficeId, to: Date): Promise<void>;
  /** The gaps overlapping [from, to), oldest first, as stored (not clipped). */
  listGaps(officeId: OfficeId, from: Date, to: Date): Promise<WatchGap[]>;
  /** How far the PBX's own log `source` was read for the office (0: never). */
  logPosition(officeId: OfficeId, source: string): Promise<number>;
  setLogPosition(officeId: OfficeId, source: string, position: number, at: Date): Promise<void>;
}

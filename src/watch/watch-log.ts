/**
 * Keeps one office's watch log: a heartbeat every heartbeatMs while the service runs (and at a
 * clean stop), the service-down gap from the last run's last heartbeat to this start, and the
 * AMI-disconnected gaps (from this start until the first connection, and from every disconnect
 * to the reconnect). Times are this host's clock. A gap is held in memory and written once it
 * has lasted MIN_RECORDED_GAP_MS (open, to null) and again when it ends; a write that fails (the
 * database down) is tried again at the next heartbeat, so nothing is lost while the process lives.
 * Because the last heartbeat can be up to heartbeatMs before a crash, the service-down gap may
 * start that much early: it errs on the side of "not watching".
 */
import type { Logger } from 'pino';
import type { OfficeId } from '../core/office.js';
import { gapsAtStart, MIN_RECORDED_GAP_MS, type WatchGap } from '../core/watch/watch-gap.js';
import type { Clock } from '../platform/clock.js';
import type { WatchStore } from './watch-store.js';

/** How many past gaps /healthz shows (the API lists them all). */
const RECENT_GAPS = 20;

interface Current {
  from: Date;
  /** Its row once written (open). */
  id: string | null;
  /** Its row is being written; should it end meanwhile, when. */
  writing: boolean;
  endedAt: Date | null;
}

export class WatchLog {
  readonly #startedAt: Date;
  #current: Current | null;
  /** Gaps that ended before they were written, and ends of written ones not stored yet. */
  readonly #toAdd: WatchGap[] = [];
  readonly #toEnd: { id: string; to: Date }[] = [];
  /** The gaps this process has seen (the service down before it, AMI lost since), newest last, the last RECENT_GAPS of them. */
  readonly #seen: WatchGap[] = [];
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #flushing: Promise<void> | undefined;

  constructor(
    readonly officeId: OfficeId,
    private readonly store: WatchStore,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly log: Pick<Logger, 'warn' | 'info'>,
  ) {
    this.#startedAt = clock.now();
    // Not connected to the PBX yet: not watching until the first connection.
    this.#current = { from: this.#startedAt, id: null, writing: false, endedAt: null };
  }

  connected(): void {
    this.#end(this.clock.now());
    void this.flush();
  }

  disconnected(): void {
    this.#current ??= { from: this.clock.now(), id: null, writing: false, endedAt: null };
  }

  /** Once the database is open: records what the start found, then beats every heartbeatMs. */
  async start(heartbeatMs: number): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    try {
      const found = gapsAtStart(this.officeId, await this.store.lastBeat(this.officeId), this.#startedAt);
      if (found.closeOpenAt) await this.store.endOpenGaps(this.officeId, found.closeOpenAt);
      if (found.serviceDown) {
        this.#toAdd.push(found.serviceDown);
        this.#remember(found.serviceDown);
        this.log.info({ office: this.officeId, from: found.serviceDown.from, to: found.serviceDown.to }, 'duty-hotline was not running: the gap is recorded');
      }
    } catch (err) {
      this.log.warn({ err, office: this.officeId }, 'could not read the last heartbeat: the time the service was down is not recorded');
    }
    await this.flush();
    this.#timer = setInterval(() => void this.flush(), heartbeatMs).unref();
  }

  /** A heartbeat, and the gap writes still due. */
  flush(): Promise<void> {
    if (!this.#started) return Promise.resolve();
    this.#flushing ??= this.#flush().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  /** The periods not watched that this process knows of, oldest first; one going on has `to` null (for /healthz). */
  recent(): WatchGap[] {
    const current = this.#current;
    const now = this.clock.now();
    const going = current && now.getTime() - current.from.getTime() >= MIN_RECORDED_GAP_MS ? [this.#gap(current.from, null, 'ami-disconnected')] : [];
    return [...this.#seen, ...going];
  }

  #remember(gap: WatchGap): void {
    this.#seen.push(gap);
    if (this.#seen.length > RECENT_GAPS) this.#seen.shift();
  }

  /** At a clean stop: an open gap ends now, and the last heartbeat is now. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#flushing;
    this.#end(this.clock.now());
    if (this.#started) await this.#flush();
  }

  /** The gap going on (if any) ends at `to`: its row is ended, or written whole, or (too short) not at all. */
  #end(to: Date): void {
    const current = this.#current;
    if (!current) return;
    this.#current = null;
    if (to.getTime() - current.from.getTime() >= MIN_RECORDED_GAP_MS) this.#remember(this.#gap(current.from, to, 'ami-disconnected'));
    if (current.id !== null) this.#toEnd.push({ id: current.id, to });
    else if (current.writing) current.endedAt = to;
    else if (to.getTime() - current.from.getTime() >= MIN_RECORDED_GAP_MS) this.#toAdd.push(this.#gap(current.from, to, 'ami-disconnected'));
  }

  async #flush(): Promise<void> {
    try {
      await this.store.beat(this.officeId, this.clock.now());
      while (this.#toAdd.length > 0) {
        await this.store.addGap(this.#toAdd[0]!);
        this.#toAdd.shift();
      }
      while (this.#toEnd.length > 0) {
        const { id, to } = this.#toEnd[0]!;
        await this.store.endGap(id, to);
        this.#toEnd.shift();
      }
      const current = this.#current;
      if (current && current.id === null && this.clock.now().getTime() - current.from.getTime() >= MIN_RECORDED_GAP_MS) {
        current.writing = true;
        try {
          current.id = await this.store.addGap(this.#gap(current.from, null, 'ami-disconnected'));
        } finally {
          current.writing = false;
          // It ended while its row was being written: end the row (or, not written, write it whole).
          if (current.endedAt) {
            const to = current.endedAt;
            if (current.id !== null) this.#toEnd.push({ id: current.id, to });
            else this.#toAdd.push(this.#gap(current.from, to, 'ami-disconnected'));
          }
        }
      }
    } catch (err) {
      this.log.warn({ err, office: this.officeId }, 'could not write the watch log; tried again at the next heartbeat');
    }
  }

  #gap(from: Date, to: Date | null, reason: WatchGap['reason']): WatchGap {
    return { officeId: this.officeId, from, to, reason };
  }
}

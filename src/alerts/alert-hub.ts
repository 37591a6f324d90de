/**
 * The live alerts of this process: each missed-call alert (src/core/alerts/missed-call-alert.ts)
 * as its absence record lands (the fact record.raised), handed to every open stream and kept for
 * a while so a stream that lost its connection catches up (Last-Event-ID) on what it missed.
 * Besides, a pulse per call stored, so the duty desk's list of calls follows them as they happen.
 *
 * An alert's stream id is `<boot>-<seq>`: a client that comes back after this process restarted
 * names another boot and is sent every alert kept (the records themselves are in the database).
 */
import { randomBytes } from 'node:crypto';
import { missedCallAlertOf, type AbsenceLike, type MissedCallAlert } from '../core/alerts/missed-call-alert.js';

/** Alerts kept for catching up: the last KEEP_ALERTS, none older than KEEP_MS. */
const KEEP_ALERTS = 500;
const KEEP_MS = 24 * 3600_000;

export interface HubAlert {
  streamId: string;
  alert: MissedCallAlert;
}

export type AlertListener = (alert: HubAlert) => void;

/** A call-log entry stored anew (logged, updated, ended): views that list calls fetch them again. */
export interface CallChange {
  id: string;
  officeId: string;
  offeredAt: Date;
}
export type CallListener = (change: CallChange) => void;

export class AlertHub {
  readonly #boot = randomBytes(4).toString('hex');
  #seq = 0;
  readonly #kept: (HubAlert & { at: number })[] = [];
  readonly #listeners = new Set<AlertListener>();
  readonly #callListeners = new Set<CallListener>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** A record landed: if it makes an alert, every listener hears it. Returns the alert, if any. */
  raised(record: AbsenceLike): MissedCallAlert | null {
    const alert = missedCallAlertOf(record);
    if (!alert) return null;
    const entry = { streamId: `${this.#boot}-${++this.#seq}`, alert, at: this.now().getTime() };
    this.#kept.push(entry);
    this.#trim();
    for (const listener of [...this.#listeners]) listener({ streamId: entry.streamId, alert });
    return alert;
  }

  /** Hears every alert from now on; returns the unsubscribe. */
  listen(listener: AlertListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** A call was stored: every call listener hears it (nothing is kept: a view that reconnects fetches its calls anyway). */
  callChanged(change: CallChange): void {
    for (const listener of [...this.#callListeners]) listener(change);
  }

  listenCalls(listener: CallListener): () => void {
    this.#callListeners.add(listener);
    return () => void this.#callListeners.delete(listener);
  }

  /** The alerts kept after the one a stream saw last (all kept when it is of another boot or unknown). */
  since(lastStreamId: string | null): HubAlert[] {
    this.#trim();
    const [boot, seq] = lastStreamId?.split('-') ?? [];
    const after = boot === this.#boot && /^\d+$/.test(seq ?? '') ? Number(seq) : 0;
    return this.#kept.filter((e) => Number(e.streamId.slice(this.#boot.length + 1)) > after).map(({ streamId, alert }) => ({ streamId, alert }));
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  #trim(): void {
    const oldest = this.now().getTime() - KEEP_MS;
    while (this.#kept.length > KEEP_ALERTS || (this.#kept[0] && this.#kept[0].at < oldest)) this.#kept.shift();
  }
}

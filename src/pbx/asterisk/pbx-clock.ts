/**
 * The PBX's clock as seen from this host. Ring deadlines are computed from Asterisk's event
 * timestamps, so they must fire when the PBX's clock (not ours) reaches them: this clock is
 * the local one shifted by the offset last seen between an event's Timestamp and its arrival.
 * Arrival latency (milliseconds on a LAN) only makes decisions a little later, never earlier,
 * and the decision grace covers it.
 */
import type { Clock } from '../../platform/clock.js';

/** Offsets that differ by less than this are the same offset (latency jitter); larger changes are logged. */
const SKEW_NOTICE_MS = 2_000;

export class PbxClock implements Clock {
  private offsetMs = 0;
  private heard: Date | undefined;

  constructor(
    private readonly local: Clock,
    private readonly onSkewChange: (offsetMs: number) => void = () => {},
  ) {}

  /** An event stamped `pbxTime` by the PBX has just arrived. */
  observe(pbxTime: Date): void {
    this.heard = pbxTime;
    const offset = pbxTime.getTime() - this.local.now().getTime();
    if (Math.abs(offset - this.offsetMs) >= SKEW_NOTICE_MS) this.onSkewChange(offset);
    this.offsetMs = offset;
  }

  /** The PBX time of the last event observed (undefined before the first). */
  lastHeard(): Date | undefined {
    return this.heard;
  }

  /** PBX time minus local time, as last observed. */
  get offset(): number {
    return this.offsetMs;
  }

  now(): Date {
    return new Date(this.local.now().getTime() + this.offsetMs);
  }

  schedule(at: Date, fn: () => void): () => void {
    return this.local.schedule(new Date(at.getTime() - this.offsetMs), fn);
  }
}

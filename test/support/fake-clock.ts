import type { Clock } from '../../src/platform/clock.js';

/** A clock tests move by hand; scheduled functions run in time order as it passes them. */
export class FakeClock implements Clock {
  private current: number;
  private readonly pending: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  schedule(at: Date, fn: () => void): () => void {
    const entry = { at: at.getTime(), fn, cancelled: false };
    this.pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Move to `to`, running everything due on the way. */
  advanceTo(to: Date): void {
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at);
      const next = this.pending[0];
      if (!next || next.at > to.getTime()) break;
      this.pending.shift();
      this.current = Math.max(this.current, next.at);
      if (!next.cancelled) next.fn();
    }
    this.current = Math.max(this.current, to.getTime());
  }

  get scheduled(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
}

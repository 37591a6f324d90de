import type { CallSnapshot } from '../core/call/call-model.js';

/** Calls that reached nobody since the service started: an alarm in /healthz. */
export class UnreachedCalls {
  count = 0;
  last: { pbxCallId: string; at: string; outcome: string; tried: string } | null = null;

  add(call: CallSnapshot, tried: string): void {
    this.count++;
    this.last = { pbxCallId: call.pbxCallId, at: (call.endedAt ?? call.offeredAt).toISOString(), outcome: call.outcome, tried };
  }

  /** A warning while the last such call is less than a day old. */
  warnings(now: Date): string[] {
    if (!this.last || now.getTime() - Date.parse(this.last.at) > 24 * 3600_000) return [];
    return [`a call to the duty line reached nobody at ${this.last.at} (${this.last.tried}); ${this.count} since the service started`];
  }
}

/**
 * Keeps the live state of each call, feeds events through the pure rules and carries out
 * their effects: writes go to the sink (the write queue), wake-ups to the clock.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { CallEvent } from '../core/call-events.js';
import { step, type CallState, type CoreEvent, type RulesContext } from '../core/call-rules.js';
import type { DisciplineInput } from '../discipline/discipline-record.js';
import type { CallSnapshot } from './call-record.js';

export interface CallSink {
  saveCall(call: CallSnapshot): void;
  recordDiscipline(record: DisciplineInput): void;
}

export interface CallTrackerOptions {
  rules: RulesContext;
  sink: CallSink;
  clock: Clock;
  logger: Logger;
  /**
   * How long after a deadline to decide it, so that PBX events stamped just before it
   * (still in flight) are applied first. The decision itself uses PBX timestamps.
   */
  decisionGraceMs: number;
}

interface LiveCall {
  state: CallState | undefined;
  log: Logger;
  timers: Array<() => void>;
}

export class CallTracker {
  private readonly calls = new Map<string, LiveCall>();
  private readonly watchers = new Set<Set<string>>();

  constructor(private readonly opts: CallTrackerOptions) {}

  get activeCalls(): number {
    return this.calls.size;
  }

  handle(event: CallEvent): void {
    this.feed(event);
  }

  /** The calls being tracked (live as far as this process knows). */
  callIds(): string[] {
    return [...this.calls.keys()];
  }

  /**
   * Starts collecting the ids of calls that get an event (PBX event, wake-up or end) from now on;
   * the returned function stops and gives them. For work that reads the database meanwhile and
   * must not act on calls this process has just handled.
   */
  watch(): () => ReadonlySet<string> {
    const seen = new Set<string>();
    this.watchers.add(seen);
    return () => {
      this.watchers.delete(seen);
      return seen;
    };
  }

  /** End calls the PBX no longer has (their Hangup was missed, e.g. while AMI was down). */
  endMissing(liveCallIds: ReadonlySet<string>): string[] {
    const gone = [...this.calls.keys()].filter((id) => !liveCallIds.has(id));
    const at = this.opts.clock.now();
    for (const callId of gone) this.feed({ kind: 'CallEnded', callId, at, cause: 'gone from the PBX while the service was disconnected' });
    return gone;
  }

  close(): void {
    for (const call of this.calls.values()) call.timers.forEach((cancel) => cancel());
    this.calls.clear();
  }

  private feed(event: CoreEvent): void {
    for (const seen of this.watchers) seen.add(event.callId);
    const live = this.calls.get(event.callId) ?? this.open(event.callId);
    const { state, effects } = step(live.state, event, this.opts.rules);
    live.state = state;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'save':
          this.opts.sink.saveCall(effect.call);
          break;
        case 'record':
          if (!effect.completed) live.log.warn({ record: effect.record.type, reason: effect.record.reason, officer: effect.record.officer }, 'discipline record');
          this.opts.sink.recordDiscipline(effect.record);
          break;
        case 'wake': {
          const wakeAt = effect.at;
          const fireAt = new Date(wakeAt.getTime() + this.opts.decisionGraceMs);
          live.timers.push(this.opts.clock.schedule(fireAt, () => this.feed({ kind: 'Wake', callId: effect.callId, at: wakeAt })));
          break;
        }
        case 'closed':
          live.log.info({ outcome: state.call.outcome, ringCount: state.call.ringCount }, 'call closed');
          live.timers.forEach((cancel) => cancel());
          this.calls.delete(effect.callId);
          break;
      }
    }
  }

  private open(callId: string): LiveCall {
    const live: LiveCall = { state: undefined, log: this.opts.logger.child({ callId }), timers: [] };
    this.calls.set(callId, live);
    return live;
  }
}

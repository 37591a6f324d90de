/**
 * Keeps the live state of each call, feeds events through the pure rules and carries out
 * their effects: writes go to the sink (the write queue), wake-ups to the clock.
 *
 * A ring deadline is decided only once the PBX has vouched for it: when the timer fires, the
 * tracker asks the PBX for its time (pbx.time()). The answer comes on the same
 * ordered stream as the events, so when it says the PBX's clock is past the deadline, every
 * event stamped before it (an answer at the last moment) has been handled. A PBX that cannot
 * be asked (disconnected, silent) decides nothing: the call ends as lost at the last moment the
 * PBX was heard from (PbxLost), and no ring is counted past it.
 */
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import type { CallEvent } from '../core/call/call-events.js';
import { describeAttempts, step, type CallState, type CoreEvent, type LegAttempt, type RulesContext } from '../core/call/call-rules.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';
import type { CallSnapshot } from '../core/call/call-model.js';

export interface CallSink {
  saveCall(call: CallSnapshot): void;
  /** `completed`: the same record again, its evidence now running to the call's end. */
  recordDiscipline(record: DisciplineInput, completed?: boolean): void;
}

/** What the tracker needs of the PBX to decide a deadline. */
export interface PbxWitness {
  /** The PBX's clock now; resolves after every event it sent before answering was delivered. Rejects when it cannot be asked. */
  time(): Promise<Date>;
  /** The PBX time of the last event heard from it (undefined before the first). */
  lastHeard(): Date | undefined;
}

export interface CallTrackerOptions {
  rules: RulesContext;
  sink: CallSink;
  clock: Clock;
  pbx: PbxWitness;
  logger: Logger;
  /**
   * How long after a deadline (on the PBX clock) to ask the PBX whether it has passed. The
   * answer is the barrier; this only spares asking while events stamped before the deadline
   * may still be inside the PBX's own event pipeline. The decision itself uses PBX timestamps.
   */
  decisionGraceMs: number;
  /** A call ended because the PBX could not be heard: its later events, if any, must not start it again. */
  onLost?: (callId: string) => void;
  /** A call ended with nobody answering while the caller was on the line (logged at error level too). */
  onUnreached?: (call: CallSnapshot, attempts: readonly LegAttempt[]) => void;
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

  /**
   * The PBX cannot be heard any more (AMI connection lost): nothing can be known of the live
   * calls from here on, so each ends at the last moment the PBX was heard from. Returns their ids.
   */
  pbxLost(reason: string): string[] {
    const ids = [...this.calls.keys()];
    for (const callId of ids) this.lose(callId, reason);
    return ids;
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
          this.opts.sink.recordDiscipline(effect.record, effect.completed === true);
          break;
        case 'wake':
          this.wakeAt(live, effect.callId, effect.at, new Date(effect.at.getTime() + this.opts.decisionGraceMs));
          break;
        case 'unreached':
          live.log.error(
            { outcome: effect.call.outcome, tried: describeAttempts(effect.attempts), caller: effect.call.callerNumber },
            'a call to the duty line reached nobody: no phone answered while the caller was on the line',
          );
          this.opts.onUnreached?.(effect.call, effect.attempts);
          break;
        case 'closed':
          live.log.info({ outcome: state.call.outcome, ringCount: state.call.ringCount }, 'call closed');
          live.timers.forEach((cancel) => cancel());
          this.calls.delete(effect.callId);
          break;
      }
    }
  }

  /** At `fireAt` (local clock), ask the PBX whether `deadline` has passed on its clock; decide it once it has. */
  private wakeAt(live: LiveCall, callId: string, deadline: Date, fireAt: Date): void {
    live.timers.push(
      this.opts.clock.schedule(fireAt, () => {
        this.opts.pbx.time().then(
          (pbxNow) => {
            if (this.calls.get(callId) !== live) return;
            if (pbxNow.getTime() >= deadline.getTime()) this.feed({ kind: 'Wake', callId, at: deadline });
            else this.wakeAt(live, callId, deadline, new Date(this.opts.clock.now().getTime() + (deadline.getTime() - pbxNow.getTime())));
          },
          (err: Error) => {
            if (this.calls.get(callId) === live) this.lose(callId, `the PBX did not answer at a ring deadline (${err.message})`);
          },
        );
      }),
    );
  }

  private lose(callId: string, reason: string): void {
    this.feed({ kind: 'PbxLost', callId, at: this.opts.pbx.lastHeard() ?? new Date(0), reason });
    this.opts.onLost?.(callId);
  }

  private open(callId: string): LiveCall {
    const live: LiveCall = { state: undefined, log: this.opts.logger.child({ callId }), timers: [] };
    this.calls.set(callId, live);
    return live;
  }
}

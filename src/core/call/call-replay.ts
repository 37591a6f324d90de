/**
 * A whole call at once through the same rules as a live one (call-rules.ts `step`): for a call
 * read back from the PBX's own event log after the fact. Live, a ring deadline is decided when the
 * PBX vouches that its clock has passed it; here the log is complete up to the call's end, so a
 * deadline is passed once an event stamped at or after it is next (at the same instant, the
 * deadline first: an answer at the last moment is not before the N-th ring was over). Pure.
 */
import type { CallEvent } from './call-events.js';
import { step, type CallState, type Effect, type RulesContext } from './call-rules.js';

export interface ReplayedCall {
  /** The state after the last event (ended once the log held the call's end). */
  state: CallState | undefined;
  /** Every effect but the wake-ups, in order: the saves (the last is the call as it ended) and the records. */
  effects: Exclude<Effect, { kind: 'wake' }>[];
}

export function replayCall(events: readonly CallEvent[], ctx: RulesContext): ReplayedCall {
  let state: CallState | undefined;
  const effects: ReplayedCall['effects'] = [];
  const wakes: Date[] = [];
  const apply = (event: Parameters<typeof step>[1]) => {
    const result = step(state, event, ctx);
    state = result.state;
    for (const effect of result.effects) {
      if (effect.kind !== 'wake') effects.push(effect);
      else if (!wakes.some((w) => w.getTime() === effect.at.getTime())) {
        wakes.push(effect.at);
        wakes.sort((a, b) => a.getTime() - b.getTime());
      }
    }
  };
  for (const event of events) {
    while (wakes.length > 0 && wakes[0]!.getTime() <= event.at.getTime() && !state?.ended) apply({ kind: 'Wake', callId: event.callId, at: wakes.shift()! });
    if (state?.ended) break;
    apply(event);
  }
  return { state, effects };
}

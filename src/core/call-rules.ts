/**
 * The per-call duty rules as a pure function of (state, event): no clock, no I/O.
 * The tracker feeds PBX events in, plus a Wake event at each deadline it was asked for,
 * and carries out the effects (save the log entry, record the absence, set a timer).
 *
 * Classification (DOMAIN.md, "The phone"):
 * - answered     the desk answered before the N-th ring was over (ringCount = ring it answered in)
 * - absence      the desk rang N rings without answer (离岗), decided at that moment, whatever happens next;
 *                the record is made then, and its evidence completed when the call ends (how it ended)
 * - abandoned    the caller hung up before the N-th ring was over: not an absence
 * - busy / unreachable / unanswered (the PBX gave up before N rings) / bureau / no-desk
 */
import type { CallEvent, LegRef } from './call-events.js';
import type { CallOutcome, CallSnapshot, TimelineEntry } from '../calls/call-record.js';
import type { DisciplineInput } from '../discipline/discipline-record.js';
import { absenceDeadline, ringNumberAt, ringTimes, type RingRules } from './ring-rules.js';

/** Time passing: the tracker delivers it at a deadline the rules asked for. */
export interface WakeEvent {
  kind: 'Wake';
  callId: string;
  at: Date;
}
export type CoreEvent = CallEvent | WakeEvent;

export interface CallState {
  call: CallSnapshot;
  deskLegId: string | null;
  /** The absence recorded for this call, if any (its evidence is completed when the call ends). */
  absence: DisciplineInput | null;
  ended: boolean;
}

export type Effect =
  | { kind: 'save'; call: CallSnapshot }
  /** A discipline record; `completed`: the same record again, its evidence now running to the call's end. */
  | { kind: 'record'; record: DisciplineInput; completed?: true }
  | { kind: 'wake'; callId: string; at: Date }
  | { kind: 'closed'; callId: string };

export interface RulesContext {
  rules: RingRules;
  /** Who is rostered at a moment (attribution); null when no roster is known. */
  officerAt?: (at: Date) => string | null;
}

export interface StepResult {
  state: CallState;
  effects: Effect[];
}

export function newCallState(callId: string, at: Date): CallState {
  return {
    call: {
      pbxCallId: callId,
      callerNumber: null,
      callerName: null,
      dialed: null,
      offeredAt: at,
      deskEndpoint: null,
      deskRingingAt: null,
      answeredAt: null,
      answeredBy: null,
      ringCount: null,
      endedAt: null,
      outcome: 'in-progress',
      timeline: [],
    },
    deskLegId: null,
    absence: null,
    ended: false,
  };
}

/** Apply one event. `state` is undefined for a call not seen before (it starts at the event). */
export function step(prev: CallState | undefined, event: CoreEvent, ctx: RulesContext): StepResult {
  const effects: Effect[] = [];
  let state = prev ?? newCallState(event.callId, event.at);
  if (state.ended) return { state, effects };

  // Time has moved to event.at: the N-th ring may be over before this event happened.
  const before = state;
  state = passDeadline(state, event.at, ctx, effects);
  const changed = state !== before || prev === undefined;

  const next = apply(state, event, ctx, effects);
  if (next !== state || changed) effects.push({ kind: 'save', call: next.call });
  if (next.ended) effects.push({ kind: 'closed', callId: next.call.pbxCallId });
  return { state: next, effects };
}

function apply(state: CallState, event: CoreEvent, ctx: RulesContext, effects: Effect[]): CallState {
  const { rules } = ctx;
  switch (event.kind) {
    case 'Wake':
      return state;
    case 'CallOffered':
      return withCall(state, {
        callerNumber: event.callerNumber,
        callerName: event.callerName,
        dialed: event.dialed,
        offeredAt: event.at,
        timeline: note(state, event.at, `offered by ${event.callerNumber ?? 'unknown caller'}`),
      });
    case 'LegDialed':
      if (event.role === 'desk' && state.deskLegId === null) {
        return {
          ...withCall(state, { deskEndpoint: event.endpoint, timeline: note(state, event.at, `desk phone ${event.endpoint} dialled`) }),
          deskLegId: event.legId,
        };
      }
      return withCall(state, { timeline: note(state, event.at, `${event.role} phone ${event.endpoint} dialled`) });
    case 'LegRinging': {
      if (!isDesk(state, event) || state.call.deskRingingAt !== null) return state;
      effects.push({ kind: 'wake', callId: state.call.pbxCallId, at: absenceDeadline(rules, event.at) });
      return withCall(state, { deskRingingAt: event.at, timeline: note(state, event.at, `desk phone ${event.endpoint} ringing`) });
    }
    case 'LegAnswered': {
      if (state.call.answeredAt !== null) return state;
      const desk = isDesk(state, event);
      const ringCount = desk && state.call.deskRingingAt ? ringNumberAt(rules, state.call.deskRingingAt, event.at) : state.call.ringCount;
      const outcome: CallOutcome = resolved(state)
        ? state.call.outcome
        : desk
          ? 'answered'
          : event.role === 'bureau'
            ? 'bureau'
            : 'answered';
      const rings = desk ? ringEntries(state, ctx, ringCount ?? 0) : [];
      return withCall(state, {
        answeredAt: event.at,
        answeredBy: event.endpoint,
        ringCount,
        outcome,
        timeline: note(state, event.at, `answered by ${event.role} phone ${event.endpoint}`, rings),
      });
    }
    case 'LegBusy':
      return deskResult(state, ctx, event, 'busy', `${event.role} phone ${event.endpoint} busy`);
    case 'LegUnreachable':
      return deskResult(state, ctx, event, 'unreachable', `${event.role} phone ${event.endpoint} unreachable (${event.reason})`);
    case 'LegNoAnswer': {
      if (!isDesk(state, event)) return withCall(state, { timeline: note(state, event.at, `${event.role} phone ${event.endpoint} not answered`) });
      const rung = state.call.deskRingingAt ? ringNumberAt(rules, state.call.deskRingingAt, event.at) : 0;
      return deskResult(state, ctx, event, 'unanswered', `PBX stopped ringing desk phone ${event.endpoint} after ${rung} ring(s)`, rung);
    }
    case 'CallerHungUp': {
      if (resolved(state)) return withCall(state, { timeline: note(state, event.at, 'caller hung up') });
      const rung = state.call.deskRingingAt ? ringNumberAt(rules, state.call.deskRingingAt, event.at) : 0;
      return withCall(state, {
        outcome: 'abandoned',
        ringCount: rung,
        timeline: note(state, event.at, `caller hung up during ring ${rung}`, ringEntries(state, ctx, rung)),
      });
    }
    case 'CallEnded': {
      const outcome: CallOutcome = resolved(state) ? state.call.outcome : state.deskLegId === null ? 'no-desk' : 'unanswered';
      const ended: CallState = {
        ...withCall(state, { endedAt: event.at, outcome, timeline: note(state, event.at, `call ended${event.cause ? ` (${event.cause})` : ''}`) }),
        ended: true,
      };
      // The same record again, its evidence now running to the end of the call (stores keep the longer).
      if (state.absence) effects.push({ kind: 'record', record: { ...state.absence, evidence: ended.call.timeline }, completed: true });
      return ended;
    }
  }
}

/** If the N-th desk ring is over by `now` and nobody answered, the absence is decided here. */
function passDeadline(state: CallState, now: Date, ctx: RulesContext, effects: Effect[]): CallState {
  const since = state.call.deskRingingAt;
  if (since === null || state.absence || resolved(state)) return state;
  const deadline = absenceDeadline(ctx.rules, since);
  if (now.getTime() < deadline.getTime()) return state;

  const threshold = ctx.rules.threshold;
  const decided = withCall(state, {
    outcome: 'absence',
    ringCount: threshold,
    timeline: note(state, deadline, `desk rang ${threshold} rings without answer: absence`, ringEntries(state, ctx, threshold)),
  });
  const absence: DisciplineInput = {
    type: 'absence',
    pbxCallId: state.call.pbxCallId,
    officer: ctx.officerAt?.(deadline) ?? null,
    deskEndpoint: state.call.deskEndpoint,
    occurredAt: deadline,
    reason: `desk rang ${threshold} rings without answer`,
    evidence: decided.call.timeline,
  };
  effects.push({ kind: 'record', record: absence });
  return { ...decided, absence };
}

function resolved(state: CallState): boolean {
  return state.call.outcome !== 'in-progress';
}

function isDesk(state: CallState, leg: LegRef): boolean {
  return leg.role === 'desk' && (state.deskLegId === null || state.deskLegId === leg.legId);
}

function deskResult(
  state: CallState,
  ctx: RulesContext,
  leg: LegRef & { at: Date },
  outcome: CallOutcome,
  what: string,
  ringCount?: number,
): CallState {
  if (!isDesk(state, leg) || resolved(state)) return withCall(state, { timeline: note(state, leg.at, what) });
  const rings = ringCount === undefined ? [] : ringEntries(state, ctx, ringCount);
  return withCall(state, {
    outcome,
    ringCount: ringCount ?? state.call.ringCount,
    timeline: note(state, leg.at, what, rings),
  });
}

/** Ring entries for the evidence, computed from the first Ringing and the cadence. */
function ringEntries(state: CallState, ctx: RulesContext, count: number): TimelineEntry[] {
  const since = state.call.deskRingingAt;
  if (since === null || count <= 0) return [];
  return ringTimes(ctx.rules, since, count).map((t, i) => ({ at: t.toISOString(), what: `desk ring ${i + 1}` }));
}

function note(state: CallState, at: Date, what: string, extra: TimelineEntry[] = []): TimelineEntry[] {
  const known = new Set(state.call.timeline.map((e) => `${e.at} ${e.what}`));
  const fresh = [...extra, { at: at.toISOString(), what }].filter((e) => !known.has(`${e.at} ${e.what}`));
  return [...state.call.timeline, ...fresh].sort((a, b) => a.at.localeCompare(b.at));
}

function withCall(state: CallState, patch: Partial<CallSnapshot>): CallState {
  return { ...state, call: { ...state.call, ...patch } };
}

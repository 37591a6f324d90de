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
 * - busy / unreachable / unanswered (the desk rang; the PBX gave up before N rings) /
 *   not-responding (the desk never signalled ringing) / bureau / no-one-reachable / no-desk
 * - interrupted  the PBX failed (PbxLost) before the call was decided: rings are counted only up to
 *                the last moment the PBX vouched for, so no absence is decided for rings nobody saw
 *
 * Separately from the outcome, a call that ended with nobody answering while the caller was still
 * on the line has reachedNobody set: an alarm (an 'unreached' effect), whatever happened at the desk.
 *
 * All of the above is for inbound calls, calls to the duty line. A call an office phone placed
 * (outbound: desk → bureau, desk → leader) or the service placed (originated: a spot check, a
 * hand-over call) is logged as what it is: its outcome says how the phone called took it
 * (answered, busy, unreachable, unanswered, not-responding, no-desk when no phone was called,
 * interrupted), with no ring deadline, no discipline record, and never reachedNobody, whatever
 * roles the phones have.
 */
import type { CallEvent, LegRef } from './call-events.js';
import type { CallOutcome, CallSnapshot, TimelineEntry } from './call-model.js';
import { callSubject, officerNames, type DisciplineInput, type DutyAttribution } from '../discipline/discipline-model.js';
import type { OfficeId } from '../office.js';
import { absenceDeadline, ringNumberAt, ringTimes, type RingRules } from './ring-rules.js';

/** Time passing: the tracker delivers it at a deadline the rules asked for. */
export interface WakeEvent {
  kind: 'Wake';
  callId: string;
  at: Date;
}
/**
 * The PBX can no longer be heard (AMI connection lost, or it did not answer a ping at a deadline).
 * `at` is the last moment the PBX vouched for: the time of the last event it sent. Nothing after
 * it is known, so the call ends here.
 */
export interface PbxLostEvent {
  kind: 'PbxLost';
  callId: string;
  at: Date;
  reason: string;
}
export type CoreEvent = CallEvent | WakeEvent | PbxLostEvent;

/** A phone the PBX tried for this call, and how that went. */
export interface LegAttempt {
  legId: string;
  endpoint: string;
  role: LegRef['role'];
  /** 'dialled' while it is being tried; 'ringing'; then how it ended. */
  result: 'dialled' | 'ringing' | 'answered' | 'busy' | 'unreachable' | 'no answer' | 'no response';
  /** The PBX's reason for 'unreachable' (CHANUNAVAIL, CONGESTION). */
  reason?: string;
}

export interface CallState {
  call: CallSnapshot;
  deskLegId: string | null;
  /** outbound / originated: the first phone dialled, the one the call is for. */
  calledLegId: string | null;
  /** The absence recorded for this call, if any (its evidence is completed when the call ends). */
  absence: DisciplineInput | null;
  /** Every phone the PBX tried, in order. */
  attempts: LegAttempt[];
  /** The caller hung up (SIP BYE or CANCEL), as opposed to the PBX ending the call. */
  callerHungUp: boolean;
  ended: boolean;
}

export type Effect =
  | { kind: 'save'; call: CallSnapshot }
  /** A discipline record; `completed`: the same record again, its evidence now running to the call's end. */
  | { kind: 'record'; record: DisciplineInput; completed?: true }
  | { kind: 'wake'; callId: string; at: Date }
  /** The call ended with the caller on the line and no phone answering: an alarm. */
  | { kind: 'unreached'; call: CallSnapshot; attempts: LegAttempt[] }
  | { kind: 'closed'; callId: string };

export interface RulesContext {
  /** The office whose PBX the call is on: every snapshot and record carries it. */
  officeId: OfficeId;
  rules: RingRules;
  /** Who the approved roster holds accountable for the desk at a moment (attribution); absent or null: not known (records name no one). */
  dutyAt?: (desk: string | null, at: Date) => DutyAttribution | null;
}

export interface StepResult {
  state: CallState;
  effects: Effect[];
}

export function newCallState(officeId: OfficeId, callId: string, at: Date): CallState {
  return {
    call: {
      officeId,
      pbxCallId: callId,
      direction: 'inbound',
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
      reachedNobody: false,
      timeline: [],
    },
    deskLegId: null,
    calledLegId: null,
    absence: null,
    attempts: [],
    callerHungUp: false,
    ended: false,
  };
}

/** Apply one event. `state` is undefined for a call not seen before (it starts at the event). */
export function step(prev: CallState | undefined, event: CoreEvent, ctx: RulesContext): StepResult {
  const effects: Effect[] = [];
  let state = prev ?? newCallState(ctx.officeId, event.callId, event.at);
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
    case 'PbxLost':
      return pbxLost(state, event, effects);
    case 'CallOffered':
      return withCall(state, {
        direction: event.direction,
        callerNumber: event.callerNumber,
        callerName: event.callerName,
        dialed: event.dialed,
        offeredAt: event.at,
        timeline: note(state, event.at, offeredNote(event)),
      });
  }
  if (state.call.direction !== 'inbound') return applyPlaced(state, event, ctx, effects);
  switch (event.kind) {
    case 'LegDialed': {
      const tried = attempted(state, event, 'dialled');
      if (event.role === 'desk' && state.deskLegId === null) {
        return {
          ...withCall(tried, { deskEndpoint: event.endpoint, timeline: note(state, event.at, `desk phone ${event.endpoint} dialled`) }),
          deskLegId: event.legId,
        };
      }
      return withCall(tried, { timeline: note(state, event.at, `${event.role} phone ${event.endpoint} dialled`) });
    }
    case 'LegRinging': {
      const tried = attempted(state, event, 'ringing');
      if (!isDesk(state, event) || state.call.deskRingingAt !== null) return tried;
      effects.push({ kind: 'wake', callId: state.call.pbxCallId, at: absenceDeadline(rules, event.at) });
      return withCall(tried, { deskRingingAt: event.at, timeline: note(state, event.at, `desk phone ${event.endpoint} ringing`) });
    }
    case 'LegAnswered': {
      if (state.call.answeredAt !== null) return state;
      state = attempted(state, event, 'answered');
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
      return deskResult(attempted(state, event, 'busy'), ctx, event, 'busy', `${event.role} phone ${event.endpoint} busy`);
    case 'LegUnreachable':
      return deskResult(attempted(state, event, 'unreachable', event.reason), ctx, event, 'unreachable', `${event.role} phone ${event.endpoint} unreachable (${event.reason})`);
    case 'LegNoAnswer': {
      // A leg that never signalled ringing did not respond at all (its SIP stayed silent): no ring to count.
      const rang = state.attempts.some((a) => a.legId === event.legId && a.result === 'ringing');
      const tried = attempted(state, event, rang ? 'no answer' : 'no response');
      if (!rang) return deskResult(tried, ctx, event, 'not-responding', `${event.role} phone ${event.endpoint} did not respond (never signalled ringing) until the PBX gave up`, 0);
      if (!isDesk(state, event)) return withCall(tried, { timeline: note(state, event.at, `${event.role} phone ${event.endpoint} not answered`) });
      const rung = state.call.deskRingingAt ? ringNumberAt(rules, state.call.deskRingingAt, event.at) : 0;
      return deskResult(tried, ctx, event, 'unanswered', `PBX stopped ringing desk phone ${event.endpoint} after ${rung} ring(s)`, rung);
    }
    case 'CallerHungUp': {
      state = { ...state, callerHungUp: true };
      if (resolved(state)) return withCall(state, { timeline: note(state, event.at, 'caller hung up') });
      const rung = state.call.deskRingingAt ? ringNumberAt(rules, state.call.deskRingingAt, event.at) : 0;
      return withCall(state, {
        outcome: 'abandoned',
        ringCount: rung,
        timeline: note(state, event.at, `caller hung up during ring ${rung}`, ringEntries(state, ctx, rung)),
      });
    }
    case 'CallEnded':
      return endCall(state, event.at, `call ended${event.cause ? ` (${event.cause})` : ''}`, undecidedOutcome(state), effects);
  }
}

function offeredNote(event: Extract<CallEvent, { kind: 'CallOffered' }>): string {
  switch (event.direction) {
    case 'inbound':
      return `offered by ${event.callerNumber ?? 'unknown caller'}`;
    case 'outbound':
      return `placed by ${event.placedBy ? `${event.placedBy.role} phone ${event.placedBy.endpoint}` : (event.callerNumber ?? 'an office phone')} to ${event.dialed ?? 'unknown number'}`;
    case 'originated':
      return 'placed by duty-hotline';
  }
}

/**
 * A call an office phone or the service placed: what happened to the phone called (the first one
 * dialled), and nothing else. The desk's rings are noted (deskRingingAt, ringCount) but never
 * counted against a deadline.
 */
function applyPlaced(state: CallState, event: Exclude<CoreEvent, { kind: 'Wake' | 'PbxLost' | 'CallOffered' }>, ctx: RulesContext, effects: Effect[]): CallState {
  switch (event.kind) {
    case 'LegDialed': {
      const tried = { ...attempted(state, event, 'dialled'), calledLegId: state.calledLegId ?? event.legId };
      const desk = event.role === 'desk' && state.deskLegId === null ? { deskLegId: event.legId } : {};
      return {
        ...withCall(tried, { ...(desk.deskLegId && { deskEndpoint: event.endpoint }), timeline: note(state, event.at, `${event.role} phone ${event.endpoint} dialled`) }),
        ...desk,
      };
    }
    case 'LegRinging': {
      if (state.attempts.some((a) => a.legId === event.legId && a.result === 'ringing')) return state;
      const tried = attempted(state, event, 'ringing');
      const deskRinging = isDesk(state, event) && state.call.deskRingingAt === null ? { deskRingingAt: event.at } : {};
      return withCall(tried, { ...deskRinging, timeline: note(state, event.at, `${event.role} phone ${event.endpoint} ringing`) });
    }
    case 'LegAnswered': {
      if (state.call.answeredAt !== null) return state;
      const tried = attempted(state, event, 'answered');
      return withCall(tried, {
        answeredAt: event.at,
        answeredBy: event.endpoint,
        ringCount: placedRings(state, ctx, event, event.at) ?? state.call.ringCount,
        outcome: resolved(state) ? state.call.outcome : 'answered',
        timeline: note(state, event.at, `answered by ${event.role} phone ${event.endpoint}`),
      });
    }
    case 'LegBusy':
      return calledResult(attempted(state, event, 'busy'), event, 'busy', `${event.role} phone ${event.endpoint} busy`);
    case 'LegUnreachable':
      return calledResult(attempted(state, event, 'unreachable', event.reason), event, 'unreachable', `${event.role} phone ${event.endpoint} unreachable (${event.reason})`);
    case 'LegNoAnswer': {
      const rang = state.attempts.some((a) => a.legId === event.legId && a.result === 'ringing');
      const tried = attempted(state, event, rang ? 'no answer' : 'no response');
      if (!rang) return calledResult(tried, event, 'not-responding', `${event.role} phone ${event.endpoint} did not respond (never signalled ringing) until the PBX gave up`);
      return calledResult(tried, event, 'unanswered', `${event.role} phone ${event.endpoint} not answered`, placedRings(state, ctx, event, event.at));
    }
    case 'CallerHungUp': {
      const hungUp = { ...state, callerHungUp: true };
      const called = state.attempts.find((a) => a.legId === state.calledLegId);
      // Hung up while the phone called was still being tried: nobody answered it.
      if (resolved(state) || !called) return withCall(hungUp, { timeline: note(state, event.at, 'caller hung up') });
      return withCall(hungUp, {
        outcome: 'unanswered',
        ringCount: placedRings(state, ctx, called, event.at) ?? state.call.ringCount,
        timeline: note(state, event.at, 'caller hung up'),
      });
    }
    case 'CallEnded':
      return endCall(state, event.at, `call ended${event.cause ? ` (${event.cause})` : ''}`, state.attempts.length === 0 ? 'no-desk' : 'unanswered', effects);
  }
}

/** How the phone called took an outbound or originated call: decides the outcome once, for that phone only. */
function calledResult(state: CallState, leg: LegRef & { at: Date }, outcome: CallOutcome, what: string, ringCount?: number | null): CallState {
  const patch: Partial<CallSnapshot> = { timeline: note(state, leg.at, what) };
  if (leg.legId === state.calledLegId && !resolved(state)) {
    patch.outcome = outcome;
    if (ringCount !== undefined && ringCount !== null) patch.ringCount = ringCount;
  }
  return withCall(state, patch);
}

/** The ring the desk was in at `at`, when the leg is the desk of a placed call (other phones' rings are not timed). */
function placedRings(state: CallState, ctx: RulesContext, leg: Pick<LegRef, 'legId' | 'role'>, at: Date): number | null {
  if (!isDesk(state, leg) || state.call.deskRingingAt === null) return null;
  return ringNumberAt(ctx.rules, state.call.deskRingingAt, at);
}

/** What an undecided call was when it ended: nobody was tried, or nobody took it (the caller hung up, or an answer, decides before). */
function undecidedOutcome(state: CallState): CallOutcome {
  if (state.attempts.length === 0) return 'no-desk';
  return state.deskLegId === null ? 'no-one-reachable' : 'unanswered';
}

function endCall(state: CallState, at: Date, what: string, undecided: CallOutcome, effects: Effect[]): CallState {
  // An alarm about the duty line: a call an office phone or the service placed never raises it.
  const reachedNobody =
    state.call.direction === 'inbound' && state.call.answeredAt === null && !state.callerHungUp && state.attempts.length > 0 && undecided !== 'interrupted';
  const entries = reachedNobody ? [{ at: at.toISOString(), what: `reached nobody: ${describeAttempts(state.attempts)}` }] : [];
  const ended: CallState = {
    ...withCall(state, {
      endedAt: at,
      outcome: resolved(state) ? state.call.outcome : undecided,
      reachedNobody,
      timeline: note(state, at, what, entries),
    }),
    ended: true,
  };
  if (reachedNobody) effects.push({ kind: 'unreached', call: ended.call, attempts: ended.attempts });
  // The same record again, its evidence now running to the end of the call (stores keep the longer).
  if (state.absence) effects.push({ kind: 'record', record: { ...state.absence, evidence: ended.call.timeline }, completed: true });
  return ended;
}

/** The PBX went silent: the call ends at the last moment it vouched for; undecided, it is 'interrupted'. */
function pbxLost(state: CallState, event: PbxLostEvent, effects: Effect[]): CallState {
  const last = event.at.getTime() < state.call.offeredAt.getTime() ? state.call.offeredAt : event.at;
  return endCall(state, last, `PBX failure: ${event.reason}; nothing is known of the call after this moment (no ring counted past it)`, 'interrupted', effects);
}

/** "desk busy; leader unreachable (CHANUNAVAIL); bureau no answer" */
export function describeAttempts(attempts: readonly LegAttempt[]): string {
  return attempts.map((a) => `${a.role} phone ${a.endpoint} ${a.result}${a.reason ? ` (${a.reason})` : ''}`).join('; ');
}

/** Notes how a leg went in the call's attempts (a new leg is appended, a known one updated). */
function attempted(state: CallState, leg: LegRef, result: LegAttempt['result'], reason?: string): CallState {
  const attempt: LegAttempt = { legId: leg.legId, endpoint: leg.endpoint, role: leg.role, result, ...(reason && { reason }) };
  const known = state.attempts.some((a) => a.legId === leg.legId);
  return { ...state, attempts: known ? state.attempts.map((a) => (a.legId === leg.legId ? attempt : a)) : [...state.attempts, attempt] };
}

/** If the N-th desk ring is over by `now` and nobody answered, the absence is decided here. */
function passDeadline(state: CallState, now: Date, ctx: RulesContext, effects: Effect[]): CallState {
  const since = state.call.deskRingingAt;
  // Only a call to the duty line can make an absence.
  if (since === null || state.absence || resolved(state) || state.call.direction !== 'inbound') return state;
  const deadline = absenceDeadline(ctx.rules, since);
  if (now.getTime() < deadline.getTime()) return state;

  const threshold = ctx.rules.threshold;
  const decided = withCall(state, {
    outcome: 'absence',
    ringCount: threshold,
    timeline: note(state, deadline, `desk rang ${threshold} rings without answer: absence`, ringEntries(state, ctx, threshold)),
  });
  const absence: DisciplineInput = {
    officeId: state.call.officeId,
    subject: callSubject(state.call.pbxCallId),
    type: 'absence',
    ...attribution(ctx.dutyAt?.(state.call.deskEndpoint, deadline) ?? null),
    deskEndpoint: state.call.deskEndpoint,
    occurredAt: deadline,
    reason: `值班台响铃${threshold}声无人接听（离岗）`,
    evidence: decided.call.timeline,
  };
  effects.push({ kind: 'record', record: absence });
  return { ...decided, absence };
}

function attribution(duty: DutyAttribution | null): Pick<DisciplineInput, 'officer' | 'duty'> {
  return { officer: duty ? officerNames(duty) : null, duty };
}

function resolved(state: CallState): boolean {
  return state.call.outcome !== 'in-progress';
}

function isDesk(state: CallState, leg: Pick<LegRef, 'legId' | 'role'>): boolean {
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

/**
 * Swap requests (调班/换班, 000 §一.1 "经办公室值班主任批准", 002 §三(二)): requested with a
 * reason → the counterpart agrees (or declines) → the duty director approves or rejects. An
 * unapproved swap changes nothing: "如未经申报自行调班…由应当日带班或值班人员承担责任". An approved one
 * makes the counterpart accountable from the moment it was approved (approving after a missed
 * call does not move that call's absence).
 */
import type { OfficeId } from '../office.js';
import { ok, refuse, type Officer, type Result, type RosterActor, type Shift, type SwapRequest, type SwapStatus } from './roster-model.js';

export type SwapErrorCode =
  | 'reason-required'
  | 'same-officer'
  | 'same-shift'
  | 'other-office'
  | 'roster-not-published'
  | 'shift-ended'
  | 'requester-not-on-shift'
  | 'counterpart-already-on-shift'
  | 'counterpart-not-on-shift'
  | 'requester-already-on-shift'
  | 'counterpart-inactive'
  | 'illegal-transition'
  | 'not-counterpart'
  | 'not-duty-director';

export interface Duty {
  officerIds: string[];
  leaderId: string | null;
}

const isOn = (duty: Duty, officerId: string) => duty.officerIds.includes(officerId) || duty.leaderId === officerId;

function replace(duty: Duty, from: string, to: string): Duty {
  return { officerIds: duty.officerIds.map((id) => (id === from ? to : id)), leaderId: duty.leaderId === from ? to : duty.leaderId };
}

/** Approved swaps in force at `at`, in the order they were approved. */
function swapsInForce(swaps: readonly SwapRequest[], at: Date): SwapRequest[] {
  return swaps
    .filter((s) => s.status === 'approved' && s.decidedAt !== null && s.decidedAt.getTime() <= at.getTime())
    .sort((a, b) => a.decidedAt!.getTime() - b.decidedAt!.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Who is accountable for `shift` at `at`: as rostered, changed by the swaps approved by then (any others are ignored). */
export function effectiveDuty(shift: Pick<Shift, 'id' | 'officerIds' | 'leaderId'>, swaps: readonly SwapRequest[], at: Date): Duty {
  let duty: Duty = { officerIds: [...shift.officerIds], leaderId: shift.leaderId };
  for (const s of swapsInForce(swaps, at)) {
    if (s.shiftId === shift.id && isOn(duty, s.requesterId)) duty = replace(duty, s.requesterId, s.counterpartId);
    else if (s.counterpartShiftId === shift.id && isOn(duty, s.counterpartId)) duty = replace(duty, s.counterpartId, s.requesterId);
  }
  return duty;
}

export interface SwapContext {
  shift: Shift;
  /** The counterpart's shift for an exchange (换班); null for a substitution (代班). */
  counterpartShift: Shift | null;
  counterpart: Pick<Officer, 'id' | 'officeId' | 'active' | 'name'>;
  /** Whether the rosters of both shifts are published: swaps change published rosters only. */
  published: boolean;
  /** The office's swaps touching these shifts; only the approved ones count. */
  swaps: readonly SwapRequest[];
}

export interface SwapInput {
  officeId: OfficeId;
  shiftId: string;
  requesterId: string;
  counterpartId: string;
  counterpartShiftId: string | null;
  reason: string;
  by: RosterActor;
  at: Date;
}

/** Whether the swap can still be made at `at`, as the shifts stand then (asked at the request and again at approval). */
function checkApplies(swap: Pick<SwapRequest, 'officeId' | 'shiftId' | 'requesterId' | 'counterpartId' | 'counterpartShiftId'>, context: SwapContext, at: Date): Result<null, SwapErrorCode> {
  const { shift, counterpartShift, counterpart } = context;
  if (shift.id !== swap.shiftId || (swap.counterpartShiftId !== null && counterpartShift?.id !== swap.counterpartShiftId)) {
    throw new Error('swap context holds other shifts than the request');
  }
  if (shift.officeId !== swap.officeId || counterpart.officeId !== swap.officeId || (counterpartShift && counterpartShift.officeId !== swap.officeId)) {
    return refuse('other-office', `a swap stays within office ${swap.officeId}`);
  }
  if (!context.published) return refuse('roster-not-published', 'only shifts of a published roster are swapped; change a draft roster instead');
  if (!counterpart.active) return refuse('counterpart-inactive', `${counterpart.name} is not an active officer`);
  for (const s of [shift, counterpartShift]) {
    if (s && s.endsAt.getTime() <= at.getTime()) return refuse('shift-ended', `the shift of ${s.date} ${s.periodLabel} has ended`);
  }
  const duty = effectiveDuty(shift, context.swaps, at);
  if (!isOn(duty, swap.requesterId)) return refuse('requester-not-on-shift', `the requester is not on the shift of ${shift.date} ${shift.periodLabel}`);
  if (isOn(duty, swap.counterpartId)) return refuse('counterpart-already-on-shift', `${counterpart.name} is already on the shift of ${shift.date} ${shift.periodLabel}`);
  if (counterpartShift) {
    const theirs = effectiveDuty(counterpartShift, context.swaps, at);
    if (!isOn(theirs, swap.counterpartId)) return refuse('counterpart-not-on-shift', `${counterpart.name} is not on the shift of ${counterpartShift.date} ${counterpartShift.periodLabel}`);
    if (isOn(theirs, swap.requesterId)) return refuse('requester-already-on-shift', `the requester is already on the shift of ${counterpartShift.date} ${counterpartShift.periodLabel}`);
  }
  return ok(null);
}

export function newSwapRequest(input: SwapInput, context: SwapContext): Result<Omit<SwapRequest, 'id'>, SwapErrorCode> {
  const reason = input.reason.trim();
  if (!reason) return refuse('reason-required', 'a swap request needs a reason (值班换班申请报告)');
  if (input.requesterId === input.counterpartId) return refuse('same-officer', 'the requester cannot swap with themselves');
  if (input.counterpartShiftId !== null && input.counterpartShiftId === input.shiftId) return refuse('same-shift', 'an exchange needs two different shifts');
  const applies = checkApplies(input, context, input.at);
  if (!applies.ok) return applies;
  return ok({
    officeId: input.officeId,
    shiftId: input.shiftId,
    requesterId: input.requesterId,
    counterpartId: input.counterpartId,
    counterpartShiftId: input.counterpartShiftId,
    reason,
    status: 'requested',
    requestedAt: input.at,
    requestedBy: input.by.id,
    answeredAt: null,
    answeredBy: null,
    decidedAt: null,
    decidedBy: null,
    decisionNote: null,
  });
}

export type SwapCommand =
  | { action: 'agree'; by: RosterActor; at: Date }
  | { action: 'decline'; by: RosterActor; at: Date }
  /** The context re-checks the swap against the shifts as they stand at approval. */
  | { action: 'approve'; by: RosterActor; at: Date; note?: string | null; context: SwapContext }
  | { action: 'reject'; by: RosterActor; at: Date; note?: string | null };

const SWAP_MOVES: Record<SwapCommand['action'], { from: readonly SwapStatus[]; to: SwapStatus }> = {
  agree: { from: ['requested'], to: 'agreed' },
  decline: { from: ['requested'], to: 'declined' },
  approve: { from: ['agreed'], to: 'approved' },
  reject: { from: ['requested', 'agreed'], to: 'rejected' },
};

/** The swap after `command`, or why it is refused. The input is not modified. */
export function transitionSwap(swap: SwapRequest, command: SwapCommand): Result<SwapRequest, SwapErrorCode> {
  const move = SWAP_MOVES[command.action];
  if (!move.from.includes(swap.status)) {
    return refuse('illegal-transition', `the swap is ${swap.status}: it cannot ${command.action} (only from ${move.from.join(' or ')})`);
  }
  const next: SwapRequest = structuredClone(swap);
  next.status = move.to;
  if (command.action === 'agree' || command.action === 'decline') {
    if (command.by.officerId !== swap.counterpartId) return refuse('not-counterpart', `only the counterpart officer can ${command.action} to the swap`);
    next.answeredAt = command.at;
    next.answeredBy = command.by.id;
    return ok(next);
  }
  if (!command.by.dutyDirector) return refuse('not-duty-director', `only the duty director (值班主任) can ${command.action} a swap`);
  if (command.action === 'approve') {
    const applies = checkApplies(swap, command.context, command.at);
    if (!applies.ok) return applies;
  }
  next.decidedAt = command.at;
  next.decidedBy = command.by.id;
  next.decisionNote = command.note?.trim() || null;
  return ok(next);
}

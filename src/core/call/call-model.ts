/** The call as the duty rules see it: its outcome, its timeline, its direction. */
import type { OfficeId } from '../office.js';

/**
 * How a call ended, as far as the duty rules care. For an inbound call (to the duty line) it says
 * how the desk took it; for an outbound or originated call (placed by an office phone, or by the
 * service) how the phone called took it: never absence, abandoned, bureau or no-one-reachable.
 */
export const CALL_OUTCOMES = [
  'in-progress', // still going
  'answered', // inbound: the desk answered (ringCount says at which ring); outbound / originated: the phone called answered (ringCount too when it is a desk)
  'absence', // inbound only: the desk rang N rings without answer: 离岗
  'abandoned', // inbound only: the caller hung up before the N-th ring: not an absence
  'busy', // the desk (outbound / originated: the phone called) answered busy (486)
  'unreachable', // the desk (outbound / originated: the phone called) could not be reached (unregistered, congestion)
  // inbound: the desk rang, and the PBX gave up on it before N rings (dialplan timeout shorter than N rings);
  // outbound / originated: the phone called rang and nobody answered it (the PBX gave up, or the caller hung up), however many rings
  'unanswered',
  'not-responding', // the desk phone (outbound / originated: the phone called) never signalled ringing (registered, but its SIP answered nothing) until the PBX gave up
  'bureau', // inbound only: the desk was not answering the call and the confidential bureau line answered it (after hours, or at the end of the fallback chain)
  'no-one-reachable', // inbound only: no desk was dialled, and no phone the PBX tried took the call (busy, unreachable, unanswered); the caller did not hang up
  'no-desk', // the call ended without any phone being dialled (outbound: e.g. the PBX refused the number an office phone dialled)
  // How the call went is unknown, so no absence is recorded: the service stopped (or crashed) while
  // the call was live and undecided, and the call was gone when it came back (src/calls/unfinished-calls.ts);
  // or the PBX failed (AMI connection lost, no answer to a ping) before the call was decided.
  'interrupted',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * inbound: a call to the duty line (a citizen, a unit); the duty rules (rings, absence) apply.
 * outbound: placed by an office phone (desk → bureau, desk → leader); logged, never an absence.
 * originated: placed by duty-hotline itself (spot check, hand-over call); logged, never an absence.
 */
export const CALL_DIRECTIONS = ['inbound', 'outbound', 'originated'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** One timeline entry kept as evidence on the call and on discipline records. */
export interface TimelineEntry {
  at: string; // ISO-8601
  what: string; // e.g. "offered", "desk ringing", "ring 2", "answered by desk", "caller hung up"
}

/** What the tracker knows about a call; stores persist it keyed by (officeId, pbxCallId). */
export interface CallSnapshot {
  officeId: OfficeId;
  /** The PBX's id of the call (joins every leg of it), unique within its office. */
  pbxCallId: string;
  direction: CallDirection;
  callerNumber: string | null;
  callerName: string | null;
  dialed: string | null;
  offeredAt: Date;
  deskEndpoint: string | null;
  deskRingingAt: Date | null;
  answeredAt: Date | null;
  answeredBy: string | null;
  ringCount: number | null;
  endedAt: Date | null;
  outcome: CallOutcome;
  /**
   * An alarm: an inbound call ended with no phone answering it while the caller was still on the
   * line (every phone tried was busy, unreachable or gave up). Whatever the outcome says of the desk.
   */
  reachedNobody: boolean;
  timeline: TimelineEntry[];
}

/** Every field of a snapshot, in one place: stores, spill files and the sweep copy a call by this list. */
export const CALL_SNAPSHOT_FIELDS = [
  'officeId',
  'pbxCallId',
  'direction',
  'callerNumber',
  'callerName',
  'dialed',
  'offeredAt',
  'deskEndpoint',
  'deskRingingAt',
  'answeredAt',
  'answeredBy',
  'ringCount',
  'endedAt',
  'outcome',
  'reachedNobody',
  'timeline',
] as const satisfies readonly (keyof CallSnapshot)[];

/** The snapshot part of anything that extends one (a stored record): its other fields dropped. */
export function snapshotOf(call: CallSnapshot): CallSnapshot {
  return Object.fromEntries(CALL_SNAPSHOT_FIELDS.map((field) => [field, call[field]])) as unknown as CallSnapshot;
}

/** How a call ended, as far as the duty rules care. */
export const CALL_OUTCOMES = [
  'in-progress', // still going
  'answered', // the desk answered (ringCount says at which ring)
  'absence', // the desk rang N rings without answer: 离岗
  'abandoned', // the caller hung up before the N-th ring: not an absence
  'busy', // the desk answered busy (486)
  'unreachable', // the desk could not be reached (unregistered, congestion)
  'unanswered', // the desk rang, and the PBX gave up on it before N rings (dialplan timeout shorter than N rings)
  'not-responding', // the desk phone never signalled ringing (registered, but its SIP answered nothing) until the PBX gave up
  'bureau', // answered by the confidential bureau line (after hours, or at the end of the fallback chain)
  'no-one-reachable', // no desk was dialled, and no phone the PBX tried took the call (busy, unreachable, unanswered); the caller did not hang up
  'no-desk', // the call ended without any phone being dialled
  // How the call went is unknown, so no absence is recorded: the service stopped (or crashed) while
  // the call was live and undecided, and the call was gone when it came back (src/calls/unfinished-calls.ts);
  // or the PBX failed (AMI connection lost, no answer to a ping) before the call was decided.
  'interrupted',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** One timeline entry kept as evidence on the call and on discipline records. */
export interface TimelineEntry {
  at: string; // ISO-8601
  what: string; // e.g. "offered", "desk ringing", "ring 2", "answered by desk", "caller hung up"
}

/** What the tracker knows about a call; stores persist it keyed by pbxCallId. */
export interface CallSnapshot {
  pbxCallId: string;
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
   * An alarm: the call ended with no phone answering it while the caller was still on the line
   * (every phone tried was busy, unreachable or gave up). Whatever the outcome says of the desk.
   */
  reachedNobody: boolean;
  timeline: TimelineEntry[];
}

/** A stored call-log entry (值班记录): the PBX part plus what the officer completes later. */
export interface CallRecord extends CallSnapshot {
  id: string;
  /** Officer-completed fields (unit, content, handling); null until completed. */
  callerUnit: string | null;
  content: string | null;
  handling: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CallQuery {
  from?: Date; // offeredAt >= from
  to?: Date; // offeredAt < to
  outcome?: CallOutcome;
  reachedNobody?: boolean;
  limit: number;
  offset: number;
}

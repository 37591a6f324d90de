/** How a call ended, as far as the duty rules care. */
export const CALL_OUTCOMES = [
  'in-progress', // still going
  'answered', // the desk answered (ringCount says at which ring)
  'absence', // the desk rang N rings without answer: 离岗
  'abandoned', // the caller hung up before the N-th ring: not an absence
  'busy', // the desk answered busy (486)
  'unreachable', // the desk could not be reached (unregistered, congestion)
  'unanswered', // the PBX gave up on the desk before N rings (dialplan timeout shorter than N rings)
  'bureau', // routed to the confidential bureau line (after hours)
  'no-desk', // the call ended without any desk being dialled
  // The service stopped (or crashed) while the call was live and undecided, and the call was gone
  // when it came back: how it went is unknown, so no absence is recorded (src/calls/unfinished-calls.ts).
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
  limit: number;
  offset: number;
}

/**
 * Domain events about one call. The PBX translation layer (src/pbx) produces them;
 * nothing past it sees an Asterisk field name.
 */

import type { PhoneRole } from '../phone-role.js';
import type { CallDirection } from './call-model.js';

export interface LegRef {
  /** Stable id of the leg within the call (the PBX channel id). */
  legId: string;
  /** The endpoint dialled, e.g. "desk". */
  endpoint: string;
  /** What the dialled phone is for, from the office's configuration. */
  role: PhoneRole;
}

interface Base {
  /** Joins every leg of one call: the PBX's id of the call. */
  callId: string;
  /** When the PBX says it happened (Asterisk's event timestamp), not when we heard of it. */
  at: Date;
}

export type CallEvent =
  | (Base & {
      kind: 'CallOffered';
      direction: CallDirection;
      callerNumber: string | null;
      callerName: string | null;
      dialed: string | null;
      /** outbound: the office phone that placed the call. */
      placedBy?: { endpoint: string; role: PhoneRole };
    })
  | (Base & LegRef & { kind: 'LegDialed' })
  | (Base & LegRef & { kind: 'LegRinging' })
  | (Base & LegRef & { kind: 'LegAnswered' })
  | (Base & LegRef & { kind: 'LegBusy' })
  | (Base & LegRef & { kind: 'LegUnreachable'; reason: string })
  /** The PBX stopped ringing the leg without an answer (Dial() timed out or was cancelled). */
  | (Base & LegRef & { kind: 'LegNoAnswer' })
  /** The calling party hung up. */
  | (Base & { kind: 'CallerHungUp' })
  /** The last channel of the call is gone. */
  | (Base & { kind: 'CallEnded'; cause: string | null });

export type CallEventKind = CallEvent['kind'];

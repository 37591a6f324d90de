import type { TimeRange } from '../core/time-range.js';
import type { CallDirection, CallOutcome, CallSnapshot } from '../core/call/call-model.js';
import type { OfficeId } from '../core/office.js';

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
  officeId?: OfficeId;
  direction?: CallDirection;
  from?: Date; // offeredAt >= from
  to?: Date; // offeredAt < to
  /** When given, offeredAt must also fall in one of these (a duty officer's shifts); none: nothing matches. */
  within?: readonly TimeRange[];
  outcome?: CallOutcome;
  reachedNobody?: boolean;
  limit: number;
  offset: number;
}

/**
 * The duty roster (值班表) as data: officers, a month's roster and its shifts, swap requests
 * (调班). The duty office draws the roster up, the duty director (值班主任) approves it, then it is
 * published (000 §一.1, 004 §二.1); after publication only an approved swap changes who is
 * accountable for a shift (000 §一.1, 002 §三(二)). Plain values; the rules are in this folder.
 */
import type { OfficeId } from '../office.js';
import type { LocalDate } from '../schedule/schedule-model.js';

/** A calendar month, "YYYY-MM". */
export type YearMonth = string;

export interface Officer {
  id: string;
  officeId: OfficeId;
  /** Unique within the office among all its officers: rosters name officers by name. */
  name: string;
  phone: string | null;
  /** 科室, e.g. 综合科. */
  section: string | null;
  /** Inactive officers stay (rosters and records name them) but cannot be rostered again. */
  active: boolean;
}

/** Who does something to a roster or a swap, as the rules need to know them. */
export interface RosterActor {
  /** Recorded as "by" on the change (a user id). */
  id: string;
  /** The officer this user is, if any: only the counterpart officer agrees to a swap. */
  officerId: string | null;
  /** 值班主任: approves rosters and swaps. */
  dutyDirector: boolean;
}

/** A shift as drawn up, before it is stored (no id yet). */
export interface PlannedShift {
  officeId: OfficeId;
  /** The office-local date the shift's period belongs to (the day it starts on). */
  date: LocalDate;
  /** The period's label in the office schedule, e.g. "08:30–17:30", "17:30–08:30". */
  periodLabel: string;
  /** [startsAt, endsAt), instants (UTC); a period crossing midnight ends the next day. */
  startsAt: Date;
  endsAt: Date;
  /** The desk phone's PBX endpoint (the call's deskEndpoint). */
  deskEndpoint: string;
  /** Duty officers (值班人员), at least one, in the order the roster lists them. */
  officerIds: string[];
  /** Leader on duty (带班领导); null when the roster names none for the shift. */
  leaderId: string | null;
}

export interface Shift extends PlannedShift {
  id: string;
  rosterMonthId: string;
}

export const ROSTER_STATUSES = ['draft', 'submitted', 'approved', 'published'] as const;
export type RosterStatus = (typeof ROSTER_STATUSES)[number];

/** revise: the draft's shifts replaced (an import); return: sent back to draft by the duty director. */
export const ROSTER_ACTIONS = ['create', 'revise', 'submit', 'return', 'approve', 'publish'] as const;
export type RosterAction = (typeof ROSTER_ACTIONS)[number];

/** One change of a roster month, kept for good: the history is never rewritten. */
export interface RosterEvent {
  /** 1, 2, … in order. */
  seq: number;
  action: RosterAction;
  /** The status after the change. */
  status: RosterStatus;
  at: Date;
  by: string;
  /** The reason of a return, what a revision imported. */
  note: string | null;
}

export interface RosterMonth {
  id: string;
  officeId: OfficeId;
  month: YearMonth;
  status: RosterStatus;
  /** How many times the draft's shifts were replaced; 0 before the first import. */
  revision: number;
  createdAt: Date;
  createdBy: string;
  /** The latest submission, approval and the publication (each also in `history`). */
  submittedAt: Date | null;
  submittedBy: string | null;
  approvedAt: Date | null;
  approvedBy: string | null;
  publishedAt: Date | null;
  publishedBy: string | null;
  /** Set at publication: whether it met its deadlines (publication-deadline.ts). */
  lateness: PublicationLateness | null;
  history: RosterEvent[];
}

/** Why a publication was late; empty reasons: on time. */
export interface PublicationLateness {
  late: boolean;
  /** The office-local date it was published on. */
  publishedOn: LocalDate;
  reasons: LateReason[];
}

export type LateReason =
  /** Published after the last day of the month before (001 §一: before the 1st). */
  | { rule: 'month'; deadline: LocalDate }
  /** A shift on a statutory holiday, published later than 7 days before that holiday began (001 第七条(二)). */
  | { rule: 'holiday'; holidayStart: LocalDate; deadline: LocalDate; shiftDates: LocalDate[] };

export const SWAP_STATUSES = ['requested', 'agreed', 'declined', 'approved', 'rejected'] as const;
export type SwapStatus = (typeof SWAP_STATUSES)[number];

/**
 * A swap request (值班换班申请, 002 §三(二)): the requester hands their place on `shiftId` to the
 * counterpart (代班); with `counterpartShiftId`, the counterpart's place on that shift goes to the
 * requester in return (换班). Requested with a reason → the counterpart agrees (or declines) → the
 * duty director approves or rejects. Only an approved swap changes who is accountable, and only
 * from the moment it was approved.
 */
export interface SwapRequest {
  id: string;
  officeId: OfficeId;
  shiftId: string;
  requesterId: string;
  counterpartId: string;
  counterpartShiftId: string | null;
  reason: string;
  status: SwapStatus;
  requestedAt: Date;
  requestedBy: string;
  /** When the counterpart agreed or declined. */
  answeredAt: Date | null;
  answeredBy: string | null;
  /** When the duty director approved or rejected. */
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionNote: string | null;
}

/** A rule's refusal: a code to branch on, a sentence for people. */
export interface RuleError<Code extends string> {
  code: Code;
  message: string;
}

export type Result<T, Code extends string> = { ok: true; value: T } | { ok: false; error: RuleError<Code> };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const refuse = <Code extends string>(code: Code, message: string): { ok: false; error: RuleError<Code> } => ({ ok: false, error: { code, message } });

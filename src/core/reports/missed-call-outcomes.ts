/**
 * Which inbound calls the missed-call report (漏接电话报告) lists, from CALL_OUTCOMES
 * (src/core/call/call-model.ts):
 *
 * - missed by the desk: the desk did not take a call offered to it, whatever the reason: it rang
 *   out (absence), the caller gave up while it rang (abandoned), it was busy, unreachable, the PBX
 *   gave up on it early (unanswered), it never rang (not-responding), or nobody knows how the call
 *   went (interrupted: the service or the PBX link was down, so it may have been missed).
 * - not answered by the bureau either: no desk was dialled (after hours, routed to the 机要局
 *   line) and no phone took the call (no-one-reachable). Not the desk's miss, so never in
 *   `missed`, but listed as its own class: the caller was still left unanswered.
 *
 * Not listed: answered (by the desk), bureau (the bureau answered), in-progress (not over), and
 * no-desk (the call ended before any phone was dialled: no one was asked to answer it).
 */
import type { CallOutcome } from '../call/call-model.js';

export const DESK_MISSED_OUTCOMES = ['absence', 'abandoned', 'busy', 'unreachable', 'unanswered', 'not-responding', 'interrupted'] as const satisfies readonly CallOutcome[];

/** The bureau's class: after hours nobody took the call. */
export const NOT_ANSWERED_AFTER_HOURS = 'no-one-reachable' satisfies CallOutcome;

export const REPORTED_OUTCOMES = [...DESK_MISSED_OUTCOMES, NOT_ANSWERED_AFTER_HOURS] as const;
export type ReportedOutcome = (typeof REPORTED_OUTCOMES)[number];

const REPORTED: ReadonlySet<CallOutcome> = new Set(REPORTED_OUTCOMES);
const DESK_MISSED: ReadonlySet<CallOutcome> = new Set(DESK_MISSED_OUTCOMES);

export const isReportedOutcome = (outcome: CallOutcome): outcome is ReportedOutcome => REPORTED.has(outcome);
export const isMissedByDesk = (outcome: CallOutcome): boolean => DESK_MISSED.has(outcome);

export type OutcomeCounts = Record<ReportedOutcome, number>;

export const outcomeCounts = (): OutcomeCounts => Object.fromEntries(REPORTED_OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;

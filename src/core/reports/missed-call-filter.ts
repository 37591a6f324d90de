/**
 * Which of a missed-call report's calls (./missed-call-report.ts) a reader asked for, and a page
 * of them: the report's counts stay the month's, only its list of calls is narrowed. The days are
 * the calls' own `date` (a night shift's calls on the day it starts), so a day's calls here are
 * the ones its byDay row counts; an officer matches by id among those accountable (not the leader),
 * as byOfficer counts them.
 */
import type { YearMonth } from '../roster/roster-model.js';
import { monthOf } from '../roster/year-month.js';
import { isValidDate } from '../schedule/schedule-local-time.js';
import type { LocalDate } from '../schedule/schedule-model.js';
import type { ReportedOutcome } from './missed-call-outcomes.js';
import type { MissedCall } from './missed-call-report.js';

export interface MissedCallFilter {
  /** Inclusive, on the call's `date`. */
  from?: LocalDate;
  /** Inclusive, on the call's `date`. */
  to?: LocalDate;
  shiftId?: string;
  officerId?: string;
  outcome?: ReportedOutcome;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface MissedCallPage extends Page {
  /** The calls on the page, oldest first. */
  calls: MissedCall[];
  /** How many calls match the filter, on every page. */
  total: number;
}

/** A page is at most this many calls (the month's report lists the rest on later pages, the CSV all of them). */
export const MAX_MISSED_CALLS_LIMIT = 500;
export const DEFAULT_MISSED_CALLS_LIMIT = 100;

/** What is wrong with a filter of `month`'s calls, naming the parameter; undefined when nothing is. */
export function missedCallFilterProblem(month: YearMonth, filter: MissedCallFilter): string | undefined {
  for (const key of ['from', 'to'] as const) {
    const date = filter[key];
    if (date === undefined) continue;
    if (!isValidDate(date)) return `${key} (${date}) is no date`;
    if (monthOf(date) !== month) return `${key} (${date}) is not in ${month}`;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) return `from (${filter.from}) is after to (${filter.to})`;
  return undefined;
}

/** The calls matching every criterion given, in their order. */
export function filterMissedCalls(calls: readonly MissedCall[], filter: MissedCallFilter): MissedCall[] {
  const { from, to, shiftId, officerId, outcome } = filter;
  return calls.filter(
    (c) =>
      (from === undefined || c.date >= from) &&
      (to === undefined || c.date <= to) &&
      (shiftId === undefined || c.shiftId === shiftId) &&
      (officerId === undefined || c.officerIds.includes(officerId)) &&
      (outcome === undefined || c.outcome === outcome),
  );
}

/** The page of the calls matching `filter`; throws on a limit or offset that is no page. */
export function missedCallPage(calls: readonly MissedCall[], filter: MissedCallFilter, page: Page): MissedCallPage {
  const { limit, offset } = page;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_MISSED_CALLS_LIMIT) throw new RangeError(`limit must be a whole number from 1 to ${MAX_MISSED_CALLS_LIMIT}, not ${limit}`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset must be a whole number from 0, not ${offset}`);
  const matching = filterMissedCalls(calls, filter);
  return { calls: matching.slice(offset, offset + limit), total: matching.length, limit, offset };
}

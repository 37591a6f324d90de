/**
 * What a month's report reads, in the office's time zone: from the night before the 1st (its
 * calls of the 1st's small hours belong to that night's shift, or they would look unrostered)
 * to the day after the last (the last day's night shift runs into it). The pure reports keep
 * what belongs to the month.
 */
import type { YearMonth } from '../roster/roster-model.js';
import { daysOf } from '../roster/year-month.js';
import { addDays, instantOf } from '../schedule/schedule-local-time.js';

export interface ReportWindow {
  /** What to read: [from, to). */
  from: Date;
  to: Date;
  /** The month itself: local midnight of the 1st to local midnight of the next 1st. */
  monthFrom: Date;
  monthTo: Date;
}

export function reportWindow(month: YearMonth, timezone: string): ReportWindow {
  const days = daysOf(month);
  const first = days[0]!;
  const last = days.at(-1)!;
  return {
    from: instantOf(addDays(first, -1), 0, timezone),
    to: instantOf(addDays(last, 2), 0, timezone),
    monthFrom: instantOf(first, 0, timezone),
    monthTo: instantOf(addDays(last, 1), 0, timezone),
  };
}

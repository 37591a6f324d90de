/**
 * When a month's roster must be published:
 * - before the month starts: published on or before the last day of the month before (001 §一
 *   "每月1号前公布"; 004 §二.1);
 * - a shift on a statutory holiday: no later than 7 days before that holiday begins (001 第七条(二)
 *   "提前一周编制…节假日值班轮流表"). A holiday is a run of consecutive holiday dates, so a roster
 *   for February with shifts in a Spring Festival that began in late January is due a week before
 *   that late-January day.
 * Both are counted in office-local dates: published any time on the deadline day is on time.
 */
import { addDays, wallClockAt } from '../schedule/schedule-local-time.js';
import type { LocalDate } from '../schedule/schedule-model.js';
import type { LateReason, PublicationLateness, YearMonth } from './roster-model.js';
import { lastDayBefore } from './year-month.js';

export const HOLIDAY_NOTICE_DAYS = 7;

export interface DeadlineInput {
  month: YearMonth;
  /** The dates of the month's shifts (repeats are fine). */
  shiftDates: readonly LocalDate[];
  /** Statutory holiday dates (not adjusted working days), at least those around the month. */
  holidays: readonly LocalDate[];
  publishedAt: Date;
  /** The office's time zone (its schedule's). */
  timezone: string;
}

/** The first day of the run of consecutive holiday dates `date` belongs to. */
function holidayStart(date: LocalDate, holidays: ReadonlySet<LocalDate>): LocalDate {
  let start = date;
  while (holidays.has(addDays(start, -1))) start = addDays(start, -1);
  return start;
}

export function publicationLateness(input: DeadlineInput): PublicationLateness {
  const publishedOn = wallClockAt(input.publishedAt, input.timezone).date;
  const reasons: LateReason[] = [];
  const monthDeadline = lastDayBefore(input.month);
  if (publishedOn > monthDeadline) reasons.push({ rule: 'month', deadline: monthDeadline });

  const holidays = new Set(input.holidays);
  const byHoliday = new Map<LocalDate, Set<LocalDate>>();
  for (const date of input.shiftDates) {
    if (!holidays.has(date)) continue;
    const start = holidayStart(date, holidays);
    byHoliday.set(start, (byHoliday.get(start) ?? new Set()).add(date));
  }
  for (const [start, dates] of [...byHoliday].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const deadline = addDays(start, -HOLIDAY_NOTICE_DAYS);
    if (publishedOn > deadline) reasons.push({ rule: 'holiday', holidayStart: start, deadline, shiftDates: [...dates].sort() });
  }
  return { late: reasons.length > 0, publishedOn, reasons };
}

/** One line per reason, for logs and reports. */
export function describeLateness(lateness: PublicationLateness): string {
  if (!lateness.late) return `published on ${lateness.publishedOn}, on time`;
  const why = lateness.reasons.map((r) =>
    r.rule === 'month'
      ? `due by ${r.deadline} (before the month starts)`
      : `shifts on ${r.shiftDates.join(', ')} of the holiday from ${r.holidayStart} due by ${r.deadline} (${HOLIDAY_NOTICE_DAYS} days before)`,
  );
  return `published on ${lateness.publishedOn}, late: ${why.join('; ')}`;
}

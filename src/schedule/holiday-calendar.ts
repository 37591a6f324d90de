/**
 * Statutory holidays and adjusted working days 调休 (000 #3楼, 001 第七条), per year: the
 * chinese-days baseline, replaced year by year by imports of the State Council notice.
 */
import type { CalendarDay, DayCalendar, HolidayName, LocalDate } from '../core/schedule/schedule-model.js';
import { wallClockAt, weekdayOf } from '../core/schedule/schedule-local-time.js';

/** One year's calendar as published: every date not listed is a plain weekday or weekend. */
export interface CalendarYear {
  year: number;
  /** Where it comes from, e.g. "chinese-days 1.5.7" or "import of notice-2027.yaml". */
  source: string;
  holidays: ReadonlyMap<LocalDate, HolidayName>;
  /** Weekend days made working days 调休, with the holiday they make up for. */
  workdays: ReadonlyMap<LocalDate, HolidayName>;
}

export interface HolidayCalendar extends DayCalendar {
  /** Years with data: routing for any other year ignores holidays. */
  readonly years: ReadonlySet<number>;
  /** Where a year's data comes from (the import replaces the baseline for its whole year). */
  sourceOf(year: number): string | undefined;
}

const isWeekend = (date: LocalDate) => weekdayOf(date) % 6 === 0;

export function buildHolidayCalendar(baseline: readonly CalendarYear[], imports: readonly CalendarYear[]): HolidayCalendar {
  const effective = new Map<number, CalendarYear>();
  for (const y of baseline) effective.set(y.year, y);
  for (const y of imports) effective.set(y.year, y);
  const years = [...effective.values()].sort((a, b) => a.year - b.year);

  const holidays = new Map<LocalDate, HolidayName>();
  const workdays = new Map<LocalDate, HolidayName>();
  // A notice may list a date of the neighbouring year (a working day in late December);
  // that year's own data wins for its dates, so spill-over entries go in first.
  for (const ownYear of [false, true]) {
    for (const y of years) {
      for (const [map, target, other] of [
        [y.holidays, holidays, workdays],
        [y.workdays, workdays, holidays],
      ] as const) {
        for (const [date, name] of map) {
          if ((Number(date.slice(0, 4)) === y.year) !== ownYear) continue;
          target.set(date, name);
          other.delete(date);
        }
      }
    }
  }

  return {
    years: new Set(effective.keys()),
    sourceOf: (year) => effective.get(year)?.source,
    dayOf(date: LocalDate): CalendarDay {
      const known = effective.has(Number(date.slice(0, 4)));
      const holiday = holidays.get(date);
      if (holiday) return { type: 'holiday', holiday, adjustedWorkday: false, known };
      const madeUpFor = workdays.get(date);
      if (madeUpFor) return { type: 'workday', holiday: madeUpFor, adjustedWorkday: true, known };
      return { type: isWeekend(date) ? 'weekend' : 'workday', adjustedWorkday: false, known };
    },
  };
}

/**
 * The State Council publishes next year's calendar in November or December and chinese-days
 * lags behind it (INFRA.md "Holidays"): from November 1 on, say so until next year is imported.
 */
export function missingYearWarning(calendar: HolidayCalendar, now: Date, timezone = 'Asia/Shanghai'): string | null {
  const { date } = wallClockAt(now, timezone);
  const year = Number(date.slice(0, 4));
  const howTo = 'import the State Council notice with `duty-hotline calendar import FILE`, then re-render the dialplan';
  if (!calendar.years.has(year)) {
    return `holiday calendar for ${year} is not loaded: the dialplan has no rules for ${year} and routes every call to the bureau line; ${howTo}`;
  }
  if (date.slice(5) >= '11-01' && !calendar.years.has(year + 1)) {
    return `holiday calendar for ${year + 1} is not loaded yet: from ${year + 1}-01-01 the dialplan has no rules and routes every call to the bureau line; ${howTo}`;
  }
  return null;
}

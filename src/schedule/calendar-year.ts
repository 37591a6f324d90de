/**
 * A year of the holiday calendar as ops read it: each statutory holiday with its days off and
 * the weekend days made working days (调休) for it, in date order, and where the year comes from.
 */
import { addDays } from '../core/schedule/schedule-local-time.js';
import type { HolidayName, LocalDate } from '../core/schedule/schedule-model.js';
import type { HolidayCalendar } from './holiday-calendar.js';

export interface HolidayOfYear extends HolidayName {
  /** The days off, in order. */
  days: LocalDate[];
  /** The adjusted working days (调休上班) that make up for it, in order. */
  workdays: LocalDate[];
}

export interface CalendarYearView {
  year: number;
  /** False: no data for the year; routing ignores holidays then (the dialplan sends every call to its safe default). */
  known: boolean;
  source: string | null;
  holidays: HolidayOfYear[];
}

export function calendarYear(calendar: HolidayCalendar, year: number): CalendarYearView {
  const bySlug = new Map<string, HolidayOfYear>();
  const end = `${year + 1}-01-01`;
  for (let date = `${year}-01-01`; date < end; date = addDays(date, 1)) {
    const day = calendar.dayOf(date);
    if (!day.holiday || !(day.type === 'holiday' || day.adjustedWorkday)) continue;
    const row = bySlug.get(day.holiday.slug) ?? { ...day.holiday, days: [], workdays: [] };
    bySlug.set(day.holiday.slug, row);
    (day.type === 'holiday' ? row.days : row.workdays).push(date);
  }
  const first = (h: HolidayOfYear) => h.days[0] ?? h.workdays[0]!;
  return {
    year,
    known: calendar.years.has(year),
    source: calendar.sourceOf(year) ?? null,
    holidays: [...bySlug.values()].sort((a, b) => (first(a) < first(b) ? -1 : 1)),
  };
}

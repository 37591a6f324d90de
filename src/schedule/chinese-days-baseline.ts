import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import chineseDaysPackage from 'chinese-days/package.json' with { type: 'json' };
import type { HolidayName, LocalDate } from '../core/schedule/schedule-model.js';
import type { CalendarYear } from './holiday-calendar.js';
import { holidayFromChineseDays } from './holiday-names.js';

/** chinese-days' JSON: date → "English,中文,n" for holidays and for adjusted working days 调休. */
export interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** Group chinese-days' maps into calendar years (a year is known when any of its dates is listed). */
export function calendarYearsFromChineseDays(data: ChineseDaysData, source: string): CalendarYear[] {
  const years = new Map<number, { holidays: Map<LocalDate, HolidayName>; workdays: Map<LocalDate, HolidayName> }>();
  const yearOf = (date: string) => {
    const year = Number(date.slice(0, 4));
    let y = years.get(year);
    if (!y) years.set(year, (y = { holidays: new Map(), workdays: new Map() }));
    return y;
  };
  for (const [date, value] of Object.entries(data.holidays)) yearOf(date).holidays.set(date, holidayFromChineseDays(value));
  for (const [date, value] of Object.entries(data.workdays)) yearOf(date).workdays.set(date, holidayFromChineseDays(value));
  return [...years].sort(([a], [b]) => a - b).map(([year, y]) => ({ year, source, ...y }));
}

/** The baseline shipped with the installed chinese-days package. */
export function chineseDaysBaseline(): CalendarYear[] {
  return calendarYearsFromChineseDays(chineseDays, `chinese-days ${chineseDaysPackage.version}`);
}

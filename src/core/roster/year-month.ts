/** Calendar months "YYYY-MM" and their days. */
import { addDays, isValidDate } from '../schedule/schedule-local-time.js';
import type { LocalDate } from '../schedule/schedule-model.js';
import type { YearMonth } from './roster-model.js';

export function isYearMonth(value: string): boolean {
  return /^\d{4}-\d{2}$/.test(value) && isValidDate(`${value}-01`);
}

export const monthOf = (date: LocalDate): YearMonth => date.slice(0, 7);

export const firstDayOf = (month: YearMonth): LocalDate => `${month}-01`;

/** The last day of the month before `month`. */
export const lastDayBefore = (month: YearMonth): LocalDate => addDays(firstDayOf(month), -1);

/** Every date of the month, in order. */
export function daysOf(month: YearMonth): LocalDate[] {
  const days: LocalDate[] = [];
  for (let d = firstDayOf(month); monthOf(d) === month; d = addDays(d, 1)) days.push(d);
  return days;
}

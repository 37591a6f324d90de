/**
 * `duty-hotline calendar import FILE`: one year's holidays and adjusted working days 调休,
 * transcribed from the State Council notice (国务院办公厅关于…部分节假日安排的通知), YAML or JSON:
 *
 *   year: 2027
 *   source: 国办发明电〔2026〕…号        # optional
 *   holidays:
 *     - { date: 2027-01-01, name: 元旦 }
 *     - { from: 2027-02-06, to: 2027-02-13, name: Spring Festival }
 *   workdays:                            # weekend days made working days
 *     - { date: 2027-02-14, name: 春节 }
 *
 * The imported year replaces the baseline for that whole year, in both directions: a baseline
 * holiday the notice does not list becomes an ordinary day again, and a listed date wins.
 */
import type { Node } from 'yaml';
import type { HolidayName, LocalDate } from '../core/schedule/schedule-model.js';
import { addDays, isValidDate, weekdayOf } from '../core/schedule/schedule-local-time.js';
import type { CalendarYear } from './holiday-calendar.js';
import { findHoliday, STATUTORY_HOLIDAYS } from './holiday-names.js';
import { join, YamlSource } from './yaml-source.js';

const MAX_RANGE_DAYS = 15;

export function parseCalendarImport(text: string, file: string): CalendarYear {
  const src = new YamlSource(text, file);
  src.throwIfIssues();
  const year = readCalendarYear(src, src.root, '', `import of ${file}`);
  src.throwIfIssues();
  return year!;
}

/** One year's entry (the import file itself, or an element of the override store's file). */
export function readCalendarYear(src: YamlSource, node: Node | null, field: string, defaultSource: string): CalendarYear | undefined {
  const f = src.fields(node, field, ['year', 'source', 'holidays', 'workdays']);
  if (!f) return undefined;
  const yearText = src.string(f.get('year')?.value, join(field, 'year'), node);
  const year = Number(yearText);
  if (yearText !== undefined && !(Number.isInteger(year) && year >= 2000 && year <= 2100)) {
    src.report(f.get('year')!.value, join(field, 'year'), `bad year "${yearText}" (expected e.g. 2027)`);
    return undefined;
  }
  const source = f.has('source') ? src.string(f.get('source')!.value, join(field, 'source')) : defaultSource;
  const holidays = readDates(src, f.get('holidays')?.value, join(field, 'holidays'), node, year);
  const workdays = readDates(src, f.has('workdays') ? f.get('workdays')!.value : undefined, join(field, 'workdays'), node, year, true);
  if (holidays.size === 0 && f.has('holidays')) src.report(f.get('holidays')!.value, join(field, 'holidays'), 'lists no holiday');
  for (const [date, entry] of workdays) {
    if (holidays.has(date)) src.report(entry.node, entry.field, `${date} is listed both as a holiday and as a working day`);
    else if (weekdayOf(date) !== 0 && weekdayOf(date) !== 6) src.report(entry.node, entry.field, `${date} is a weekday, already a working day: workdays lists weekend days made working days (调休)`);
  }
  if (yearText === undefined || source === undefined) return undefined;
  const names = (m: Map<LocalDate, { name: HolidayName }>) => new Map([...m].map(([date, e]) => [date, e.name]));
  return { year, source, holidays: names(holidays), workdays: names(workdays) };
}

interface DatedEntry {
  name: HolidayName;
  node: Node | null;
  field: string;
}

function readDates(src: YamlSource, node: Node | null | undefined, field: string, at: Node | null, year: number, optional = false): Map<LocalDate, DatedEntry> {
  const result = new Map<LocalDate, DatedEntry>();
  if (optional && node === undefined) return result;
  (src.seq(node, field, at) ?? []).forEach((item, i) => {
    const itemField = `${field}[${i}]`;
    const f = src.fields(item, itemField, ['date', 'from', 'to', 'name']);
    if (!f) return;
    const date = (key: string): LocalDate | undefined => {
      const text = src.string(f.get(key)?.value, join(itemField, key), item);
      if (text === undefined) return undefined;
      if (!isValidDate(text)) src.report(f.get(key)!.value, join(itemField, key), `bad date "${text}" (expected YYYY-MM-DD)`);
      // A notice may name a working day at the edge of the neighbouring year, never further.
      else if (Number.isInteger(year) && (text < `${year - 1}-12-01` || text > `${year + 1}-01-31`)) src.report(f.get(key)!.value, join(itemField, key), `${text} is not in ${year}`);
      else return text;
      return undefined;
    };
    const dates: LocalDate[] = [];
    if (f.has('date')) {
      const d = date('date');
      if (d) dates.push(d);
    } else {
      const from = date('from');
      const to = date('to');
      if (from && to && (to < from || to > addDays(from, MAX_RANGE_DAYS))) src.report(item, itemField, `bad range ${from}..${to}`);
      else if (from && to) for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
    }
    const nameText = src.string(f.get('name')?.value, join(itemField, 'name'), item);
    const name = nameText === undefined ? undefined : findHoliday(nameText);
    if (nameText !== undefined && !name) {
      src.report(f.get('name')!.value, join(itemField, 'name'), `unknown holiday "${nameText}" (known: ${STATUTORY_HOLIDAYS.map((h) => `${h.name} ${h.nameZh}`).join(', ')})`);
    }
    if (!name) return;
    for (const d of dates) {
      if (result.has(d)) src.report(item, itemField, `${d} is listed twice`);
      result.set(d, { name, node: item, field: itemField });
    }
  });
  return result;
}

/** What an import changes against the data it replaces, one line per date, for the CLI to show. */
export function calendarYearChanges(before: CalendarYear | undefined, after: CalendarYear): string[] {
  const describe = (y: CalendarYear | undefined, date: LocalDate) => {
    const holiday = y?.holidays.get(date);
    if (holiday) return `holiday (${holiday.name} ${holiday.nameZh})`;
    const workday = y?.workdays.get(date);
    if (workday) return `adjusted working day (${workday.name} ${workday.nameZh})`;
    return 'ordinary day';
  };
  const dates = new Set([...(before?.holidays.keys() ?? []), ...(before?.workdays.keys() ?? []), ...after.holidays.keys(), ...after.workdays.keys()]);
  return [...dates]
    .sort()
    .map((date) => [date, describe(before, date), describe(after, date)] as const)
    .filter(([, was, is]) => was !== is)
    .map(([date, was, is]) => `${date}: ${was} → ${is}`);
}

/** The import format again (English names), for storing an imported year. */
export function calendarYearToPlain(y: CalendarYear): { year: number; source: string; holidays: { date: string; name: string }[]; workdays: { date: string; name: string }[] } {
  const list = (m: ReadonlyMap<LocalDate, HolidayName>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([date, h]) => ({ date, name: h.name }));
  return { year: y.year, source: y.source, holidays: list(y.holidays), workdays: list(y.workdays) };
}

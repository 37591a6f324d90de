/**
 * Where imported calendar years are kept (e.g. data/calendar-overrides.json), behind an interface
 * so the CLI persists imports and the service reads them, while tests use the in-memory store.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calendarYearToPlain, readCalendarYear } from './calendar-import.js';
import { chineseDaysBaseline } from './chinese-days-baseline.js';
import { buildHolidayCalendar, type CalendarYear, type HolidayCalendar } from './holiday-calendar.js';
import { FileValidationError, YamlSource } from './yaml-source.js';

export interface CalendarOverrideStore {
  /** Every imported year. */
  load(): Promise<CalendarYear[]>;
  /** Keep an imported year, replacing an earlier import of the same year. */
  save(year: CalendarYear): Promise<void>;
}

export const DEFAULT_CALENDAR_OVERRIDES_PATH = 'data/calendar-overrides.json';

export function fileCalendarOverrideStore(path: string): CalendarOverrideStore {
  const load = async (): Promise<CalendarYear[]> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const src = new YamlSource(text, path);
    src.throwIfIssues();
    const top = src.fields(src.root, '', ['years']);
    if (!top) throw new FileValidationError(src.issues);
    const years = (src.seq(top.get('years')?.value, 'years', src.root) ?? []).map((node, i) => readCalendarYear(src, node, `years[${i}]`, path));
    src.throwIfIssues();
    return years.filter((y): y is CalendarYear => y !== undefined);
  };
  return {
    load,
    async save(year) {
      const years = [...(await load()).filter((y) => y.year !== year.year), year].sort((a, b) => a.year - b.year);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ years: years.map(calendarYearToPlain) }, null, 2)}\n`);
      await rename(tmp, path);
    },
  };
}

export function memoryCalendarOverrideStore(initial: readonly CalendarYear[] = []): CalendarOverrideStore {
  let years = [...initial];
  return {
    load: () => Promise.resolve([...years]),
    save(year) {
      years = [...years.filter((y) => y.year !== year.year), year];
      return Promise.resolve();
    },
  };
}

/** The chinese-days baseline with every stored import applied. */
export async function loadHolidayCalendar(store: CalendarOverrideStore): Promise<HolidayCalendar> {
  return buildHolidayCalendar(chineseDaysBaseline(), await store.load());
}

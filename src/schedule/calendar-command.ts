/** `duty-hotline calendar import FILE`: a year of the State Council notice, as dated overrides. */
import { readFile } from 'node:fs/promises';
import { calendarYearChanges, parseCalendarImport } from './calendar-import.js';
import type { CalendarOverrideStore } from './calendar-override-store.js';
import { chineseDaysBaseline } from './chinese-days-baseline.js';
import type { CalendarYear } from './holiday-calendar.js';
import { asCliError, CliError, type CliIo } from '../cli/cli-support.js';

export interface CalendarImportResult {
  year: CalendarYear;
  changes: string[];
  saved: boolean;
}

export async function importCalendar(file: string, store: CalendarOverrideStore, io: CliIo, options: { dryRun?: boolean; storePath: string }): Promise<CalendarImportResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const year = asCliError(() => parseCalendarImport(text, file), `${file} is not a valid calendar import`);
  const imported = (await store.load()).find((y) => y.year === year.year);
  const before = imported ?? chineseDaysBaseline().find((y) => y.year === year.year);
  const changes = calendarYearChanges(before, year);

  io.out(`${year.year} from ${year.source}: ${year.holidays.size} holidays, ${year.workdays.size} adjusted working days (调休)`);
  io.out(`replaces ${before ? `${year.year} from ${before.source}${imported ? ' (an earlier import)' : ''}` : `nothing: no data for ${year.year} yet`}`);
  if (changes.length === 0) {
    io.out('no date changes');
  } else {
    const to = (what: string) => changes.filter((c) => c.split(' → ')[1]!.startsWith(what)).length;
    io.out(
      `${changes.length} date(s) change: ${to('holiday')} become holidays, ${to('adjusted working day')} adjusted working days, ${to('ordinary day')} ordinary days again`,
    );
    for (const c of changes) io.out(`  ${c}`);
  }
  if (options.dryRun) {
    io.out(`dry run: ${options.storePath} not changed`);
    return { year, changes, saved: false };
  }
  await store.save(year);
  io.out(`saved to ${options.storePath}. Render the dialplan again: duty-hotline dialplan render, then check, diff, apply.`);
  return { year, changes, saved: true };
}

/**
 * What the schedule commands share: where output goes, the error a command stops with, and
 * loading the schedule file and holiday calendar the config names.
 */
import { readFile } from 'node:fs/promises';
import type { Config } from '../platform/config/config-schema.js';
import type { Schedule } from '../core/schedule/schedule-model.js';
import { wallClockAt } from '../core/schedule/schedule-local-time.js';
import { fileCalendarOverrideStore, loadHolidayCalendar, type CalendarOverrideStore } from '../schedule/calendar-override-store.js';
import { missingYearWarning, type HolidayCalendar } from '../schedule/holiday-calendar.js';
import { parseScheduleFile } from '../schedule/schedule-file.js';
import { FileValidationError } from '../schedule/yaml-source.js';

/** Where a command writes: stdout for results, stderr for warnings. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** A command failed for a reason the user can act on: printed without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface ScheduleSetup {
  config: Config;
  scheduleFile: string;
  schedule: Schedule;
  store: CalendarOverrideStore;
  calendar: HolidayCalendar;
}

/** The schedule file and holiday calendar the config names; any problem becomes a CliError naming the file (and line). */
export async function loadScheduleSetup(config: Config): Promise<ScheduleSetup> {
  const scheduleFile = config.schedule.file;
  let text: string;
  try {
    text = await readFile(scheduleFile, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the schedule file ${scheduleFile} (setting schedule.file, DUTY_SCHEDULE_FILE): ${(err as Error).message}`);
  }
  const schedule = asCliError(() => parseScheduleFile(text, scheduleFile), `schedule file ${scheduleFile} is invalid`);
  const store = fileCalendarOverrideStore(config.schedule.calendarOverrides);
  const calendar = await asCliErrorAsync(() => loadHolidayCalendar(store), `calendar overrides ${config.schedule.calendarOverrides} are invalid`);
  return { config, scheduleFile, schedule, store, calendar };
}

export function asCliError<T>(fn: () => T, what: string): T {
  try {
    return fn();
  } catch (err) {
    throw toCliError(err, what);
  }
}

export async function asCliErrorAsync<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCliError(err, what);
  }
}

function toCliError(err: unknown, what: string): Error {
  if (err instanceof FileValidationError) return new CliError(`${what}:\n${err.issues.length > 1 ? err.message.replace(/^/gm, '  ') : `  ${err.message}`}`);
  if (err instanceof CliError) return err;
  return new CliError(`${what}: ${(err as Error).message}`);
}

/** "2026,2027" or "2026-2028" → years; a CliError for anything else. */
export function parseYears(text: string): number[] {
  const years: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d{4})(?:-(\d{4}))?$/.exec(part);
    const from = Number(m?.[1]);
    const to = Number(m?.[2] ?? m?.[1]);
    if (!m || to < from || to - from > 20) throw new CliError(`bad --years "${text}" (expected e.g. 2026 or 2026,2027 or 2026-2027)`);
    for (let y = from; y <= to; y++) if (!years.includes(y)) years.push(y);
  }
  return years.sort((a, b) => a - b);
}

/**
 * Years to render: --years, else schedule.years, else every year the calendar has data for from
 * the current year (in the schedule's time zone) on.
 */
export function yearsToRender(setup: ScheduleSetup, now: Date, cliYears?: readonly number[]): number[] {
  const chosen = cliYears?.length ? cliYears : setup.config.schedule.years;
  if (chosen.length > 0) {
    const missing = chosen.filter((y) => !setup.calendar.years.has(y));
    if (missing.length > 0) {
      throw new CliError(
        `the holiday calendar has no data for ${missing.join(', ')} (it has ${describeYears(setup.calendar)}): import the State Council notice first (duty-hotline calendar import FILE)`,
      );
    }
    return [...chosen].sort((a, b) => a - b);
  }
  const current = Number(wallClockAt(now, setup.schedule.timezone).date.slice(0, 4));
  const years = [...setup.calendar.years].filter((y) => y >= current).sort((a, b) => a - b);
  if (years.length === 0) {
    throw new CliError(
      `the holiday calendar has no data for ${current} or later (it has ${describeYears(setup.calendar)}): import the State Council notice (duty-hotline calendar import FILE), or name years with --years`,
    );
  }
  return years;
}

function describeYears(calendar: HolidayCalendar): string {
  const years = [...calendar.years].sort((a, b) => a - b);
  return years.length === 0 ? 'none' : years.length > 3 ? `${years[0]}–${years.at(-1)}` : years.join(', ');
}

/** The November warning (next year's calendar not loaded), on stderr. */
export function warnMissingYear(setup: ScheduleSetup, io: CliIo, now: Date): void {
  const warning = missingYearWarning(setup.calendar, now, setup.schedule.timezone);
  if (warning) io.err(`warning: ${warning}`);
}

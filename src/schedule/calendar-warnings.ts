/**
 * The service's side of "next year's holiday calendar is not loaded" (INFRA.md "Holidays"): the
 * warning /healthz lists and the log repeats, from November on. The overrides file is re-read
 * when it changes, so a `duty-hotline calendar import` clears the warning without a restart.
 */
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config/config-schema.js';
import { fileCalendarOverrideStore, loadHolidayCalendar } from './calendar-override-store.js';
import { missingYearWarning, type HolidayCalendar } from './holiday-calendar.js';
import { DEFAULT_TIMEZONE } from './schedule-file.js';

const LOG_EVERY_MS = 6 * 3_600_000;

export interface CalendarWarnings {
  /** Current warnings (the overrides file is re-read only when its mtime changed). */
  current(): Promise<string[]>;
  stop(): void;
}

/** `timezone`: the schedule's, where "from November on" is judged. */
export async function startCalendarWarnings(config: Config, clock: Clock, log: Logger, timezone = DEFAULT_TIMEZONE): Promise<CalendarWarnings> {
  const overridesPath = config.schedule.calendarOverrides;
  let loaded: { mtimeMs: number; calendar?: HolidayCalendar; error?: string } | undefined;

  const calendar = async (): Promise<{ calendar?: HolidayCalendar; error?: string }> => {
    const mtimeMs = await stat(overridesPath).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    if (loaded?.mtimeMs !== mtimeMs) {
      try {
        loaded = { mtimeMs, calendar: await loadHolidayCalendar(fileCalendarOverrideStore(overridesPath)) };
      } catch (err) {
        loaded = { mtimeMs, error: `the holiday calendar overrides ${overridesPath} cannot be read: ${(err as Error).message}` };
      }
    }
    return loaded;
  };

  const current = async (): Promise<string[]> => {
    const c = await calendar();
    return [c.error, c.calendar ? missingYearWarning(c.calendar, clock.now(), timezone) : null].filter((w): w is string => Boolean(w));
  };

  const logNow = async () => {
    for (const warning of await current()) log.warn({ warning }, 'holiday calendar');
  };
  await logNow();
  const timer = setInterval(() => void logNow(), LOG_EVERY_MS);
  timer.unref();
  return { current, stop: () => clearInterval(timer) };
}

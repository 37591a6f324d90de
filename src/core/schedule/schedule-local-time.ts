/**
 * Wall-clock arithmetic in an IANA time zone with Intl only (no tz library). Asia/Shanghai has no
 * DST, but nothing here assumes a fixed offset.
 */
import type { LocalDate } from './schedule-model.js';

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** Throws a RangeError for a name Intl does not know. */
export function assertTimeZone(timezone: string): void {
  formatterFor(timezone);
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallParts(ms: number, timezone: string): WallParts {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timezone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

export interface WallClock {
  date: LocalDate;
  /** Minutes since local midnight, 0..1439. */
  minute: number;
}

export function wallClockAt(at: Date, timezone: string): WallClock {
  const wall = at.getTime() + offsetMs(at.getTime(), timezone);
  const dayStart = Math.floor(wall / DAY_MS) * DAY_MS;
  return { date: dateOfUtcMs(dayStart), minute: Math.floor((wall - dayStart) / 60_000) };
}

// Intl is slow (~10 µs a call), and tzdb offsets change only at a quarter hour (UTC), so one
// offset per time zone and quarter hour is exact.
const QUARTER_HOUR_MS = 900_000;
const offsetsByZone = new Map<string, Map<number, number>>();

function offsetMs(ms: number, timezone: string): number {
  let offsets = offsetsByZone.get(timezone);
  if (!offsets) offsetsByZone.set(timezone, (offsets = new Map()));
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let offset = offsets.get(quarter);
  if (offset === undefined) {
    const start = quarter * QUARTER_HOUR_MS;
    const p = wallParts(start, timezone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - start;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(quarter, offset);
  }
  return offset;
}

/**
 * The instant the wall clock shows `minute` (may be 1440 = next midnight) on `date`. A repeated
 * wall time (DST ends) resolves to its first occurrence; a skipped one (DST starts) to the moment
 * the clock jumps (02:30 → the instant 02:00 became 03:00), so a period starting in the gap starts
 * when the clock first shows a time after its start, as coverAt (which reads the clock) sees it.
 */
export function instantOf(date: LocalDate, minute: number, timezone: string): Date {
  const wall = dateToUtcMs(date) + minute * 60_000;
  const before = offsetMs(wall - DAY_MS, timezone);
  const after = offsetMs(wall + DAY_MS, timezone);
  const fits = [wall - before, wall - after].filter((t) => offsetMs(t, timezone) === wall - t);
  if (fits.length > 0) return new Date(Math.min(...fits));
  // In the gap: binary search (to the minute) for the first instant with the new offset.
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (offsetMs(mid, timezone) === after) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

export function dateToUtcMs(date: LocalDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

export function formatDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return dateOfUtcMs(dateToUtcMs(date) + days * DAY_MS);
}

/** The UTC calendar date of an instant; plain arithmetic (days → civil date), much faster than toISOString. */
function dateOfUtcMs(ms: number): LocalDate {
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return formatDate(yoe + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(dateToUtcMs(date)).getUTCDay();
}

export function isValidDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(dateToUtcMs(date)).toISOString().slice(0, 10) === date;
}

/** "HH:MM" of minutes since midnight (1440 → "24:00"; above, wraps to the next day's clock). */
export function formatMinute(minute: number): string {
  const m = minute === 1440 ? 1440 : minute % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "2026-10-10T09:00" (no offset) read as wall time in `timezone`, for CLI input such as `route --at`. */
export function parseWallTime(text: string, timezone: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m || !isValidDate(m[1]!)) return undefined;
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (hour > 23 || minute > 59) return undefined;
  return instantOf(m[1]!, hour * 60 + minute, timezone);
}

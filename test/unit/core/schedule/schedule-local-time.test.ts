import { describe, expect, it } from 'vitest';
import { coverAt, coverageIntervals } from '../../../../src/core/schedule/schedule-coverage.js';
import { addDays, instantOf, parseWallTime, wallClockAt } from '../../../../src/core/schedule/schedule-local-time.js';
import { buildHolidayCalendar } from '../../../../src/schedule/holiday-calendar.js';
import { parseScheduleFile } from '../../../../src/schedule/schedule-file.js';

const utc = (iso: string) => new Date(iso);

describe('wall-clock time in Asia/Shanghai (UTC+8, no DST)', () => {
  it('reads the date and minute of an instant', () => {
    expect(wallClockAt(utc('2026-09-30T15:59:59.999Z'), 'Asia/Shanghai')).toEqual({ date: '2026-09-30', minute: 23 * 60 + 59 });
    expect(wallClockAt(utc('2026-09-30T16:00:00Z'), 'Asia/Shanghai')).toEqual({ date: '2026-10-01', minute: 0 });
  });

  it('turns a wall time into an instant, 24:00 being the next midnight', () => {
    expect(instantOf('2026-10-01', 8 * 60, 'Asia/Shanghai')).toEqual(utc('2026-10-01T00:00:00Z'));
    expect(instantOf('2026-12-31', 1440, 'Asia/Shanghai')).toEqual(utc('2026-12-31T16:00:00Z'));
    expect(parseWallTime('2026-10-10T09:00', 'Asia/Shanghai')).toEqual(utc('2026-10-10T01:00:00Z'));
    expect(parseWallTime('2026-02-30T09:00', 'Asia/Shanghai')).toBeUndefined();
    expect(parseWallTime('2026-10-10T24:00', 'Asia/Shanghai')).toBeUndefined();
  });

  it('counts days across month, leap-day and year ends', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('any IANA zone: Europe/Berlin around its DST switches', () => {
  it('resolves skipped wall times to the jump and repeated ones to their first occurrence', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
    expect(wallClockAt(utc('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toEqual({ date: '2026-03-29', minute: 119 });
    expect(wallClockAt(utc('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toEqual({ date: '2026-03-29', minute: 180 });
    expect(instantOf('2026-03-29', 150, 'Europe/Berlin')).toEqual(utc('2026-03-29T01:00:00Z'));
    expect(instantOf('2026-03-29', 180, 'Europe/Berlin')).toEqual(utc('2026-03-29T01:00:00Z'));
    expect(instantOf('2026-10-25', 150, 'Europe/Berlin')).toEqual(utc('2026-10-25T00:30:00Z'));
    expect(instantOf('2026-10-25', 1440, 'Europe/Berlin')).toEqual(utc('2026-10-25T23:00:00Z'));
  });

  it('keeps coverAt and coverageIntervals in agreement through both switches, minute by minute', () => {
    const schedule = parseScheduleFile(
      `\
timezone: Europe/Berlin
destinations:
  desk: { endpoint: desk, role: desk }
  bureau: { endpoint: bureau, role: bureau }
seasons:
  all-year: { starts: "01-01" }
plans:
  all-year:
    every-day:
      periods:
        - { from: "02:30", to: "06:00", cover: desk }
        - { from: "22:00", to: "01:30", cover: desk }
      otherwise: bureau
`,
      'berlin.yaml',
    );
    const calendar = buildHolidayCalendar([], []);
    for (const [from, to] of [
      ['2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'],
      ['2026-10-23T00:00:00Z', '2026-10-27T00:00:00Z'],
    ] as const) {
      const intervals = coverageIntervals(schedule, calendar, utc(from), utc(to));
      intervals.slice(1).forEach((i, n) => expect(i.start).toEqual(intervals[n]!.end));
      let index = 0;
      for (let t = utc(from).getTime(); t < utc(to).getTime(); t += 60_000) {
        while (intervals[index]!.end.getTime() <= t) index++;
        expect([new Date(t).toISOString(), coverAt(schedule, calendar, new Date(t)).destination]).toEqual([new Date(t).toISOString(), intervals[index]!.destination]);
      }
    }
  });
});

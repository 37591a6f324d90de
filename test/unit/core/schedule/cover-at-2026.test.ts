import { describe, expect, it } from 'vitest';
import { coverAt, coverageIntervals } from '../../../../src/core/schedule/schedule-coverage.js';
import type { Schedule } from '../../../../src/core/schedule/schedule-model.js';
import { parseScheduleFile } from '../../../../src/schedule/schedule-file.js';
import { baselineCalendar as calendar, HIRED_STAFF_FILE, loadSchedule, NIGHT_SHIFT_YAML, SEED_OFFICE_FILE, shanghai } from '../../../support/schedule-test-data.js';

const seedOffice = loadSchedule(SEED_OFFICE_FILE);
const hiredStaff = loadSchedule(HIRED_STAFF_FILE);
const nightShift = parseScheduleFile(NIGHT_SHIFT_YAML, 'night-shift.yaml');

const who = (schedule: Schedule, wallTime: string) => coverAt(schedule, calendar, shanghai(wallTime));
const MINUTE = 60_000;

describe('000 §一.2 office hours by season (the shipped example)', () => {
  it.each([
    // winter: 08:20–12:00, 13:50–17:30, 18:50–22:10
    ['2026-01-05 08:19', 'bureau', 'winter/every-day otherwise'],
    ['2026-01-05 08:20', 'desk', 'winter/every-day period 08:20–12:00'],
    ['2026-01-05 11:59', 'desk', 'winter/every-day period 08:20–12:00'],
    ['2026-01-05 12:00', 'bureau', 'winter/every-day otherwise'],
    ['2026-01-05 13:50', 'desk', 'winter/every-day period 13:50–17:30'],
    ['2026-01-05 18:49', 'bureau', 'winter/every-day otherwise'],
    ['2026-01-05 22:09', 'desk', 'winter/every-day period 18:50–22:10'],
    ['2026-01-05 22:10', 'bureau', 'winter/every-day otherwise'],
    // summer: 07:50–11:30, 14:50–18:00, 19:20–22:10
    ['2026-07-06 07:49', 'bureau', 'summer/every-day otherwise'],
    ['2026-07-06 07:50', 'desk', 'summer/every-day period 07:50–11:30'],
    ['2026-07-06 11:30', 'bureau', 'summer/every-day otherwise'],
    ['2026-07-06 14:50', 'desk', 'summer/every-day period 14:50–18:00'],
    ['2026-07-06 19:20', 'desk', 'summer/every-day period 19:20–22:10'],
    ['2026-07-06 22:10', 'bureau', 'summer/every-day otherwise'],
  ])('%s → %s (%s)', (wallTime, destination, rule) => {
    expect(who(seedOffice, wallTime)).toMatchObject({ destination, rule });
  });

  it('switches to summer at midnight of 05-01 and to winter at midnight of 10-01', () => {
    expect(who(seedOffice, '2026-04-30 23:59')).toMatchObject({ season: 'winter', destination: 'bureau', planDate: '2026-04-30' });
    expect(who(seedOffice, '2026-05-01 00:00')).toMatchObject({ season: 'summer', destination: 'bureau', planDate: '2026-05-01' });
    expect(who(seedOffice, '2026-05-01 07:50')).toMatchObject({ season: 'summer', destination: 'desk' });
    expect(who(seedOffice, '2026-09-30 23:59')).toMatchObject({ season: 'summer', destination: 'bureau' });
    expect(who(seedOffice, '2026-10-01 00:00')).toMatchObject({ season: 'winter', destination: 'bureau' });
    // 07:50 is office hours in summer, not in winter.
    expect(who(seedOffice, '2026-09-30 07:50')).toMatchObject({ destination: 'desk', rule: 'summer/every-day period 07:50–11:30' });
    expect(who(seedOffice, '2026-10-01 07:50')).toMatchObject({ destination: 'bureau', rule: 'winter/every-day otherwise' });
    expect(who(seedOffice, '2026-10-01 08:20')).toMatchObject({ destination: 'desk', rule: 'winter/every-day period 08:20–12:00' });
  });

  it('starts a period on its first minute and ends it before its last (to the millisecond)', () => {
    for (const day of ['2026-03-10', '2026-08-15', '2026-12-31']) {
      const season = day === '2026-08-15' ? 'summer' : 'winter';
      for (const period of seedOffice.plans.get(season)!.get('every-day')!.periods) {
        const start = shanghai(`${day} 00:00`).getTime() + period.from * MINUTE;
        const end = shanghai(`${day} 00:00`).getTime() + period.to * MINUTE;
        const at = (ms: number) => coverAt(seedOffice, calendar, new Date(ms)).destination;
        expect([at(start - 1), at(start), at(start + MINUTE), at(end - MINUTE), at(end - 1), at(end)]).toEqual(['bureau', 'desk', 'desk', 'desk', 'desk', 'bureau']);
      }
    }
  });
});

describe('000 #3楼/#4楼: regular staff, hired staff, the bureau from 22:00 to 08:00', () => {
  it('runs the workday plan on an ordinary weekday', () => {
    expect(who(hiredStaff, '2026-03-03 09:00')).toMatchObject({ destination: 'desk', dayType: 'workday', adjustedWorkday: false });
    expect(who(hiredStaff, '2026-03-03 12:00')).toMatchObject({ destination: 'hired-desk', rule: 'all-year/workday period 12:00–14:30' });
    expect(who(hiredStaff, '2026-03-03 17:30')).toMatchObject({ destination: 'hired-desk', rule: 'all-year/workday period 17:30–22:00' });
    expect(who(hiredStaff, '2026-03-03 22:00')).toMatchObject({ destination: 'bureau', rule: 'all-year/workday period 22:00–08:00' });
  });

  it('runs the weekend plan on an ordinary Saturday, the bureau in its gaps', () => {
    expect(who(hiredStaff, '2026-02-07 09:00')).toMatchObject({ destination: 'hired-desk', dayType: 'weekend', plan: 'all-year/weekend' });
    expect(who(hiredStaff, '2026-02-07 12:30')).toMatchObject({ destination: 'bureau', rule: 'all-year/weekend otherwise' });
    expect(who(hiredStaff, '2026-02-07 19:00')).toMatchObject({ destination: 'hired-desk', rule: 'all-year/weekend period 19:00–22:00' });
  });

  it('runs the workday plan on Saturday 2026-02-14, an adjusted working day for the Spring Festival', () => {
    expect(who(hiredStaff, '2026-02-14 09:00')).toEqual({
      destination: 'desk',
      endpoint: 'desk',
      role: 'desk',
      season: 'all-year',
      dayType: 'workday',
      dayName: 'Spring Festival',
      adjustedWorkday: true,
      plan: 'all-year/workday',
      planDate: '2026-02-14',
      rule: 'all-year/workday period 08:00–12:00',
      calendarKnown: true,
    });
    expect(who(hiredStaff, '2026-02-14 12:30')).toMatchObject({ destination: 'hired-desk' });
  });

  it('runs the spring-festival plan through the whole holiday (2026-02-15..23)', () => {
    for (let day = 15; day <= 23; day++) {
      expect(who(hiredStaff, `2026-02-${day} 12:30`)).toMatchObject({ destination: 'desk', dayType: 'holiday', plan: 'all-year/spring-festival' });
    }
    expect(who(hiredStaff, '2026-02-24 12:30')).toMatchObject({ destination: 'hired-desk', plan: 'all-year/workday' });
  });

  it('runs the national-day plan 2026-10-01..07; 10-08 is a Thursday and a working day again', () => {
    for (let day = 1; day <= 7; day++) {
      expect(who(hiredStaff, `2026-10-0${day} 12:30`)).toMatchObject({ destination: 'desk', dayName: 'National Day', plan: 'all-year/national-day' });
    }
    expect(who(hiredStaff, '2026-10-08 12:30')).toMatchObject({ destination: 'hired-desk', dayType: 'workday', adjustedWorkday: false });
  });

  it('runs the workday plan on Saturday 2026-10-10 (adjusted working day), the weekend plan on Sunday', () => {
    expect(who(hiredStaff, '2026-10-10 09:00')).toMatchObject({ destination: 'desk', dayType: 'workday', adjustedWorkday: true, dayName: 'National Day' });
    expect(who(hiredStaff, '2026-10-11 09:00')).toMatchObject({ destination: 'hired-desk', dayType: 'weekend' });
  });

  it('falls back from a holiday without its own plan (Mid-autumn 2026-09-25) to the holiday plan', () => {
    expect(who(hiredStaff, '2026-09-25 09:00')).toMatchObject({ destination: 'hired-desk', dayName: 'Mid-autumn Festival', plan: 'all-year/holiday' });
  });

  it('keeps the bureau from 22:00 to 08:00 across midnight into the National Day holiday', () => {
    expect(who(hiredStaff, '2026-10-01 07:59')).toMatchObject({ destination: 'bureau', planDate: '2026-09-30', plan: 'all-year/workday', rule: 'all-year/workday period 22:00–08:00' });
    expect(who(hiredStaff, '2026-10-01 08:00')).toMatchObject({ destination: 'desk', planDate: '2026-10-01', plan: 'all-year/national-day' });
  });
});

describe('periods crossing midnight follow the day they start on', () => {
  it('carries a summer workday night shift into a winter holiday (2026-09-30 → National Day)', () => {
    expect(who(nightShift, '2026-09-30 23:30')).toMatchObject({ destination: 'night-desk', season: 'summer', rule: 'summer/workday period 22:00–06:00' });
    expect(who(nightShift, '2026-10-01 05:59')).toMatchObject({ destination: 'night-desk', season: 'summer', dayType: 'workday', planDate: '2026-09-30' });
    expect(who(nightShift, '2026-10-01 06:00')).toMatchObject({ destination: 'bureau', season: 'winter', dayType: 'holiday', rule: 'winter/holiday otherwise' });
    expect(who(nightShift, '2026-10-01 09:00')).toMatchObject({ destination: 'desk', rule: 'winter/holiday period 09:00–12:00' });
  });

  it('carries a winter night shift into summer and Labour Day (2026-04-30 → 05-01)', () => {
    expect(who(nightShift, '2026-04-30 23:00')).toMatchObject({ destination: 'night-desk', rule: 'winter/workday period 23:00–07:00' });
    expect(who(nightShift, '2026-05-01 06:59')).toMatchObject({ destination: 'night-desk', season: 'winter', planDate: '2026-04-30' });
    expect(who(nightShift, '2026-05-01 07:00')).toMatchObject({ destination: 'bureau', season: 'summer', dayName: 'Labour Day', rule: 'summer/every-day otherwise' });
  });

  it('gives a holiday eve no night shift, and an adjusted working day its night shift into Sunday', () => {
    expect(who(nightShift, '2026-10-07 23:30')).toMatchObject({ destination: 'bureau', rule: 'winter/holiday otherwise' });
    expect(who(nightShift, '2026-10-08 00:30')).toMatchObject({ destination: 'bureau', planDate: '2026-10-08', rule: 'winter/workday otherwise' });
    expect(who(nightShift, '2026-10-10 23:00')).toMatchObject({ destination: 'night-desk', adjustedWorkday: true });
    expect(who(nightShift, '2026-10-11 06:59')).toMatchObject({ destination: 'night-desk', planDate: '2026-10-10' });
    expect(who(nightShift, '2026-10-11 07:00')).toMatchObject({ destination: 'bureau', dayType: 'weekend' });
  });
});

describe('coverAt agrees with coverageIntervals over all of 2026, minute by minute', () => {
  const yearStart = shanghai('2026-01-01 00:00');
  const yearEnd = shanghai('2027-01-01 00:00');

  it.each([
    ['000 §一.2', seedOffice],
    ['000 #3楼/#4楼', hiredStaff],
    ['night shifts', nightShift],
  ])('%s', (_name, schedule) => {
    const intervals = coverageIntervals(schedule, calendar, yearStart, yearEnd);
    expect(intervals[0]!.start).toEqual(yearStart);
    expect(intervals.at(-1)!.end).toEqual(yearEnd);
    intervals.slice(1).forEach((interval, i) => {
      expect(interval.start).toEqual(intervals[i]!.end);
      expect(interval.destination).not.toBe(intervals[i]!.destination);
    });

    const mismatches: string[] = [];
    let index = 0;
    for (let t = yearStart.getTime(); t < yearEnd.getTime(); t += MINUTE) {
      while (intervals[index]!.end.getTime() <= t) index++;
      const interval = intervals[index]!;
      const cover = coverAt(schedule, calendar, new Date(t));
      if (cover.destination !== interval.destination || !interval.rules.includes(cover.rule)) {
        mismatches.push(`${new Date(t).toISOString()}: coverAt ${cover.destination} (${cover.rule}), interval ${interval.destination} (${interval.rules.join('; ')})`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  }, 60_000);
});

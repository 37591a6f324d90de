import { describe, expect, it } from 'vitest';
import { endpointProblem } from '../../../src/dialplan/endpoint-rules.js';
import { parseScheduleFile } from '../../../src/schedule/schedule-file.js';
import { FileValidationError } from '../../../src/schedule/yaml-source.js';
import { HIRED_STAFF_FILE, loadSchedule, NIGHT_SHIFT_YAML, SEED_OFFICE_FILE } from '../../support/schedule-test-data.js';

/** The problems parseScheduleFile reports for `yaml`, as "schedule.yaml:LINE: field: message". */
function problems(yaml: string): string[] {
  try {
    parseScheduleFile(yaml, 'schedule.yaml');
  } catch (err) {
    if (err instanceof FileValidationError) return err.message.split('\n');
    throw err;
  }
  return [];
}

const DESTINATIONS = `\
destinations:
  desk: { endpoint: desk, role: desk }
  leader: { endpoint: leader, role: fallback }
  bureau: { endpoint: bureau, role: bureau }
`;

/** Line 5 onwards: one season "winter" with the given workday plan lines (line 10 is the first period). */
const winterWorkday = (...lines: string[]) => `${DESTINATIONS}\
seasons:
  winter: { starts: "10-01" }
plans:
  winter:
    every-day:
      otherwise: bureau
    workday:
${lines.map((l) => `      ${l}`).join('\n')}
`;

describe('the schedule files shipped', () => {
  it('reads the 000 §一.2 example with its defaults', () => {
    const schedule = loadSchedule(SEED_OFFICE_FILE);
    expect(schedule.timezone).toBe('Asia/Shanghai');
    expect(schedule.fallback).toEqual(['leader', 'bureau']);
    expect(schedule.safeDefault).toBe('bureau');
    expect(schedule.seasons).toEqual([
      { name: 'summer', starts: '05-01' },
      { name: 'winter', starts: '10-01' },
    ]);
    expect(schedule.plans.get('winter')!.get('every-day')!.periods.map((p) => p.label)).toEqual(['08:20–12:00', '13:50–17:30', '18:50–22:10']);
    expect(schedule.plans.get('summer')!.get('every-day')!.periods.map((p) => p.label)).toEqual(['07:50–11:30', '14:50–18:00', '19:20–22:10']);
  });

  it('reads the #3楼/#4楼 example, YAML anchors included, and a period crossing midnight', () => {
    const schedule = loadSchedule(HIRED_STAFF_FILE);
    const plans = schedule.plans.get('all-year')!;
    expect([...plans.keys()]).toEqual(['workday', 'weekend', 'holiday', 'spring-festival', 'national-day']);
    expect(plans.get('workday')!.periods.at(-1)).toEqual({ from: 22 * 60, to: 32 * 60, cover: 'bureau', label: '22:00–08:00' });
    expect(plans.get('holiday')).toEqual(plans.get('weekend'));
  });

  it('reads the night-shift test schedule', () => {
    expect(() => parseScheduleFile(NIGHT_SHIFT_YAML, 'night-shift.yaml')).not.toThrow();
  });
});

describe('schedule validation names file:line and the field', () => {
  it('reports overlapping periods at the later one', () => {
    expect(problems(winterWorkday('periods:', '  - { from: "11:30", to: "13:00", cover: desk }', '  - { from: "12:00", to: "14:50", cover: desk }', 'otherwise: bureau'))).toEqual([
      'schedule.yaml:14: plans.winter.workday.periods[1]: period 12:00–14:50 overlaps 11:30–13:00 in plan winter/workday',
    ]);
  });

  it('reports a period starting inside the previous day’s period that crosses midnight', () => {
    expect(problems(winterWorkday('periods:', '  - { from: "22:00", to: "08:00", cover: bureau }', '  - { from: "07:00", to: "12:00", cover: desk }', 'otherwise: bureau'))).toEqual([
      'schedule.yaml:14: plans.winter.workday.periods[1]: period 07:00–12:00 overlaps 22:00–08:00 of plan winter/workday, which crosses midnight into a winter/workday day',
    ]);
  });

  it('reports minutes no period covers when there is no "otherwise"', () => {
    expect(problems(winterWorkday('periods:', '  - { from: "00:00", to: "12:00", cover: bureau }', '  - { from: "13:00", to: "24:00", cover: desk }'))).toEqual([
      'schedule.yaml:11: plans.winter.workday: no period covers 12:00–13:00 in plan winter/workday and it has no "otherwise"',
    ]);
    // 00:00–08:00 is covered only after a workday (its 13:00–08:00 crosses midnight), not after another day type.
    expect(problems(winterWorkday('periods:', '  - { from: "08:00", to: "13:00", cover: desk }', '  - { from: "13:00", to: "08:00", cover: bureau }'))).toEqual([
      'schedule.yaml:11: plans.winter.workday: no period covers 00:00–08:00 on a day after a winter/every-day day in plan winter/workday and it has no "otherwise"',
    ]);
  });

  it('reports unknown destinations wherever a destination is named', () => {
    const yaml = `${DESTINATIONS}\
fallback: [leader, secretary]
seasons:
  winter: { starts: "10-01" }
plans:
  winter:
    every-day:
      periods:
        - { from: "08:00", to: "12:00", cover: dsek }
      otherwise: buro
`;
    expect(problems(yaml)).toEqual([
      'schedule.yaml:5: fallback[1]: unknown destination "secretary" (known: desk, leader, bureau)',
      'schedule.yaml:12: plans.winter.every-day.periods[0].cover: unknown destination "dsek" (known: desk, leader, bureau)',
      'schedule.yaml:13: plans.winter.every-day.otherwise: unknown destination "buro" (known: desk, leader, bureau)',
    ]);
  });

  it('reports a season without a start date, and a bad one', () => {
    const yaml = `${DESTINATIONS}\
seasons:
  summer:
  winter: { starts: "13-01" }
plans:
  summer: { every-day: { otherwise: bureau } }
  winter: { every-day: { otherwise: bureau } }
`;
    expect(problems(yaml)).toEqual([
      'schedule.yaml:6: seasons.summer: season summer has no start date: add starts: "MM-DD" (a season runs until the next one starts)',
      'schedule.yaml:7: seasons.winter.starts: bad start date "13-01" (expected "MM-DD", a day every year has, e.g. "10-01")',
      'schedule.yaml:9: plans.summer: unknown season "summer" (seasons: none)',
      'schedule.yaml:10: plans.winter: unknown season "winter" (seasons: none)',
    ]);
  });

  it('reports bad time strings', () => {
    expect(problems(winterWorkday('periods:', '  - { from: "8.00", to: "25:00", cover: desk }', '  - { from: "24:00", to: "24:00", cover: desk }', 'otherwise: bureau'))).toEqual([
      'schedule.yaml:13: plans.winter.workday.periods[0].from: bad time "8.00" (expected "HH:MM")',
      'schedule.yaml:13: plans.winter.workday.periods[0].to: bad time "25:00" (expected "HH:MM" or "24:00")',
      'schedule.yaml:14: plans.winter.workday.periods[1].from: bad time "24:00" (expected "HH:MM")',
    ]);
  });

  it('rejects forwarding the duty line to a mobile or through a trunk (002 §二(五))', () => {
    const yaml = `\
destinations:
  desk: { endpoint: "13800138000", role: desk }
  leader: { endpoint: PJSIP/leader@trunk, role: fallback }
  bureau: { endpoint: bureau, role: bureau }
seasons:
  all-year: { starts: "01-01" }
plans:
  all-year: { every-day: { otherwise: desk } }
`;
    expect(problems(yaml)).toEqual([
      'schedule.yaml:2: destinations.desk.endpoint: "13800138000" looks like a mobile number: the duty line must ring a fixed desk phone on this PBX, not be forwarded (002 §二(五))',
      'schedule.yaml:3: destinations.leader.endpoint: "PJSIP/leader@trunk" looks like a Dial string (technology, trunk or URI); name the PJSIP endpoint itself: the duty line must ring a fixed desk phone on this PBX, not be forwarded (002 §二(五))',
    ]);
  });

  it('tells desk extensions from external numbers', () => {
    expect(endpointProblem('desk')).toBeUndefined();
    expect(endpointProblem('8001')).toBeUndefined();
    expect(endpointProblem('desk-2.room_3')).toBeUndefined();
    expect(endpointProblem('+8613800138000')).toMatch(/mobile number/);
    expect(endpointProblem('010-6555-1234')).toMatch(/external phone number/);
    expect(endpointProblem('0086105551234')).toMatch(/external phone number/);
    expect(endpointProblem('SIP/trunk/13800138000')).toMatch(/Dial string/);
    expect(endpointProblem('Local/100@duty')).toMatch(/Dial string/);
    expect(endpointProblem('desk phone')).toMatch(/not a PJSIP endpoint name/);
  });

  it('reports typos in setting names and day types, and missing day types', () => {
    const yaml = `${DESTINATIONS}\
seasons:
  winter: { starts: "10-01" }
plans:
  winter:
    workday: { otherwize: bureau }
    weekends: { otherwise: bureau }
    national_day: { otherwise: bureau }
`;
    expect(problems(yaml)).toEqual([
      'schedule.yaml:8: plans.winter: season winter has no plan for weekend days (and no every-day plan)',
      'schedule.yaml:8: plans.winter: season winter has no plan for holiday days (and no every-day plan)',
      'schedule.yaml:9: plans.winter.workday.otherwize: unknown setting (expected one of: periods, otherwise)',
      'schedule.yaml:9: plans.winter.workday: no period covers 00:00–24:00 in plan winter/workday and it has no "otherwise"',
      expect.stringMatching(/^schedule\.yaml:10: plans\.winter\.weekends: unknown day type "weekends" \(expected one of: workday, weekend, holiday, every-day, new-years-day, spring-festival/),
      expect.stringMatching(/^schedule\.yaml:11: plans\.winter\.national_day: unknown day type "national_day"/),
    ]);
  });

  it('reports an every-day plan nothing uses, an unknown time zone and a missing safe default', () => {
    const yaml = `\
timezone: Asia/Beijing
destinations:
  desk: { endpoint: desk, role: desk }
seasons:
  all-year: { starts: "01-01" }
plans:
  all-year:
    workday: { otherwise: desk }
    weekend: { otherwise: desk }
    holiday: { otherwise: desk }
    every-day: { otherwise: desk }
`;
    expect(problems(yaml)).toEqual([
      'schedule.yaml:1: timezone: unknown time zone "Asia/Beijing" (expected an IANA name such as Asia/Shanghai)',
      expect.stringMatching(/^schedule\.yaml:1: safe-default: is missing/),
      'schedule.yaml:11: plans.all-year.every-day: is never used: workday, weekend and holiday are all given',
    ]);
  });

  it('reports a desk in the fallback chain, a bad destination name, an unknown role and seasons starting together', () => {
    const yaml = `\
destinations:
  desk: { endpoint: desk, role: desk }
  Bureau_1: { endpoint: bureau, role: bureau }
  leader: { endpoint: leader, role: boss }
fallback: [desk]
seasons:
  summer: { starts: "05-01" }
  hot-summer: { starts: "05-01" }
plans:
  summer: { every-day: { otherwise: desk } }
`;
    expect(problems(yaml)).toEqual([
      'schedule.yaml:3: destinations.Bureau_1: a destination name is lower-case letters, digits and "-" (it names a dialplan context)',
      'schedule.yaml:4: destinations.leader.role: unknown role "boss" (expected desk, fallback or bureau)',
      'schedule.yaml:5: fallback[0]: "desk" is a desk: the fallback chain is tried after the desk, so name a fallback or bureau destination',
      'schedule.yaml:8: seasons.hot-summer.starts: season hot-summer starts on 05-01 like season summer',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problems('destinations:\n  desk: { endpoint: desk\nseasons: []\n')).toEqual([expect.stringMatching(/^schedule\.yaml:[23]: /)]);
    expect(problems('destinations: {}\ndestinations: {}\n')).toEqual([expect.stringMatching(/^schedule\.yaml:2: .*unique/)]);
  });
});

import { readFileSync } from 'node:fs';
import { parseWallTime } from '../../src/core/schedule/schedule-local-time.js';
import type { Schedule } from '../../src/core/schedule/schedule-model.js';
import { chineseDaysBaseline } from '../../src/schedule/chinese-days-baseline.js';
import { buildHolidayCalendar } from '../../src/schedule/holiday-calendar.js';
import { parseScheduleFile } from '../../src/schedule/schedule-file.js';

const repo = new URL('../../', import.meta.url);

export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, repo), 'utf8');
}

/** The shipped example reproducing 000 §一.2 (summer/winter office hours, the bureau otherwise). */
export const SEED_OFFICE_FILE = 'dialplan/schedule.example.yaml';
/** The other office of 000 (#3楼/#4楼): regular staff, hired staff, the bureau at night. */
export const HIRED_STAFF_FILE = 'test/fixtures/schedule/regular-and-hired-staff.yaml';

export const loadSchedule = (path: string): Schedule => parseScheduleFile(readRepoFile(path), path);

/** The chinese-days baseline alone (it knows 2026, not 2027). */
export const baselineCalendar = buildHolidayCalendar(chineseDaysBaseline(), []);

/** "2026-10-01 07:59" on the wall clock in Shanghai. */
export function shanghai(wallTime: string): Date {
  const at = parseWallTime(wallTime, 'Asia/Shanghai');
  if (!at) throw new Error(`bad wall time ${wallTime}`);
  return at;
}

/**
 * Night shifts crossing midnight, differing by season and day type, to see the part after
 * midnight follow the plan of the day it started on (into a holiday, a weekend, a new season).
 */
export const NIGHT_SHIFT_YAML = `\
destinations:
  desk: { endpoint: desk, role: desk }
  night-desk: { endpoint: night, role: desk }
  bureau: { endpoint: bureau, role: bureau }
seasons:
  summer: { starts: "05-01" }
  winter: { starts: "10-01" }
plans:
  summer:
    workday:
      periods:
        - { from: "08:00", to: "18:00", cover: desk }
        - { from: "22:00", to: "06:00", cover: night-desk }
      otherwise: bureau
    every-day:
      otherwise: bureau
  winter:
    workday:
      periods:
        - { from: "08:30", to: "17:30", cover: desk }
        - { from: "23:00", to: "07:00", cover: night-desk }
      otherwise: bureau
    holiday:
      periods:
        - { from: "09:00", to: "12:00", cover: desk }
      otherwise: bureau
    weekend:
      otherwise: bureau
`;

/**
 * The duty schedule as data (DOMAIN.md "Schedules are data, not code"): who covers the duty line
 * at each minute, by season and day type. Built by src/schedule/schedule-file.ts from a validated
 * YAML file; everything here is plain values so the core stays pure.
 */

import type { DestinationRole } from '../phone-role.js';

export type { DestinationRole } from '../phone-role.js';

export interface Destination {
  name: string;
  /** A PJSIP endpoint on this PBX: never an external or mobile number (002 §二(五)). */
  endpoint: string;
  role: DestinationRole;
}

export interface Period {
  /** Minutes after the plan day's midnight, 0..1439. */
  from: number;
  /** Minutes after the plan day's midnight, from < to ≤ from + 1440: above 1440 the period crosses midnight. */
  to: number;
  cover: string;
  /** As written, e.g. "22:00–08:00". */
  label: string;
}

export interface DayPlan {
  /** Sorted by `from`, not overlapping. */
  periods: readonly Period[];
  /** Covers every minute no period (nor the previous day's period crossing midnight) covers. */
  otherwise?: string;
}

export interface Season {
  name: string;
  /** First day of the season each year, "MM-DD"; a season runs until the next season's start (cyclic). */
  starts: string;
}

/**
 * Plan keys of a season: the day types `workday`, `weekend`, `holiday`, a named holiday's slug
 * (e.g. `national-day`, falls back to `holiday`), and `every-day` (the fallback of all of them).
 */
export type PlanKey = string;

export interface Schedule {
  timezone: string;
  destinations: ReadonlyMap<string, Destination>;
  /** Tried in order after the desk leaves N rings unanswered. */
  fallback: readonly string[];
  /** Sorted by start date. */
  seasons: readonly Season[];
  plans: ReadonlyMap<string, ReadonlyMap<PlanKey, DayPlan>>;
  /** Where calls go when the dialplan has no dated rules for the month (calendar not loaded). */
  safeDefault: string;
  /** Optional office name for headers and reports. */
  office?: string;
}

/** A calendar date in the schedule's time zone, "YYYY-MM-DD". */
export type LocalDate = string;

export type DayType = 'workday' | 'weekend' | 'holiday';

export interface HolidayName {
  /** Plan key for a named exception, e.g. "national-day". */
  slug: string;
  /** e.g. "National Day". */
  name: string;
  /** e.g. "国庆节". */
  nameZh: string;
}

export interface CalendarDay {
  type: DayType;
  /** The statutory holiday this day belongs to (also set on its adjusted working days). */
  holiday?: HolidayName;
  /** A weekend day made a working day 调休: follows the workday plan. */
  adjustedWorkday: boolean;
  /** False when the calendar has no data for this date's year (plain weekday/weekend guess). */
  known: boolean;
}

/** What the coverage rules need from a holiday calendar. */
export interface DayCalendar {
  dayOf(date: LocalDate): CalendarDay;
}

/**
 * "Who covers the duty line at time T, and why": pure functions of (schedule, calendar, time).
 * coverAt answers for one instant; coverageIntervals lists [start, end) instants for a range (the
 * dialplan renderer turns them into dated rules). Both read the same per-day segments.
 */
import type { CalendarDay, DayCalendar, DayPlan, DayType, Destination, LocalDate, PlanKey, Schedule, Season } from './schedule-model.js';
import { addDays, instantOf, wallClockAt } from './schedule-local-time.js';

/** The plan a calendar day follows. */
export interface PlanChoice {
  date: LocalDate;
  season: string;
  key: PlanKey;
  plan: DayPlan;
  day: CalendarDay;
}

/** A stretch of one local day, in minutes since its midnight, covered by one rule. */
export interface CoverageSegment {
  from: number;
  to: number;
  destination: string;
  rule: string;
  /** The plan the rule comes from: the previous day's for a period crossing midnight. */
  source: PlanChoice;
}

export interface Coverage {
  destination: string;
  endpoint: string;
  role: Destination['role'];
  season: string;
  dayType: DayType;
  /** The statutory holiday the plan day belongs to (also on its adjusted working days), e.g. "National Day". */
  dayName?: string;
  adjustedWorkday: boolean;
  /** e.g. "winter/national-day", or "winter/holiday" when there is no national-day plan. */
  plan: string;
  /** The day whose plan applies: the previous day inside a period crossing midnight. */
  planDate: LocalDate;
  /** e.g. "winter/holiday period 08:20–12:00", "summer/workday otherwise". */
  rule: string;
  /** False when the holiday calendar has no data for the plan day's year. */
  calendarKnown: boolean;
}

export interface CoverageInterval {
  start: Date;
  end: Date;
  destination: string;
  endpoint: string;
  role: Destination['role'];
  /** The rules that produced the (merged) interval, in order, without repeats. */
  rules: string[];
}

const DAY_MINUTES = 1440;

export function seasonOn(schedule: Schedule, date: LocalDate): Season {
  const monthDay = date.slice(5);
  let season = schedule.seasons.at(-1)!;
  for (const s of schedule.seasons) if (s.starts <= monthDay) season = s;
  return season;
}

/** Day-type fallbacks: a named holiday → holiday → every-day; adjusted working days 调休 follow workday. */
export function planKeysFor(day: CalendarDay): PlanKey[] {
  if (day.type === 'holiday') return [...(day.holiday ? [day.holiday.slug] : []), 'holiday', 'every-day'];
  return [day.type, 'every-day'];
}

export function planOn(schedule: Schedule, calendar: DayCalendar, date: LocalDate): PlanChoice {
  const season = seasonOn(schedule, date).name;
  const day = calendar.dayOf(date);
  const plans = schedule.plans.get(season);
  for (const key of planKeysFor(day)) {
    const plan = plans?.get(key);
    if (plan) return { date, season, key, plan, day };
  }
  throw new Error(`schedule has no plan for ${season}/${day.type} (${date}): it was not validated`);
}

export const planLabel = (choice: PlanChoice): string => `${choice.season}/${choice.key}`;

/** Covers [0, 1440) of `date`: the previous day's period crossing midnight first, then the day's own plan. */
export function daySegments(schedule: Schedule, calendar: DayCalendar, date: LocalDate): CoverageSegment[] {
  const yesterday = planOn(schedule, calendar, addDays(date, -1));
  const today = planOn(schedule, calendar, date);
  const segments: CoverageSegment[] = [];
  let cursor = 0;
  const fill = (until: number) => {
    if (until <= cursor) return;
    const otherwise = today.plan.otherwise;
    segments.push({
      from: cursor,
      to: until,
      destination: otherwise ?? schedule.safeDefault,
      rule: otherwise ? `${planLabel(today)} otherwise` : `${planLabel(today)} uncovered → safe default`,
      source: today,
    });
    cursor = until;
  };
  // A period belongs to the day it starts on; its part after midnight covers this day's early
  // hours whatever this day's type or season.
  for (const p of yesterday.plan.periods) {
    if (p.to <= DAY_MINUTES || p.to - DAY_MINUTES <= cursor) continue;
    segments.push({ from: cursor, to: p.to - DAY_MINUTES, destination: p.cover, rule: `${planLabel(yesterday)} period ${p.label}`, source: yesterday });
    cursor = p.to - DAY_MINUTES;
  }
  for (const p of today.plan.periods) {
    const to = Math.min(p.to, DAY_MINUTES);
    if (to <= cursor) continue;
    fill(p.from);
    segments.push({ from: Math.max(p.from, cursor), to, destination: p.cover, rule: `${planLabel(today)} period ${p.label}`, source: today });
    cursor = to;
  }
  fill(DAY_MINUTES);
  return segments;
}

function destinationOf(schedule: Schedule, name: string): Destination {
  const d = schedule.destinations.get(name);
  if (!d) throw new Error(`schedule names unknown destination "${name}": it was not validated`);
  return d;
}

/** A segment placed in time: [start, end) in epoch ms (empty when a DST jump swallows it). */
interface TimedSegment extends CoverageSegment {
  start: number;
  end: number;
}

function timedSegments(schedule: Schedule, calendar: DayCalendar, date: LocalDate): TimedSegment[] {
  return daySegments(schedule, calendar, date).map((s) => ({
    ...s,
    start: instantOf(date, s.from, schedule.timezone).getTime(),
    end: instantOf(date, s.to, schedule.timezone).getTime(),
  }));
}

// Schedules and calendars are never mutated, so a few days' segments can be kept for the next
// calls: a caller stepping through time (a report, a test) then pays for each day once.
let recent: { schedule: Schedule; calendar: DayCalendar; days: Map<LocalDate, TimedSegment[]> } | undefined;

function recentSegments(schedule: Schedule, calendar: DayCalendar, date: LocalDate): TimedSegment[] {
  if (recent?.schedule !== schedule || recent.calendar !== calendar || recent.days.size > 8) recent = { schedule, calendar, days: new Map() };
  let segments = recent.days.get(date);
  if (!segments) recent.days.set(date, (segments = timedSegments(schedule, calendar, date)));
  return segments;
}

/**
 * Placed in time like coverageIntervals, so both agree even where a DST switch repeats or skips
 * wall-clock times (see instantOf); the instant belongs to its wall date, or, around such a
 * switch at midnight, to a neighbouring one.
 */
export function coverAt(schedule: Schedule, calendar: DayCalendar, at: Date): Coverage {
  const t = at.getTime();
  const { date } = wallClockAt(at, schedule.timezone);
  const containing = (d: LocalDate) => recentSegments(schedule, calendar, d).find((s) => s.start <= t && t < s.end);
  const segment = containing(date) ?? containing(addDays(date, -1)) ?? containing(addDays(date, 1));
  if (!segment) throw new Error(`no coverage segment contains ${at.toISOString()}`);
  const { endpoint, role } = destinationOf(schedule, segment.destination);
  const { source } = segment;
  return {
    destination: segment.destination,
    endpoint,
    role,
    season: source.season,
    dayType: source.day.type,
    ...(source.day.holiday ? { dayName: source.day.holiday.name } : {}),
    adjustedWorkday: source.day.adjustedWorkday,
    plan: planLabel(source),
    planDate: source.date,
    rule: segment.rule,
    calendarKnown: source.day.known,
  };
}

/** Contiguous [start, end) intervals covering [from, to), same-destination neighbours merged. */
export function coverageIntervals(schedule: Schedule, calendar: DayCalendar, from: Date, to: Date): CoverageInterval[] {
  const intervals: CoverageInterval[] = [];
  const last = wallClockAt(new Date(to.getTime() - 1), schedule.timezone).date;
  for (let date = addDays(wallClockAt(from, schedule.timezone).date, -1); date <= last; date = addDays(date, 1)) {
    for (const s of timedSegments(schedule, calendar, date)) {
      const start = Math.max(s.start, from.getTime());
      const end = Math.min(s.end, to.getTime());
      if (end <= start) continue;
      const prev = intervals.at(-1);
      if (prev && prev.destination === s.destination && prev.end.getTime() === start) {
        prev.end = new Date(end);
        if (!prev.rules.includes(s.rule)) prev.rules.push(s.rule);
        continue;
      }
      const { endpoint, role } = destinationOf(schedule, s.destination);
      intervals.push({ start: new Date(start), end: new Date(end), destination: s.destination, endpoint, role, rules: [s.rule] });
    }
  }
  return intervals;
}

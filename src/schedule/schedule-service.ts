/**
 * The office's schedule as ops and supervisors read it in the console: the schedule itself, who
 * covers the duty line at a moment (by the schedule, and by the generated dialplan the PBX loads,
 * as `duty-hotline route --at` answers), and a year of the holiday calendar with its warnings.
 */
import type { OfficeId } from '../core/office.js';
import { coverAt } from '../core/schedule/schedule-coverage.js';
import { wallClockAt, formatMinute } from '../core/schedule/schedule-local-time.js';
import type { Destination, Schedule } from '../core/schedule/schedule-model.js';
import { routeByDialplan, type DialplanPhone, type DialplanRoute } from '../dialplan/rendered-dialplan.js';
import type { Clock } from '../platform/clock.js';
import { ApiError } from '../platform/http/errors.js';
import { calendarYear, type CalendarYearView } from './calendar-year.js';
import { missingYearWarning, type HolidayCalendar } from './holiday-calendar.js';
import { dialplanAgrees, fallbackChain, type RoutingDialplan } from './route-command.js';

/** The office's schedule (read at start) and the holiday calendar as it stands now; null: the office has no readable schedule file. */
export type OfficeSchedule = (officeId: OfficeId) => Promise<{ schedule: Schedule; calendar: HolidayCalendar } | null>;

export interface ScheduleServiceDeps {
  officeSchedule: OfficeSchedule;
  /** The generated dialplan the PBX loads (src/schedule/route-command.ts readRoutingDialplan). */
  routingDialplan: () => Promise<RoutingDialplan>;
  clock: Pick<Clock, 'now'>;
}

const phoneOf = (d: Destination) => ({ name: d.name, endpoint: d.endpoint, role: d.role });

/**
 * agrees: the dialplan dials what the schedule says; differs: it is out of date (render and apply);
 * no-rules-for-month: no dated rules for the month (its safe default); no-interval: its rules end
 * before the moment; none: no generated dialplan; unreadable: a file that is no generated dialplan.
 */
export type DialplanVerdict = 'agrees' | 'differs' | 'no-rules-for-month' | 'no-interval' | 'none' | 'unreadable';

export class ScheduleService {
  constructor(private readonly deps: ScheduleServiceDeps) {}

  private async of(officeId: OfficeId) {
    const found = await this.deps.officeSchedule(officeId);
    if (!found) throw new ApiError('CONFLICT', `office ${officeId} has no schedule file the service could read: its periods and destinations are unknown`);
    return found;
  }

  async schedule(officeId: OfficeId) {
    const { schedule } = await this.of(officeId);
    return {
      office: schedule.office ?? null,
      timezone: schedule.timezone,
      destinations: [...schedule.destinations.entries()].map(([key, d]) => ({ key, ...phoneOf(d) })),
      fallback: [...schedule.fallback],
      safeDefault: schedule.safeDefault,
      seasons: schedule.seasons.map((season) => ({
        name: season.name,
        starts: season.starts,
        plans: [...(schedule.plans.get(season.name)?.entries() ?? [])].map(([key, plan]) => ({
          key,
          periods: plan.periods.map((p) => ({ label: p.label, cover: p.cover })),
          otherwise: plan.otherwise ?? null,
        })),
      })),
    };
  }

  async coverage(officeId: OfficeId, at: Date = this.deps.clock.now()) {
    const { schedule, calendar } = await this.of(officeId);
    const c = coverAt(schedule, calendar, at);
    const wall = wallClockAt(at, schedule.timezone);
    const holiday = c.dayName === undefined ? undefined : calendar.dayOf(c.planDate).holiday;
    const chain = fallbackChain(schedule, c);
    return {
      at,
      timezone: schedule.timezone,
      local: `${wall.date} ${formatMinute(wall.minute)}`,
      bySchedule: {
        destination: c.destination,
        endpoint: c.endpoint,
        role: c.role,
        season: c.season,
        dayType: c.dayType,
        holiday: holiday ? { name: holiday.name, nameZh: holiday.nameZh } : null,
        adjustedWorkday: c.adjustedWorkday,
        plan: c.plan,
        planDate: c.planDate,
        rule: c.rule,
        calendarKnown: c.calendarKnown,
        fallback: chain.map(phoneOf),
      },
      byDialplan: await this.dialplanRoute(at, (route) => dialplanAgrees(route, c, chain)),
    };
  }

  private async dialplanRoute(at: Date, agrees: (route: DialplanRoute) => boolean) {
    const none = (verdict: DialplanVerdict, message: string, file: string | null = null) => ({ verdict, file, destination: null, phones: [] as DialplanPhone[], message });
    let dialplan: RoutingDialplan;
    try {
      dialplan = await this.deps.routingDialplan();
    } catch (err) {
      return none('unreadable', (err as Error).message);
    }
    if (dialplan.file === undefined) return none('none', `no generated dialplan (${dialplan.searched.join(', ')}): the PBX rings the desk with no fallback chain; run duty-hotline dialplan render, then dialplan apply`);
    let route;
    try {
      route = routeByDialplan(dialplan.text, at);
    } catch (err) {
      return none('unreadable', `${dialplan.file} is no generated dialplan: ${(err as Error).message}`, dialplan.file);
    }
    const verdict: DialplanVerdict = 'reason' in route ? route.reason : agrees(route) ? 'agrees' : 'differs';
    const message = {
      agrees: 'the dialplan the PBX loads dials what the schedule says',
      differs: 'the dialplan is out of date: run duty-hotline dialplan render, then dialplan apply',
      'no-rules-for-month': `no dated rules for ${route.month}: every call goes to the safe default ${route.destination}`,
      'no-interval': `none of [${route.context}] ends after this moment: the PBX routes to ${route.destination} with an error in its log`,
    }[verdict as 'agrees' | 'differs' | 'no-rules-for-month' | 'no-interval'];
    return { verdict, file: dialplan.file, destination: route.destination, phones: route.phones, message };
  }

  /** `year`: default this year in the schedule's time zone. */
  async calendarYear(officeId: OfficeId, year?: number): Promise<CalendarYearView & { years: number[]; warning: string | null }> {
    const { schedule, calendar } = await this.of(officeId);
    const now = this.deps.clock.now();
    return {
      ...calendarYear(calendar, year ?? Number(wallClockAt(now, schedule.timezone).date.slice(0, 4))),
      years: [...calendar.years].sort((a, b) => a - b),
      warning: missingYearWarning(calendar, now, schedule.timezone),
    };
  }
}

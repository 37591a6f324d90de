/**
 * `duty-hotline route --at T`: who covers the duty line at T, and why. The answer is what the
 * generated dialplan the PBX loads does at T; the schedule file explains it, or says how it differs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../platform/config/config-schema.js';
import { coverAt, seasonOn, type Coverage } from '../core/schedule/schedule-coverage.js';
import { instantOf, isValidDate, wallClockAt, weekdayOf } from '../core/schedule/schedule-local-time.js';
import type { Destination, Schedule } from '../core/schedule/schedule-model.js';
import { GENERATED_DIALPLAN_PATH, ROUTE_CONTEXT } from '../dialplan/dialplan-render.js';
import type { HolidayCalendar } from './holiday-calendar.js';
import { STATUTORY_HOLIDAYS } from './holiday-names.js';
import { routeByDialplan, type DialplanPhone, type DialplanRoute } from '../dialplan/rendered-dialplan.js';
import { asCliError, CliError } from '../cli/cli-support.js';
import { liveDirOf } from '../dialplan/dialplan-files.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WALL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * "2026-10-10T09:00" (or with seconds, or a space for the T) is wall time in the schedule's time
 * zone; "2026-10-10T09:00+08:00" / "…Z" is that instant.
 */
export function parseRouteTime(text: string, timezone: string): Date {
  const t = text.trim();
  const wall = WALL.exec(t);
  if (wall) {
    const [, date, hh, mm, ss = '0'] = wall;
    const hour = Number(hh);
    const minute = Number(mm);
    const second = Number(ss);
    if (isValidDate(date!) && hour <= 23 && minute <= 59 && second <= 59) return new Date(instantOf(date!, hour * 60 + minute, timezone).getTime() + second * 1000);
  } else if (WITH_OFFSET.test(t)) {
    const at = new Date(t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new CliError(
    `bad time "${text}": expected wall time in ${timezone} such as 2026-10-10T09:00, or an ISO time with an offset such as 2026-10-10T09:00+08:00 or 2026-10-10T01:00Z`,
  );
}

const holidayLabel = (name: string | undefined): string => {
  const h = STATUTORY_HOLIDAYS.find((x) => x.name === name);
  return h ? `${h.name} ${h.nameZh}` : (name ?? '');
};

function dayTypeLine(c: Coverage): string {
  if (c.dayType === 'holiday') return `holiday${c.dayName ? `: ${holidayLabel(c.dayName)}` : ''}`;
  if (c.adjustedWorkday) return `workday: adjusted working day (调休) for ${holidayLabel(c.dayName)}; it follows the workday plan`;
  return c.dayType;
}

/** Why a day uses a plan other than its own day type's (a named holiday → holiday → every-day). */
function planNote(c: Coverage): string {
  const key = c.plan.slice(c.plan.indexOf('/') + 1);
  const own = c.dayType === 'holiday' && c.dayName ? STATUTORY_HOLIDAYS.find((h) => h.name === c.dayName)?.slug : c.dayType;
  if (key === own) return '';
  const tried = c.dayType === 'holiday' && own ? [own, 'holiday'] : [c.dayType];
  return ` (the schedule has no ${tried.filter((k) => k !== key).map((k) => `${c.season}/${k}`).join(' or ')} plan)`;
}

/**
 * The generated dialplan route reads (with the live file it looked for first, when that one is
 * missing and `file` is the repo's copy), or the files it looked for.
 */
export type RoutingDialplan = { file: string; text: string; liveMissing?: string } | { file?: undefined; searched: string[] };

/**
 * The generated dialplan the PBX loads (extensions.conf #tryinclude's it from the live folder);
 * the repo's rendered copy (schedule.generatedDir) when the live folder has none.
 */
export async function readRoutingDialplan(config: Config): Promise<RoutingDialplan> {
  const name = path.basename(GENERATED_DIALPLAN_PATH);
  const searched = [...new Set([path.join(liveDirOf(config), name), path.join(config.schedule.generatedDir, name)])];
  for (const [i, file] of searched.entries()) {
    try {
      return { file, text: await readFile(file, 'utf8'), ...(i > 0 ? { liveMissing: searched[0] } : {}) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
    }
  }
  return { searched };
}

/** What dialplan/duty-inbound.conf dials when no generated [duty-route] is loaded. */
const LAST_RESORT: DialplanPhone = { endpoint: 'desk', role: 'desk' };
const RENDER_APPLY = 'run duty-hotline dialplan render, then dialplan apply';

const rings = (p: DialplanPhone) => `rings PJSIP/${p.endpoint} (role ${p.role})`;

/** What the schedule rings, in order, when the desk of coverage `c` leaves N rings unanswered; nothing for any other destination. */
export const fallbackChain = (schedule: Schedule, c: Coverage): Destination[] => (c.role === 'desk' ? schedule.fallback.map((f) => schedule.destinations.get(f)!) : []);

/** The dialplan dials what the schedule says: its destination, then the same phones in the same order. */
export function dialplanAgrees(route: Pick<DialplanRoute, 'destination' | 'phones'>, c: Coverage, chain: readonly Destination[]): boolean {
  return route.destination === c.destination && route.phones.map((p) => p.endpoint).join() === [c.endpoint, ...chain.map((f) => f.endpoint)].join();
}

/** The answer as lines for the terminal. */
export function describeRoute(schedule: Schedule, calendar: HolidayCalendar, at: Date, dialplan: RoutingDialplan): string[] {
  const tz = schedule.timezone;
  const c = coverAt(schedule, calendar, at);
  const wall = wallClockAt(at, tz);
  const seconds = Math.floor((at.getTime() / 1000) % 60);
  const time = `${String(Math.floor(wall.minute / 60)).padStart(2, '0')}:${String(wall.minute % 60).padStart(2, '0')}${seconds ? `:${String(seconds).padStart(2, '0')}` : ''}`;
  const season = seasonOn(schedule, c.planDate);
  const year = Number(c.planDate.slice(0, 4));
  const reasoning = [
    `season      ${c.season} (from ${season.starts} each year)`,
    `day type    ${dayTypeLine(c)}${c.planDate !== wall.date ? ` — of ${c.planDate}, whose period crosses midnight` : ''}`,
    `plan        ${c.plan}${planNote(c)}`,
    `rule        ${c.rule}`,
  ];
  const calendarLine = `calendar    ${c.calendarKnown ? `${year} from ${calendar.sourceOf(year)}` : `no data for ${year}: holidays and adjusted working days are not applied`}`;
  const scheduleWouldRoute = (why: string) =>
    `schedule    the schedule file would route to ${c.destination} (PJSIP/${c.endpoint})${why} (season, day type, plan and rule below are the schedule's)`;
  const lines = [`${wall.date} ${time} ${tz} (${WEEKDAYS[weekdayOf(wall.date)]}; ${at.toISOString()})`];

  if (dialplan.file === undefined) {
    lines.push(
      `covered by  last resort: ${rings(LAST_RESORT)}, no fallback chain`,
      `dialplan    none: no ${dialplan.searched.join(', no ')}; without the generated [duty-route], dialplan/duty-inbound.conf rings the desk for \${DUTY_DIAL_TIMEOUT} s with an ERROR in the log — ${RENDER_APPLY}`,
      scheduleWouldRoute(' once rendered'),
      ...reasoning,
      calendarLine,
    );
    return lines;
  }

  const r = asCliError(() => routeByDialplan(dialplan.text, at), `cannot read ${dialplan.file} as a generated dialplan`);
  const [first, ...chain] = r.phones as [DialplanPhone, ...DialplanPhone[]];
  lines.push(`covered by  ${r.destination}: ${rings(first)}`);
  lines.push(`dialplan    ${dialplan.file}${dialplan.liveMissing ? ` (the repo's rendered copy: there is no ${dialplan.liveMissing})` : ''}`);
  if ('ruleComment' in r) {
    lines.push(`interval    [${r.context}] ${r.ruleComment}`);
  } else if (r.reason === 'no-rules-for-month') {
    const monthYear = Number(r.month.slice(0, 4));
    const fix = calendar.years.has(monthYear) ? RENDER_APPLY : `import the ${monthYear} holiday calendar (duty-hotline calendar import FILE), then duty-hotline dialplan render and dialplan apply`;
    lines.push(`no rules    no dated rules for ${r.month} in ${dialplan.file}: [${ROUTE_CONTEXT}] routes every call to its safe default ${r.destination}, with a WARNING in the PBX log — ${fix}`);
  } else {
    lines.push(`interval    none of [${r.context}] ends after ${at.toISOString()}: the PBX routes to ${r.destination}, with an ERROR in the PBX log — ${RENDER_APPLY}`);
  }

  const fallback = fallbackChain(schedule, c);
  if (dialplanAgrees(r, c, fallback)) {
    lines.push(...reasoning);
    if (fallback.length > 0) {
      lines.push(`unanswered  after N rings the call goes on to ${fallback.map((f) => `${f.name} (PJSIP/${f.endpoint})`).join(', then ')}; the absence is recorded`);
    }
  } else {
    lines.push(scheduleWouldRoute('ruleComment' in r ? `: the dialplan is out of date, ${RENDER_APPLY}` : ''), ...reasoning);
    if (chain.length > 0) {
      lines.push(`unanswered  after N rings the call goes on to ${chain.map((p) => `PJSIP/${p.endpoint} (role ${p.role})`).join(', then ')}${first.role === 'desk' ? '; the absence is recorded' : ''}`);
    }
  }
  lines.push(calendarLine);
  return lines;
}

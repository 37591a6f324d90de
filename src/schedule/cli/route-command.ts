/** `duty-hotline route --at T`: who covers the duty line at T, and why. */
import { coverAt, seasonOn, type Coverage } from '../../core/schedule-coverage.js';
import { instantOf, isValidDate, wallClockAt, weekdayOf } from '../../core/schedule-local-time.js';
import type { Schedule } from '../../core/schedule-model.js';
import type { HolidayCalendar } from '../holiday-calendar.js';
import { STATUTORY_HOLIDAYS } from '../holiday-names.js';
import { CliError } from './cli-support.js';

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

/** The answer as lines for the terminal. */
export function describeRoute(schedule: Schedule, calendar: HolidayCalendar, at: Date, renderedYears?: ReadonlySet<number>): string[] {
  const tz = schedule.timezone;
  const c = coverAt(schedule, calendar, at);
  const wall = wallClockAt(at, tz);
  const seconds = Math.floor((at.getTime() / 1000) % 60);
  const time = `${String(Math.floor(wall.minute / 60)).padStart(2, '0')}:${String(wall.minute % 60).padStart(2, '0')}${seconds ? `:${String(seconds).padStart(2, '0')}` : ''}`;
  const season = seasonOn(schedule, c.planDate);
  const dest = schedule.destinations.get(c.destination)!;
  const lines = [
    `${wall.date} ${time} ${tz} (${WEEKDAYS[weekdayOf(wall.date)]}; ${at.toISOString()})`,
    `covered by  ${c.destination}: rings PJSIP/${c.endpoint} (role ${c.role})`,
    `season      ${c.season} (from ${season.starts} each year)`,
    `day type    ${dayTypeLine(c)}${c.planDate !== wall.date ? ` — of ${c.planDate}, whose period crosses midnight` : ''}`,
    `plan        ${c.plan}${planNote(c)}`,
    `rule        ${c.rule}`,
  ];
  if (dest.role === 'desk' && schedule.fallback.length > 0) {
    lines.push(`unanswered  after N rings the call goes on to ${schedule.fallback.map((f) => `${f} (PJSIP/${schedule.destinations.get(f)!.endpoint})`).join(', then ')}; the absence is recorded`);
  }
  const year = Number(c.planDate.slice(0, 4));
  lines.push(`calendar    ${c.calendarKnown ? `${year} from ${calendar.sourceOf(year)}` : `no data for ${year}: holidays and adjusted working days are not applied`}`);
  const wallYear = Number(wall.date.slice(0, 4));
  if (!calendar.years.has(wallYear) || (renderedYears && !renderedYears.has(wallYear))) {
    lines.push(`note        the dialplan has no dated rules for ${wallYear} until its calendar is imported and rendered: the PBX routes such calls to ${schedule.safeDefault}`);
  }
  return lines;
}

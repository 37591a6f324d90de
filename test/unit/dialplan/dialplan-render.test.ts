import { describe, expect, it } from 'vitest';
import { coverAt, coverageIntervals } from '../../../src/core/schedule/schedule-coverage.js';
import { wallClockAt } from '../../../src/core/schedule/schedule-local-time.js';
import type { Schedule } from '../../../src/core/schedule/schedule-model.js';
import { CHINA_RING_RULES } from '../../../src/core/call/ring-rules.js';
import { deskRingTimeoutSeconds, renderScheduleDialplan } from '../../../src/dialplan/dialplan-render.js';
import { parseScheduleFile } from '../../../src/schedule/schedule-file.js';
import { baselineCalendar as calendar, HIRED_STAFF_FILE, loadSchedule, NIGHT_SHIFT_YAML, SEED_OFFICE_FILE, shanghai } from '../../support/schedule-test-data.js';

const SMALL_SCHEDULE = `\
office: snapshot office
destinations:
  desk: { endpoint: desk, role: desk }
  leader: { endpoint: leader, role: fallback }
  bureau: { endpoint: bureau, role: bureau }
fallback: [leader, bureau]
seasons:
  all-year: { starts: "01-01" }
plans:
  all-year:
    workday:
      periods:
        - { from: "09:00", to: "17:00", cover: desk }
      otherwise: bureau
    every-day:
      otherwise: bureau
`;

const render = (schedule: Schedule, file: string) => renderScheduleDialplan(schedule, calendar, { years: [2026], scheduleFile: file, rings: CHINA_RING_RULES });

/** The file's contexts: name → lines (comments and blank lines included). */
function contexts(text: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) result.set(header[1]!, (current = []));
    else current?.push(line);
  }
  return result;
}

const GOTO_INTERVAL = /^ same => n,GotoIf\(\$\[\$\{DUTY_NOW\} < (\d+)\]\?duty-dest-([a-z0-9-]+),s,1\) ; /;

/** Play Asterisk: pick the month context as [duty-route] does, then the first interval ending after now. */
function routeByDialplan(parsed: Map<string, string[]>, at: Date, timezone: string): string {
  const now = Math.floor(at.getTime() / 1000);
  const month = wallClockAt(at, timezone).date.slice(0, 7).replace('-', '');
  const lines = parsed.get(`duty-route-${month}`);
  if (!lines) return /Goto\(duty-dest-([a-z0-9-]+),s,1\)/.exec(parsed.get('duty-route')!.at(-2)!)![1]!;
  for (const line of lines) {
    const m = GOTO_INTERVAL.exec(line);
    if (m && now < Number(m[1])) return m[2]!;
  }
  throw new Error(`no interval of duty-route-${month} matched ${now}`);
}

describe('dialplan rendering', () => {
  it('renders a small schedule (header, entry, October 2026, destinations)', async () => {
    const text = render(parseScheduleFile(SMALL_SCHEDULE, 'small.yaml'), 'small.yaml');
    const otherMonths = /^\[duty-route-2026(0[1-9]|1[12])\]$/;
    const excerpt = text
      .split('\n\n')
      .filter((section) => !otherMonths.test(section.split('\n')[0]!))
      .join('\n\n');
    await expect(excerpt).toMatchFileSnapshot('__snapshots__/small-schedule.2026-10.conf');
  });

  it('has one context per month of the rendered years, and none outside them', () => {
    const parsed = contexts(render(loadSchedule(SEED_OFFICE_FILE), SEED_OFFICE_FILE));
    const months = [...parsed.keys()].filter((name) => /^duty-route-\d{6}$/.test(name));
    expect(months).toEqual(Array.from({ length: 12 }, (_, i) => `duty-route-2026${String(i + 1).padStart(2, '0')}`));
    expect(routeByDialplan(parsed, shanghai('2027-01-01 09:00'), 'Asia/Shanghai')).toBe('bureau');
    expect(parsed.get('duty-route')!.join('\n')).toContain('STRFTIME(${DUTY_NOW},Asia/Shanghai,%Y%m)');
    expect(parsed.get('duty-route')!.join('\n')).toMatch(/Log\(WARNING,.*\n.*UserEvent\(DutyRouteNoRules,Month: \$\{DUTY_MONTH\},Destination: bureau\)\n.*Goto\(duty-dest-bureau,s,1\)/);
  });

  it('refuses years the holiday calendar does not know', () => {
    expect(() =>
      renderScheduleDialplan(loadSchedule(SEED_OFFICE_FILE), calendar, { years: [2026, 2027], scheduleFile: 'x', rings: CHINA_RING_RULES }),
    ).toThrow(/no data for 2027/);
  });

  it('rings the desk for N rings, then the fallback chain in order, reporting every Dial()', () => {
    const parsed = contexts(render(loadSchedule(HIRED_STAFF_FILE), HIRED_STAFF_FILE));
    const desk = parsed.get('duty-dest-hired-desk')!.join('\n');
    expect(deskRingTimeoutSeconds(CHINA_RING_RULES)).toBe(16);
    expect(deskRingTimeoutSeconds({ threshold: 3, cadence: { onMs: 200, offMs: 300 } })).toBe(3);
    expect(desk).toContain('Set(DUTY_DESK_RING_TIMEOUT=${IF($["${DUTY_DESK_RING_TIMEOUT}" = ""]?16:${DUTY_DESK_RING_TIMEOUT})})');
    expect([...desk.matchAll(/Dial\((PJSIP[^)]*)\)/g)].map((m) => m[1])).toEqual([
      'PJSIP/hired-desk,${DUTY_DESK_RING_TIMEOUT},i',
      'PJSIP/leader,${DUTY_FALLBACK_RING_TIMEOUT},i',
      'PJSIP/bureau,${DUTY_FALLBACK_RING_TIMEOUT},i',
    ]);
    expect(desk.match(/Dial\(.*\n.*Gosub\(duty-schedule-report,s,1\)/g)).toHaveLength(3);
    expect(desk).toMatch(/Set\(DUTY_ROLE=fallback\)[\s\S]*Set\(DUTY_ROLE=bureau\)/);
    expect(parsed.get('duty-schedule-report')!.join('\n')).toContain('UserEvent(DutyDial,Endpoint: ${DUTY_ENDPOINT},Role: ${DUTY_ROLE},DialStatus: ${DIALSTATUS})');
    expect([...parsed.get('duty-dest-bureau')!.join('\n').matchAll(/Dial\((PJSIP[^)]*)\)/g)].map((m) => m[1])).toEqual(['PJSIP/bureau,${DUTY_FALLBACK_RING_TIMEOUT},i']);
  });

  it.each([
    ['000 §一.2', () => loadSchedule(SEED_OFFICE_FILE)],
    ['000 #3楼/#4楼', () => loadSchedule(HIRED_STAFF_FILE)],
    ['night shifts', () => parseScheduleFile(NIGHT_SHIFT_YAML, 'night-shift.yaml')],
  ])('routes like coverAt at every interval edge and every 37 minutes of 2026 (%s)', (_name, load) => {
    const schedule = load();
    const parsed = contexts(render(schedule, 'schedule.yaml'));
    const samples: number[] = [];
    for (const i of coverageIntervals(schedule, calendar, shanghai('2026-01-01 00:00'), shanghai('2027-01-01 00:00'))) {
      samples.push(i.start.getTime(), i.start.getTime() + 1000, i.end.getTime() - 1000);
    }
    for (let t = shanghai('2026-01-01 00:00').getTime(); t < shanghai('2027-01-01 00:00').getTime(); t += 37 * 60_000) samples.push(t);
    const wrong = samples
      .map((t) => new Date(t))
      .filter((at) => routeByDialplan(parsed, at, schedule.timezone) !== coverAt(schedule, calendar, at).destination)
      .map((at) => at.toISOString());
    expect(samples.length).toBeGreaterThan(15_000);
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

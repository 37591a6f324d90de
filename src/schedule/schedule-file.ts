/**
 * The schedule file (YAML): destinations, fallback chain, seasons and per-(season, day type)
 * plans. parseScheduleFile validates everything and reports each problem as file:line: field.
 */
import { readFile } from 'node:fs/promises';
import type { Node } from 'yaml';
import type { DayPlan, Destination, DestinationRole, Period, Schedule, Season } from '../core/schedule/schedule-model.js';
import { assertTimeZone, formatMinute } from '../core/schedule/schedule-local-time.js';
import { endpointProblem } from '../dialplan/endpoint-rules.js';
import { STATUTORY_HOLIDAYS } from './holiday-names.js';
import { checkAfterMidnight, checkOverlapsWithinPlan, type CheckedPeriod, type CheckedPlan } from './schedule-checks.js';
import { FileValidationError, isEmpty, join, YamlSource, type MapEntry } from './yaml-source.js';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
const DAY_TYPES: readonly string[] = ['workday', 'weekend', 'holiday'];
const PLAN_KEYS = [...DAY_TYPES, 'every-day', ...STATUTORY_HOLIDAYS.map((h) => h.slug)];
const ROLES: readonly DestinationRole[] = ['desk', 'fallback', 'bureau'];
// Destination names become dialplan context names (duty-dest-<name>).
const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Read and validate a schedule file; throws FileValidationError listing every problem. */
export async function loadScheduleFile(path: string): Promise<Schedule> {
  return parseScheduleFile(await readFile(path, 'utf8'), path);
}

export function parseScheduleFile(text: string, file: string): Schedule {
  const src = new YamlSource(text, file);
  src.throwIfIssues();
  const top = src.fields(src.root, '', ['office', 'timezone', 'destinations', 'fallback', 'safe-default', 'seasons', 'plans']);
  if (!top) throw new FileValidationError(src.issues);
  const value = (key: string) => top.get(key)?.value;

  const office = top.has('office') ? src.string(value('office'), 'office') : undefined;
  const timezone = top.has('timezone') ? src.string(value('timezone'), 'timezone') : DEFAULT_TIMEZONE;
  if (timezone !== undefined) {
    try {
      assertTimeZone(timezone);
    } catch {
      src.report(value('timezone'), 'timezone', `unknown time zone "${timezone}" (expected an IANA name such as Asia/Shanghai)`);
    }
  }

  const destinations = readDestinations(src, value('destinations'), src.root);
  const known: KnownDestination = (node, field, at) => {
    const name = src.string(node, field, at);
    if (name !== undefined && destinations.size > 0 && !destinations.has(name)) {
      src.report(node, field, `unknown destination "${name}" (known: ${[...destinations.keys()].join(', ')})`);
    }
    // Unknown names stay in, already reported, so the coverage checks do not report the same spot as a gap.
    return name;
  };

  const fallback: string[] = [];
  if (top.has('fallback')) {
    (src.seq(value('fallback'), 'fallback', top.get('fallback')!.keyNode) ?? []).forEach((node, i) => {
      const field = `fallback[${i}]`;
      const name = known(node, field);
      if (name === undefined || !destinations.has(name)) return;
      if (destinations.get(name)!.role === 'desk') src.report(node, field, `"${name}" is a desk: the fallback chain is tried after the desk, so name a fallback or bureau destination`);
      else if (fallback.includes(name)) src.report(node, field, `"${name}" is already in the fallback chain`);
      else fallback.push(name);
    });
  }

  let safeDefault = top.has('safe-default') ? known(value('safe-default'), 'safe-default') : undefined;
  if (!top.has('safe-default')) {
    const bureaus = [...destinations.values()].filter((d) => d.role === 'bureau');
    if (bureaus.length === 1) safeDefault = bureaus[0]!.name;
    else if (destinations.size > 0) src.report(src.root, 'safe-default', 'is missing: name the destination for months the holiday calendar has no data for (default: the one bureau destination)');
  }

  const seasons = readSeasons(src, value('seasons'));
  const plans = readPlans(src, value('plans'), seasons, known);
  checkPlans(src, seasons, plans);
  src.throwIfIssues();

  return {
    timezone: timezone!,
    destinations,
    fallback,
    seasons,
    plans: new Map([...plans].map(([season, { byKey }]) => [season, new Map([...byKey].map(([key, p]) => [key, toDayPlan(p)]))])),
    safeDefault: safeDefault!,
    ...(office !== undefined ? { office } : {}),
  };
}

function readDestinations(src: YamlSource, node: Node | null | undefined, parent: Node | null): Map<string, Destination> {
  const destinations = new Map<string, Destination>();
  for (const { key: name, keyNode, value } of src.map(node, 'destinations', parent) ?? []) {
    const field = join('destinations', name);
    if (!NAME.test(name)) src.report(keyNode, field, 'a destination name is lower-case letters, digits and "-" (it names a dialplan context)');
    const f = src.fields(value, field, ['endpoint', 'role'], keyNode);
    if (!f) continue;
    const endpoint = src.string(f.get('endpoint')?.value, join(field, 'endpoint'), keyNode);
    const problem = endpoint === undefined ? undefined : endpointProblem(endpoint);
    if (problem) src.report(f.get('endpoint')!.value, join(field, 'endpoint'), problem);
    const role = src.string(f.get('role')?.value, join(field, 'role'), keyNode);
    if (role !== undefined && !ROLES.includes(role as DestinationRole)) {
      src.report(f.get('role')!.value, join(field, 'role'), `unknown role "${role}" (expected desk, fallback or bureau)`);
    }
    if (endpoint !== undefined && role !== undefined) destinations.set(name, { name, endpoint, role: role as DestinationRole });
  }
  return destinations;
}

function readSeasons(src: YamlSource, node: Node | null | undefined): Season[] {
  const seasons: Season[] = [];
  const entries = src.map(node, 'seasons', src.root) ?? [];
  if (node && entries.length === 0) src.report(node, 'seasons', 'needs at least one season (e.g. all-year: { starts: "01-01" })');
  for (const { key: name, keyNode, value } of entries) {
    const field = join('seasons', name);
    const f = isEmpty(value) ? new Map<string, MapEntry>() : src.fields(value, field, ['starts'], keyNode);
    if (!f) continue;
    const startsNode = f.get('starts')?.value;
    if (isEmpty(startsNode)) {
      src.report(keyNode, field, `season ${name} has no start date: add starts: "MM-DD" (a season runs until the next one starts)`);
      continue;
    }
    const starts = src.string(startsNode, join(field, 'starts'));
    if (starts === undefined) continue;
    const m = /^(\d{2})-(\d{2})$/.exec(starts);
    const valid = m && Number(m[1]) >= 1 && Number(m[1]) <= 12 && Number(m[2]) >= 1 && Number(m[2]) <= new Date(Date.UTC(2025, Number(m[1]), 0)).getUTCDate();
    if (!valid) {
      src.report(startsNode, join(field, 'starts'), `bad start date "${starts}" (expected "MM-DD", a day every year has, e.g. "10-01")`);
      continue;
    }
    const same = seasons.find((s) => s.starts === starts);
    if (same) src.report(startsNode, join(field, 'starts'), `season ${name} starts on ${starts} like season ${same.name}`);
    else seasons.push({ name, starts });
  }
  return seasons.sort((a, b) => a.starts.localeCompare(b.starts));
}

type PlansBySeason = Map<string, { node: Node | null; byKey: Map<string, CheckedPlan> }>;
type KnownDestination = (node: Node | null | undefined, field: string, at?: Node | null) => string | undefined;

function readPlans(src: YamlSource, node: Node | null | undefined, seasons: Season[], known: KnownDestination): PlansBySeason {
  const plans: PlansBySeason = new Map();
  for (const { key: season, keyNode, value } of src.map(node, 'plans', src.root) ?? []) {
    const seasonField = join('plans', season);
    if (!seasons.some((s) => s.name === season)) {
      src.report(keyNode, seasonField, `unknown season "${season}" (seasons: ${seasons.map((s) => s.name).join(', ') || 'none'})`);
      continue;
    }
    const byKey = new Map<string, CheckedPlan>();
    plans.set(season, { node: keyNode, byKey });
    for (const { key, keyNode: planKeyNode, value: planNode } of src.map(value, seasonField, keyNode) ?? []) {
      const field = join(seasonField, key);
      if (!PLAN_KEYS.includes(key)) {
        src.report(planKeyNode, field, `unknown day type "${key}" (expected one of: ${PLAN_KEYS.join(', ')})`);
        continue;
      }
      const f = src.fields(planNode, field, ['periods', 'otherwise'], planKeyNode);
      if (!f) continue;
      const plan: CheckedPlan = { label: `${season}/${key}`, field, node: planKeyNode, periods: [] };
      (f.has('periods') ? (src.seq(f.get('periods')!.value, join(field, 'periods'), planKeyNode) ?? []) : []).forEach((periodNode, i) => {
        const period = readPeriod(src, periodNode, `${field}.periods[${i}]`, known);
        if (period) plan.periods.push(period);
      });
      if (f.has('otherwise')) {
        const otherwise = known(f.get('otherwise')!.value, join(field, 'otherwise'), planKeyNode);
        if (otherwise !== undefined) plan.otherwise = otherwise;
      }
      byKey.set(key, plan);
    }
  }
  return plans;
}

function readPeriod(src: YamlSource, node: Node | null, field: string, known: KnownDestination): CheckedPeriod | undefined {
  const f = src.fields(node, field, ['from', 'to', 'cover']);
  if (!f) return undefined;
  const time = (key: 'from' | 'to'): number | undefined => {
    const timeNode = f.get(key)?.value;
    const text = src.string(timeNode, join(field, key), node);
    if (text === undefined) return undefined;
    const minute = parseClock(text, key === 'to');
    if (minute === undefined) src.report(timeNode!, join(field, key), `bad time "${text}" (expected "HH:MM"${key === 'to' ? ' or "24:00"' : ''})`);
    return minute;
  };
  const from = time('from');
  const to = time('to');
  const cover = known(f.get('cover')?.value, join(field, 'cover'), node);
  if (from === undefined || to === undefined || cover === undefined) return undefined;
  const label = `${formatMinute(from)}–${formatMinute(to)}`;
  if (to % 1440 === from) {
    src.report(node, field, `period ${label} is empty or a whole day: use "otherwise" for a whole day`);
    return undefined;
  }
  // "to" at or before "from" crosses midnight: 22:00–08:00 ends at 08:00 the next day.
  return { from, to: to <= from ? to + 1440 : to, cover, label, node, field };
}

function parseClock(text: string, allow24: boolean): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (allow24 && hour === 24 && minute === 0) return 1440;
  return hour <= 23 && minute <= 59 ? hour * 60 + minute : undefined;
}

/** The plan keys a season uses for some day: each day type (or every-day in its place) and the named holidays. */
function reachableKeys(byKey: Map<string, CheckedPlan>): string[] {
  const keys = new Set<string>();
  for (const type of DAY_TYPES) {
    if (byKey.has(type)) keys.add(type);
    else if (byKey.has('every-day')) keys.add('every-day');
  }
  for (const key of byKey.keys()) if (!DAY_TYPES.includes(key) && key !== 'every-day') keys.add(key);
  return [...keys];
}

function checkPlans(src: YamlSource, seasons: Season[], plans: PlansBySeason): void {
  const report = (node: Node | null, field: string, message: string) => src.report(node, field, message);
  seasons.forEach((season, i) => {
    const seasonPlans = plans.get(season.name);
    if (!seasonPlans) {
      src.report(src.root, join('plans', season.name), `season ${season.name} has no plans`);
      return;
    }
    const { byKey } = seasonPlans;
    for (const type of DAY_TYPES) {
      if (!byKey.has(type) && !byKey.has('every-day')) {
        src.report(seasonPlans.node, join('plans', season.name), `season ${season.name} has no plan for ${type} days (and no every-day plan)`);
      }
    }
    const everyDay = byKey.get('every-day');
    if (everyDay && DAY_TYPES.every((t) => byKey.has(t))) {
      src.report(everyDay.node, everyDay.field, 'is never used: workday, weekend and holiday are all given');
    }
    const previous = plans.get(seasons[(i - 1 + seasons.length) % seasons.length]!.name)?.byKey;
    // A day's predecessor follows any plan of its own season, or of the previous one on the switch day.
    const predecessors = [...new Set([...reachableKeys(byKey).map((k) => byKey.get(k)!), ...(previous ? reachableKeys(previous).map((k) => previous.get(k)!) : [])])];
    for (const key of reachableKeys(byKey)) {
      checkOverlapsWithinPlan(byKey.get(key)!, report);
      checkAfterMidnight(byKey.get(key)!, predecessors, report);
    }
  });
}

function toDayPlan(plan: CheckedPlan): DayPlan {
  const periods: Period[] = [...plan.periods].sort((a, b) => a.from - b.from).map(({ from, to, cover, label }) => ({ from, to, cover, label }));
  return plan.otherwise === undefined ? { periods } : { periods, otherwise: plan.otherwise };
}

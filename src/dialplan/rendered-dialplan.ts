/**
 * What a generated dialplan (the text renderScheduleDialplan writes) does with a call at an
 * instant, worked out the way Asterisk runs it: `route --at` answers from the rules the PBX loads,
 * which may be older than the schedule file or miss the month entirely.
 */
import { wallClockAt } from '../core/schedule/schedule-local-time.js';
import { destinationContext, monthContext, ROUTE_CONTEXT } from './dialplan-render.js';

/** A phone a destination context dials, in Dial() order. */
export interface DialplanPhone {
  endpoint: string;
  role: string;
}

interface RouteBase {
  /** The destination's name: the call goes to [duty-dest-<name>]. */
  destination: string;
  /** The first rings; the others are the chain it goes on to when nobody answers. */
  phones: DialplanPhone[];
  /** "YYYY-MM" in the file's time zone, as [duty-route] computes it. */
  month: string;
  /** The month context looked for, e.g. "duty-route-202610". */
  context: string;
  timezone: string;
}

export type DialplanRoute =
  | (RouteBase & { /** The matched interval's comment: its span and the rules it comes from. */ ruleComment: string })
  | (RouteBase & { /** no-rules-for-month: no month context, the safe default; no-interval: none ends after the instant. */ reason: 'no-rules-for-month' | 'no-interval' });

const DEST_PREFIX = destinationContext('');
const GOTO = /(?:^|,)Goto\(([^,()]+),s,1\)/;
const INTERVAL = /GotoIf\(\$\[\$\{DUTY_NOW\} < (\d+)\]\?([^,]+),s,1\)(?:\s*;\s?(.*))?$/;
const MONTH_TZ = /STRFTIME\(\$\{DUTY_NOW\},([^,]+),%Y%m\)/;

/** Throws an Error naming what is missing when the text is not a generated duty dialplan. */
export function routeByDialplan(text: string, at: Date): DialplanRoute {
  const contexts = parseContexts(text);
  const route = contexts.get(ROUTE_CONTEXT);
  if (!route) throw new Error(`no [${ROUTE_CONTEXT}] context`);
  const timezone = route.map((l) => MONTH_TZ.exec(l)?.[1]).find((tz) => tz !== undefined);
  if (!timezone) throw new Error(`[${ROUTE_CONTEXT}] has no STRFTIME(\${DUTY_NOW},<time zone>,%Y%m)`);

  // DUTY_NOW=${EPOCH} is whole seconds: the month and every comparison use that reading.
  const now = Math.floor(at.getTime() / 1000);
  const month = wallClockAt(new Date(now * 1000), timezone).date.slice(0, 7);
  const context = monthContext(Number(month.slice(0, 4)), Number(month.slice(5)));
  const base = { month, context, timezone };
  const to = (target: string) => ({ ...base, ...destinationOf(contexts, target) });

  const rules = contexts.get(context);
  if (!rules) return { ...to(lastGoto(route, ROUTE_CONTEXT)), reason: 'no-rules-for-month' };
  // Priorities run in order: the first interval ending after now wins; a plain Goto ends the context.
  for (const line of rules) {
    const interval = INTERVAL.exec(line);
    if (interval && now < Number(interval[1])) return { ...to(interval[2]!), ruleComment: interval[3]?.trim() ?? '' };
    const fallback = GOTO.exec(line);
    if (fallback) return { ...to(fallback[1]!), reason: 'no-interval' };
  }
  throw new Error(`[${context}] ends without a Goto`);
}

/** Context name → its lines, as Asterisk groups them ("[name]" up to the next header). */
function parseContexts(text: string): Map<string, string[]> {
  const contexts = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) contexts.set(header[1]!, (current = []));
    else current?.push(line);
  }
  return contexts;
}

function lastGoto(lines: string[], context: string): string {
  const target = lines.map((l) => GOTO.exec(l)?.[1]).findLast((t) => t !== undefined);
  if (!target) throw new Error(`[${context}] has no Goto(<destination>,s,1)`);
  return target;
}

function destinationOf(contexts: Map<string, string[]>, target: string): Pick<RouteBase, 'destination' | 'phones'> {
  const lines = contexts.get(target);
  if (!target.startsWith(DEST_PREFIX) || !lines) throw new Error(`it routes to ${target}, which is not a [${DEST_PREFIX}<name>] context of the file`);
  const endpoints = lines.flatMap((l) => /Dial\(PJSIP\/([^,)]+)/.exec(l)?.[1] ?? []);
  const roles = lines.flatMap((l) => /Set\(DUTY_ROLE=([^)]+)\)/.exec(l)?.[1] ?? []);
  if (endpoints.length === 0) throw new Error(`[${target}] dials no PJSIP endpoint`);
  return { destination: target.slice(DEST_PREFIX.length), phones: endpoints.map((endpoint, i) => ({ endpoint, role: roles[i] ?? '?' })) };
}

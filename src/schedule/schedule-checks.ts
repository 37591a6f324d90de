/**
 * Checks that need whole plans: overlapping periods and minutes nobody covers, including across
 * midnight (a period crossing midnight covers the next day's early hours whatever plan that day
 * follows, so every plan that can precede a day is checked against it).
 */
import type { Node } from 'yaml';
import type { Period } from '../core/schedule/schedule-model.js';
import { formatMinute } from '../core/schedule/schedule-local-time.js';

export interface CheckedPeriod extends Period {
  node: Node | null;
  field: string;
}

export interface CheckedPlan {
  /** "season/key", e.g. "winter/workday". */
  label: string;
  field: string;
  node: Node | null;
  periods: CheckedPeriod[];
  otherwise?: string;
}

export type Report = (node: Node | null, field: string, message: string) => void;

const DAY = 1440;

export function checkOverlapsWithinPlan(plan: CheckedPlan, report: Report): void {
  const sorted = [...plan.periods].sort((a, b) => a.from - b.from);
  let latest: CheckedPeriod | undefined;
  for (const p of sorted) {
    if (latest && p.from < latest.to) report(p.node, p.field, `period ${p.label} overlaps ${latest.label} in plan ${plan.label}`);
    if (!latest || p.to > latest.to) latest = p;
  }
}

/** The period of `plan` that crosses midnight furthest into the next day. */
function spillOf(plan: CheckedPlan): CheckedPeriod | undefined {
  return plan.periods.filter((p) => p.to > DAY).sort((a, b) => b.to - a.to)[0];
}

/** `plan` on a day after each of `predecessors`: no period may start inside their spill, and (without otherwise) no gap. */
export function checkAfterMidnight(plan: CheckedPlan, predecessors: readonly CheckedPlan[], report: Report): void {
  const reported = new Set<string>();
  const once = (node: Node | null, field: string, message: string) => {
    if (!reported.has(message)) report(node, field, message);
    reported.add(message);
  };
  const gaps = new Map<string, string[]>();
  for (const before of predecessors) {
    const spill = spillOf(before);
    const spillEnd = spill ? spill.to - DAY : 0;
    for (const p of plan.periods) {
      if (spill && p.from < spillEnd) {
        once(p.node, p.field, `period ${p.label} overlaps ${spill.label} of plan ${before.label}, which crosses midnight into a ${plan.label} day`);
      }
    }
    if (plan.otherwise !== undefined) continue;
    for (const gap of uncovered(plan.periods, spillEnd)) gaps.set(gap, [...(gaps.get(gap) ?? []), before.label]);
  }
  for (const [gap, after] of gaps) {
    const when = after.length === predecessors.length ? '' : ` on a day after a ${after.join(' or ')} day`;
    report(plan.node, plan.field, `no period covers ${gap}${when} in plan ${plan.label} and it has no "otherwise"`);
  }
}

function uncovered(periods: readonly Period[], coveredUntil: number): string[] {
  const gaps: string[] = [];
  let cursor = coveredUntil;
  for (const p of [...periods].sort((a, b) => a.from - b.from)) {
    if (p.from > cursor) gaps.push(`${formatMinute(cursor)}–${formatMinute(p.from)}`);
    cursor = Math.max(cursor, Math.min(p.to, DAY));
  }
  if (cursor < DAY) gaps.push(`${formatMinute(cursor)}–24:00`);
  return gaps;
}

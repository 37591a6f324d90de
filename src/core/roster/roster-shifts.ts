/** Shifts placed in time from the office schedule's periods, and the overlaps a roster must not have. */
import { instantOf } from '../schedule/schedule-local-time.js';
import type { LocalDate, Period } from '../schedule/schedule-model.js';
import type { PlannedShift } from './roster-model.js';

/** [startsAt, endsAt) of `period` on `date` in the office's time zone; a period crossing midnight ends the next day. */
export function periodTimes(date: LocalDate, period: Pick<Period, 'from' | 'to'>, timezone: string): { startsAt: Date; endsAt: Date } {
  return { startsAt: instantOf(date, period.from, timezone), endsAt: instantOf(date, period.to, timezone) };
}

export interface Overlap {
  /** Index (in the list given) of the shift that starts later (or, at the same start, comes later). */
  index: number;
  /** Index of an earlier shift it overlaps. */
  other: number;
  /** The desk, or the officer, both shifts have. */
  key: string;
}

type Timed = Pick<PlannedShift, 'startsAt' | 'endsAt'>;

/** Shifts sharing a key (a desk, an officer) whose [start, end) intersect; each overlapping shift once, against the earlier one it overlaps. */
function overlapsBy<S extends Timed>(shifts: readonly S[], keysOf: (shift: S) => readonly string[]): Overlap[] {
  const byKey = new Map<string, number[]>();
  shifts.forEach((s, i) => {
    for (const key of new Set(keysOf(s))) byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  const found: Overlap[] = [];
  for (const [key, indexes] of byKey) {
    const ordered = [...indexes].sort((a, b) => shifts[a]!.startsAt.getTime() - shifts[b]!.startsAt.getTime() || a - b);
    let reach: number | undefined; // the earlier shift ending last
    for (const i of ordered) {
      if (reach !== undefined && shifts[i]!.startsAt.getTime() < shifts[reach]!.endsAt.getTime()) found.push({ index: i, other: reach, key });
      if (reach === undefined || shifts[i]!.endsAt.getTime() > shifts[reach]!.endsAt.getTime()) reach = i;
    }
  }
  return found.sort((a, b) => a.index - b.index || a.other - b.other);
}

/** Two shifts on one desk at the same time: the desk is one phone, so one shift answers for it. */
export const deskOverlaps = (shifts: readonly Pick<PlannedShift, 'startsAt' | 'endsAt' | 'deskEndpoint'>[]): Overlap[] =>
  overlapsBy(shifts, (s) => [s.deskEndpoint]);

/** A duty officer on two shifts at the same time (at two desks): they cannot keep both. Leaders on duty may lead several. */
export const officerOverlaps = (shifts: readonly Pick<PlannedShift, 'startsAt' | 'endsAt' | 'officerIds'>[]): Overlap[] =>
  overlapsBy(shifts, (s) => s.officerIds);

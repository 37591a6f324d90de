/**
 * Who is accountable for a desk at an instant (DOMAIN.md: "attribution always follows the
 * approved roster"): the published shift on that desk containing the instant, with the swaps the
 * duty director had approved by then.
 */
import type { DutyAttribution } from '../discipline/discipline-model.js';
import type { Shift, SwapRequest } from './roster-model.js';
import { effectiveDuty } from './shift-swaps.js';

export interface OnDuty {
  shiftId: string;
  officerIds: string[];
  leaderId: string | null;
}

export const NO_ONE_ROSTERED = 'no-one-rostered';

export type DutyLookup = (desk: string, at: Date) => OnDuty | typeof NO_ONE_ROSTERED;

interface DeskShifts {
  /** The desk's shifts by start (then id). */
  shifts: Shift[];
  /** latestEnd[i]: the latest end among shifts[0..i], so a look back stops where nothing earlier reaches `at`. */
  latestEnd: number[];
}

const byStartThenId = (a: Shift, b: Shift) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * whoIsOnDuty over many instants (a month's calls): the shifts indexed per desk once, each
 * question a binary search, each shift's own swaps only. Same answers as whoIsOnDuty.
 */
export function dutyLookup(shifts: readonly Shift[], swaps: readonly SwapRequest[]): DutyLookup {
  const desks = new Map<string, DeskShifts>();
  for (const shift of [...shifts].sort(byStartThenId)) {
    let desk = desks.get(shift.deskEndpoint);
    if (!desk) desks.set(shift.deskEndpoint, (desk = { shifts: [], latestEnd: [] }));
    desk.latestEnd.push(Math.max(shift.endsAt.getTime(), desk.latestEnd.at(-1) ?? -Infinity));
    desk.shifts.push(shift);
  }
  const swapsOf = new Map<string, SwapRequest[]>();
  const touch = (shiftId: string | null, swap: SwapRequest) => {
    if (shiftId === null) return;
    const list = swapsOf.get(shiftId);
    if (list) list.push(swap);
    else swapsOf.set(shiftId, [swap]);
  };
  for (const swap of swaps) {
    touch(swap.shiftId, swap);
    if (swap.counterpartShiftId !== swap.shiftId) touch(swap.counterpartShiftId, swap);
  }

  return (deskEndpoint, at) => {
    const desk = desks.get(deskEndpoint);
    if (!desk) return NO_ONE_ROSTERED;
    const t = at.getTime();
    // the last shift starting at or before t …
    let lo = 0;
    let hi = desk.shifts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (desk.shifts[mid]!.startsAt.getTime() <= t) lo = mid + 1;
      else hi = mid;
    }
    // … then back while an earlier one may still run at t; a valid roster has at most one such
    // shift, should a bad one slip through the earliest (then lowest id) answers, as always
    let found: Shift | undefined;
    for (let i = lo - 1; i >= 0 && desk.latestEnd[i]! > t; i--) if (t < desk.shifts[i]!.endsAt.getTime()) found = desk.shifts[i];
    if (!found) return NO_ONE_ROSTERED;
    return { shiftId: found.id, ...effectiveDuty(found, swapsOf.get(found.id) ?? [], at) };
  };
}

/**
 * `shifts`: shifts of published rosters only (the caller's selection); `swaps`: any swaps of the
 * office, only those approved at or before `at` count. A shift is [startsAt, endsAt).
 */
export function whoIsOnDuty(shifts: readonly Shift[], swaps: readonly SwapRequest[], desk: string, at: Date): OnDuty | typeof NO_ONE_ROSTERED {
  return dutyLookup(shifts, swaps)(desk, at);
}

/** The shift as people read it: date, period, desk. */
export const shiftLabel = (shift: Pick<Shift, 'date' | 'periodLabel' | 'deskEndpoint'>): string => `${shift.date} ${shift.periodLabel} ${shift.deskEndpoint}`;

/** A record's attribution: the shift, who was accountable on it, their names (`nameOf`: id → name). */
export function dutyAttribution(shift: Pick<Shift, 'id' | 'date' | 'periodLabel' | 'deskEndpoint'>, duty: Pick<OnDuty, 'officerIds' | 'leaderId'>, nameOf: (officerId: string) => string): DutyAttribution {
  return {
    shiftId: shift.id,
    shiftLabel: shiftLabel(shift),
    officerIds: duty.officerIds,
    officers: duty.officerIds.map(nameOf),
    leaderId: duty.leaderId,
    leader: duty.leaderId === null ? null : nameOf(duty.leaderId),
  };
}

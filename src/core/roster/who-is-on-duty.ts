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

/**
 * `shifts`: shifts of published rosters only (the caller's selection); `swaps`: any swaps of the
 * office, only those approved at or before `at` count. A shift is [startsAt, endsAt).
 */
export function whoIsOnDuty(shifts: readonly Shift[], swaps: readonly SwapRequest[], desk: string, at: Date): OnDuty | typeof NO_ONE_ROSTERED {
  const t = at.getTime();
  const shift = shifts
    .filter((s) => s.deskEndpoint === desk && s.startsAt.getTime() <= t && t < s.endsAt.getTime())
    // a valid roster has at most one; should a bad one slip through, always the same answer
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : 1))[0];
  if (!shift) return NO_ONE_ROSTERED;
  return { shiftId: shift.id, ...effectiveDuty(shift, swaps, at) };
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

/**
 * The missed-call report (漏接电话报告) of one office and month: the inbound calls nobody took
 * (./missed-call-outcomes.ts says which), counted by outcome, day, shift and officer, with the
 * periods duty-hotline was not watching the PBX, so that a quiet day is never read as a clean one.
 *
 * As the monthly tally (src/core/tally/monthly-tally.ts) reads a month: a call belongs to the
 * shift covering its desk at offeredAt, with the swaps approved by then (whoIsOnDuty), and to
 * that shift's date (a night shift's calls count on the day it starts); a call no shift covers
 * (or with no desk) to the office-local date of offeredAt. So pass the published shifts
 * overlapping the month with the night before the 1st, and calls up to the end of the month's
 * last shift; whatever falls in another month is left out. The not-watching periods are the
 * month's own: from local midnight of the 1st to local midnight of the next 1st.
 */
import type { CallSnapshot } from '../call/call-model.js';
import type { Officer, Shift, SwapRequest, YearMonth } from '../roster/roster-model.js';
import { effectiveDuty } from '../roster/shift-swaps.js';
import { dutyLookup, NO_ONE_ROSTERED, shiftLabel } from '../roster/who-is-on-duty.js';
import { daysOf, isYearMonth, monthOf } from '../roster/year-month.js';
import { addDays, assertTimeZone, instantOf, wallClockAt } from '../schedule/schedule-local-time.js';
import type { LocalDate } from '../schedule/schedule-model.js';
import { compareCodePoints, type IdList } from '../tally/monthly-tally.js';
import type { WatchGap } from '../watch/watch-gap.js';
import { isMissedByDesk, isReportedOutcome, outcomeCounts, type OutcomeCounts, type ReportedOutcome } from './missed-call-outcomes.js';
import { coveredMs, notWatchingIn, type NotWatching } from './not-watching.js';

/** What the report reads of a call (a stored CallRecord is one): `id` is the call-log entry's. */
export type ReportCall = Pick<CallSnapshot, 'pbxCallId' | 'direction' | 'offeredAt' | 'deskEndpoint' | 'outcome' | 'ringCount'> & { id: string };

export interface MissedCallReportInput {
  /** The office's IANA time zone. */
  timezone: string;
  month: YearMonth;
  /** An open watch gap runs to now (or the month's end, if earlier). */
  now: Date;
  /** Every officer the shifts and swaps name. */
  officers: readonly Pick<Officer, 'id' | 'name'>[];
  shifts: readonly Shift[];
  swaps: readonly SwapRequest[];
  /** Any calls of the window: those not inbound, or not missed, are left out here. */
  calls: readonly ReportCall[];
  gaps: readonly Pick<WatchGap, 'from' | 'to' | 'reason'>[];
}

export interface MissedCounts {
  /** Calls missed by the desk (not the after-hours no-one-reachable ones). */
  missed: number;
  byOutcome: OutcomeCounts;
}

export interface MissedDay extends MissedCounts {
  date: LocalDate;
  /** How long duty-hotline was not watching the PBX that day (ms, gaps at once counted once). */
  notWatchingMs: number;
}

export interface MissedShift extends MissedCounts {
  shiftId: string;
  shift: string;
  date: LocalDate;
  /** Who held the shift at its end, after every approved swap (as the tally pays it). */
  officers: string[];
  leader: string | null;
}

export interface MissedOfficer extends MissedCounts {
  officerId: string;
  name: string;
}

export interface MissedCall {
  id: string;
  pbxCallId: string;
  offeredAt: Date;
  /** The day it counts on (its shift's date, else the local date). */
  date: LocalDate;
  desk: string | null;
  outcome: ReportedOutcome;
  rings: number | null;
  shiftId: string | null;
  shift: string | null;
  /** Who was accountable at offeredAt, after the swaps approved by then. */
  officers: string[];
  /** Their ids, in the same order. */
  officerIds: string[];
  leader: string | null;
  /** A desk call no shift covered. */
  noOneRostered: boolean;
}

export interface MissedCallReport extends MissedCounts {
  month: YearMonth;
  /** The office's time zone, which the days (and a file's times) are in. */
  timezone: string;
  /** Every day of the month, in order, quiet ones too. */
  byDay: MissedDay[];
  /** The shifts with at least one listed call, in order of their start. */
  byShift: MissedShift[];
  /** The officers accountable for at least one listed call, by name (code point order). */
  byOfficer: MissedOfficer[];
  /** Listed calls to a desk no shift covered (call-log ids, by offeredAt). */
  noOneRostered: IdList;
  notWatching: NotWatching[];
  /** The listed calls, oldest first. */
  calls: MissedCall[];
}

const counts = (): MissedCounts => ({ missed: 0, byOutcome: outcomeCounts() });

function add(c: MissedCounts, outcome: ReportedOutcome): void {
  c.byOutcome[outcome]++;
  if (isMissedByDesk(outcome)) c.missed++;
}

/** The month's missed calls; throws on an unknown time zone, a malformed month, or an officer id not in `officers`. */
export function missedCallReport(input: MissedCallReportInput): MissedCallReport {
  const { timezone, month } = input;
  assertTimeZone(timezone);
  if (!isYearMonth(month)) throw new RangeError(`month must be YYYY-MM, not "${month}"`);
  const names = new Map(input.officers.map((o) => [o.id, o.name]));
  const nameOf = (id: string): string => {
    const name = names.get(id);
    if (name === undefined) throw new Error(`officer ${id} is not among the officers given to the report`);
    return name;
  };
  const days = daysOf(month);
  const byDay = new Map(days.map((date) => [date, { date, ...counts(), notWatchingMs: 0 }]));
  const shiftsById = new Map(input.shifts.map((s) => [s.id, s]));
  const byShift = new Map<string, MissedShift>();
  const byOfficer = new Map<string, MissedOfficer>();
  const total = counts();
  const calls: MissedCall[] = [];
  const onDuty = dutyLookup(input.shifts, input.swaps);

  for (const call of [...input.calls].sort((a, b) => a.offeredAt.getTime() - b.offeredAt.getTime() || compareCodePoints(a.id, b.id))) {
    if (call.direction !== 'inbound' || !isReportedOutcome(call.outcome)) continue;
    const duty = call.deskEndpoint === null ? null : onDuty(call.deskEndpoint, call.offeredAt);
    const onShift = duty === null || duty === NO_ONE_ROSTERED ? null : duty;
    const shift = onShift ? shiftsById.get(onShift.shiftId)! : null;
    const date = shift?.date ?? wallClockAt(call.offeredAt, timezone).date;
    const day = byDay.get(date);
    if (!day || monthOf(date) !== month) continue;
    add(total, call.outcome);
    add(day, call.outcome);
    if (shift && onShift) {
      add(byShift.get(shift.id) ?? newShiftRow(byShift, shift, input.swaps, nameOf), call.outcome);
      for (const id of new Set(onShift.officerIds)) add(byOfficer.get(id) ?? newOfficerRow(byOfficer, id, nameOf(id)), call.outcome);
    }
    calls.push({
      id: call.id,
      pbxCallId: call.pbxCallId,
      offeredAt: call.offeredAt,
      date,
      desk: call.deskEndpoint,
      outcome: call.outcome,
      rings: call.ringCount,
      shiftId: shift?.id ?? null,
      shift: shift ? shiftLabel(shift) : null,
      officers: onShift ? onShift.officerIds.map(nameOf) : [],
      officerIds: onShift ? [...onShift.officerIds] : [],
      leader: onShift?.leaderId == null ? null : nameOf(onShift.leaderId),
      noOneRostered: duty === NO_ONE_ROSTERED,
    });
  }

  const window = { from: instantOf(days[0]!, 0, timezone), to: instantOf(addDays(days.at(-1)!, 1), 0, timezone) };
  const notWatching = notWatchingIn(input.gaps, window, input.now);
  for (const day of byDay.values()) day.notWatchingMs = coveredMs(notWatching, { from: instantOf(day.date, 0, timezone), to: instantOf(addDays(day.date, 1), 0, timezone) });

  const unrostered = calls.filter((c) => c.noOneRostered).map((c) => c.id);
  return {
    month,
    timezone,
    ...total,
    byDay: [...byDay.values()],
    byShift: [...byShift.values()].sort((a, b) => shiftsById.get(a.shiftId)!.startsAt.getTime() - shiftsById.get(b.shiftId)!.startsAt.getTime() || compareCodePoints(a.shiftId, b.shiftId)),
    byOfficer: [...byOfficer.values()].sort((a, b) => compareCodePoints(a.name, b.name) || compareCodePoints(a.officerId, b.officerId)),
    noOneRostered: { count: unrostered.length, ids: unrostered },
    notWatching,
    calls,
  };
}

function newShiftRow(rows: Map<string, MissedShift>, shift: Shift, swaps: readonly SwapRequest[], nameOf: (id: string) => string): MissedShift {
  // at its last instant, as the tally attributes a shift: every swap there will ever be is approved by then
  const duty = effectiveDuty(shift, swaps, new Date(shift.endsAt.getTime() - 1));
  const row: MissedShift = {
    shiftId: shift.id,
    shift: shiftLabel(shift),
    date: shift.date,
    officers: duty.officerIds.map(nameOf),
    leader: duty.leaderId === null ? null : nameOf(duty.leaderId),
    ...counts(),
  };
  rows.set(shift.id, row);
  return row;
}

function newOfficerRow(rows: Map<string, MissedOfficer>, officerId: string, name: string): MissedOfficer {
  const row: MissedOfficer = { officerId, name, ...counts() };
  rows.set(officerId, row);
  return row;
}

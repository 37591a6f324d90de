/**
 * The supervisor's month (000 §三.1 "对值班天数、失误次数实行分月登记"; §三.2 值班补助): per officer
 * the duty days, shifts, calls answered, absences and mistakes, and the subsidy they come to.
 *
 * Who is accountable:
 * - for a shift (its duty day, the shift, the subsidy): effectiveDuty at the shift's END, i.e. with
 *   every swap approved before it ended. A swap cannot be approved once its shift has ended
 *   (shift-swaps.ts, 'shift-ended'), so the end sees every approval there will ever be: a past
 *   month's tally never changes, and a substitute (代班) approved after the shift began is paid
 *   for the shift they stood, not the officer who left it (as "at the start" would).
 * - for a call: whoIsOnDuty on its desk at the instant the desk answered (a call not answered: when
 *   it was offered), as records are attributed at their instant. A call answered before a
 *   mid-shift approval thus counts for the requester, though the day goes to the counterpart.
 * - for a record: its own attribution (duty.officerIds, fixed when it was raised), never recomputed.
 * Every duty officer of a shift gets its day, the shift, its answered calls and its records: a call
 * answered on a shift of two counts for both (the office totals count it once). The leader on duty
 * (带班领导) is not a duty officer (值班人员, whom §三.2 pays): their shifts are leaderShifts only.
 *
 * Which month: a shift's is its date (a night shift counts on the date it starts); a call's or
 * record's is its shift's, or without one the office-local date of its instant. So pass the
 * published shifts overlapping the month (with the night before the 1st, or its calls look
 * unrostered), and calls and records up to the end of the month's last shift; whatever falls in
 * another month is left out.
 */
import type { CallSnapshot } from '../call/call-model.js';
import type { DisciplineStatus, DisciplineType, DutyAttribution, MistakeKind } from '../discipline/discipline-model.js';
import type { Officer, Shift, SwapRequest, YearMonth } from '../roster/roster-model.js';
import { effectiveDuty } from '../roster/shift-swaps.js';
import { dutyLookup, NO_ONE_ROSTERED } from '../roster/who-is-on-duty.js';
import { isYearMonth, monthOf } from '../roster/year-month.js';
import { assertTimeZone, wallClockAt } from '../schedule/schedule-local-time.js';
import type { LocalDate } from '../schedule/schedule-model.js';
import { MISTAKE_KEYS, subsidyOf, validateSubsidyPolicy, type MistakeKey, type Subsidy, type SubsidyPolicy } from './subsidy-rules.js';

/**
 * What the tally reads of a call (a CallSnapshot is one). Only inbound calls offered to a desk count.
 * ringCount is read of answered calls only: the ring the desk answered in (null: not known).
 */
export type TallyCall = Pick<CallSnapshot, 'pbxCallId' | 'direction' | 'offeredAt' | 'outcome' | 'deskEndpoint' | 'answeredAt' | 'ringCount'>;

/** What the tally reads of a discipline record (a stored DisciplineRecord is one). */
export interface TallyRecord {
  id: string;
  type: DisciplineType;
  status: DisciplineStatus;
  /** Read for mistakes only; null: a mistake raised without a kind ('unspecified'). */
  mistakeKind: MistakeKind | null;
  occurredAt: Date;
  /** null: not attributed by the roster (raised by hand): counted for no officer, listed as unattributed. */
  duty: Pick<DutyAttribution, 'shiftId' | 'officerIds'> | null;
}

export interface MonthlyTallyInput {
  /** The office's IANA time zone. */
  timezone: string;
  month: YearMonth;
  policy: SubsidyPolicy;
  /** Every officer the shifts, swaps and records name (inactive ones too); each gets a row. */
  officers: readonly Pick<Officer, 'id' | 'name'>[];
  /** Published shifts overlapping the month; the month's own are those dated in it. */
  shifts: readonly Shift[];
  /** The swaps of those shifts, any status: only approved ones count, from their approval. */
  swaps: readonly SwapRequest[];
  calls: readonly TallyCall[];
  records: readonly TallyRecord[];
}

export type StatusCounts = Record<DisciplineStatus, number>;

export interface MistakeCounts {
  total: StatusCounts;
  byKind: Record<MistakeKey, StatusCounts>;
}

export interface OfficerTally {
  officerId: string;
  name: string;
  /** The distinct office-local dates of the shifts they were accountable for, in order. */
  dutyDates: LocalDate[];
  dutyDays: number;
  shifts: number;
  /** Shifts they led as leader on duty (带班领导); not duty days, not paid here. */
  leaderShifts: number;
  callsAnswered: number;
  absences: StatusCounts;
  mistakes: MistakeCounts;
  subsidy: Subsidy;
}

/** Calls answered in ring `rings`. */
export interface RingCount {
  rings: number;
  calls: number;
}

/** Ids, in the order of their instants. */
export interface IdList {
  count: number;
  ids: string[];
}

export interface MonthlyTally {
  month: YearMonth;
  /** Sorted by name (code point order). */
  officers: OfficerTally[];
  totals: {
    /** The month's shifts. */
    shifts: number;
    /** The officers' duty days summed (人·天). */
    dutyDays: number;
    /** Inbound calls offered to a desk, each once (rostered or not). */
    callsInbound: number;
    callsAnswered: number;
    /**
     * The answer ring distribution: of the calls in callsAnswered, how many were answered in each
     * ring (their ringCount), ascending by rings, only rings with a call. With answeredRingUnknown
     * it sums to callsAnswered.
     */
    answeredByRing: RingCount[];
    /** Calls in callsAnswered whose ring is not known (ringCount null). */
    answeredRingUnknown: number;
    /** Every record of the month, each once (attributed or not). */
    absences: StatusCounts;
    mistakes: MistakeCounts;
    /** The officers' subsidies summed. */
    subsidy: Subsidy;
  };
  /** Calls to a desk no shift covered then, and records attributed to no one (duty.shiftId null): gaps of the roster. */
  noOneRostered: { calls: IdList; records: IdList };
  /** Records not attributed by the roster (duty null): counted in the totals only. */
  unattributedRecords: IdList;
}

interface Counts {
  absences: StatusCounts;
  mistakes: MistakeCounts;
}

interface Row extends Counts {
  officerId: string;
  name: string;
  dates: Set<LocalDate>;
  shifts: number;
  leaderShifts: number;
  callsAnswered: number;
}

const statusCounts = (): StatusCounts => ({ open: 0, confirmed: 0, waived: 0 });
const mistakeCounts = (): MistakeCounts => ({
  total: statusCounts(),
  byKind: Object.fromEntries(MISTAKE_KEYS.map((key) => [key, statusCounts()])) as Record<MistakeKey, StatusCounts>,
});

/** The month's tally; throws on an unknown time zone, a malformed month or policy, or an officer id not in `officers`. */
export function monthlyTally(input: MonthlyTallyInput): MonthlyTally {
  const { timezone, month, policy } = input;
  assertTimeZone(timezone);
  if (!isYearMonth(month)) throw new RangeError(`month must be YYYY-MM, not "${month}"`);
  const problems = validateSubsidyPolicy(policy);
  if (problems.length > 0) throw new RangeError(`invalid subsidy policy: ${problems.join('; ')}`);

  const rows = new Map<string, Row>();
  for (const { id, name } of input.officers) {
    if (rows.has(id)) throw new Error(`officer ${id} is given twice`);
    rows.set(id, { officerId: id, name, dates: new Set(), shifts: 0, leaderShifts: 0, callsAnswered: 0, absences: statusCounts(), mistakes: mistakeCounts() });
  }
  const rowsOf = (ids: readonly string[]): Row[] =>
    [...new Set(ids)].map((id) => {
      const row = rows.get(id);
      if (!row) throw new Error(`officer ${id} is not among the officers given to the tally`);
      return row;
    });
  const inMonth = (date: LocalDate) => monthOf(date) === month;
  const localInMonth = (at: Date) => inMonth(wallClockAt(at, timezone).date);
  const shiftsById = new Map(input.shifts.map((s) => [s.id, s]));

  const monthShifts = input.shifts.filter((s) => inMonth(s.date));
  for (const shift of monthShifts) {
    // the shift's last instant: it is [startsAt, endsAt), and effectiveDuty counts approvals at or before `at`
    const duty = effectiveDuty(shift, input.swaps, new Date(shift.endsAt.getTime() - 1));
    for (const row of rowsOf(duty.officerIds)) {
      row.dates.add(shift.date);
      row.shifts++;
    }
    if (duty.leaderId !== null) rowsOf([duty.leaderId]).forEach((row) => row.leaderShifts++);
  }

  let callsInbound = 0;
  let callsAnswered = 0;
  const answeredByRing = new Map<number, number>();
  let answeredRingUnknown = 0;
  const unrosteredCalls: Timed[] = [];
  const onDuty = dutyLookup(input.shifts, input.swaps);
  for (const call of input.calls) {
    if (call.direction !== 'inbound' || call.deskEndpoint === null) continue;
    const answered = call.outcome === 'answered';
    const at = (answered ? call.answeredAt : null) ?? call.offeredAt;
    const duty = onDuty(call.deskEndpoint, at);
    if (duty === NO_ONE_ROSTERED ? !localInMonth(at) : !inMonth(shiftsById.get(duty.shiftId)!.date)) continue;
    callsInbound++;
    if (answered) {
      callsAnswered++;
      if (call.ringCount == null) answeredRingUnknown++;
      else answeredByRing.set(call.ringCount, (answeredByRing.get(call.ringCount) ?? 0) + 1);
    }
    if (duty === NO_ONE_ROSTERED) unrosteredCalls.push({ id: call.pbxCallId, at });
    else if (answered) rowsOf(duty.officerIds).forEach((row) => row.callsAnswered++);
  }

  const all: Counts = { absences: statusCounts(), mistakes: mistakeCounts() };
  const unrosteredRecords: Timed[] = [];
  const unattributed: Timed[] = [];
  for (const record of input.records) {
    const shift = record.duty?.shiftId == null ? undefined : shiftsById.get(record.duty.shiftId);
    if (!(shift ? inMonth(shift.date) : localInMonth(record.occurredAt))) continue;
    count(all, record);
    const timed = { id: record.id, at: record.occurredAt };
    if (record.duty === null) unattributed.push(timed);
    else if (record.duty.shiftId === null) unrosteredRecords.push(timed);
    else rowsOf(record.duty.officerIds).forEach((row) => count(row, record));
  }

  const officers = [...rows.values()].sort((a, b) => compareCodePoints(a.name, b.name) || compareCodePoints(a.officerId, b.officerId)).map((row) => officerTally(row, policy));
  const sum = (f: (o: OfficerTally) => number) => officers.reduce((total, o) => total + f(o), 0);
  return {
    month,
    officers,
    totals: {
      shifts: monthShifts.length,
      dutyDays: sum((o) => o.dutyDays),
      callsInbound,
      callsAnswered,
      answeredByRing: [...answeredByRing].sort(([a], [b]) => a - b).map(([rings, calls]) => ({ rings, calls })),
      answeredRingUnknown,
      ...all,
      subsidy: { base: sum((o) => o.subsidy.base), deductions: sum((o) => o.subsidy.deductions), net: sum((o) => o.subsidy.net) },
    },
    noOneRostered: { calls: idList(unrosteredCalls), records: idList(unrosteredRecords) },
    unattributedRecords: idList(unattributed),
  };
}

function count(counts: Counts, record: TallyRecord): void {
  if (record.type === 'absence') {
    counts.absences[record.status]++;
    return;
  }
  counts.mistakes.total[record.status]++;
  counts.mistakes.byKind[record.mistakeKind ?? 'unspecified'][record.status]++;
}

function officerTally(row: Row, policy: SubsidyPolicy): OfficerTally {
  const dutyDates = [...row.dates].sort();
  const confirmedMistakes = Object.fromEntries(MISTAKE_KEYS.map((key) => [key, row.mistakes.byKind[key].confirmed])) as Record<MistakeKey, number>;
  return {
    officerId: row.officerId,
    name: row.name,
    dutyDates,
    dutyDays: dutyDates.length,
    shifts: row.shifts,
    leaderShifts: row.leaderShifts,
    callsAnswered: row.callsAnswered,
    absences: row.absences,
    mistakes: row.mistakes,
    subsidy: subsidyOf(policy, { dutyDays: dutyDates.length, shifts: row.shifts }, { absences: row.absences.confirmed, mistakes: confirmedMistakes }),
  };
}

interface Timed {
  id: string;
  at: Date;
}

function idList(items: Timed[]): IdList {
  const ids = [...items].sort((a, b) => a.at.getTime() - b.at.getTime() || compareCodePoints(a.id, b.id)).map((item) => item.id);
  return { count: ids.length, ids };
}

/** Code point order (String's < compares UTF-16 units: it puts U+10000 and above before U+E000…U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

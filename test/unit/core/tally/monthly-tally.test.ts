import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../../../src/core/call/call-model.js';
import { NOBODY_ROSTERED, type DisciplineStatus, type MistakeKind } from '../../../../src/core/discipline/discipline-model.js';
import type { Shift, SwapRequest } from '../../../../src/core/roster/roster-model.js';
import { compareCodePoints, monthlyTally, type MistakeCounts, type MonthlyTallyInput, type StatusCounts, type TallyCall, type TallyRecord } from '../../../../src/core/tally/monthly-tally.js';
import { DEFAULT_SUBSIDY_POLICY, validateSubsidyPolicy, type MistakeKey, type SubsidyPolicy } from '../../../../src/core/tally/subsidy-rules.js';

const at = (iso: string) => new Date(iso);

// December 2026 in Asia/Shanghai (UTC+8) on one desk: day 08:30–17:30 (00:30Z–09:30Z), night
// 17:30–08:30 (09:30Z–00:30Z the next day). Every expected number below is counted by hand.
const DAY = ['T00:30:00Z', 'T09:30:00Z'] as const;

function shift(id: string, date: string, kind: 'day' | 'night', officerIds: string[], leaderId: string | null = null): Shift {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const [startsAt, endsAt] = kind === 'day' ? [at(date + DAY[0]), at(date + DAY[1])] : [at(date + DAY[1]), at(next + DAY[0])];
  return { id, officeId: 'city', rosterMonthId: 'r', date, periodLabel: kind === 'day' ? '08:30–17:30' : '17:30–08:30', startsAt, endsAt, deskEndpoint: 'desk', officerIds, leaderId };
}

function swap(id: string, shiftId: string, requesterId: string, counterpartId: string, status: SwapRequest['status'], decidedAt: string | null): SwapRequest {
  return {
    id,
    officeId: 'city',
    shiftId,
    requesterId,
    counterpartId,
    counterpartShiftId: null,
    reason: '家中有事',
    status,
    requestedAt: at('2026-11-25T02:00:00Z'),
    requestedBy: 'u',
    answeredAt: at('2026-11-26T02:00:00Z'),
    answeredBy: 'u',
    decidedAt: decidedAt === null ? null : at(decidedAt),
    decidedBy: decidedAt === null ? null : 'director',
    decisionNote: null,
  };
}

function call(id: string, offeredAt: string, outcome: CallOutcome, answeredAt: string | null = null, extra: Partial<TallyCall> = {}): TallyCall {
  return { pbxCallId: id, direction: 'inbound', offeredAt: at(offeredAt), outcome, deskEndpoint: 'desk', answeredAt: answeredAt === null ? null : at(answeredAt), ringCount: null, ...extra };
}

function record(id: string, type: 'absence' | 'mistake', status: DisciplineStatus, occurredAt: string, duty: TallyRecord['duty'], mistakeKind: MistakeKind | null = null): TallyRecord {
  return { id, type, status, mistakeKind, occurredAt: at(occurredAt), duty };
}

const on = (shiftId: string, ...officerIds: string[]) => ({ shiftId, officerIds });
const n = (open: number, confirmed: number, waived: number): StatusCounts => ({ open, confirmed, waived });
const ZERO = n(0, 0, 0);
function mistakes(byKind: Partial<Record<MistakeKey, StatusCounts>> = {}): MistakeCounts {
  const all: Record<MistakeKey, StatusCounts> = { 'unrecorded-call': ZERO, 'hand-over': ZERO, 'unreported-incident': ZERO, 'late-or-early': ZERO, other: ZERO, unspecified: ZERO, ...byKind };
  const total = Object.values(all).reduce((t, c) => n(t.open + c.open, t.confirmed + c.confirmed, t.waived + c.waived), ZERO);
  return { total, byKind: all };
}

// 80 yuan a duty day; an absence 50 yuan, a mistake 20, an unreported incident 60.
const POLICY: SubsidyPolicy = { basis: 'duty-day', amountPerUnit: 8000, deductions: { absence: 5000, mistake: 2000, mistakeByKind: { 'unreported-incident': 6000 } }, floorAtZero: true };

const officers = [
  { id: 'o-zhang', name: '张伟' },
  { id: 'o-li', name: '李娜' },
  { id: 'o-wang', name: '王芳' },
  { id: 'o-liu', name: '刘洋' },
  { id: 'o-zhao', name: '赵磊' },
];

const shifts = [
  shift('s-nov', '2026-11-30', 'night', ['o-wang']), // November's: its calls and records are not December's
  shift('s1', '2026-12-01', 'day', ['o-zhang'], 'o-zhao'),
  shift('s2', '2026-12-01', 'night', ['o-li']), // crosses midnight: counts on 12-01
  shift('s3', '2026-12-02', 'day', ['o-wang'], 'o-zhao'), // approved swap 王 → 李
  shift('s4', '2026-12-03', 'day', ['o-zhang', 'o-wang'], 'o-zhao'), // two officers
  shift('s5', '2026-12-04', 'day', ['o-li']), // swap 李 → 张 agreed, never approved
  shift('s7', '2026-12-10', 'day', ['o-liu']), // swap 刘 → 王 approved at 12:00, mid-shift
  shift('s8', '2026-12-10', 'night', ['o-wang']), // 王's second shift that date: still one duty day
  shift('s6', '2026-12-31', 'night', ['o-zhang']), // ends 2027-01-01 08:30
  shift('s-jan', '2027-01-01', 'day', ['o-li']), // January's
];

const swaps = [
  swap('w-approved', 's3', 'o-wang', 'o-li', 'approved', '2026-11-28T02:00:00Z'),
  swap('w-agreed', 's5', 'o-li', 'o-zhang', 'agreed', null),
  swap('w-mid', 's7', 'o-liu', 'o-wang', 'approved', '2026-12-10T04:00:00Z'),
];

const calls = [
  call('c1', '2026-12-01T01:59:50Z', 'answered', '2026-12-01T02:00:00Z', { ringCount: 1 }), // s1 张
  call('c2', '2026-12-01T17:00:00Z', 'answered', '2026-12-01T17:00:05Z', { ringCount: 2 }), // 12-02 01:00, night s2 李
  call('c3', '2026-12-02T01:00:00Z', 'answered', '2026-12-02T01:00:05Z', { ringCount: 1 }), // s3 李 (the swap's counterpart)
  call('c4', '2026-12-03T03:00:00Z', 'answered', '2026-12-03T03:00:05Z', { ringCount: 3 }), // s4 张 and 王
  call('c5', '2026-12-04T02:00:00Z', 'absence', null, { ringCount: 3 }), // s5, not answered
  call('c6', '2026-12-04T07:00:00Z', 'answered', '2026-12-04T07:00:05Z', { ringCount: 1 }), // s5 李 (swap not approved)
  call('c7', '2026-12-05T02:00:00Z', 'absence', null, { ringCount: 3 }), // no shift: no one rostered
  call('c8', '2026-12-31T17:00:00Z', 'answered', '2026-12-31T17:00:05Z', { ringCount: 2 }), // 2027-01-01 01:00, night s6 张
  call('c9', '2026-11-30T23:00:00Z', 'answered', '2026-11-30T23:00:05Z', { ringCount: 4 }), // 12-01 07:00, November's night: left out
  call('c10', '2026-12-01T03:00:00Z', 'answered', '2026-12-01T03:00:05Z', { direction: 'outbound', ringCount: 4 }), // not inbound
  call('c11', '2026-12-06T15:00:00Z', 'bureau', null, { deskEndpoint: null }), // no desk dialled
  call('c12', '2026-12-01T09:29:50Z', 'answered', '2026-12-01T09:30:05Z', { ringCount: 2 }), // offered on s1, answered on s2: 李
  call('c13', '2026-12-10T03:00:00Z', 'answered', '2026-12-10T03:00:05Z'), // s7 before the approval: 刘; its ring not known
  call('c14', '2026-12-10T06:00:00Z', 'answered', '2026-12-10T06:00:05Z', { ringCount: 5 }), // s7 after it: 王
  call('c15', '2027-01-02T02:00:00Z', 'abandoned', null, { ringCount: 2 }), // January, no shift: not December's gap
];

const records = [
  record('r1', 'absence', 'waived', '2026-12-01T03:00:00Z', on('s1', 'o-zhang')),
  record('r2', 'absence', 'confirmed', '2026-12-04T02:00:30Z', on('s5', 'o-li')),
  record('r3', 'mistake', 'confirmed', '2026-12-02T05:00:00Z', on('s3', 'o-li'), 'unreported-incident'),
  record('r4', 'mistake', 'open', '2026-12-03T04:00:00Z', on('s4', 'o-zhang', 'o-wang'), 'unrecorded-call'),
  record('r5', 'mistake', 'confirmed', '2027-01-01T00:35:00Z', on('s6', 'o-zhang'), 'hand-over'), // January 1st, December's shift
  record('r6', 'absence', 'confirmed', '2026-12-05T02:00:30Z', NOBODY_ROSTERED),
  record('r7', 'absence', 'confirmed', '2026-12-10T02:00:00Z', on('s7', 'o-liu')), // before the swap's approval
  record('r8', 'mistake', 'confirmed', '2026-12-01T12:00:00Z', on('s2', 'o-li')), // no kind
  record('r9', 'mistake', 'confirmed', '2026-12-15T02:00:00Z', null, 'other'), // raised by hand, not attributed
  record('r10', 'absence', 'confirmed', '2026-11-30T22:00:00Z', on('s-nov', 'o-wang')), // November's
  record('r11', 'mistake', 'waived', '2026-12-10T10:00:00Z', on('s8', 'o-wang'), 'late-or-early'),
];

const DECEMBER: MonthlyTallyInput = { timezone: 'Asia/Shanghai', month: '2026-12', policy: POLICY, officers, shifts, swaps, calls, records };

describe('monthlyTally: December 2026', () => {
  const tally = monthlyTally(DECEMBER);
  const row = (name: string) => tally.officers.find((o) => o.name === name)!;

  it('lists every officer by name in code point order (刘 U+5218 < 张 U+5F20 < 李 U+674E < 王 U+738B < 赵 U+8D75)', () => {
    expect(tally.officers.map((o) => o.name)).toEqual(['刘洋', '张伟', '李娜', '王芳', '赵磊']);
  });

  it('张伟: s1, s4 and the night of 12-31 (its call at 01:00 on January 1st too); a waived absence withholds nothing', () => {
    expect(row('张伟')).toEqual({
      officerId: 'o-zhang',
      name: '张伟',
      dutyDates: ['2026-12-01', '2026-12-03', '2026-12-31'],
      dutyDays: 3,
      shifts: 3,
      leaderShifts: 0,
      callsAnswered: 3, // c1, c4, c8
      absences: n(0, 0, 1), // r1 waived
      mistakes: mistakes({ 'unrecorded-call': n(1, 0, 0), 'hand-over': n(0, 1, 0) }), // r4 open, r5 confirmed
      subsidy: { base: 24_000, deductions: 2_000, net: 22_000 }, // 3 × 80 yuan − hand-over 20 yuan
    });
  });

  it('李娜: the night of 12-01, s3 by the approved swap, s5 despite the unapproved one', () => {
    expect(row('李娜')).toEqual({
      officerId: 'o-li',
      name: '李娜',
      dutyDates: ['2026-12-01', '2026-12-02', '2026-12-04'],
      dutyDays: 3,
      shifts: 3,
      leaderShifts: 0,
      callsAnswered: 4, // c2 (night, after midnight), c3 (the swap), c6, c12 (answered after the hand-over instant)
      absences: n(0, 1, 0), // r2
      mistakes: mistakes({ 'unreported-incident': n(0, 1, 0), unspecified: n(0, 1, 0) }), // r3, r8
      subsidy: { base: 24_000, deductions: 13_000, net: 11_000 }, // 3 × 80 − (50 + 60 + 20)
    });
  });

  it('王芳: s3 swapped away; s4, and s7 (approved mid-shift) and s8 on one date; an open and a waived mistake withhold nothing', () => {
    expect(row('王芳')).toEqual({
      officerId: 'o-wang',
      name: '王芳',
      dutyDates: ['2026-12-03', '2026-12-10'],
      dutyDays: 2,
      shifts: 3,
      leaderShifts: 0,
      callsAnswered: 2, // c4 (shared with 张), c14
      absences: ZERO, // r10 is November's
      mistakes: mistakes({ 'unrecorded-call': n(1, 0, 0), 'late-or-early': n(0, 0, 1) }), // r4 open, r11 waived
      subsidy: { base: 16_000, deductions: 0, net: 16_000 },
    });
  });

  it('刘洋: swapped off s7 mid-shift, so no day, but the call and the absence from before the approval; the net stops at 0', () => {
    expect(row('刘洋')).toEqual({
      officerId: 'o-liu',
      name: '刘洋',
      dutyDates: [],
      dutyDays: 0,
      shifts: 0,
      leaderShifts: 0,
      callsAnswered: 1, // c13
      absences: n(0, 1, 0), // r7
      mistakes: mistakes(),
      subsidy: { base: 0, deductions: 5_000, net: 0 },
    });
  });

  it('赵磊 led s1, s3 and s4: leader shifts, no duty days', () => {
    expect(row('赵磊')).toMatchObject({ dutyDays: 0, shifts: 0, leaderShifts: 3, subsidy: { base: 0, deductions: 0, net: 0 } });
  });

  it('office totals: each call and record once, days and money summed over officers', () => {
    expect(tally.totals).toEqual({
      shifts: 8, // s1–s8
      dutyDays: 8, // 3 + 3 + 2
      callsInbound: 11, // c1–c8, c12–c14
      callsAnswered: 9, // c1–c4, c6, c8, c12–c14
      // ring 1: c1, c3, c6; ring 2: c2, c8, c12; ring 3: c4 (a shift of two, counted once); ring 5: c14; no ring 4
      // (c9 is November's, c10 outbound); c13's ring not known. 3 + 3 + 1 + 1 + 1 = 9.
      answeredByRing: [
        { rings: 1, calls: 3 },
        { rings: 2, calls: 3 },
        { rings: 3, calls: 1 },
        { rings: 5, calls: 1 },
      ],
      answeredRingUnknown: 1,
      absences: n(0, 3, 1), // r2, r6, r7 confirmed; r1 waived
      mistakes: mistakes({
        'unrecorded-call': n(1, 0, 0), // r4
        'hand-over': n(0, 1, 0), // r5
        'unreported-incident': n(0, 1, 0), // r3
        'late-or-early': n(0, 0, 1), // r11
        other: n(0, 1, 0), // r9
        unspecified: n(0, 1, 0), // r8
      }),
      subsidy: { base: 64_000, deductions: 20_000, net: 49_000 },
    });
    expect(tally.totals.mistakes.total).toEqual(n(1, 4, 1));
  });

  it('the roster gaps: the call and the record with no one rostered; the record raised by hand apart', () => {
    expect(tally.noOneRostered).toEqual({ calls: { count: 1, ids: ['c7'] }, records: { count: 1, ids: ['r6'] } });
    expect(tally.unattributedRecords).toEqual({ count: 1, ids: ['r9'] });
  });

  it('paid per shift instead: 王芳 is paid her 3 shifts', () => {
    const perShift = monthlyTally({ ...DECEMBER, policy: { ...POLICY, basis: 'shift' } });
    expect(perShift.officers.map((o) => [o.name, o.subsidy.net])).toEqual([
      ['刘洋', 0],
      ['张伟', 22_000],
      ['李娜', 11_000],
      ['王芳', 24_000],
      ['赵磊', 0],
    ]);
  });

  it('the swap approved only after its shift had ended would change nothing (a swap after the end is refused anyway)', () => {
    const late = swap('w-late', 's1', 'o-zhang', 'o-liu', 'approved', '2026-12-01T09:30:00Z');
    const t = monthlyTally({ ...DECEMBER, swaps: [...swaps, late] });
    expect(t.officers.find((o) => o.name === '张伟')!.dutyDays).toBe(3);
    expect(t.officers.find((o) => o.name === '刘洋')!.dutyDays).toBe(0);
  });
});

describe('monthlyTally: edge cases', () => {
  const EMPTY: MonthlyTallyInput = { timezone: 'Asia/Shanghai', month: '2026-12', policy: POLICY, officers: [], shifts: [], swaps: [], calls: [], records: [] };

  it('an empty month: zeros everywhere', () => {
    const tally = monthlyTally({ ...EMPTY, officers: [{ id: 'o-zhang', name: '张伟' }] });
    expect(tally.officers).toEqual([
      { officerId: 'o-zhang', name: '张伟', dutyDates: [], dutyDays: 0, shifts: 0, leaderShifts: 0, callsAnswered: 0, absences: ZERO, mistakes: mistakes(), subsidy: { base: 0, deductions: 0, net: 0 } },
    ]);
    expect(tally.totals).toEqual({ shifts: 0, dutyDays: 0, callsInbound: 0, callsAnswered: 0, answeredByRing: [], answeredRingUnknown: 0, absences: ZERO, mistakes: mistakes(), subsidy: { base: 0, deductions: 0, net: 0 } });
    expect(tally.noOneRostered).toEqual({ calls: { count: 0, ids: [] }, records: { count: 0, ids: [] } });
    expect(monthlyTally(EMPTY).officers).toEqual([]);
  });

  it('the answer ring distribution: numeric order (ring 10 after ring 2), unrostered answered calls in, unanswered and outbound calls out', () => {
    const tally = monthlyTally({
      ...EMPTY,
      calls: [
        call('a1', '2026-12-08T02:00:00Z', 'answered', '2026-12-08T02:00:40Z', { ringCount: 10 }),
        call('a2', '2026-12-08T03:00:00Z', 'answered', '2026-12-08T03:00:08Z', { ringCount: 2 }),
        call('a3', '2026-12-08T04:00:00Z', 'answered', '2026-12-08T04:00:40Z', { ringCount: 10 }),
        call('a4', '2026-12-08T05:00:00Z', 'answered', '2026-12-08T05:00:05Z'), // ring not known
        call('a5', '2026-12-08T06:00:00Z', 'answered', '2026-12-08T06:00:02Z', { ringCount: 1 }),
        call('a6', '2026-12-08T07:00:00Z', 'answered', '2026-12-08T07:00:08Z', { ringCount: 2 }),
        call('a7', '2026-12-31T16:30:00Z', 'answered', '2026-12-31T16:30:04Z', { ringCount: 1 }), // 2027-01-01 00:30 local, no shift: January's
        call('a8', '2026-11-30T16:30:00Z', 'answered', '2026-11-30T16:30:04Z', { ringCount: 3 }), // 2026-12-01 00:30 local, no shift: December's
        call('x1', '2026-12-08T08:00:00Z', 'absence', null, { ringCount: 3 }),
        call('x2', '2026-12-08T09:00:00Z', 'abandoned', null, { ringCount: 2 }),
        call('x3', '2026-12-08T10:00:00Z', 'answered', '2026-12-08T10:00:05Z', { direction: 'outbound', ringCount: 1 }),
      ],
    });
    expect(tally.totals).toMatchObject({
      callsInbound: 9, // a1–a6, a8, x1, x2
      callsAnswered: 7, // a1–a6, a8
      answeredByRing: [
        { rings: 1, calls: 1 }, // a5
        { rings: 2, calls: 2 }, // a2, a6
        { rings: 3, calls: 1 }, // a8
        { rings: 10, calls: 2 }, // a1, a3
      ],
      answeredRingUnknown: 1, // a4
    });
    expect(tally.noOneRostered.calls.count).toBe(9);
  });

  it('an officer with no shifts but a confirmed mistake: nothing to withhold from, the net is 0', () => {
    const tally = monthlyTally({
      ...EMPTY,
      officers: [{ id: 'o-liu', name: '刘洋' }],
      records: [record('r', 'mistake', 'confirmed', '2026-12-08T02:00:00Z', on('s-elsewhere', 'o-liu'), 'unreported-incident')],
    });
    expect(tally.officers[0]).toMatchObject({ dutyDays: 0, mistakes: { total: n(0, 1, 0) }, subsidy: { base: 0, deductions: 6_000, net: 0 } });
  });

  it('without the floor the net goes below zero', () => {
    const tally = monthlyTally({ ...DECEMBER, policy: { ...POLICY, floorAtZero: false } });
    expect(tally.officers.find((o) => o.name === '刘洋')!.subsidy).toEqual({ base: 0, deductions: 5_000, net: -5_000 });
    expect(tally.totals.subsidy).toEqual({ base: 64_000, deductions: 20_000, net: 44_000 });
  });

  it('a kind the policy sets to 0 withholds nothing; other kinds keep the general amount', () => {
    const tally = monthlyTally({
      ...EMPTY,
      policy: { ...POLICY, deductions: { absence: 5000, mistake: 2000, mistakeByKind: { 'late-or-early': 0 } } },
      officers: [{ id: 'o-zhang', name: '张伟' }],
      shifts: [shift('s1', '2026-12-01', 'day', ['o-zhang'])],
      records: [
        record('a', 'mistake', 'confirmed', '2026-12-01T01:00:00Z', on('s1', 'o-zhang'), 'late-or-early'),
        record('b', 'mistake', 'confirmed', '2026-12-01T02:00:00Z', on('s1', 'o-zhang'), 'hand-over'),
      ],
    });
    expect(tally.officers[0]!.subsidy).toEqual({ base: 8_000, deductions: 2_000, net: 6_000 });
  });

  it('names in code point order, not UTF-16 order: 﨑 U+FA11 before 𠮷 U+20BB7', () => {
    const tally = monthlyTally({ ...EMPTY, officers: [{ id: 'a', name: '𠮷田' }, { id: 'b', name: '﨑山' }, { id: 'c', name: '张伟' }] });
    expect(tally.officers.map((o) => o.name)).toEqual(['张伟', '﨑山', '𠮷田']);
    expect(['𠮷田', '﨑山'].sort()).toEqual(['𠮷田', '﨑山']); // what plain sort would do
    expect(compareCodePoints('张', '张伟')).toBeLessThan(0);
    expect(compareCodePoints('张伟', '张伟')).toBe(0);
  });

  it('refuses an officer the tally was not given, a bad month, time zone or policy', () => {
    expect(() => monthlyTally({ ...DECEMBER, officers: officers.slice(1) })).toThrow(/officer o-zhang is not among the officers/);
    expect(() => monthlyTally({ ...DECEMBER, officers: [...officers, officers[0]!] })).toThrow(/given twice/);
    expect(() => monthlyTally({ ...EMPTY, month: '2026-13' })).toThrow(/YYYY-MM/);
    expect(() => monthlyTally({ ...EMPTY, timezone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => monthlyTally({ ...EMPTY, policy: { ...POLICY, amountPerUnit: 80.5 } })).toThrow(/amountPerUnit must be a whole number of fen/);
  });
});

describe('validateSubsidyPolicy', () => {
  it('the default and the test policy are valid', () => {
    expect(validateSubsidyPolicy(DEFAULT_SUBSIDY_POLICY)).toEqual([]);
    expect(validateSubsidyPolicy(POLICY)).toEqual([]);
    expect(validateSubsidyPolicy({ basis: 'shift', amountPerUnit: 0, deductions: { absence: 0, mistake: 0 }, floorAtZero: false })).toEqual([]);
  });

  it('names every problem in words', () => {
    expect(validateSubsidyPolicy(null)).toEqual(['the subsidy policy must be an object']);
    expect(validateSubsidyPolicy([])).toEqual(['the subsidy policy must be an object']);
    expect(
      validateSubsidyPolicy({
        basis: 'week',
        amountPerUnit: 50.5,
        deductions: { absence: -1, mistake: '20', mistakeByKind: { 'hand-over': 1e9, sleeping: 100 }, extra: 1 },
        floorAtZero: 'yes',
        currency: 'CNY',
      }),
    ).toEqual([
      'currency is not a setting of the subsidy policy',
      'basis must be one of duty-day, shift, not "week"',
      'amountPerUnit must be a whole number of fen (分, 1 yuan = 100 fen) from 0 to 100000000, not 50.5',
      'deductions.extra is not a setting of the subsidy policy',
      'deductions.absence must be a whole number of fen (分, 1 yuan = 100 fen) from 0 to 100000000, not -1',
      'deductions.mistake must be a whole number of fen (分, 1 yuan = 100 fen) from 0 to 100000000, not "20"',
      'deductions.mistakeByKind.hand-over must be a whole number of fen (分, 1 yuan = 100 fen) from 0 to 100000000, not 1000000000',
      'deductions.mistakeByKind: sleeping is not a mistake kind (unrecorded-call, hand-over, unreported-incident, late-or-early, other)',
      'floorAtZero must be true or false, not "yes"',
    ]);
  });

  it('missing settings and a deductions that is not an object', () => {
    expect(validateSubsidyPolicy({})).toEqual([
      'basis must be one of duty-day, shift, not missing',
      'amountPerUnit must be a whole number of fen (分, 1 yuan = 100 fen) from 0 to 100000000, not missing',
      'deductions must be an object, not missing',
      'floorAtZero must be true or false, not missing',
    ]);
    expect(validateSubsidyPolicy({ ...POLICY, deductions: [5000] })).toEqual(['deductions must be an object, not a list']);
    expect(validateSubsidyPolicy({ ...POLICY, deductions: { ...POLICY.deductions, mistakeByKind: 5 } })).toEqual(['deductions.mistakeByKind must be an object, not 5']);
    expect(validateSubsidyPolicy({ ...POLICY, amountPerUnit: Number.NaN })).toEqual(['amountPerUnit must be a whole number of fen (分, 1 yuan = 100 fen) from 0 to 100000000, not NaN']);
  });
});

import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../../../src/core/call/call-model.js';
import { outcomeCounts, type OutcomeCounts } from '../../../../src/core/reports/missed-call-outcomes.js';
import { missedCallReport, type MissedCallReportInput, type ReportCall } from '../../../../src/core/reports/missed-call-report.js';
import type { Shift, SwapRequest } from '../../../../src/core/roster/roster-model.js';
import type { WatchGap } from '../../../../src/core/watch/watch-gap.js';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

// December 2026 in Asia/Shanghai (UTC+8), one desk: day 08:30–17:30 (00:30Z–09:30Z), night
// 17:30–08:30 (09:30Z–00:30Z the next day). Every expected number below is counted by hand.
function shift(id: string, date: string, kind: 'day' | 'night', officerIds: string[], leaderId: string | null = null): Shift {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const [startsAt, endsAt] = kind === 'day' ? [at(`${date}T00:30:00Z`), at(`${date}T09:30:00Z`)] : [at(`${date}T09:30:00Z`), at(`${next}T00:30:00Z`)];
  return { id, officeId: 'city', rosterMonthId: 'r', date, periodLabel: kind === 'day' ? '08:30–17:30' : '17:30–08:30', startsAt, endsAt, deskEndpoint: 'desk', officerIds, leaderId };
}

const swap = (shiftId: string, requesterId: string, counterpartId: string, decidedAt: string): SwapRequest => ({
  id: `swap-${shiftId}`,
  officeId: 'city',
  shiftId,
  requesterId,
  counterpartId,
  counterpartShiftId: null,
  reason: '出差',
  status: 'approved',
  requestedAt: at('2026-11-25T02:00:00Z'),
  requestedBy: 'u',
  answeredAt: at('2026-11-26T02:00:00Z'),
  answeredBy: 'u',
  decidedAt: at(decidedAt),
  decidedBy: 'director',
  decisionNote: null,
});

const call = (id: string, offeredAt: string, outcome: CallOutcome, ringCount: number | null, extra: Partial<ReportCall> = {}): ReportCall => ({
  id: `id-${id}`,
  pbxCallId: id,
  direction: 'inbound',
  offeredAt: at(offeredAt),
  deskEndpoint: 'desk',
  outcome,
  ringCount,
  ...extra,
});

const gap = (from: string, to: string | null, reason: WatchGap['reason']) => ({ from: at(from), to: to === null ? null : at(to), reason });
const by = (counts: Partial<OutcomeCounts>): OutcomeCounts => ({ ...outcomeCounts(), ...counts });

const officers = [
  { id: 'wang', name: '王芳' },
  { id: 'zhao', name: '赵强' },
  { id: 'liu', name: '刘局' },
];

const shifts = [
  shift('n0', '2026-11-30', 'night', ['wang']),
  shift('d1', '2026-12-01', 'day', ['wang'], 'liu'),
  shift('n1', '2026-12-01', 'night', ['zhao']),
  shift('d2', '2026-12-02', 'day', ['wang']),
  shift('n31', '2026-12-31', 'night', ['zhao']),
];

const input: MissedCallReportInput = {
  timezone: 'Asia/Shanghai',
  month: '2026-12',
  now: at('2027-01-02T00:00:00Z'),
  officers,
  shifts,
  // d2 goes to 赵强 at 09:00 local, half an hour into the shift
  swaps: [swap('d2', 'wang', 'zhao', '2026-12-02T01:00:00Z')],
  calls: [
    call('c0', '2026-11-30T20:00:00Z', 'absence', 3), // 12-01 04:00 local, but on November's night shift n0
    call('c1', '2026-12-01T02:00:00Z', 'absence', 3), // d1: 王芳, leader 刘局
    call('c2', '2026-12-01T03:00:00Z', 'answered', 2),
    call('c3', '2026-12-01T20:00:00Z', 'abandoned', 1), // 12-02 04:00 local on n1 (dated 12-01): 赵强
    call('c4', '2026-12-02T00:45:00Z', 'busy', null), // d2 before the approval: 王芳
    call('c5', '2026-12-02T02:00:00Z', 'unanswered', 2), // d2 after it: 赵强
    call('c6', '2026-12-03T02:00:00Z', 'absence', 3), // no shift on 12-03
    call('c7', '2026-12-05T15:00:00Z', 'no-one-reachable', null, { deskEndpoint: null }), // after hours, the bureau did not answer
    call('c8', '2026-12-05T16:00:00Z', 'bureau', null, { deskEndpoint: null }),
    call('c9', '2026-12-31T20:00:00Z', 'interrupted', null), // 2027-01-01 04:00 local, on n31 (dated 12-31)
    call('c10', '2026-12-04T02:00:00Z', 'busy', null, { direction: 'outbound' }),
    call('c11', '2026-12-06T02:00:00Z', 'no-desk', null, { deskEndpoint: null }),
  ],
  gaps: [
    gap('2026-11-30T15:00:00Z', '2026-11-30T17:00:00Z', 'ami-disconnected'), // 11-30 23:00 → 12-01 01:00 local: 1 h in December
    gap('2026-12-09T15:00:00Z', '2026-12-09T18:00:00Z', 'service-down'), // 12-09 23:00 → 12-10 02:00 local: 1 h + 2 h
    gap('2026-12-09T15:30:00Z', '2026-12-09T16:30:00Z', 'ami-disconnected'), // inside the one above: no time of its own
    gap('2026-12-31T14:00:00Z', null, 'ami-disconnected'), // 12-31 22:00 local, still going: to the month's end, 2 h
  ],
};

describe('missedCallReport', () => {
  const report = missedCallReport(input);

  it('counts the desk’s missed calls by outcome, and the after-hours unanswered one apart', () => {
    expect(report.month).toBe('2026-12');
    expect(report.missed).toBe(6);
    expect(report.byOutcome).toEqual(by({ absence: 2, abandoned: 1, busy: 1, unanswered: 1, interrupted: 1, 'no-one-reachable': 1 }));
  });

  it('lists every day of the month, quiet ones with their not-watching time', () => {
    expect(report.byDay).toHaveLength(31);
    const day = (date: string) => report.byDay.find((d) => d.date === date);
    expect(day('2026-12-01')).toEqual({ date: '2026-12-01', missed: 2, byOutcome: by({ absence: 1, abandoned: 1 }), notWatchingMs: HOUR });
    expect(day('2026-12-02')).toEqual({ date: '2026-12-02', missed: 2, byOutcome: by({ busy: 1, unanswered: 1 }), notWatchingMs: 0 });
    expect(day('2026-12-03')).toMatchObject({ missed: 1, notWatchingMs: 0 });
    expect(day('2026-12-05')).toEqual({ date: '2026-12-05', missed: 0, byOutcome: by({ 'no-one-reachable': 1 }), notWatchingMs: 0 });
    expect(day('2026-12-09')).toEqual({ date: '2026-12-09', missed: 0, byOutcome: by({}), notWatchingMs: HOUR });
    expect(day('2026-12-10')).toEqual({ date: '2026-12-10', missed: 0, byOutcome: by({}), notWatchingMs: 2 * HOUR });
    expect(day('2026-12-31')).toEqual({ date: '2026-12-31', missed: 1, byOutcome: by({ interrupted: 1 }), notWatchingMs: 2 * HOUR });
    expect(report.byDay.filter((d) => d.missed > 0).map((d) => d.date)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-31']);
  });

  it('attributes each call to its shift after the swaps approved by then; a shift row names who held it at its end', () => {
    expect(report.byShift).toEqual([
      { shiftId: 'd1', shift: '2026-12-01 08:30–17:30 desk', date: '2026-12-01', officers: ['王芳'], leader: '刘局', missed: 1, byOutcome: by({ absence: 1 }) },
      { shiftId: 'n1', shift: '2026-12-01 17:30–08:30 desk', date: '2026-12-01', officers: ['赵强'], leader: null, missed: 1, byOutcome: by({ abandoned: 1 }) },
      { shiftId: 'd2', shift: '2026-12-02 08:30–17:30 desk', date: '2026-12-02', officers: ['赵强'], leader: null, missed: 2, byOutcome: by({ busy: 1, unanswered: 1 }) },
      { shiftId: 'n31', shift: '2026-12-31 17:30–08:30 desk', date: '2026-12-31', officers: ['赵强'], leader: null, missed: 1, byOutcome: by({ interrupted: 1 }) },
    ]);
    expect(report.byOfficer).toEqual([
      { officerId: 'wang', name: '王芳', missed: 2, byOutcome: by({ absence: 1, busy: 1 }) },
      { officerId: 'zhao', name: '赵强', missed: 3, byOutcome: by({ abandoned: 1, unanswered: 1, interrupted: 1 }) },
    ]);
  });

  it('lists the calls themselves, oldest first, and the one no shift covered', () => {
    expect(report.calls.map((c) => [c.pbxCallId, c.date, c.outcome, c.rings, c.shiftId, c.officers, c.leader, c.noOneRostered])).toEqual([
      ['c1', '2026-12-01', 'absence', 3, 'd1', ['王芳'], '刘局', false],
      ['c3', '2026-12-01', 'abandoned', 1, 'n1', ['赵强'], null, false],
      ['c4', '2026-12-02', 'busy', null, 'd2', ['王芳'], null, false],
      ['c5', '2026-12-02', 'unanswered', 2, 'd2', ['赵强'], null, false],
      ['c6', '2026-12-03', 'absence', 3, null, [], null, true],
      ['c7', '2026-12-05', 'no-one-reachable', null, null, [], null, false],
      ['c9', '2026-12-31', 'interrupted', null, 'n31', ['赵强'], null, false],
    ]);
    expect(report.calls[0]).toMatchObject({ id: 'id-c1', offeredAt: at('2026-12-01T02:00:00Z'), desk: 'desk', shift: '2026-12-01 08:30–17:30 desk' });
    expect(report.noOneRostered).toEqual({ count: 1, ids: ['id-c6'] });
  });

  it('clips the not-watching periods to the month; an open one runs to the month’s end', () => {
    expect(report.notWatching).toEqual([
      { from: at('2026-11-30T16:00:00Z'), to: at('2026-11-30T17:00:00Z'), reason: 'ami-disconnected', label: '与交换机断开', open: false },
      { from: at('2026-12-09T15:00:00Z'), to: at('2026-12-09T18:00:00Z'), reason: 'service-down', label: '服务未运行', open: false },
      { from: at('2026-12-09T15:30:00Z'), to: at('2026-12-09T16:30:00Z'), reason: 'ami-disconnected', label: '与交换机断开', open: false },
      { from: at('2026-12-31T14:00:00Z'), to: at('2026-12-31T16:00:00Z'), reason: 'ami-disconnected', label: '与交换机断开', open: true },
    ]);
  });

  it('runs an open gap to now when the month is not over yet', () => {
    const early = missedCallReport({ ...input, now: at('2026-12-31T15:00:00Z') });
    expect(early.notWatching.at(-1)).toEqual({ from: at('2026-12-31T14:00:00Z'), to: at('2026-12-31T15:00:00Z'), reason: 'ami-disconnected', label: '与交换机断开', open: true });
    expect(early.byDay.at(-1)!.notWatchingMs).toBe(HOUR);
  });

  it('a month with nothing: every day listed, all zero', () => {
    const empty = missedCallReport({ ...input, month: '2027-02', calls: [], gaps: [] });
    expect(empty.byDay).toHaveLength(28);
    expect(empty.byDay.every((d) => d.missed === 0 && d.notWatchingMs === 0)).toBe(true);
    expect([empty.missed, empty.calls, empty.byShift, empty.byOfficer, empty.noOneRostered]).toEqual([0, [], [], [], { count: 0, ids: [] }]);
  });

  it('refuses a bad month, an unknown time zone, an officer it was not given', () => {
    expect(() => missedCallReport({ ...input, month: '2026-13' })).toThrow(RangeError);
    expect(() => missedCallReport({ ...input, timezone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => missedCallReport({ ...input, officers: officers.slice(1) })).toThrow('officer wang is not among the officers given to the report');
  });
});

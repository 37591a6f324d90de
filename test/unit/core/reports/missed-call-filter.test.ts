import { describe, expect, it } from 'vitest';
import { filterMissedCalls, missedCallFilterProblem, missedCallPage } from '../../../../src/core/reports/missed-call-filter.js';
import type { ReportedOutcome } from '../../../../src/core/reports/missed-call-outcomes.js';
import { missedCallReport, type MissedCall } from '../../../../src/core/reports/missed-call-report.js';

// Seven calls of December 2026, oldest first, as the report lists them. d1 is 王芳 with 赵强, d2
// 赵强 alone, n31 王芳's night (its call of 2027-01-01 04:00 local counts on 12-31).
function missed(n: number, date: string, outcome: ReportedOutcome, shiftId: string | null, officerIds: string[]): MissedCall {
  return {
    id: `id-${n}`,
    pbxCallId: `c${n}`,
    offeredAt: new Date(`${date}T02:00:00Z`),
    date,
    desk: 'desk',
    outcome,
    rings: 3,
    shiftId,
    shift: shiftId,
    officers: officerIds,
    officerIds,
    leader: null,
    noOneRostered: shiftId === null,
  };
}

const calls = [
  missed(1, '2026-12-01', 'absence', 'd1', ['wang', 'zhao']),
  missed(2, '2026-12-01', 'busy', 'd1', ['wang', 'zhao']),
  missed(3, '2026-12-02', 'absence', 'd2', ['zhao']),
  missed(4, '2026-12-03', 'absence', null, []),
  missed(5, '2026-12-05', 'no-one-reachable', null, []),
  missed(6, '2026-12-10', 'unanswered', 'd10', ['wang']),
  missed(7, '2026-12-31', 'interrupted', 'n31', ['wang']),
];

const ids = (list: readonly MissedCall[]) => list.map((c) => c.pbxCallId);

describe('filterMissedCalls', () => {
  it('with no criterion: every call, in order', () => {
    expect(ids(filterMissedCalls(calls, {}))).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
  });

  it('from and to are inclusive days, on the call’s date', () => {
    expect(ids(filterMissedCalls(calls, { from: '2026-12-02' }))).toEqual(['c3', 'c4', 'c5', 'c6', 'c7']);
    expect(ids(filterMissedCalls(calls, { to: '2026-12-02' }))).toEqual(['c1', 'c2', 'c3']);
    expect(ids(filterMissedCalls(calls, { from: '2026-12-03', to: '2026-12-10' }))).toEqual(['c4', 'c5', 'c6']);
    expect(ids(filterMissedCalls(calls, { from: '2026-12-31', to: '2026-12-31' }))).toEqual(['c7']);
    expect(ids(filterMissedCalls(calls, { from: '2026-12-06', to: '2026-12-09' }))).toEqual([]);
  });

  it('a shift: its calls only (none for a call no shift covered)', () => {
    expect(ids(filterMissedCalls(calls, { shiftId: 'd1' }))).toEqual(['c1', 'c2']);
    expect(ids(filterMissedCalls(calls, { shiftId: 'nowhere' }))).toEqual([]);
  });

  it('an officer: the calls they were one of the accountable for', () => {
    expect(ids(filterMissedCalls(calls, { officerId: 'zhao' }))).toEqual(['c1', 'c2', 'c3']);
    expect(ids(filterMissedCalls(calls, { officerId: 'wang' }))).toEqual(['c1', 'c2', 'c6', 'c7']);
    expect(ids(filterMissedCalls(calls, { officerId: '王芳' }))).toEqual([]);
  });

  it('an outcome, and every criterion at once', () => {
    expect(ids(filterMissedCalls(calls, { outcome: 'absence' }))).toEqual(['c1', 'c3', 'c4']);
    expect(ids(filterMissedCalls(calls, { outcome: 'no-one-reachable' }))).toEqual(['c5']);
    expect(ids(filterMissedCalls(calls, { from: '2026-12-01', to: '2026-12-02', officerId: 'zhao', outcome: 'absence' }))).toEqual(['c1', 'c3']);
    expect(ids(filterMissedCalls(calls, { shiftId: 'd1', officerId: 'wang', outcome: 'busy' }))).toEqual(['c2']);
  });
});

describe('missedCallPage', () => {
  it('a page of the matching calls, with how many match', () => {
    const first = missedCallPage(calls, { officerId: 'wang' }, { limit: 3, offset: 0 });
    expect([ids(first.calls), first.total, first.limit, first.offset]).toEqual([['c1', 'c2', 'c6'], 4, 3, 0]);
    const second = missedCallPage(calls, { officerId: 'wang' }, { limit: 3, offset: 3 });
    expect([ids(second.calls), second.total, second.limit, second.offset]).toEqual([['c7'], 4, 3, 3]);
  });

  it('past the last call: an empty page, the total still told', () => {
    expect(missedCallPage(calls, {}, { limit: 100, offset: 7 })).toEqual({ calls: [], total: 7, limit: 100, offset: 7 });
    expect(missedCallPage([], { outcome: 'busy' }, { limit: 1, offset: 0 })).toEqual({ calls: [], total: 0, limit: 1, offset: 0 });
  });

  it('refuses a limit or offset that is no page', () => {
    for (const page of [
      { limit: 0, offset: 0 },
      { limit: 501, offset: 0 },
      { limit: 1.5, offset: 0 },
      { limit: Infinity, offset: 0 },
      { limit: 10, offset: -1 },
      { limit: 10, offset: NaN },
    ])
      expect(() => missedCallPage(calls, {}, page), JSON.stringify(page)).toThrow(RangeError);
    expect(missedCallPage(calls, {}, { limit: 500, offset: 0 }).calls).toHaveLength(7);
  });
});

describe('missedCallFilterProblem', () => {
  it('none for no filter, days of the month, from on or before to', () => {
    expect(missedCallFilterProblem('2026-11', {})).toBeUndefined();
    expect(missedCallFilterProblem('2026-11', { from: '2026-11-01', to: '2026-11-30', shiftId: 's', officerId: 'o', outcome: 'busy' })).toBeUndefined();
    expect(missedCallFilterProblem('2026-11', { from: '2026-11-15', to: '2026-11-15' })).toBeUndefined();
    expect(missedCallFilterProblem('2028-02', { to: '2028-02-29' })).toBeUndefined();
  });

  it('names the parameter: a day that is none, a day of another month, from after to', () => {
    expect(missedCallFilterProblem('2026-11', { from: '2026-12-01' })).toBe('from (2026-12-01) is not in 2026-11');
    expect(missedCallFilterProblem('2026-11', { to: '2026-10-31' })).toBe('to (2026-10-31) is not in 2026-11');
    expect(missedCallFilterProblem('2026-11', { from: '2026-11-31' })).toBe('from (2026-11-31) is no date');
    expect(missedCallFilterProblem('2027-02', { to: '2027-02-29' })).toBe('to (2027-02-29) is no date');
    expect(missedCallFilterProblem('2026-11', { to: '11/05/2026' })).toBe('to (11/05/2026) is no date');
    expect(missedCallFilterProblem('2026-11', { from: '2026-11-20', to: '2026-11-10' })).toBe('from (2026-11-20) is after to (2026-11-10)');
  });
});

describe('the report’s calls name their officers by id', () => {
  const at = (iso: string) => new Date(iso);
  const report = missedCallReport({
    timezone: 'Asia/Shanghai',
    month: '2026-12',
    now: at('2027-01-02T00:00:00Z'),
    officers: [
      { id: 'wang', name: '王芳' },
      { id: 'zhao', name: '赵强' },
      { id: 'liu', name: '刘局' },
    ],
    shifts: [{ id: 'd1', officeId: 'city', rosterMonthId: 'r', date: '2026-12-01', periodLabel: '08:30–17:30', startsAt: at('2026-12-01T00:30:00Z'), endsAt: at('2026-12-01T09:30:00Z'), deskEndpoint: 'desk', officerIds: ['zhao', 'wang'], leaderId: 'liu' }],
    swaps: [],
    calls: [
      { id: 'id-c1', pbxCallId: 'c1', direction: 'inbound', offeredAt: at('2026-12-01T02:00:00Z'), deskEndpoint: 'desk', outcome: 'absence', ringCount: 3 },
      { id: 'id-c2', pbxCallId: 'c2', direction: 'inbound', offeredAt: at('2026-12-03T02:00:00Z'), deskEndpoint: 'desk', outcome: 'busy', ringCount: null },
    ],
    gaps: [],
  });

  it('in the roster’s order, as the names; the leader is not among them; none without a shift', () => {
    expect(report.calls.map((c) => [c.pbxCallId, c.officers, c.officerIds, c.leader])).toEqual([
      ['c1', ['赵强', '王芳'], ['zhao', 'wang'], '刘局'],
      ['c2', [], [], null],
    ]);
  });
});

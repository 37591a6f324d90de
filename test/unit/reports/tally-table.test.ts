import { describe, expect, it } from 'vitest';
import type { MistakeCounts, MonthlyTally, OfficerTally, StatusCounts } from '../../../src/core/tally/monthly-tally.js';
import type { MistakeKey } from '../../../src/core/tally/subsidy-rules.js';
import { monthTitle, tallyTable, yuan } from '../../../src/reports/tally-table.js';

const n = (open: number, confirmed: number, waived: number): StatusCounts => ({ open, confirmed, waived });
const ZERO = n(0, 0, 0);
function mistakes(total: StatusCounts, byKind: Partial<Record<MistakeKey, StatusCounts>> = {}): MistakeCounts {
  return { total, byKind: { 'unrecorded-call': ZERO, 'hand-over': ZERO, 'unreported-incident': ZERO, 'late-or-early': ZERO, other: ZERO, unspecified: ZERO, ...byKind } };
}
const ids = (...list: string[]) => ({ count: list.length, ids: list });

// A month under a policy that does not floor the net (floorAtZero false): 王芳's deductions exceed her base.
const wang: OfficerTally = {
  officerId: 'o1',
  name: '王芳',
  dutyDates: ['2026-12-01'],
  dutyDays: 1,
  shifts: 1,
  leaderShifts: 0,
  callsAnswered: 2,
  absences: n(0, 1, 0),
  mistakes: mistakes(n(1, 1, 1), { 'unreported-incident': n(0, 1, 0), 'hand-over': n(1, 0, 0), unspecified: n(0, 0, 1) }),
  subsidy: { base: 1234, deductions: 2500, net: -1266 },
};
const zhao: OfficerTally = {
  officerId: 'o2',
  name: '赵强',
  dutyDates: ['2026-12-02', '2026-12-03'],
  dutyDays: 2,
  shifts: 3,
  leaderShifts: 1,
  callsAnswered: 5,
  absences: n(1, 0, 2),
  mistakes: mistakes(n(0, 2, 0), { other: n(0, 1, 0), unspecified: n(0, 1, 0) }),
  subsidy: { base: 10000, deductions: 5, net: 9995 },
};
const tally: MonthlyTally = {
  month: '2026-12',
  officers: [wang, zhao],
  totals: {
    shifts: 4,
    dutyDays: 3,
    callsInbound: 9,
    callsAnswered: 6,
    answeredByRing: [
      { rings: 1, calls: 4 },
      { rings: 2, calls: 1 },
    ],
    answeredRingUnknown: 1,
    absences: n(2, 1, 2),
    mistakes: mistakes(n(1, 3, 1), { 'unreported-incident': n(0, 1, 0), 'hand-over': n(1, 0, 0), other: n(0, 1, 0), unspecified: n(0, 1, 1) }),
    subsidy: { base: 11234, deductions: 2505, net: 8729 },
  },
  noOneRostered: { calls: ids('c8', 'c9'), records: ids('r7') },
  unattributedRecords: ids('r8', 'r9', 'r10'),
};

describe('tallyTable', () => {
  const table = tallyTable(tally);

  it('has the documented columns, in order', () => {
    expect(table.columns.map((c) => c.header)).toEqual([
      '姓名', '值班天数', '班次数', '带班班次', '接听来电',
      '离岗(待复核)', '离岗(已确认)', '离岗(已撤销)',
      '失误(待复核)', '失误(已确认)', '失误(已撤销)',
      '失误·漏记(已确认)', '失误·交接不到位(已确认)', '失误·未报告(已确认)', '失误·迟到早退(已确认)', '失误·其他(已确认)', '失误·未分类(已确认)',
      '补助基数(元)', '扣减(元)', '实发补助(元)',
      '呼入来电', '无人排班来电', '无人排班记录', '未归属记录',
    ]);
    expect(table.columns.map((c) => c.kind)).toEqual(['text', ...Array(16).fill('count'), 'yuan', 'yuan', 'yuan', 'count', 'count', 'count', 'count']);
  });

  it('gives a row per officer in the tally’s order and the 合计 row of its totals, amounts in yuan', () => {
    expect(table.rows).toEqual([
      ['王芳', 1, 1, 0, 2, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, '12.34', '25.00', '-12.66', null, null, null, null],
      ['赵强', 2, 3, 1, 5, 1, 0, 2, 0, 2, 0, 0, 0, 0, 0, 1, 1, '100.00', '0.05', '99.95', null, null, null, null],
      ['合计', 3, 4, 1, 6, 2, 1, 2, 1, 3, 1, 0, 0, 1, 0, 1, 1, '112.34', '25.05', '87.29', 9, 2, 1, 3],
    ]);
  });

  it('a month with no officers is the 合计 row alone', () => {
    const empty = tallyTable({ ...tally, officers: [], totals: { ...tally.totals, shifts: 0, dutyDays: 0, callsAnswered: 0, answeredByRing: [], answeredRingUnknown: 0, subsidy: { base: 0, deductions: 0, net: 0 } } });
    expect(empty.rows).toHaveLength(1);
    expect(empty.rows[0]!.slice(0, 4)).toEqual(['合计', 0, 0, 0]);
    expect(empty.rows[0]!.slice(17, 20)).toEqual(['0.00', '0.00', '0.00']);
  });
});

describe('yuan', () => {
  it('is fen / 100 with two decimals, exactly', () => {
    expect([0, 5, 10, 99, 100, 1234, 1266, 100_000_000, -1266, -5, -100].map(yuan)).toEqual([
      '0.00', '0.05', '0.10', '0.99', '1.00', '12.34', '12.66', '1000000.00', '-12.66', '-0.05', '-1.00',
    ]);
    // no float on the way: the last digits of the largest exact integer survive
    expect(yuan(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
  });

  it('refuses what is not a whole number of fen', () => {
    expect(() => yuan(12.5)).toThrow(RangeError);
    expect(() => yuan(Number.NaN)).toThrow(RangeError);
  });
});

describe('monthTitle', () => {
  it('is the month as written in Chinese, without a leading zero', () => {
    expect([monthTitle('2026-12'), monthTitle('2027-01')]).toEqual(['2026年12月', '2027年1月']);
  });
});

/**
 * The monthly tally (src/core/tally/monthly-tally.ts) as the table its CSV and XLSX exports
 * (./tally-export-routes.ts) write: a header row, one row per officer (the tally's order: by
 * name) and a 合计 row. The columns, in order:
 *
 *   姓名                                  the officer; 合计 on the totals row
 *   值班天数 班次数 带班班次 接听来电       counts (带班班次: shifts led as 带班领导, not paid here)
 *   离岗(待复核) 离岗(已确认) 离岗(已撤销)  absences by status (open / confirmed / waived)
 *   失误(待复核) 失误(已确认) 失误(已撤销)  mistakes by status, every kind together
 *   失误·<kind>(已确认)                    confirmed mistakes per kind (MISTAKE_KEYS; 未分类: raised
 *                                          without a kind): the ones the subsidy withholds for; the
 *                                          JSON report has every status per kind
 *   补助基数(元) 扣减(元) 实发补助(元)      the subsidy, yuan with two decimals ("-12.34" when the
 *                                          policy does not floor the net at zero)
 *   呼入来电 无人排班来电 无人排班记录 未归属记录   the office's alone: empty on officer rows
 *
 * The 合计 row is the tally's totals, not a column sum: a record (or call) of a shift of two
 * counts on both officers' rows and once in 合计, and 合计 counts records no officer is
 * accountable for (无人排班记录, 未归属记录); its 班次数 is the month's shifts. 带班班次 is summed
 * (a shift has one leader at most).
 */
import { DISCIPLINE_STATUSES, MISTAKE_KIND_LABELS, type DisciplineStatus } from '../core/discipline/discipline-model.js';
import type { MistakeCounts, MonthlyTally, StatusCounts } from '../core/tally/monthly-tally.js';
import { MISTAKE_KEYS, type Fen, type MistakeKey } from '../core/tally/subsidy-rules.js';

/** How a column's cells are written: text, a whole number, or yuan as "12.34" (a number with two decimals). */
export type TallyColumnKind = 'text' | 'count' | 'yuan';

export interface TallyColumn {
  header: string;
  kind: TallyColumnKind;
}

/** A cell: text, a count, yuan as text ("12.34"), or null (empty). */
export type TallyCell = string | number | null;

export interface TallyTable {
  columns: TallyColumn[];
  /** One per officer, then the 合计 row; each has one cell per column. */
  rows: TallyCell[][];
}

export const STATUS_LABELS: Readonly<Record<DisciplineStatus, string>> = { open: '待复核', confirmed: '已确认', waived: '已撤销' };
export const MISTAKE_KEY_LABELS: Readonly<Record<MistakeKey, string>> = { ...MISTAKE_KIND_LABELS, unspecified: '未分类' };
export const TOTALS_LABEL = '合计';

/** Fen as yuan with two decimals, by integer arithmetic (1234 → "12.34", -5 → "-0.05"). */
export function yuan(fen: Fen): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`an amount in fen must be a whole number, not ${fen}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** What a row is made of: an officer's figures, or the totals with the office's own. */
interface RowSource {
  name: string;
  dutyDays: number;
  shifts: number;
  leaderShifts: number;
  callsAnswered: number;
  absences: StatusCounts;
  mistakes: MistakeCounts;
  subsidy: { base: Fen; deductions: Fen; net: Fen };
  office: { callsInbound: number; noOneRosteredCalls: number; noOneRosteredRecords: number; unattributedRecords: number } | null;
}

interface Column extends TallyColumn {
  cell: (row: RowSource) => TallyCell;
}

const count = (header: string, cell: (row: RowSource) => number): Column => ({ header, kind: 'count', cell });
const amount = (header: string, cell: (row: RowSource) => Fen): Column => ({ header, kind: 'yuan', cell: (row) => yuan(cell(row)) });
const officeCount = (header: string, cell: (office: NonNullable<RowSource['office']>) => number): Column => ({ header, kind: 'count', cell: (row) => (row.office ? cell(row.office) : null) });

const COLUMNS: readonly Column[] = [
  { header: '姓名', kind: 'text', cell: (row) => row.name },
  count('值班天数', (row) => row.dutyDays),
  count('班次数', (row) => row.shifts),
  count('带班班次', (row) => row.leaderShifts),
  count('接听来电', (row) => row.callsAnswered),
  ...DISCIPLINE_STATUSES.map((status) => count(`离岗(${STATUS_LABELS[status]})`, (row) => row.absences[status])),
  ...DISCIPLINE_STATUSES.map((status) => count(`失误(${STATUS_LABELS[status]})`, (row) => row.mistakes.total[status])),
  ...MISTAKE_KEYS.map((key) => count(`失误·${MISTAKE_KEY_LABELS[key]}(${STATUS_LABELS.confirmed})`, (row) => row.mistakes.byKind[key].confirmed)),
  amount('补助基数(元)', (row) => row.subsidy.base),
  amount('扣减(元)', (row) => row.subsidy.deductions),
  amount('实发补助(元)', (row) => row.subsidy.net),
  officeCount('呼入来电', (office) => office.callsInbound),
  officeCount('无人排班来电', (office) => office.noOneRosteredCalls),
  officeCount('无人排班记录', (office) => office.noOneRosteredRecords),
  officeCount('未归属记录', (office) => office.unattributedRecords),
];

export function tallyTable(tally: MonthlyTally): TallyTable {
  const { totals } = tally;
  const sources: RowSource[] = [
    ...tally.officers.map((o) => ({ ...o, office: null })),
    {
      name: TOTALS_LABEL,
      dutyDays: totals.dutyDays,
      shifts: totals.shifts,
      leaderShifts: tally.officers.reduce((sum, o) => sum + o.leaderShifts, 0),
      callsAnswered: totals.callsAnswered,
      absences: totals.absences,
      mistakes: totals.mistakes,
      subsidy: totals.subsidy,
      office: {
        callsInbound: totals.callsInbound,
        noOneRosteredCalls: tally.noOneRostered.calls.count,
        noOneRosteredRecords: tally.noOneRostered.records.count,
        unattributedRecords: tally.unattributedRecords.count,
      },
    },
  ];
  return {
    columns: COLUMNS.map(({ header, kind }) => ({ header, kind })),
    rows: sources.map((source) => COLUMNS.map((column) => column.cell(source))),
  };
}

/** "2026-12" → "2026年12月", "2027-01" → "2027年1月". */
export function monthTitle(month: string): string {
  const [year, m] = month.split('-');
  return `${year}年${Number(m)}月`;
}

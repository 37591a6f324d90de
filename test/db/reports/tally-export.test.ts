/**
 * The monthly tally's CSV and XLSX exports on PostgreSQL and PGlite, over the hand-worked
 * December of test/support/tally-month.ts (its figures stated there), with one more officer
 * whose name starts like a formula.
 */
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { createPrismaRosterStores } from '../../../src/roster/prisma-roster-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { buildApi, NO_CREDENTIALS, type TestApi } from '../../support/http.js';
import { seedTallyMonth, TALLY_MONTH, TALLY_MONTH_POLICY } from '../../support/tally-month.js';

const FORMULA_NAME = '=1+2';
const HEADERS = [
  '姓名', '值班天数', '班次数', '带班班次', '接听来电',
  '离岗(待复核)', '离岗(已确认)', '离岗(已撤销)',
  '失误(待复核)', '失误(已确认)', '失误(已撤销)',
  '失误·漏记(已确认)', '失误·交接不到位(已确认)', '失误·未报告(已确认)', '失误·迟到早退(已确认)', '失误·其他(已确认)', '失误·未分类(已确认)',
  '补助基数(元)', '扣减(元)', '实发补助(元)',
  '呼入来电', '无人排班来电', '无人排班记录', '未归属记录',
];
const NO_MISTAKES = [0, 0, 0, 0, 0, 0, 0, 0, 0];
// name, days, shifts, led, answered, absences open/confirmed/waived, mistakes …, base, deductions, net, office-only columns
const ROWS = [
  [FORMULA_NAME, 0, 0, 0, 0, 0, 0, 0, ...NO_MISTAKES, 0, 0, 0, null, null, null, null],
  ['张伟', 1, 1, 0, 1, 0, 1, 0, ...NO_MISTAKES, 80, 50, 30, null, null, null, null],
  ['李四', 0, 0, 0, 0, 0, 0, 0, ...NO_MISTAKES, 0, 0, 0, null, null, null, null],
  ['李娜', 2, 2, 0, 2, 0, 0, 1, ...NO_MISTAKES, 160, 0, 160, null, null, null, null],
  ['合计', 3, 3, 0, 3, 1, 1, 1, ...NO_MISTAKES, 240, 50, 190, 4, 1, 1, 0],
];
const YUAN = new Set([17, 18, 19]);
/** A row as the CSV writes it: numbers as text, yuan with two decimals, empty cells empty, formula-like text behind an apostrophe. */
const csvRow = (row: readonly (string | number | null)[]) =>
  row.map((cell, i) => (cell === null ? '' : typeof cell === 'number' ? (YUAN.has(i) ? cell.toFixed(2) : String(cell)) : cell.startsWith('=') ? `'${cell}` : cell));

describe.each(DB_KINDS)('GET /reports/monthly-tally.csv and .xlsx on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: TestApi;

  beforeAll(async () => {
    const { prisma } = database.db;
    const calls = new PrismaCallStore(prisma);
    const discipline = new PrismaDisciplineStore(prisma);
    api = await buildApi({ calls, discipline, roster: createPrismaRosterStores(prisma), subsidy: TALLY_MONTH_POLICY });
    await seedTallyMonth(api, calls, discipline);
    await api.roster.addOfficer({ officeId: 'default', name: FORMULA_NAME, phone: null, section: null }, { by: 'clerk', at: new Date('2026-11-20T00:00:00Z') });
  });
  afterAll(async () => {
    await api?.close();
  });

  const exportsOf = async (format: 'csv' | 'xlsx') =>
    (await api.access.audit.list({ action: 'reports.tally.export', limit: 100, offset: 0 })).filter((e) => e.query.format === format);

  it('CSV: BOM, Chinese headers, a row per officer and 合计, the month’s figures; audited', async () => {
    const before = (await exportsOf('csv')).length;
    const res = await api.inject({ method: 'GET', url: `/reports/monthly-tally.csv?month=${TALLY_MONTH}`, headers: api.as('auditor') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="monthly-tally-2026-12.csv"; filename*=UTF-8''${encodeURIComponent('值班统计-2026-12.csv')}`);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = parse(res.body, { bom: true }) as string[][];
    expect(header).toEqual(HEADERS);
    expect(rows).toEqual(ROWS.map(csvRow));

    const entries = await exportsOf('csv');
    expect(entries).toHaveLength(before + 1);
    expect(entries[0]).toMatchObject({ userName: 'test-auditor', route: 'GET /reports/monthly-tally.csv', query: { month: TALLY_MONTH, format: 'csv' } });
  });

  it('XLSX: the sheet 值班统计 with its title, the headers, the figures as numbers, the formula-like name as text; audited', async () => {
    const res = await api.inject({ method: 'GET', url: `/reports/monthly-tally.xlsx?month=${TALLY_MONTH}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="monthly-tally-2026-12.xlsx"; filename*=UTF-8''${encodeURIComponent('值班统计-2026-12.xlsx')}`);
    const sheets = await readXlsxFile(res.rawPayload);
    expect(sheets.map((s) => s.sheet)).toEqual(['值班统计']);
    const [title, header, ...rows] = sheets[0]!.data;
    expect(title).toEqual(['2026年12月 值班统计', ...Array(HEADERS.length - 1).fill(null)]);
    expect(header).toEqual(HEADERS);
    expect(rows).toEqual(ROWS);
    expect(await exportsOf('xlsx')).toEqual([expect.objectContaining({ userName: 'test-supervisor', route: 'GET /reports/monthly-tally.xlsx', query: { month: TALLY_MONTH, format: 'xlsx' } })]);
  });

  it.each(['csv', 'xlsx'])('.%s is the office’s: 401 without credentials, 403 for a duty officer and ops, 400 for a month that is none or none given', async (format) => {
    const url = `/reports/monthly-tally.${format}`;
    const anonymous = await api.inject({ method: 'GET', url: `${url}?month=${TALLY_MONTH}`, headers: NO_CREDENTIALS });
    expect([anonymous.statusCode, anonymous.json()]).toEqual([401, { error: 'UNAUTHORIZED', message: 'authentication required' }]);
    for (const role of ['duty-officer', 'ops'] as const) {
      const res = await api.inject({ method: 'GET', url: `${url}?month=${TALLY_MONTH}`, headers: api.as(role) });
      expect([role, res.statusCode, res.json()]).toEqual([role, 403, { error: 'FORBIDDEN', message: "permission 'reports:read' required" }]);
    }
    const bad = await api.inject({ method: 'GET', url: `${url}?month=2026-13` });
    expect([bad.statusCode, bad.json()]).toEqual([400, { error: 'BAD_REQUEST', message: 'querystring/month (2026-13) is no month' }]);
    const missing = await api.inject({ method: 'GET', url });
    expect([missing.statusCode, missing.json()]).toEqual([400, { error: 'BAD_REQUEST', message: "querystring must have required property 'month'" }]);
  });
});

/**
 * The monthly tally as files for the general section (综合科) to file and sum at year end:
 *
 *   GET /reports/monthly-tally.csv?month=YYYY-MM    reports:read   值班统计-YYYY-MM.csv
 *   GET /reports/monthly-tally.xlsx?month=YYYY-MM   reports:read   值班统计-YYYY-MM.xlsx (sheet 值班统计)
 *
 * Both are the table of ./tally-table.ts. Each export is audited twice: the tally's own
 * reports.tally entry (MonthlyTallyService), then reports.tally.export with the month and format,
 * written before the file is sent.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import writeXlsxFile, { type Cell, type Row } from 'write-excel-file/node';
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer, ViewerOf } from '../access/viewer.js';
import { isYearMonth } from '../core/roster/year-month.js';
import type { MonthlyTally } from '../core/tally/monthly-tally.js';
import { attachment, BOM, CRLF, CSV_CONTENT_TYPE, csvCell } from '../platform/http/csv-export.js';
import { badRequest } from '../platform/http/errors.js';
import { ErrorBody } from '../platform/http/schemas.js';
import type { MonthlyTallyService } from './monthly-tally-service.js';
import { monthTitle, tallyTable, type TallyCell, type TallyTable } from './tally-table.js';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const SHEET_NAME = '值班统计';

export interface TallyExportDeps {
  tally: Pick<MonthlyTallyService, 'tally'>;
  viewerOf: ViewerOf;
  audit: Pick<AuditTrail, 'record'>;
}

type Format = 'csv' | 'xlsx';

const Query = Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'YYYY-MM' }) }, { additionalProperties: false });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody };

/**
 * The file as CSV (the house conventions of csv-export.ts). Yuan cells bypass csvCell: they are
 * the program's own "-12.34", which csvCell, seeing text that starts with "-", would escape.
 */
export function tallyCsv(table: TallyTable): string {
  const line = (cells: readonly string[]) => cells.join(',') + CRLF;
  const cell = (value: TallyCell, kind: string) => (kind === 'yuan' && typeof value === 'string' ? value : csvCell(value));
  return BOM + line(table.columns.map((c) => csvCell(c.header))) + table.rows.map((row) => line(row.map((value, i) => cell(value, table.columns[i]!.kind)))).join('');
}

/** The file as XLSX: a title row over the table, a bold header, numbers as numbers (yuan formatted 0.00), text as text (never a formula). */
export async function tallyXlsx(table: TallyTable, month: string): Promise<Buffer> {
  const width = table.columns.length;
  const title: Row = [{ value: `${monthTitle(month)} ${SHEET_NAME}`, type: String, fontWeight: 'bold', fontSize: 14, columnSpan: width }, ...Array<Cell>(width - 1).fill(null)];
  const header: Row = table.columns.map((c) => ({ value: c.header, type: String, fontWeight: 'bold', align: 'center', wrap: true }));
  const last = table.rows.length - 1;
  const rows: Row[] = table.rows.map((row, r) =>
    row.map((value, i): Cell => {
      if (value === null) return null;
      const bold = r === last ? { fontWeight: 'bold' as const } : {};
      const kind = table.columns[i]!.kind;
      if (kind === 'yuan') return { value: Number(value), type: Number, format: '0.00', ...bold };
      return typeof value === 'number' ? { value, type: Number, ...bold } : { value, type: String, ...bold };
    }),
  );
  const columns = table.columns.map((c, i) => ({ width: Math.max(8, ...[c.header, ...table.rows.map((row) => String(row[i] ?? ''))].map(displayWidth)) + 2 }));
  return writeXlsxFile([title, header, ...rows], { sheet: SHEET_NAME, columns, stickyRowsCount: 2 }).toBuffer();
}

/** Columns as a spreadsheet measures them: a CJK character takes two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch.codePointAt(0)! > 0xff ? 2 : 1;
  return width;
}

export const tallyExportRoutes: FastifyPluginAsyncTypebox<TallyExportDeps> = async (app, { tally, viewerOf, audit }) => {
  const exported = async (month: string, format: Format, viewer: Viewer): Promise<MonthlyTally> => {
    if (!isYearMonth(month)) throw badRequest(`querystring/month (${month}) is no month`);
    const result = await tally.tally(month, viewer);
    await audit.record(viewer.reader, { action: 'reports.tally.export', route: viewer.route, ids: [], query: { month, format } });
    return result;
  };
  const send = (reply: FastifyReply, contentType: string, fileName: string, ascii: string, body: Buffer) =>
    reply.header('content-type', contentType).header('content-disposition', attachment(fileName, ascii)).header('cache-control', 'no-store').send(body);
  const description = 'The month of GET /reports/monthly-tally as a table: a row per officer and a 合计 row (src/reports/tally-table.ts names the columns); amounts in yuan with two decimals. Audited as reports.tally and reports.tally.export.';

  app.get(
    '/reports/monthly-tally.csv',
    {
      config: { permission: 'reports:read' },
      // A HEAD would compute (and audit) the export to send nothing.
      exposeHeadRoute: false,
      schema: {
        summary: 'The monthly tally (值班统计) as a CSV file',
        description: `${description} UTF-8 with a byte-order mark, Chinese headers, CRLF; a text cell starting with = + - @ or a tab or CR gets a leading apostrophe.`,
        querystring: Query,
        response: { 200: { description: '值班统计-YYYY-MM.csv', content: { 'text/csv': { schema: Type.String() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const { month } = request.query;
      const result = await exported(month, 'csv', await viewerOf(request));
      return send(reply as FastifyReply, CSV_CONTENT_TYPE, `值班统计-${month}.csv`, `monthly-tally-${month}.csv`, Buffer.from(tallyCsv(tallyTable(result)), 'utf8'));
    },
  );

  app.get(
    '/reports/monthly-tally.xlsx',
    {
      config: { permission: 'reports:read' },
      exposeHeadRoute: false,
      schema: {
        summary: 'The monthly tally (值班统计) as an Excel workbook',
        description: `${description} One sheet, 值班统计, titled "YYYY年M月 值班统计"; counts and amounts are numbers, text is text (never a formula).`,
        querystring: Query,
        response: { 200: { description: '值班统计-YYYY-MM.xlsx', content: { [XLSX_CONTENT_TYPE]: { schema: Type.String({ format: 'binary' }) } } }, ...errors },
      },
    },
    async (request, reply) => {
      const { month } = request.query;
      const result = await exported(month, 'xlsx', await viewerOf(request));
      return send(reply as FastifyReply, XLSX_CONTENT_TYPE, `值班统计-${month}.xlsx`, `monthly-tally-${month}.xlsx`, await tallyXlsx(tallyTable(result), month));
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { attachment, CSV_CONTENT_TYPE, csvStream, type CsvColumn } from '../platform/http/csv-export.js';
import { parseRange } from '../platform/http/range.js';
import { ErrorBody, OfficeParam, RangeQuery } from '../platform/http/schemas.js';
import { CALL_DIRECTIONS, CALL_OUTCOMES, type CallDirection, type CallOutcome } from '../core/call/call-model.js';
import type { ViewerOf } from '../access/viewer.js';
import type { ExportCallRow } from './call-store.js';
import type { CallService } from './call-service.js';

/** The outcomes as the export's readers call them (README "outcome" table). */
export const OUTCOME_LABELS = {
  'in-progress': '进行中',
  answered: '已接听',
  absence: '离岗',
  abandoned: '主叫挂断',
  busy: '占线',
  unreachable: '无法接通',
  unanswered: '无人应答',
  'not-responding': '话机无响应',
  bureau: '机要局接听',
  'no-one-reachable': '无人可接',
  'no-desk': '未呼叫话机',
  interrupted: '情况不明',
} as const satisfies Record<CallOutcome, string>;

/** Keyset pages of the export: big ones (each a round trip to the database), a few MB of rows at most in memory. */
export const EXPORT_ROUTE_PAGE_SIZE = 5000;

export const DIRECTION_LABELS = { inbound: '呼入', outbound: '呼出', originated: '系统呼出' } as const satisfies Record<CallDirection, string>;

/** The columns of 值班记录.csv; instants are ISO-8601 in UTC, as the JSON API gives them. */
export const CALL_COLUMNS: readonly CsvColumn<ExportCallRow>[] = [
  { header: '来电时间', value: (c) => c.offeredAt },
  { header: '主叫号码', value: (c) => c.callerNumber },
  { header: '来电人', value: (c) => c.callerName },
  { header: '拨打号码', value: (c) => c.dialed },
  { header: '方向', value: (c) => DIRECTION_LABELS[c.direction] },
  { header: '结果', value: (c) => OUTCOME_LABELS[c.outcome] },
  { header: '响铃次数', value: (c) => c.ringCount },
  { header: '接听时间', value: (c) => c.answeredAt },
  { header: '接听话机', value: (c) => c.answeredBy },
  { header: '结束时间', value: (c) => c.endedAt },
  { header: '无人接听', value: (c) => (c.reachedNobody ? '是' : '否') },
  { header: '办公室', value: (c) => c.officeId },
];

/** The same filters as GET /calls, without paging: the export is the whole result. */
const ExportQuery = Type.Object(
  {
    from: RangeQuery.from,
    to: RangeQuery.to,
    office: Type.Optional(OfficeParam),
    direction: Type.Optional(Type.Enum([...CALL_DIRECTIONS])),
    outcome: Type.Optional(Type.Enum([...CALL_OUTCOMES])),
    reachedNobody: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * 值班记录-2026-12.csv for a calendar month (from the 1st to the next 1st, at the same time of day and
 * offset, as the query wrote them); else 值班记录-<from date>_<to date>.csv with the dates as written
 * (`to` exclusive, like the query), either side empty when not given; 值班记录.csv for everything.
 * The ASCII fallback is the same with "calls" for 值班记录.
 */
export function exportFileName(query: { from?: string; to?: string }): { fileName: string; ascii: string } {
  const suffix = monthOf(query.from, query.to) ?? (query.from || query.to ? `${query.from?.slice(0, 10) ?? ''}_${query.to?.slice(0, 10) ?? ''}` : '');
  const tail = suffix ? `-${suffix}.csv` : '.csv';
  return { fileName: `值班记录${tail}`, ascii: `calls${tail}` };
}

function monthOf(from: string | undefined, to: string | undefined): string | null {
  const first = /^(\d{4})-(\d{2})-01(T.*)$/;
  const [, y, m, time] = (from && first.exec(from)) || [];
  const [, y2, m2, time2] = (to && first.exec(to)) || [];
  if (!y || !m || !y2 || !m2 || time !== time2) return null;
  const next = Number(m) === 12 ? [Number(y) + 1, 1] : [Number(y), Number(m) + 1];
  return Number(y2) === next[0] && Number(m2) === next[1] ? `${y}-${m}` : null;
}

export const callExportRoutes: FastifyPluginAsyncTypebox<{ calls: CallService; viewerOf: ViewerOf }> = async (app, { calls, viewerOf }) => {
  app.get(
    '/calls.csv',
    {
      config: { permission: 'calls:read' },
      // A HEAD would read (and audit) the whole export to send nothing.
      exposeHeadRoute: false,
      schema: {
        summary: 'The call log (值班记录) as a CSV file: every entry GET /calls would page through, in its scope and order (the export is audited)',
        description:
          'UTF-8 with a byte-order mark (for Excel and WPS), Chinese headers, CRLF; a cell starting with = + - @ or a tab or CR gets a leading apostrophe. ' +
          'Streamed; instants are ISO-8601 UTC. The audit entry (calls.export, GET /calls.csv) lists the ids sent and is written when the file ends.',
        querystring: ExportQuery,
        response: {
          200: { description: '值班记录.csv', content: { 'text/csv': { schema: Type.String() } } },
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { office, direction, outcome, reachedNobody } = request.query;
      const query = { ...parseRange(request.query), ...(office && { officeId: office }), ...(direction && { direction }), ...(outcome && { outcome }), ...(reachedNobody !== undefined && { reachedNobody }) };
      const body = await csvStream(CALL_COLUMNS, calls.export(query, await viewerOf(request), EXPORT_ROUTE_PAGE_SIZE));
      const { fileName, ascii } = exportFileName(request.query);
      // A stream is no JSON the response schema types: sent untyped (Fastify pipes it, no serializer).
      return (reply as FastifyReply).header('content-type', CSV_CONTENT_TYPE).header('content-disposition', attachment(fileName, ascii)).header('cache-control', 'no-store').send(body);
    },
  );
};

/**
 * The missed-call report (漏接电话报告) of the office's month:
 *
 *   GET /reports/missed-calls?month=YYYY-MM       reports:read   JSON: by outcome, day, shift, officer; the calls; the not-watching periods
 *   GET /reports/missed-calls.csv?month=YYYY-MM   reports:read   漏接电话-YYYY-MM.csv: a row per call, then a row per not-watching period
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { ViewerOf } from '../access/viewer.js';
import { REPORTED_OUTCOMES } from '../core/reports/missed-call-outcomes.js';
import { isYearMonth } from '../core/roster/year-month.js';
import { WATCH_GAP_REASONS } from '../core/watch/watch-gap.js';
import { attachment, CSV_CONTENT_TYPE, csvStream } from '../platform/http/csv-export.js';
import { badRequest } from '../platform/http/errors.js';
import { withIsoDates } from '../platform/http/json.js';
import { DateTime, ErrorAnswers, ErrorBody } from '../platform/http/schemas.js';
import { Nullable } from '../platform/json-schema.js';
import { MISSED_CALL_COLUMNS, missedCallRows } from './missed-call-csv.js';
import type { MissedCallReportService } from './missed-call-report-service.js';

const Outcome = Type.Enum([...REPORTED_OUTCOMES]);
const ByOutcome = Type.Object(Object.fromEntries(REPORTED_OUTCOMES.map((o) => [o, Type.Integer()])));
const Counts = { missed: Type.Integer({ description: 'missed by the desk (no-one-reachable, after hours, not among them)' }), byOutcome: ByOutcome };

const Report = Type.Object({
  month: Type.String(),
  timezone: Type.String({ description: 'the office time zone the days are in' }),
  ...Counts,
  byDay: Type.Array(Type.Object({ date: Type.String(), ...Counts, notWatchingMs: Type.Integer({ description: 'how long duty-hotline was not watching the PBX that day' }) }), { description: 'every day of the month' }),
  byShift: Type.Array(Type.Object({ shiftId: Type.String(), shift: Type.String(), date: Type.String(), officers: Type.Array(Type.String()), leader: Nullable(Type.String()), ...Counts })),
  byOfficer: Type.Array(Type.Object({ officerId: Type.String(), name: Type.String(), ...Counts })),
  noOneRostered: Type.Object({ count: Type.Integer(), ids: Type.Array(Type.String()) }, { description: 'calls to a desk no shift covered (call-log ids)' }),
  notWatching: Type.Array(Type.Object({ from: DateTime, to: DateTime, reason: Type.Enum([...WATCH_GAP_REASONS]), label: Type.String(), open: Type.Boolean() })),
  calls: Type.Array(
    Type.Object({
      id: Type.String(),
      pbxCallId: Type.String(),
      offeredAt: DateTime,
      date: Type.String(),
      desk: Nullable(Type.String()),
      outcome: Outcome,
      rings: Nullable(Type.Integer()),
      shiftId: Nullable(Type.String()),
      shift: Nullable(Type.String()),
      officers: Type.Array(Type.String()),
      leader: Nullable(Type.String()),
      noOneRostered: Type.Boolean(),
    }),
  ),
});

const Query = Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'YYYY-MM' }) }, { additionalProperties: false });

const monthOf = (month: string): string => {
  if (!isYearMonth(month)) throw badRequest(`querystring/month (${month}) is no month`);
  return month;
};

export const missedCallRoutes: FastifyPluginAsyncTypebox<{ missedCalls: MissedCallReportService; viewerOf: ViewerOf }> = async (app, { missedCalls, viewerOf }) => {
  app.get(
    '/reports/missed-calls',
    {
      config: { permission: 'reports:read' },
      schema: {
        summary: "The office's missed calls of a month (漏接电话报告): inbound calls the desk did not take, by outcome, day, shift and officer after approved swaps, with the periods duty-hotline was not watching the PBX",
        description: 'Missed by the desk: absence, abandoned, busy, unreachable, unanswered, not-responding, interrupted; no-one-reachable (after hours, the bureau did not answer either) is its own class. Audited as reports.missed-calls with the calls listed.',
        querystring: Query,
        response: { 200: Report, ...ErrorAnswers },
      },
    },
    async (request) => {
      const report = await missedCalls.report(monthOf(request.query.month), await viewerOf(request));
      return { ...report, notWatching: report.notWatching.map(withIsoDates), calls: report.calls.map(withIsoDates) };
    },
  );

  app.get(
    '/reports/missed-calls.csv',
    {
      config: { permission: 'reports:read' },
      // A HEAD would compute (and audit) the report to send nothing.
      exposeHeadRoute: false,
      schema: {
        summary: 'The missed-call report (漏接电话报告) as a CSV file: a row per missed call, then a row per period duty-hotline was not watching (结果 未监控)',
        description: 'UTF-8 with a byte-order mark, Chinese headers, CRLF; a text cell starting with = + - @ or a tab or CR gets a leading apostrophe. Times in the office time zone. Audited as reports.missed-calls.export with the calls listed.',
        querystring: Query,
        response: { 200: { description: '漏接电话-YYYY-MM.csv', content: { 'text/csv': { schema: Type.String() } } }, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const month = monthOf(request.query.month);
      const viewer = await viewerOf(request);
      const report = await missedCalls.report(month, viewer, 'reports.missed-calls.export');
      const body = await csvStream(MISSED_CALL_COLUMNS, missedCallRows(report));
      // A stream is no JSON the response schema types: sent untyped (Fastify pipes it, no serializer).
      return (reply as FastifyReply)
        .header('content-type', CSV_CONTENT_TYPE)
        .header('content-disposition', attachment(`漏接电话-${month}.csv`, `missed-calls-${month}.csv`))
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
};

/**
 * The missed-call report (漏接电话报告) of the office's month:
 *
 *   GET /reports/missed-calls?month=YYYY-MM&from&to&shiftId&officerId&outcome&limit&offset
 *       reports:read   JSON: the month by outcome, day, shift, officer; a page of the calls matching the filters; the not-watching periods
 *   GET /reports/missed-calls.csv?month=YYYY-MM&from&to&shiftId&officerId&outcome
 *       reports:read   漏接电话-YYYY-MM.csv: a row per call matching the filters, then a row per not-watching period
 *
 * The filters narrow the calls listed, never the counts: those are always the whole month's.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { ViewerOf } from '../access/viewer.js';
import { DEFAULT_MISSED_CALLS_LIMIT, MAX_MISSED_CALLS_LIMIT, missedCallFilterProblem, type MissedCallFilter } from '../core/reports/missed-call-filter.js';
import { REPORTED_OUTCOMES } from '../core/reports/missed-call-outcomes.js';
import { isYearMonth } from '../core/roster/year-month.js';
import { WATCH_GAP_REASONS } from '../core/watch/watch-gap.js';
import { attachment, CSV_CONTENT_TYPE, csvStream } from '../platform/http/csv-export.js';
import { badRequest } from '../platform/http/errors.js';
import { withIsoDates } from '../platform/http/json.js';
import { DateTime, ErrorAnswers, ErrorBody, MAX_OFFSET } from '../platform/http/schemas.js';
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
      officerIds: Type.Array(Type.String(), { description: 'the ids of `officers`, in order' }),
      leader: Nullable(Type.String()),
      noOneRostered: Type.Boolean(),
    }),
    { description: 'the page of the calls matching the filters, oldest first' },
  ),
  total: Type.Integer({ description: 'how many calls match the filters (on every page)' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

const LocalDate = (description: string) => Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description }));
const Id = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 100, description }));

const Filters = {
  month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'YYYY-MM' }),
  from: LocalDate("YYYY-MM-DD in the month: calls of that day on (a call's day is its shift's date, else its local date)"),
  to: LocalDate('YYYY-MM-DD in the month, not before from: calls up to that day, inclusive'),
  shiftId: Id("the calls of this shift (byShift's shiftId)"),
  officerId: Id("the calls this officer was accountable for (byOfficer's officerId; not the leader's)"),
  outcome: Type.Optional(Outcome),
};

const CsvQuery = Type.Object(Filters, { additionalProperties: false });
const Query = Type.Object(
  {
    ...Filters,
    limit: Type.Integer({ minimum: 1, maximum: MAX_MISSED_CALLS_LIMIT, default: DEFAULT_MISSED_CALLS_LIMIT }),
    offset: Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 }),
  },
  { additionalProperties: false },
);

const monthOf = (month: string): string => {
  if (!isYearMonth(month)) throw badRequest(`querystring/month (${month}) is no month`);
  return month;
};

/** The filters given, checked against the month (the schema checked their form). */
function filterOf(month: string, query: MissedCallFilter): MissedCallFilter {
  const { from, to, shiftId, officerId, outcome } = query;
  const filter = { from, to, shiftId, officerId, outcome };
  const problem = missedCallFilterProblem(month, filter);
  if (problem !== undefined) throw badRequest(`querystring/${problem}`);
  return filter;
}

/** The schema bounds limit and offset, but its number coercion lets "1e400" through as Infinity: checked again. */
function pageOf(query: { limit: number; offset: number }): { limit: number; offset: number } {
  const check = (name: string, value: number, min: number, max: number) => {
    if (!Number.isSafeInteger(value) || value < min || value > max) throw badRequest(`querystring/${name} must be a whole number from ${min} to ${max}`);
  };
  check('limit', query.limit, 1, MAX_MISSED_CALLS_LIMIT);
  check('offset', query.offset, 0, MAX_OFFSET);
  return { limit: query.limit, offset: query.offset };
}

export const missedCallRoutes: FastifyPluginAsyncTypebox<{ missedCalls: MissedCallReportService; viewerOf: ViewerOf }> = async (app, { missedCalls, viewerOf }) => {
  app.get(
    '/reports/missed-calls',
    {
      config: { permission: 'reports:read' },
      schema: {
        summary: "The office's missed calls of a month (漏接电话报告): inbound calls the desk did not take, by outcome, day, shift and officer after approved swaps, with the periods duty-hotline was not watching the PBX",
        description:
          'Missed by the desk: absence, abandoned, busy, unreachable, unanswered, not-responding, interrupted; no-one-reachable (after hours, the bureau did not answer either) is its own class. The counts are the whole month’s; from, to, shiftId, officerId and outcome narrow the calls listed, a page of them (limit, offset), with total saying how many match. Audited as reports.missed-calls with the calls on the page and the filters.',
        querystring: Query,
        response: { 200: Report, ...ErrorAnswers },
      },
    },
    async (request) => {
      const month = monthOf(request.query.month);
      const report = await missedCalls.report(month, await viewerOf(request), filterOf(month, request.query), pageOf(request.query));
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
        description:
          'Every call matching the filters (as GET /reports/missed-calls takes them, without paging), then every not-watching period of the month. UTF-8 with a byte-order mark, Chinese headers, CRLF; a text cell starting with = + - @ or a tab or CR gets a leading apostrophe. Times in the office time zone. Audited as reports.missed-calls.export with the calls listed and the filters.',
        querystring: CsvQuery,
        response: { 200: { description: '漏接电话-YYYY-MM.csv', content: { 'text/csv': { schema: Type.String() } } }, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const month = monthOf(request.query.month);
      const filter = filterOf(month, request.query);
      const report = await missedCalls.export(month, await viewerOf(request), filter);
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

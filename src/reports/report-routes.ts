/**
 * The office's reports:
 *
 *   GET /reports/monthly-tally?month=YYYY-MM   reports:read   per officer: duty days, shifts, calls answered,
 *                                                              absences and mistakes by status (and kind), subsidy in fen;
 *                                                              totals: the answered calls by the ring they were answered in
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ViewerOf } from '../access/viewer.js';
import { DISCIPLINE_STATUSES } from '../core/discipline/discipline-model.js';
import { isYearMonth } from '../core/roster/year-month.js';
import { MISTAKE_KEYS } from '../core/tally/subsidy-rules.js';
import { badRequest } from '../platform/http/errors.js';
import { ErrorAnswers } from '../platform/http/schemas.js';
import type { MonthlyTallyService } from './monthly-tally-service.js';

const Counts = Type.Object(Object.fromEntries(DISCIPLINE_STATUSES.map((s) => [s, Type.Integer()])));
const Mistakes = Type.Object({ total: Counts, byKind: Type.Object(Object.fromEntries(MISTAKE_KEYS.map((k) => [k, Counts]))) });
const Subsidy = Type.Object({ base: Type.Integer(), deductions: Type.Integer(), net: Type.Integer() }, { description: 'in fen (分): 100 fen = 1 yuan' });
const Ids = Type.Object({ count: Type.Integer(), ids: Type.Array(Type.String()) });

const Tally = Type.Object({
  month: Type.String(),
  officers: Type.Array(
    Type.Object({
      officerId: Type.String(),
      name: Type.String(),
      dutyDates: Type.Array(Type.String()),
      dutyDays: Type.Integer(),
      shifts: Type.Integer(),
      leaderShifts: Type.Integer({ description: '带班 shifts: not duty days, not paid here' }),
      callsAnswered: Type.Integer(),
      absences: Counts,
      mistakes: Mistakes,
      subsidy: Subsidy,
    }),
  ),
  totals: Type.Object({
    shifts: Type.Integer(),
    dutyDays: Type.Integer(),
    callsInbound: Type.Integer(),
    callsAnswered: Type.Integer(),
    answeredByRing: Type.Array(
      Type.Object({
        rings: Type.Integer({ description: 'the ring the desk answered in (1: the first)' }),
        calls: Type.Integer({ description: 'answered calls of callsAnswered answered in that ring' }),
      }),
      { description: 'answer ring distribution: the calls of callsAnswered by the ring the desk answered in, ascending by rings, only rings with a call; with answeredRingUnknown it sums to callsAnswered' },
    ),
    answeredRingUnknown: Type.Integer({ description: 'calls of callsAnswered whose ring is not known (no ring count recorded)' }),
    absences: Counts,
    mistakes: Mistakes,
    subsidy: Subsidy,
  }),
  noOneRostered: Type.Object({ calls: Ids, records: Ids }, { description: 'gaps of the roster: calls to a desk no shift covered, records attributed to no one' }),
  unattributedRecords: Ids,
});

export const reportRoutes: FastifyPluginAsyncTypebox<{ tally: MonthlyTallyService; viewerOf: ViewerOf }> = async (app, { tally, viewerOf }) => {
  app.get(
    '/reports/monthly-tally',
    {
      config: { permission: 'reports:read' },
      schema: {
        summary: "The office's month (值班统计): per officer duty days by the approved roster, calls answered, absences and mistakes by status and kind, and the duty subsidy (值班补助) with its deductions",
        querystring: Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'YYYY-MM' }) }, { additionalProperties: false }),
        response: { 200: Tally, ...ErrorAnswers },
      },
    },
    async (request) => {
      if (!isYearMonth(request.query.month)) throw badRequest(`querystring/month (${request.query.month}) is no month`);
      return tally.tally(request.query.month, await viewerOf(request));
    },
  );
};

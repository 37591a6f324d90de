/**
 * The office's schedule, for supervisors, ops and auditors (the console's ops view):
 *
 *   GET /schedule                 schedule:read   destinations, fallback chain, seasons and their day plans
 *   GET /schedule/coverage?at=    schedule:read   who covers the duty line at a moment: by the schedule, and by the dialplan the PBX loads
 *   GET /calendar?year=YYYY       schedule:read   a year's statutory holidays and adjusted working days (调休), where they come from, the missing-year warning
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { principalOf } from '../access/access-control.js';
import type { Clock } from '../platform/clock.js';
import { badRequest } from '../platform/http/errors.js';
import { DateTime, ErrorAnswers } from '../platform/http/schemas.js';
import { Nullable } from '../platform/json-schema.js';
import type { ScheduleService } from './schedule-service.js';

const Role = Type.Enum(['desk', 'fallback', 'bureau']);
const Phone = Type.Object({ name: Type.String(), endpoint: Type.String({ description: 'PJSIP endpoint' }), role: Role });

const ScheduleView = Type.Object({
  office: Nullable(Type.String()),
  timezone: Type.String(),
  destinations: Type.Array(Type.Object({ key: Type.String(), ...Phone.properties })),
  fallback: Type.Array(Type.String(), { description: 'destinations tried in order after the desk leaves N rings unanswered' }),
  safeDefault: Type.String({ description: 'where calls go in a month the dialplan has no dated rules for' }),
  seasons: Type.Array(
    Type.Object({
      name: Type.String(),
      starts: Type.String({ description: 'MM-DD, each year' }),
      plans: Type.Array(Type.Object({ key: Type.String({ description: 'workday, weekend, holiday, a holiday slug or every-day' }), periods: Type.Array(Type.Object({ label: Type.String(), cover: Type.String() })), otherwise: Nullable(Type.String()) })),
    }),
  ),
});

const Coverage = Type.Object({
  at: DateTime,
  timezone: Type.String(),
  local: Type.String({ description: 'YYYY-MM-DD HH:mm in the schedule time zone' }),
  bySchedule: Type.Object({
    destination: Type.String(),
    endpoint: Type.String(),
    role: Role,
    season: Type.String(),
    dayType: Type.Enum(['workday', 'weekend', 'holiday']),
    holiday: Nullable(Type.Object({ name: Type.String(), nameZh: Type.String() })),
    adjustedWorkday: Type.Boolean(),
    plan: Type.String(),
    planDate: Type.String(),
    rule: Type.String(),
    calendarKnown: Type.Boolean({ description: 'false: no holiday data for the year' }),
    fallback: Type.Array(Phone),
  }),
  byDialplan: Type.Object({
    verdict: Type.Enum(['agrees', 'differs', 'no-rules-for-month', 'no-interval', 'none', 'unreadable']),
    file: Nullable(Type.String()),
    destination: Nullable(Type.String()),
    phones: Type.Array(Type.Object({ endpoint: Type.String(), role: Type.String() }), { description: 'in Dial() order: the first rings, the rest is the chain' }),
    message: Type.String(),
  }),
});

const CalendarYear = Type.Object({
  year: Type.Integer(),
  known: Type.Boolean({ description: 'false: no data for the year, the dialplan routes every call to its safe default' }),
  source: Nullable(Type.String()),
  holidays: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), nameZh: Type.String(), days: Type.Array(Type.String()), workdays: Type.Array(Type.String({ description: '调休上班' })) })),
  years: Type.Array(Type.Integer(), { description: 'every year the calendar has' }),
  warning: Nullable(Type.String({ description: 'this year or (from November) next year not loaded' })),
});

const AT_MAX = 40;

export const scheduleRoutes: FastifyPluginAsyncTypebox<{ schedule: ScheduleService; clock: Pick<Clock, 'now'> }> = async (app, { schedule, clock }) => {
  const officeOf = (request: FastifyRequest) => principalOf(request).user.officeId;

  app.get(
    '/schedule',
    { config: { permission: 'schedule:read' }, schema: { summary: "The office's duty schedule (值班时间表): destinations, the fallback chain, seasons and their day plans", response: { 200: ScheduleView, ...ErrorAnswers } } },
    async (request) => schedule.schedule(officeOf(request)),
  );

  app.get(
    '/schedule/coverage',
    {
      config: { permission: 'schedule:read' },
      schema: {
        summary: 'Who covers the duty line at a moment (default now), and why: by the schedule file and by the generated dialplan the PBX loads; the two differ when the dialplan is out of date',
        querystring: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time', maxLength: AT_MAX, description: 'an instant with its offset' })) }, { additionalProperties: false }),
        response: { 200: Coverage, ...ErrorAnswers },
      },
    },
    async (request) => {
      const at = request.query.at === undefined ? clock.now() : new Date(request.query.at);
      if (Number.isNaN(at.getTime())) throw badRequest(`querystring/at (${request.query.at}) is not a valid instant`);
      const c = await schedule.coverage(officeOf(request), at);
      return { ...c, at: c.at.toISOString() };
    },
  );

  app.get(
    '/calendar',
    {
      config: { permission: 'schedule:read' },
      schema: {
        summary: 'A year of the holiday calendar (节假日与调休): each statutory holiday with its days off and adjusted working days, where the year comes from (chinese-days or an import), and the warning when this year or next is not loaded',
        querystring: Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'default: this year in the schedule time zone' })) }, { additionalProperties: false }),
        response: { 200: CalendarYear, ...ErrorAnswers },
      },
    },
    async (request) => schedule.calendarYear(officeOf(request), request.query.year),
  );
};

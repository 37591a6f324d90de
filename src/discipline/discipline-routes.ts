import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { withIsoDates } from '../platform/http/json.js';
import { parsePage, parseRange } from '../platform/http/range.js';
import { DateTime, ErrorBody, Nullable, RangeQuery, TimelineEntry } from '../platform/http/schemas.js';
import { DISCIPLINE_STATUSES, DISCIPLINE_TYPES } from './discipline-record.js';
import type { DisciplineStore } from './discipline-store.js';

const DisciplineRecord = Type.Object({
  id: Type.String(),
  type: Type.Enum([...DISCIPLINE_TYPES]),
  status: Type.Enum([...DISCIPLINE_STATUSES]),
  pbxCallId: Type.String(),
  officer: Nullable(Type.String()),
  deskEndpoint: Nullable(Type.String()),
  occurredAt: DateTime,
  reason: Type.String(),
  evidence: Type.Array(TimelineEntry),
  createdAt: DateTime,
});

export const disciplineRoutes: FastifyPluginAsyncTypebox<{ discipline: DisciplineStore }> = async (app, { discipline }) => {
  app.get(
    '/discipline-records',
    {
      schema: {
        summary: 'Discipline records (离岗 absence / 失误 mistake), newest first',
        querystring: Type.Object(
          { ...RangeQuery, type: Type.Optional(Type.Enum([...DISCIPLINE_TYPES])), status: Type.Optional(Type.Enum([...DISCIPLINE_STATUSES])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(DisciplineRecord) }), 400: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const { type, status } = request.query;
      const items = await discipline.list({ ...parseRange(request.query), ...(type && { type }), ...(status && { status }), ...parsePage(request.query) });
      return { items: items.map(withIsoDates) };
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { withIsoDates } from '../platform/http/json.js';
import { parsePage, parseRange } from '../platform/http/range.js';
import { DateTime, ErrorBody, Nullable, OfficeParam, RangeQuery, TimelineEntry } from '../platform/http/schemas.js';
import { DISCIPLINE_STATUSES, DISCIPLINE_TYPES, SUBJECT_KINDS } from '../core/discipline/discipline-model.js';
import type { DisciplineService } from './discipline-service.js';

const DisciplineRecord = Type.Object({
  id: Type.String(),
  officeId: Type.String(),
  subject: Type.Object({ kind: Type.Enum([...SUBJECT_KINDS]), id: Type.String() }, { description: 'what the record is about: for a call, its PBX call id' }),
  type: Type.Enum([...DISCIPLINE_TYPES]),
  status: Type.Enum([...DISCIPLINE_STATUSES]),
  pbxCallId: Nullable(Type.String({ description: "the call's PBX id when the record is about a call (subject.kind 'call'), else null" })),
  officer: Nullable(Type.String()),
  deskEndpoint: Nullable(Type.String()),
  occurredAt: DateTime,
  reason: Type.String(),
  evidence: Type.Array(TimelineEntry),
  createdAt: DateTime,
});

export const disciplineRoutes: FastifyPluginAsyncTypebox<{ discipline: DisciplineService }> = async (app, { discipline }) => {
  app.get(
    '/discipline-records',
    {
      config: { permission: 'records:read' },
      schema: {
        summary: 'Discipline records (离岗 absence / 失误 mistake), newest first',
        querystring: Type.Object(
          { ...RangeQuery, office: Type.Optional(OfficeParam), type: Type.Optional(Type.Enum([...DISCIPLINE_TYPES])), status: Type.Optional(Type.Enum([...DISCIPLINE_STATUSES])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(DisciplineRecord) }), 400: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const { office, type, status } = request.query;
      const items = await discipline.list({ ...parseRange(request.query), ...(office && { officeId: office }), ...(type && { type }), ...(status && { status }), ...parsePage(request.query) });
      return { items: items.map((r) => ({ ...withIsoDates(r), pbxCallId: r.subject.kind === 'call' ? r.subject.id : null })) };
    },
  );
};

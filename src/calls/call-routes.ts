import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { notFound } from '../platform/http/errors.js';
import { withIsoDates } from '../platform/http/json.js';
import { parsePage, parseRange } from '../platform/http/range.js';
import { DateTime, ErrorBody, Nullable, OfficeParam, RangeQuery, TimelineEntry } from '../platform/http/schemas.js';
import { CALL_DIRECTIONS, CALL_OUTCOMES } from '../core/call/call-model.js';
import type { ViewerOf } from '../access/viewer.js';
import type { CallRecord } from './call-record.js';
import { REBUILT_NOTE } from './call-rebuild.js';
import type { CallService } from './call-service.js';

const callJson = (call: CallRecord) => ({ ...withIsoDates(call), rebuilt: call.timeline.some((e) => e.what === REBUILT_NOTE) });

const Call = Type.Object({
  id: Type.String(),
  officeId: Type.String(),
  pbxCallId: Type.String(),
  direction: Type.Enum([...CALL_DIRECTIONS], { description: 'inbound: a call to the duty line; outbound: placed by an office phone; originated: placed by duty-hotline' }),
  callerNumber: Nullable(Type.String()),
  callerName: Nullable(Type.String()),
  callerUnit: Nullable(Type.String()),
  dialed: Nullable(Type.String()),
  offeredAt: DateTime,
  deskEndpoint: Nullable(Type.String()),
  deskRingingAt: Nullable(DateTime),
  answeredAt: Nullable(DateTime),
  answeredBy: Nullable(Type.String()),
  ringCount: Nullable(Type.Integer()),
  endedAt: Nullable(DateTime),
  outcome: Type.Enum([...CALL_OUTCOMES]),
  reachedNobody: Type.Boolean({ description: 'no phone answered while the caller was on the line: an alarm' }),
  content: Nullable(Type.String()),
  handling: Nullable(Type.String()),
  timeline: Type.Array(TimelineEntry),
  rebuilt: Type.Boolean({ description: "rebuilt from the PBX's event log (CEL): duty-hotline was not watching when it rang" }),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const callRoutes: FastifyPluginAsyncTypebox<{ calls: CallService; viewerOf: ViewerOf }> = async (app, { calls, viewerOf }) => {
  app.get(
    '/calls',
    {
      config: { permission: 'calls:read' },
      schema: {
        summary: "Call-log entries (值班记录), newest first: a duty officer's own shifts, a supervisor's or auditor's office (every read is audited)",
        querystring: Type.Object(
          { ...RangeQuery, office: Type.Optional(OfficeParam), direction: Type.Optional(Type.Enum([...CALL_DIRECTIONS])), outcome: Type.Optional(Type.Enum([...CALL_OUTCOMES])), reachedNobody: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Call) }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const { office, direction, outcome, reachedNobody } = request.query;
      const items = await calls.list({ ...parseRange(request.query), ...(office && { officeId: office }), ...(direction && { direction }), ...(outcome && { outcome }), ...(reachedNobody !== undefined && { reachedNobody }), ...parsePage(request.query) }, await viewerOf(request));
      return { items: items.map(callJson) };
    },
  );

  app.get(
    '/calls/:id',
    {
      config: { permission: 'calls:read' },
      schema: {
        summary: 'One call-log entry; 404 when it is not in your scope (the read is audited)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Call, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const call = await calls.get(request.params.id, await viewerOf(request));
      if (!call) throw notFound(`call ${request.params.id}`);
      return callJson(call);
    },
  );
};

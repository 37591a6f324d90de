/**
 * The duty log entry of a call (值班记录), as the officer completes it:
 *
 *   GET /calls/:id/duty-log            calls:read       the entry (fields, version, what it lacks)
 *   PUT /calls/:id/duty-log            duty-log:write   an edit of version `version` (0: the first); 409 when another landed first
 *   GET /calls/:id/duty-log/versions   calls:read       every version, oldest first (who, when, what)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ViewerOf } from '../access/viewer.js';
import { DUTY_LOG_LABELS, pickFields, type DutyLogEdit } from '../core/duty-log/duty-log-entry.js';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from '../core/discipline/record-lifecycle.js';
import { badRequest } from '../platform/http/errors.js';
import { withIsoDates } from '../platform/http/json.js';
import { DateTime, ErrorAnswers, Nullable } from '../platform/http/schemas.js';
import { strictBody } from '../platform/http/strict-body.js';
import type { DutyLogService, DutyLogView } from './duty-log-service.js';

const line = (field: keyof typeof DUTY_LOG_LABELS) => Nullable(Type.String({ maxLength: MAX_NAME_LENGTH * 2, description: `${DUTY_LOG_LABELS[field]} (one line, at most ${MAX_NAME_LENGTH} characters)` }));
const text = (field: keyof typeof DUTY_LOG_LABELS) => Nullable(Type.String({ maxLength: MAX_TEXT_LENGTH * 2, description: `${DUTY_LOG_LABELS[field]} (at most ${MAX_TEXT_LENGTH} characters)` }));

const Fields = Type.Object({
  callerName: line('callerName'),
  callerUnit: line('callerUnit'),
  callerPosition: line('callerPosition'),
  callerPhone: line('callerPhone'),
  content: text('content'),
  handling: text('handling'),
  followUp: text('followUp'),
  majorIncident: Type.Boolean({ description: DUTY_LOG_LABELS.majorIncident }),
  incidentClosed: Type.Boolean({ description: `${DUTY_LOG_LABELS.incidentClosed}: until then the hand-over carries the incident to the next shift` }),
  reportedToLeader: Type.Boolean({ description: DUTY_LOG_LABELS.reportedToLeader }),
  oralReportAt: Nullable(DateTime),
  writtenReportAt: Nullable(DateTime),
});

const Entry = Type.Object({
  callId: Type.String(),
  version: Type.Integer({ description: '0: nothing written yet' }),
  fields: Fields,
  updatedAt: Nullable(DateTime),
  updatedBy: Nullable(Type.String()),
  missing: Type.Array(Type.String(), { description: 'what the entry still lacks to be complete; empty: complete' }),
});

const Version = Type.Object({ version: Type.Integer(), at: DateTime, by: Type.String(), fields: Fields });

const Instant = Type.String({ format: 'date-time', maxLength: 40 });
const EditBody = Type.Object(
  {
    version: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'the version this edit was made on (GET first; 0 for the first)' }),
    ...Object.fromEntries(Object.entries(Fields.properties).map(([name, schema]) => [name, Type.Optional(name.endsWith('At') ? Nullable(Instant) : schema)])),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

const entryJson = (v: DutyLogView) => ({ ...withIsoDates(v), fields: withIsoDates(v.fields) });

export const dutyLogRoutes: FastifyPluginAsyncTypebox<{ dutyLog: DutyLogService; viewerOf: ViewerOf }> = async (app, { dutyLog, viewerOf }) => {
  app.get(
    '/calls/:id/duty-log',
    { config: { permission: 'calls:read' }, schema: { summary: "A call's duty log entry (值班记录) as the officer completed it", params: IdParams, response: { 200: Entry, ...ErrorAnswers } } },
    async (request) => entryJson(await dutyLog.get(request.params.id, await viewerOf(request))),
  );

  app.put(
    '/calls/:id/duty-log',
    {
      config: { permission: 'duty-log:write' },
      bodyLimit: 64 * 1024,
      preValidation: strictBody(EditBody),
      schema: { summary: "Complete or correct a call's duty log entry: the officer of that shift or a supervisor; every edit is kept as a version", params: IdParams, body: EditBody, response: { 200: Entry, ...ErrorAnswers } },
    },
    async (request) => {
      const { version, ...body } = request.body as { version: number } & Record<string, unknown>;
      const edit: Record<string, unknown> = { ...body };
      for (const field of ['oralReportAt', 'writtenReportAt'] as const) {
        const value = body[field];
        if (typeof value !== 'string') continue;
        const at = new Date(value);
        if (Number.isNaN(at.getTime())) throw badRequest(`body/${field} (${value}) is not a valid instant`);
        edit[field] = at;
      }
      return entryJson(await dutyLog.edit(request.params.id, version, edit as DutyLogEdit, await viewerOf(request)));
    },
  );

  app.get(
    '/calls/:id/duty-log/versions',
    { config: { permission: 'calls:read' }, schema: { summary: "Every version of a call's duty log entry, oldest first", params: IdParams, response: { 200: Type.Object({ items: Type.Array(Version) }), ...ErrorAnswers } } },
    async (request) => ({
      items: (await dutyLog.versions(request.params.id, await viewerOf(request))).map((v) => ({ version: v.version, at: v.at.toISOString(), by: v.by, fields: withIsoDates(pickFields(v)) })),
    }),
  );
};

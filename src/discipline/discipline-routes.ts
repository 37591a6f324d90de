import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ViewerOf } from '../access/viewer.js';
import Type from 'typebox';
import { withIsoDates } from '../platform/http/json.js';
import { badRequest } from '../platform/http/errors.js';
import { strictBody } from '../platform/http/strict-body.js';
import { parsePage, parseRange } from '../platform/http/range.js';
import { DateTime, ErrorAnswers, ErrorBody, Nullable, OfficeParam, RangeQuery, TimelineEntry } from '../platform/http/schemas.js';
import { type DutyAttribution, DISCIPLINE_STATUSES, DISCIPLINE_TYPES, MISTAKE_KIND_LABELS, MISTAKE_KINDS, SUBJECT_KINDS } from '../core/discipline/discipline-model.js';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH, RECORD_EVENT_KINDS } from '../core/discipline/record-lifecycle.js';
import { DEFAULT_OFFICE_ID } from '../core/office.js';
import type { DisciplineRecord as StoredRecord, DisciplineRecordWithHistory } from './discipline-record.js';
import type { DisciplineService } from './discipline-service.js';

const mistakeKinds = MISTAKE_KINDS.map((k) => `${k} ${MISTAKE_KIND_LABELS[k]}`).join(', ');

const Duty = Type.Object(
  {
    noOneRostered: Type.Boolean({ description: 'no one was rostered at that desk then: a gap of the roster, reported on its own' }),
    shiftId: Nullable(Type.String()),
    shift: Nullable(Type.String({ description: 'the shift as people read it: date, period, desk' })),
    officerIds: Type.Array(Type.String()),
    officers: Type.Array(Type.String({ description: 'the duty officer(s) after approved swaps' })),
    leaderId: Nullable(Type.String()),
    leader: Nullable(Type.String({ description: '带班领导, the leader on duty' })),
  },
  { description: 'who the approved roster held accountable when it happened; null: not attributed by the roster (raised by hand, or stored before the roster)' },
);

const DisciplineRecord = Type.Object({
  id: Type.String(),
  officeId: Type.String(),
  subject: Type.Object({ kind: Type.Enum([...SUBJECT_KINDS]), id: Type.String() }, { description: 'what the record is about: for a call, its PBX call id' }),
  type: Type.Enum([...DISCIPLINE_TYPES]),
  mistakeKind: Nullable(Type.Enum([...MISTAKE_KINDS], { description: `a mistake's kind (${mistakeKinds}); null for an absence` })),
  status: Type.Enum([...DISCIPLINE_STATUSES]),
  pbxCallId: Nullable(Type.String({ description: "the call's PBX id when the record is about a call (subject.kind 'call'), else null" })),
  officer: Nullable(Type.String({ description: 'who is accountable: the officer(s) the approved roster named (joined with 、), or whom a supervisor named' })),
  duty: Nullable(Duty),
  deskEndpoint: Nullable(Type.String()),
  occurredAt: DateTime,
  reason: Type.String({ description: "why it was raised: the rules' finding, or the text of a mistake raised by hand" }),
  evidence: Type.Array(TimelineEntry),
  createdAt: DateTime,
});

const HistoryEntry = Type.Object({
  seq: Type.Integer({ description: 'its place in the history, from 1' }),
  what: Type.Enum([...RECORD_EVENT_KINDS]),
  actor: Nullable(Type.String({ description: 'who: the acting user; null for duty-hotline itself (its rules)' })),
  at: DateTime,
  text: Type.String({ description: 'why: the objection, the decision’s reason, the text or finding it was raised with' }),
});

const RecordWithHistory = Type.Object({ ...DisciplineRecord.properties, history: Type.Array(HistoryEntry) });

const Text = (description: string) => Type.String({ minLength: 1, maxLength: MAX_TEXT_LENGTH, description: `${description} (not blank, at most ${MAX_TEXT_LENGTH} characters)` });
const ObjectionBody = Type.Object({ text: Text('the objection (申诉): why the officer contests the record') }, { additionalProperties: false });
const DecisionBody = Type.Object({ reason: Text('why the record is confirmed or waived') }, { additionalProperties: false });
const MistakeBody = Type.Object(
  {
    officeId: Type.Optional(OfficeParam),
    subject: Type.Object({ kind: Type.Enum([...SUBJECT_KINDS]), id: Type.String({ minLength: 1, maxLength: MAX_NAME_LENGTH }) }, { additionalProperties: false }),
    mistakeKind: Type.Enum([...MISTAKE_KINDS], { description: mistakeKinds }),
    text: Text('what went wrong'),
    // No minLength: the validator would turn "" into null (the other branch); a blank name is the lifecycle's 400.
    officer: Type.Optional(Nullable(Type.String({ maxLength: MAX_NAME_LENGTH, description: 'who is accountable, when known (null or absent: not known)' }))),
    occurredAt: Type.String({ format: 'date-time', maxLength: 40 }),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const errors = ErrorAnswers;
/** A request body is a few thousand characters at most: a bigger one is refused (413) before it is parsed. */
const BODY_LIMIT = 64 * 1024;

const dutyJson = ({ shiftLabel, ...duty }: DutyAttribution) => ({ noOneRostered: duty.shiftId === null, ...duty, shift: shiftLabel });
const recordJson = (r: StoredRecord) => ({ ...withIsoDates(r), duty: r.duty && dutyJson(r.duty), pbxCallId: r.subject.kind === 'call' ? r.subject.id : null });
const withHistoryJson = ({ history, ...record }: DisciplineRecordWithHistory) => ({ ...recordJson(record), history: history.map(withIsoDates) });

export const disciplineRoutes: FastifyPluginAsyncTypebox<{ discipline: DisciplineService; viewerOf: ViewerOf }> = async (app, { discipline, viewerOf }) => {
  app.get(
    '/discipline-records',
    {
      config: { permission: 'records:read' },
      schema: {
        summary: 'Discipline records (离岗 absence / 失误 mistake), newest first',
        querystring: Type.Object(
          {
            ...RangeQuery,
            office: Type.Optional(OfficeParam),
            type: Type.Optional(Type.Enum([...DISCIPLINE_TYPES])),
            status: Type.Optional(Type.Enum([...DISCIPLINE_STATUSES])),
            noOneRostered: Type.Optional(Type.Boolean({ description: 'true: only the records of calls on a desk no one was rostered for (gaps of the roster)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(DisciplineRecord) }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const { office, type, status, noOneRostered } = request.query;
      const items = await discipline.list({ ...parseRange(request.query), ...(office && { officeId: office }), ...(type && { type }), ...(status && { status }), ...(noOneRostered !== undefined && { noOneRostered }), ...parsePage(request.query) }, await viewerOf(request));
      return { items: items.map(recordJson) };
    },
  );

  app.get(
    '/discipline-records/:id',
    {
      config: { permission: 'records:read' },
      schema: { summary: 'One discipline record with its history (who did what, when and why), oldest first', params: IdParams, response: { 200: RecordWithHistory, ...errors } },
    },
    async (request) => withHistoryJson(await discipline.get(request.params.id, await viewerOf(request))),
  );

  app.post(
    '/discipline-records/:id/objection',
    {
      config: { permission: 'records:object' },
      bodyLimit: BODY_LIMIT,
      preValidation: strictBody(ObjectionBody),
      schema: { summary: "The officer's objection (申诉) to an open record: it stays open, the objection joins its history", params: IdParams, body: ObjectionBody, response: { 200: RecordWithHistory, ...errors } },
    },
    async (request) => withHistoryJson(await discipline.object(request.params.id, request.body.text, await viewerOf(request))),
  );

  app.post(
    '/discipline-records/:id/confirm',
    {
      config: { permission: 'records:review' },
      bodyLimit: BODY_LIMIT,
      preValidation: strictBody(DecisionBody),
      schema: { summary: 'A supervisor confirms an open record, with a reason', params: IdParams, body: DecisionBody, response: { 200: RecordWithHistory, ...errors } },
    },
    async (request) => withHistoryJson(await discipline.confirm(request.params.id, request.body.reason, await viewerOf(request))),
  );

  app.post(
    '/discipline-records/:id/waive',
    {
      config: { permission: 'records:review' },
      bodyLimit: BODY_LIMIT,
      preValidation: strictBody(DecisionBody),
      schema: { summary: 'A supervisor waives an open record, with a reason', params: IdParams, body: DecisionBody, response: { 200: RecordWithHistory, ...errors } },
    },
    async (request) => withHistoryJson(await discipline.waive(request.params.id, request.body.reason, await viewerOf(request))),
  );

  app.post(
    '/discipline-records',
    {
      config: { permission: 'records:review' },
      bodyLimit: BODY_LIMIT,
      preValidation: strictBody(MistakeBody),
      schema: { summary: 'A supervisor raises a mistake (失误) record by hand: one record of each type per subject', body: MistakeBody, response: { 201: RecordWithHistory, ...errors } },
    },
    async (request, reply) => {
      const { officeId, subject, mistakeKind, text, officer, occurredAt } = request.body;
      const at = new Date(occurredAt);
      // The format lets a few strings through that are no instant (a leap second, 23:59:60).
      if (Number.isNaN(at.getTime())) throw badRequest(`body/occurredAt (${occurredAt}) is not a valid instant`);
      const record = await discipline.raiseMistake({ officeId: officeId ?? DEFAULT_OFFICE_ID, subject, mistakeKind, text, officer: officer ?? null, occurredAt: at }, await viewerOf(request));
      return reply.code(201).send(withHistoryJson(record));
    },
  );
};

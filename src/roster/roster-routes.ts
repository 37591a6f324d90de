/**
 * The roster routes (值班表): officers, roster months and their shifts, swap requests, and who is
 * on duty. Everything is of the signed-in user's office. Drawing the roster up is 'roster:manage'
 * (the duty office), approving, returning and publishing it and deciding swaps 'roster:approve'
 * (the duty director, 值班主任), requesting and answering a swap 'swaps:request' (an officer, for
 * their own shifts), reading 'roster:read'.
 *
 *   GET  /officers                    roster:read     the office's officers
 *   POST /officers                    roster:manage   a new officer {name, phone?, section?}
 *   PATCH /officers/:id               roster:manage   rename, phone, section, active
 *   GET  /rosters                     roster:read     the office's roster months
 *   POST /rosters                     roster:manage   open a month's draft {month}
 *   GET  /rosters/:month              roster:read     the month, its history and its shifts
 *   PUT  /rosters/:month/shifts       roster:manage   import a spreadsheet (CSV or XLSX body) into the draft
 *   POST /rosters/:month/submit       roster:manage
 *   POST /rosters/:month/return       roster:approve  back to draft {reason}
 *   POST /rosters/:month/approve      roster:approve
 *   POST /rosters/:month/publish      roster:approve  lateness recorded (001 第七条)
 *   GET  /swaps                       roster:read     swap requests (?status=)
 *   POST /swaps                       swaps:request   {shiftId, counterpartId, counterpartShiftId?, reason}
 *   POST /swaps/:id/agree|decline     swaps:request   the counterpart answers
 *   POST /swaps/:id/approve|reject    roster:approve  {note?}
 *   GET  /on-duty                     roster:read     who is accountable for a desk at a moment
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { principalOf } from '../access/access-control.js';
import { freeTextProblem, labelProblem } from '../core/access/credential-rules.js';
import type { OfficeId } from '../core/office.js';
import { ROSTER_ACTIONS, ROSTER_STATUSES, SWAP_STATUSES, type RosterActor, type RosterMonth, type SwapRequest } from '../core/roster/roster-model.js';
import { daysOf, lastDayBefore, monthOf } from '../core/roster/year-month.js';
import { addDays } from '../core/schedule/schedule-local-time.js';
import type { DayCalendar, Schedule } from '../core/schedule/schedule-model.js';
import type { Clock } from '../platform/clock.js';
import { ApiError, badRequest } from '../platform/http/errors.js';
import { withIsoDates } from '../platform/http/json.js';
import { DateTime, ErrorAnswers, ErrorBody, Nullable } from '../platform/http/schemas.js';
import { noBody, strictBody } from '../platform/http/strict-body.js';
import { RosterError, type RosterFailureCode } from './roster-errors.js';
import type { RosterService } from './roster-service.js';
import type { OfficerRecord, ShiftRecord } from './roster-store.js';

export interface RosterRouteDeps {
  roster: RosterService;
  /** The office's schedule and holiday calendar (imports, publication deadlines); null when the office has no schedule file. */
  officeSchedule: (officeId: OfficeId) => Promise<{ schedule: Schedule; calendar: DayCalendar } | null>;
  clock: Pick<Clock, 'now'>;
}

const REASON_MAX = 2000;
const BODY_LIMIT = 64 * 1024;
/** A month's roster spreadsheet is tens of kilobytes; 5 MB is far more than any. */
const FILE_LIMIT = 5 * 1024 * 1024;
const SPREADSHEET_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'application/vnd.ms-excel'];

const HTTP_OF: Record<RosterFailureCode, 'BAD_REQUEST' | 'UNKNOWN' | 'CONFLICT' | 'NOT_YOURS'> = {
  'bad-month': 'BAD_REQUEST',
  'reason-required': 'BAD_REQUEST',
  'same-officer': 'BAD_REQUEST',
  'same-shift': 'BAD_REQUEST',
  'other-office': 'BAD_REQUEST',
  'no-shifts': 'CONFLICT',
  'illegal-transition': 'CONFLICT',
  'not-duty-director': 'NOT_YOURS',
  'not-counterpart': 'NOT_YOURS',
  'roster-not-published': 'CONFLICT',
  'shift-ended': 'CONFLICT',
  'requester-not-on-shift': 'CONFLICT',
  'counterpart-already-on-shift': 'CONFLICT',
  'counterpart-not-on-shift': 'CONFLICT',
  'requester-already-on-shift': 'CONFLICT',
  'counterpart-inactive': 'CONFLICT',
  'not-found': 'UNKNOWN',
  'officer-name-taken': 'CONFLICT',
  'roster-exists': 'CONFLICT',
  'roster-changed': 'CONFLICT',
  'swap-changed': 'CONFLICT',
  'unknown-officer': 'UNKNOWN',
  'unknown-shift': 'UNKNOWN',
  'shifts-overlap': 'CONFLICT',
};

/** A RosterError as the API answers it: its sentence, with the status its code calls for. */
function answer(err: unknown): never {
  if (!(err instanceof RosterError)) throw err;
  throw new ApiError(HTTP_OF[err.code], err.message);
}

const rostered = <T>(work: Promise<T>): Promise<T> => work.catch(answer);

const Officer = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phone: Nullable(Type.String()),
  section: Nullable(Type.String({ description: '科室' })),
  active: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const RosterEvent = Type.Object({
  seq: Type.Integer(),
  action: Type.Enum([...ROSTER_ACTIONS]),
  status: Type.Enum([...ROSTER_STATUSES]),
  at: DateTime,
  by: Type.String(),
  note: Nullable(Type.String()),
});

const Lateness = Type.Object({
  late: Type.Boolean(),
  publishedOn: Type.String(),
  reasons: Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: "month: published after the month before's last day; holiday: later than 7 days before a holiday it covers" }),
});

const RosterMonthView = Type.Object({
  id: Type.String(),
  month: Type.String(),
  status: Type.Enum([...ROSTER_STATUSES]),
  revision: Type.Integer(),
  createdAt: DateTime,
  submittedAt: Nullable(DateTime),
  approvedAt: Nullable(DateTime),
  publishedAt: Nullable(DateTime),
  lateness: Nullable(Lateness),
  history: Type.Array(RosterEvent),
});

const ShiftView = Type.Object({
  id: Type.String(),
  date: Type.String(),
  period: Type.String(),
  startsAt: DateTime,
  endsAt: DateTime,
  desk: Type.String(),
  officerIds: Type.Array(Type.String()),
  officers: Type.Array(Type.String()),
  leaderId: Nullable(Type.String()),
  leader: Nullable(Type.String({ description: '带班领导' })),
});

const SwapView = Type.Object({
  id: Type.String(),
  shiftId: Type.String(),
  requesterId: Type.String(),
  counterpartId: Type.String(),
  counterpartShiftId: Nullable(Type.String()),
  reason: Type.String(),
  status: Type.Enum([...SWAP_STATUSES]),
  requestedAt: DateTime,
  answeredAt: Nullable(DateTime),
  decidedAt: Nullable(DateTime),
  decisionNote: Nullable(Type.String()),
});

const ImportRefused = Type.Object({
  error: Type.String(),
  message: Type.String(),
  // Only when the file was read and had problems; any other 400 (no file, a bad month) has none.
  problems: Type.Optional(Type.Array(Type.Object({ row: Nullable(Type.Integer()), column: Nullable(Type.String()), header: Nullable(Type.String()), message: Type.String() }))),
});

const MonthParams = Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'YYYY-MM' }) });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const errors = ErrorAnswers;

const OfficerBody = Type.Object(
  { name: Type.String({ maxLength: 200 }), phone: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), section: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) },
  { additionalProperties: false },
);
const OfficerPatch = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 200 })), phone: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), section: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
const MonthBody = Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'YYYY-MM' }) }, { additionalProperties: false });
const ReasonBody = Type.Object({ reason: Type.String({ maxLength: REASON_MAX * 2 }) }, { additionalProperties: false });
const NoteBody = Type.Object({ note: Type.Optional(Nullable(Type.String({ maxLength: REASON_MAX * 2 }))) }, { additionalProperties: false });
const SwapBody = Type.Object(
  {
    shiftId: Type.String({ minLength: 1, maxLength: 100, description: 'your shift, whose place you hand over' }),
    counterpartId: Type.String({ minLength: 1, maxLength: 100, description: 'the officer who takes it (代班)' }),
    counterpartShiftId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100, description: "the counterpart's shift you take in return (换班)" }))),
    reason: Type.String({ maxLength: REASON_MAX * 2 }),
  },
  { additionalProperties: false },
);

const check = (field: string, problem: string | null) => {
  if (problem) throw badRequest(`${field} ${problem}`);
};
const optionalLabel = (field: string, value: string | null | undefined) => {
  if (value !== undefined && value !== null) check(field, labelProblem(value));
};
const trimmedOrNull = (value: string | null | undefined) => (value === undefined ? undefined : value === null || value.trim() === '' ? null : value.normalize('NFC').trim());

const officerJson = (o: OfficerRecord) => withIsoDates({ id: o.id, name: o.name, phone: o.phone, section: o.section, active: o.active, createdAt: o.createdAt, updatedAt: o.updatedAt });
const monthJson = (r: RosterMonth) =>
  withIsoDates({
    id: r.id,
    month: r.month,
    status: r.status,
    revision: r.revision,
    createdAt: r.createdAt,
    submittedAt: r.submittedAt,
    approvedAt: r.approvedAt,
    publishedAt: r.publishedAt,
    lateness: r.lateness,
    history: r.history.map(withIsoDates),
  });
const swapJson = (s: SwapRequest) =>
  withIsoDates({
    id: s.id,
    shiftId: s.shiftId,
    requesterId: s.requesterId,
    counterpartId: s.counterpartId,
    counterpartShiftId: s.counterpartShiftId,
    reason: s.reason,
    status: s.status,
    requestedAt: s.requestedAt,
    answeredAt: s.answeredAt,
    decidedAt: s.decidedAt,
    decisionNote: s.decisionNote,
  });

export const rosterRoutes: FastifyPluginAsyncTypebox<RosterRouteDeps> = async (app, { roster, officeSchedule, clock }) => {
  // The import's body is the file itself, as bytes (this plugin's routes only).
  app.addContentTypeParser(SPREADSHEET_TYPES, { parseAs: 'buffer', bodyLimit: FILE_LIMIT }, (_request, body, done) => done(null, body));

  const who = (request: FastifyRequest) => {
    const { user } = principalOf(request);
    const actor: RosterActor = { id: user.name, officerId: user.officerId, dutyDirector: user.role === 'supervisor' };
    return { officeId: user.officeId, actor, change: { by: user.name, at: clock.now() } };
  };
  const namesOf = async (officeId: OfficeId) => new Map((await roster.listOfficers(officeId)).map((o) => [o.id, o.name]));
  const shiftJson = (names: ReadonlyMap<string, string>) => (s: ShiftRecord) =>
    withIsoDates({
      id: s.id,
      date: s.date,
      period: s.periodLabel,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      desk: s.deskEndpoint,
      officerIds: s.officerIds,
      officers: s.officerIds.map((id) => names.get(id) ?? id),
      leaderId: s.leaderId,
      leader: s.leaderId === null ? null : (names.get(s.leaderId) ?? s.leaderId),
    });
  const scheduleOf = async (officeId: OfficeId) => {
    const found = await officeSchedule(officeId);
    if (!found) throw new ApiError('CONFLICT', `office ${officeId} has no schedule file the service could read: its periods and desks are unknown`);
    return found;
  };

  app.get('/officers', { config: { permission: 'roster:read' }, schema: { summary: "The office's officers (值班人员), by name", response: { 200: Type.Object({ items: Type.Array(Officer) }), ...errors } } }, async (request) => ({
    items: (await roster.listOfficers(who(request).officeId)).map(officerJson),
  }));

  app.post(
    '/officers',
    { config: { permission: 'roster:manage' }, bodyLimit: BODY_LIMIT, preValidation: strictBody(OfficerBody), schema: { summary: 'A new officer', body: OfficerBody, response: { 201: Officer, ...errors } } },
    async (request, reply) => {
      const { name, phone, section } = request.body;
      check('body/name', labelProblem(name));
      optionalLabel('body/phone', phone);
      optionalLabel('body/section', section);
      const { officeId, change } = who(request);
      const officer = await rostered(roster.addOfficer({ officeId, name: name.normalize('NFC').trim(), phone: trimmedOrNull(phone) ?? null, section: trimmedOrNull(section) ?? null }, change));
      return reply.code(201).send(officerJson(officer));
    },
  );

  app.patch(
    '/officers/:id',
    {
      config: { permission: 'roster:manage' },
      bodyLimit: BODY_LIMIT,
      preValidation: strictBody(OfficerPatch),
      schema: { summary: "Change an officer's name, phone, section, or make them inactive (officers are never deleted)", params: IdParams, body: OfficerPatch, response: { 200: Officer, ...errors } },
    },
    async (request) => {
      const { name, phone, section, active } = request.body;
      if (name !== undefined) check('body/name', labelProblem(name));
      optionalLabel('body/phone', phone);
      optionalLabel('body/section', section);
      const { officeId, change } = who(request);
      const patch = {
        ...(name !== undefined && { name: name.normalize('NFC').trim() }),
        ...(phone !== undefined && { phone: trimmedOrNull(phone) ?? null }),
        ...(section !== undefined && { section: trimmedOrNull(section) ?? null }),
        ...(active !== undefined && { active }),
      };
      return officerJson(await rostered(roster.updateOfficer(officeId, request.params.id, patch, change)));
    },
  );

  app.get('/rosters', { config: { permission: 'roster:read' }, schema: { summary: "The office's roster months", response: { 200: Type.Object({ items: Type.Array(RosterMonthView) }), ...errors } } }, async (request) => ({
    items: (await roster.listMonths(who(request).officeId)).map(monthJson),
  }));

  app.post(
    '/rosters',
    { config: { permission: 'roster:manage' }, bodyLimit: BODY_LIMIT, preValidation: strictBody(MonthBody), schema: { summary: "Open a month's roster (a draft)", body: MonthBody, response: { 201: RosterMonthView, ...errors } } },
    async (request, reply) => {
      const { officeId, actor, change } = who(request);
      return reply.code(201).send(monthJson(await rostered(roster.openMonth(officeId, request.body.month, actor, change.at))));
    },
  );

  app.get(
    '/rosters/:month',
    { config: { permission: 'roster:read' }, schema: { summary: 'A roster month with its history and current shifts', params: MonthParams, response: { 200: Type.Object({ roster: RosterMonthView, shifts: Type.Array(ShiftView) }), ...errors } } },
    async (request) => {
      const { officeId } = who(request);
      const month = await rostered(roster.getMonth(officeId, request.params.month));
      const shifts = await roster.listShifts(month);
      return { roster: monthJson(month), shifts: shifts.map(shiftJson(await namesOf(officeId))) };
    },
  );

  app.put(
    '/rosters/:month/shifts',
    {
      config: { permission: 'roster:manage' },
      bodyLimit: FILE_LIMIT,
      schema: {
        summary: "Import the month's shifts from a spreadsheet into its draft: CSV (UTF-8 with or without BOM, GBK/GB18030) or XLSX, as the request body (Content-Type text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet). A file with problems imports nothing: 400 with every problem's row and column.",
        params: MonthParams,
        querystring: Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ roster: RosterMonthView, shifts: Type.Array(ShiftView), format: Type.String(), encoding: Nullable(Type.String()) }), 400: ImportRefused, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw badRequest('the body must be the spreadsheet file (CSV or XLSX), not empty');
      const fileName = request.query.fileName;
      if (fileName !== undefined) check('querystring/fileName', labelProblem(fileName));
      const { officeId, actor, change } = who(request);
      const { schedule, calendar } = await scheduleOf(officeId);
      const outcome = await rostered(roster.importFile(officeId, request.params.month, new Uint8Array(request.body), { schedule, calendar, ...(fileName && { fileName }) }, actor, change.at));
      if (!outcome.ok) {
        const message = `the file was not imported (${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'}): ${outcome.problems.slice(0, 3).map((p) => (p.row === null ? p.message : `row ${p.row} column ${p.column}: ${p.message}`)).join('; ')}`;
        return reply.code(400).send({ error: 'BAD_REQUEST', message, problems: outcome.problems });
      }
      return { roster: monthJson(outcome.roster), shifts: outcome.shifts.map(shiftJson(await namesOf(officeId))), format: outcome.format, encoding: outcome.encoding ?? null };
    },
  );

  const transition = (action: 'submit' | 'approve' | 'publish', permission: 'roster:manage' | 'roster:approve', summary: string) =>
    app.post(
      `/rosters/:month/${action}`,
      { config: { permission }, bodyLimit: BODY_LIMIT, preValidation: noBody, schema: { summary, params: MonthParams, response: { 200: RosterMonthView, ...errors } } },
      async (request) => {
        const { officeId, actor, change } = who(request);
        const month = request.params.month;
        if (action === 'submit') return monthJson(await rostered(roster.submit(officeId, month, actor, change.at)));
        if (action === 'approve') return monthJson(await rostered(roster.approve(officeId, month, actor, change.at)));
        const { schedule, calendar } = await scheduleOf(officeId);
        const days = daysOf(month);
        const around = [...daysOf(monthOf(lastDayBefore(month))), ...days, ...daysOf(monthOf(addDays(days.at(-1)!, 1)))];
        const holidays = around.filter((d) => calendar.dayOf(d).type === 'holiday');
        return monthJson(await rostered(roster.publish(officeId, month, actor, change.at, { holidays, timezone: schedule.timezone })));
      },
    );
  transition('submit', 'roster:manage', 'Submit the draft for the duty director’s approval');
  transition('approve', 'roster:approve', 'The duty director (值班主任) approves the submitted roster');
  transition('publish', 'roster:approve', 'Publish the approved roster: from now it decides who is accountable; a late publication is flagged (001 第七条)');

  app.post(
    '/rosters/:month/return',
    { config: { permission: 'roster:approve' }, bodyLimit: BODY_LIMIT, preValidation: strictBody(ReasonBody), schema: { summary: 'The duty director sends the roster back to draft, with a reason', params: MonthParams, body: ReasonBody, response: { 200: RosterMonthView, ...errors } } },
    async (request) => {
      check('body/reason', freeTextProblem(request.body.reason, REASON_MAX));
      const { officeId, actor, change } = who(request);
      return monthJson(await rostered(roster.returnToDraft(officeId, request.params.month, actor, change.at, request.body.reason.trim())));
    },
  );

  app.get(
    '/swaps',
    {
      config: { permission: 'roster:read' },
      schema: { summary: "The office's swap requests (调班), oldest first", querystring: Type.Object({ status: Type.Optional(Type.Enum([...SWAP_STATUSES])) }, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(SwapView) }), ...errors } },
    },
    async (request) => ({ items: (await roster.listSwaps(who(request).officeId, request.query.status ? { status: request.query.status } : {})).map(swapJson) }),
  );

  app.post(
    '/swaps',
    {
      config: { permission: 'swaps:request' },
      bodyLimit: BODY_LIMIT,
      preValidation: strictBody(SwapBody),
      schema: { summary: 'Request a swap of your shift, with a reason: the counterpart agrees, then the duty director decides', body: SwapBody, response: { 201: SwapView, ...errors } },
    },
    async (request, reply) => {
      const { shiftId, counterpartId, counterpartShiftId, reason } = request.body;
      check('body/reason', freeTextProblem(reason, REASON_MAX));
      const { officeId, actor, change } = who(request);
      if (actor.officerId === null) throw new ApiError('NOT_YOURS', 'your user is no officer of the roster: only an officer requests a swap of their shift');
      const swap = await rostered(roster.requestSwap({ officeId, shiftId, requesterId: actor.officerId, counterpartId, counterpartShiftId: counterpartShiftId ?? null, reason: reason.trim(), by: actor, at: change.at }));
      return reply.code(201).send(swapJson(swap));
    },
  );

  for (const answerKind of ['agree', 'decline'] as const) {
    app.post(
      `/swaps/:id/${answerKind}`,
      { config: { permission: 'swaps:request' }, bodyLimit: BODY_LIMIT, preValidation: noBody, schema: { summary: `The counterpart ${answerKind}s to take the shift`, params: IdParams, response: { 200: SwapView, ...errors } } },
      async (request) => {
        const { officeId, actor, change } = who(request);
        return swapJson(await rostered(roster.answerSwap(officeId, request.params.id, answerKind, actor, change.at)));
      },
    );
  }

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/swaps/:id/${decision}`,
      {
        config: { permission: 'roster:approve' },
        bodyLimit: BODY_LIMIT,
        preValidation: strictBody(NoteBody),
        schema: { summary: `The duty director ${decision === 'approve' ? 'approves the swap: from now it decides who is accountable' : 'rejects the swap'}`, params: IdParams, body: Type.Optional(NoteBody), response: { 200: SwapView, ...errors } },
      },
      async (request) => {
        const note = request.body?.note ?? null;
        if (note !== null) check('body/note', freeTextProblem(note, REASON_MAX));
        const { officeId, actor, change } = who(request);
        return swapJson(await rostered(roster.decideSwap(officeId, request.params.id, decision, actor, change.at, note?.trim() ?? null)));
      },
    );
  }

  app.get(
    '/on-duty',
    {
      config: { permission: 'roster:read' },
      schema: {
        summary: 'Who is accountable for a desk at a moment, by the published roster and the swaps approved by then',
        querystring: Type.Object({ desk: Type.String({ minLength: 1, maxLength: 100, description: "the desk phone's PBX endpoint" }), at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ at: DateTime, desk: Type.String(), noOneRostered: Type.Boolean(), shift: Nullable(ShiftView) }), ...errors },
      },
    },
    async (request) => {
      const { officeId } = who(request);
      const at = request.query.at === undefined ? clock.now() : new Date(request.query.at);
      if (Number.isNaN(at.getTime())) throw badRequest(`querystring/at (${request.query.at}) is not a valid instant`);
      const duty = await roster.whoIsOnDuty(officeId, request.query.desk, at);
      if (typeof duty === 'string') return { at: at.toISOString(), desk: request.query.desk, noOneRostered: true, shift: null };
      const names = await namesOf(officeId);
      const shift = (await roster.getShift(officeId, duty.shiftId))!;
      return { at: at.toISOString(), desk: request.query.desk, noOneRostered: false, shift: shiftJson(names)({ ...shift, officerIds: duty.officerIds, leaderId: duty.leaderId }) };
    },
  );
};


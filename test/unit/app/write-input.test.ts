/**
 * Bad input to every write route (every POST/PUT/PATCH/DELETE the API registers but sign-in,
 * which has its own tests): a 4xx naming the problem, never a 5xx. Each route has a request that
 * succeeds (WRITES below, over a world where every route has something to act on); the tests
 * spoil one part of it at a time: a field's type, its size, odd Unicode in it, an unknown field,
 * a body that is no JSON object, an id that names nothing. Text people write (names, reasons)
 * takes CJK and emoji. Then the roster import (its body is the file) and a month drawn up,
 * published and swapped through HTTP alone.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import type { Role } from '../../../src/core/access/roles.js';
import type { RosterActor } from '../../../src/core/roster/roster-model.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { parseScheduleFile } from '../../../src/schedule/schedule-file.js';
import { PASSWORD } from '../../support/access-api.js';
import { attributedTo, buildApi, NO_CREDENTIALS, publishRoster, type TestApi } from '../../support/http.js';
import { baselineCalendar, readRepoFile } from '../../support/schedule-test-data.js';
import { disciplineInput, snapshot } from '../../support/store-contract.js';

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

/** The service's clock: ten days before the October roster starts. */
const AT = new Date('2026-09-20T02:00:00Z');
const MB = 1 << 20;
const officeSchedule = { schedule: parseScheduleFile(readRepoFile('test/fixtures/roster/schedule.yaml'), 'schedule.yaml'), calendar: baselineCalendar };
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/roster/${name}`, import.meta.url));
/** The officers roster-2026-10.* name. */
const FIXTURE_OFFICERS = ['张伟', '李娜', '王芳', '刘洋', '赵建国', '孙丽'];
const CLERK: RosterActor = { id: 'clerk', officerId: null, dutyDirector: false };
const DIRECTOR: RosterActor = { id: 'director', officerId: null, dutyDirector: true };

// ---------------------------------------------------------------------------------------------
// The world every write route has something to act on in.

interface World {
  api: TestApi;
  /** 王五, the officer 李四 (the duty-officer user) swaps with, and his user. */
  counterpartId: string;
  counterpart: Headers;
  /** 李四's and 王五's shifts of the published November. */
  shiftId: string;
  counterpartShiftId: string;
  /** Swaps of 李四's shift to 王五: one requested, one agreed to. */
  swapRequested: string;
  swapAgreed: string;
  /** An open record of a call in 李四's shift, naming him. */
  recordId: string;
  /** One of the supervisor's API tokens, and a signed-in session of theirs (a cookie). */
  tokenId: string;
  session: Headers;
  /** An officer nothing else uses. */
  spareOfficerId: string;
  /** Calls in 李四's shift whose duty log nobody wrote yet: each edit of version 0 takes a fresh one. */
  freshCallIds: string[];
  /** Of July: 李四's day shift handed over to 王五's night (not acknowledged yet), and 李四's next day, not handed over. */
  handedOverShiftId: string;
  unhandedShiftId: string;
}

/** A month of one shift of 李四's, moved through the lifecycle to `status` by the service. */
async function monthIn(api: TestApi, month: string, status: 'draft' | 'submitted' | 'approved'): Promise<void> {
  const date = `${month}-01`;
  const startsAt = new Date(`${date}T00:30:00Z`);
  await api.roster.openMonth('default', month, CLERK, AT);
  const shift = { officeId: 'default', date, periodLabel: '08:30–17:30', startsAt, endsAt: new Date(startsAt.getTime() + 9 * 3600_000), deskEndpoint: 'desk', officerIds: [api.officerId], leaderId: null };
  await api.roster.reviseShifts('default', month, [shift], CLERK, AT);
  if (status !== 'draft') await api.roster.submit('default', month, CLERK, AT);
  if (status === 'approved') await api.roster.approve('default', month, DIRECTOR, AT);
}

const cookieOf = (res: LightMyRequestResponse): Headers => ({ cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; ') });

async function world(): Promise<World> {
  const discipline = new MemoryDisciplineStore();
  const calls = new MemoryCallStore();
  const api = await buildApi({ calls, discipline, officeSchedule, clock: { now: () => AT } });
  const freshCallIds: string[] = [];
  for (let i = 0; i < 400; i++) freshCallIds.push((await calls.save(snapshot(`log-${i}`, { offeredAt: new Date('2026-11-02T03:00:00Z') }))).id);
  const change = { by: 'clerk', at: AT };
  const wang = await api.roster.addOfficer({ officeId: 'default', name: '王五', phone: null, section: null }, change);
  const spare = await api.roster.addOfficer({ officeId: 'default', name: '周九', phone: null, section: null }, change);
  for (const name of FIXTURE_OFFICERS) await api.roster.addOfficer({ officeId: 'default', name, phone: null, section: null }, change);
  const [mine, theirs] = await publishRoster(api.roster, [
    { startsAt: '2026-11-02T00:30:00Z', endsAt: '2026-11-02T09:30:00Z', officerIds: [api.officerId] },
    { startsAt: '2026-11-03T00:30:00Z', endsAt: '2026-11-03T09:30:00Z', officerIds: [wang.id] },
  ]);
  const li: RosterActor = { id: 'test-officer', officerId: api.officerId, dutyDirector: false };
  const request = () => api.roster.requestSwap({ officeId: 'default', shiftId: mine!.id, requesterId: api.officerId, counterpartId: wang.id, counterpartShiftId: null, reason: '家中有事', by: li, at: AT });
  const requested = await request();
  const agreed = await request();
  await api.roster.answerSwap('default', agreed.id, 'agree', { id: 'wang.wu', officerId: wang.id, dutyDirector: false }, AT);
  const { record } = await discipline.recordOnce(disciplineInput('call-1', { occurredAt: new Date('2026-11-02T03:00:00Z'), duty: attributedTo(mine!.id, [api.officerId], ['李四']) }));
  const [handedOver, , unhanded] = await publishRoster(api.roster, [
    { startsAt: '2026-07-01T00:30:00Z', endsAt: '2026-07-01T09:30:00Z', officerIds: [api.officerId] },
    { startsAt: '2026-07-01T09:30:00Z', endsAt: '2026-07-02T00:30:00Z', officerIds: [wang.id] },
    { startsAt: '2026-07-02T00:30:00Z', endsAt: '2026-07-02T09:30:00Z', officerIds: [api.officerId] },
  ]);
  const handOver = await api.inject({ method: 'PUT', url: `/shifts/${handedOver!.id}/handover`, payload: { note: '无事' }, headers: api.as('duty-officer') });
  if (handOver.statusCode !== 200) throw new Error(`the world's hand-over: ${handOver.body}`);
  await monthIn(api, '2026-12', 'draft');
  await monthIn(api, '2026-08', 'submitted');
  await monthIn(api, '2026-09', 'approved');
  await api.roster.openMonth('default', '2026-10', CLERK, AT);
  const token = await api.inject({ method: 'POST', url: '/tokens', payload: { name: 'spare' } });
  const signedIn = await api.inject({ method: 'POST', url: '/session', payload: { name: 'test-supervisor', password: PASSWORD }, headers: NO_CREDENTIALS });
  return {
    api,
    counterpartId: wang.id,
    counterpart: await api.asNew('wang.wu', 'duty-officer', { officerId: wang.id }),
    shiftId: mine!.id,
    counterpartShiftId: theirs!.id,
    swapRequested: requested.id,
    swapAgreed: agreed.id,
    recordId: record.id,
    tokenId: token.json<{ id: string }>().id,
    session: cookieOf(signedIn),
    spareOfficerId: spare.id,
    freshCallIds,
    handedOverShiftId: handedOver!.id,
    unhandedShiftId: unhanded!.id,
  };
}

// ---------------------------------------------------------------------------------------------
// Every write route: who may, a request that succeeds, and what its fields are.

/**
 * What a string field holds, which decides what odd input it refuses:
 * - label: a name people read (officer, display or token name, phone, section): no lone surrogate, control or bidi character; CJK and emoji are fine;
 * - text: what people write (a roster reason or note): the same, line breaks allowed;
 * - record-text: a discipline record's text or name: no lone surrogate or control character; bidi marks are text there
 *   (src/core/discipline/record-lifecycle.ts problemOf says so), so it takes U+202E;
 * - user-name: a sign-in name: letters, digits and . _ - (CJK yes, emoji no);
 * - password: no lone surrogate or control character;
 * - id: names a row (odd text names none: 404);
 * - month, instant, enum, office: a value of a fixed form (odd text: 400).
 */
type Kind = 'label' | 'text' | 'record-text' | 'user-name' | 'password' | 'id' | 'month' | 'instant' | 'enum' | 'office';

interface Field {
  kind: Kind;
  /** null is a value of the field. */
  nullable?: boolean;
  /** Accepted by the field, for the test that CJK and emoji (and what else the kind takes) go through. */
  fancy?: string;
}

interface WriteRoute {
  /** Who holds the route's permission: a role's user, 王五's (counterpart), or the supervisor's session (session). */
  as: Role | 'counterpart' | 'session';
  /** The path's parameters for the request that succeeds. */
  params?: (w: World) => Record<string, string>;
  /** Its body (absent: the route takes none). */
  body?: (w: World) => Body;
  /** Its body when that is a file, not JSON. */
  file?: { contentType: string; bytes: Buffer };
  /** Its status. */
  status: number;
  /** The body's string fields, by path ("subject/id"). */
  fields?: Record<string, Field>;
  booleans?: string[];
  /** The path parameter that names a row, and the message of a 404 for `id`. */
  pathId?: { param: 'id'; notFound: (id: string) => string } | { param: 'month'; notFound: (month: string) => string };
}

const FANCY_LABEL = '值班 🚒 Ünïcödé';
const FANCY_TEXT = '家中有事，请假一天 🙏\n（已报备）';
/** A record's text takes bidi marks too (src/core/discipline/record-lifecycle.ts). */
const FANCY_RECORD_TEXT = `${FANCY_TEXT} \u202eمرحبا\u202c`;
const recordNotFound = (id: string) => `discipline record ${id} not found`;
const swapNotFound = (id: string) => `office default has no swap request ${id}`;
const rosterNotFound = (month: string) => `office default has no roster for ${month}`;

const WRITES: Record<string, WriteRoute> = {
  'DELETE /session': { as: 'session', status: 204 },
  'POST /tokens': { as: 'auditor', body: () => ({ name: 'nightly export' }), status: 201, fields: { name: { kind: 'label', fancy: FANCY_LABEL } } },
  'DELETE /tokens/:id': { as: 'supervisor', params: (w) => ({ id: w.tokenId }), status: 200, pathId: { param: 'id', notFound: (id) => `API token ${id} not found` } },
  'POST /users': {
    as: 'supervisor',
    body: () => ({ name: 'new.clerk', role: 'auditor', password: 'a long enough pass 值班', displayName: '新 职员' }),
    status: 201,
    fields: {
      name: { kind: 'user-name', fancy: '张三' },
      role: { kind: 'enum' },
      password: { kind: 'password', fancy: 'pass \u202e 值班密码🔐 long' },
      displayName: { kind: 'label', fancy: FANCY_LABEL },
      officerId: { kind: 'id', nullable: true },
    },
  },
  'PATCH /users/:id': { as: 'supervisor', params: (w) => ({ id: w.api.users.auditor.id }), body: () => ({ active: false }), status: 200, booleans: ['active'], pathId: { param: 'id', notFound: (id) => `your office has no user ${id}` } },
  'POST /discipline-records/:id/objection': {
    as: 'duty-officer',
    params: (w) => ({ id: w.recordId }),
    body: () => ({ text: '不是我' }),
    status: 200,
    fields: { text: { kind: 'record-text', fancy: FANCY_RECORD_TEXT } },
    pathId: { param: 'id', notFound: recordNotFound },
  },
  'POST /discipline-records/:id/confirm': {
    as: 'supervisor',
    params: (w) => ({ id: w.recordId }),
    body: () => ({ reason: '属实' }),
    status: 200,
    fields: { reason: { kind: 'record-text', fancy: FANCY_RECORD_TEXT } },
    pathId: { param: 'id', notFound: recordNotFound },
  },
  'POST /discipline-records/:id/waive': {
    as: 'supervisor',
    params: (w) => ({ id: w.recordId }),
    body: () => ({ reason: '误报' }),
    status: 200,
    fields: { reason: { kind: 'record-text', fancy: FANCY_RECORD_TEXT } },
    pathId: { param: 'id', notFound: recordNotFound },
  },
  'POST /discipline-records': {
    as: 'supervisor',
    body: () => ({ officeId: 'default', subject: { kind: 'spot-check', id: 'sc-7' }, mistakeKind: 'unreported-incident', text: '未报告重大事项', officer: '李四', occurredAt: '2026-09-19T01:00:00Z' }),
    status: 201,
    fields: {
      officeId: { kind: 'office' },
      'subject/kind': { kind: 'enum' },
      'subject/id': { kind: 'record-text', fancy: '抽查 #7 🔍 \u202e7#' },
      mistakeKind: { kind: 'enum' },
      text: { kind: 'record-text', fancy: FANCY_RECORD_TEXT },
      officer: { kind: 'record-text', nullable: true, fancy: '李四 👮 \u202e四李' },
      occurredAt: { kind: 'instant' },
    },
  },
  'PUT /calls/:id/duty-log': {
    as: 'duty-officer',
    params: (w) => ({ id: w.freshCallIds.pop()! }),
    body: () => ({ version: 0, callerName: '张三', callerUnit: '市应急局', content: '咨询值班安排', handling: '已答复', majorIncident: false, oralReportAt: null }),
    status: 200,
    fields: {
      callerName: { kind: 'record-text', nullable: true, fancy: '张三 📞' },
      callerUnit: { kind: 'record-text', nullable: true, fancy: '市应急局 🏢' },
      content: { kind: 'record-text', nullable: true, fancy: FANCY_RECORD_TEXT },
      handling: { kind: 'record-text', nullable: true, fancy: FANCY_TEXT },
      oralReportAt: { kind: 'instant', nullable: true },
    },
    booleans: ['majorIncident', 'incidentClosed'],
    pathId: { param: 'id', notFound: (id) => `call ${id} not found` },
  },
  'PUT /shifts/:id/handover': {
    as: 'duty-officer',
    params: (w) => ({ id: w.unhandedShiftId }),
    body: () => ({ note: '白班来电3次，均已处理' }),
    status: 200,
    fields: { note: { kind: 'record-text', fancy: FANCY_RECORD_TEXT } },
    pathId: { param: 'id', notFound: (id) => `shift ${id} (of a published roster) not found` },
  },
  'POST /shifts/:id/handover/acknowledge': {
    as: 'counterpart',
    params: (w) => ({ id: w.handedOverShiftId }),
    body: () => ({ note: '已接班' }),
    status: 200,
    fields: { note: { kind: 'record-text', nullable: true, fancy: FANCY_RECORD_TEXT } },
    pathId: { param: 'id', notFound: (id) => `shift ${id} (of a published roster) not found` },
  },
  'POST /officers': {
    as: 'supervisor',
    body: () => ({ name: '周八', phone: '13800000000', section: '综合科' }),
    status: 201,
    fields: { name: { kind: 'label', fancy: FANCY_LABEL }, phone: { kind: 'label', nullable: true, fancy: '138 0000 ☎️' }, section: { kind: 'label', nullable: true, fancy: '综合科 📁' } },
  },
  'PATCH /officers/:id': {
    as: 'supervisor',
    params: (w) => ({ id: w.spareOfficerId }),
    body: () => ({ name: '周九九', phone: '13900000000', section: '秘书科', active: true }),
    status: 200,
    fields: { name: { kind: 'label', fancy: FANCY_LABEL }, phone: { kind: 'label', nullable: true, fancy: '139 0000 ☎️' }, section: { kind: 'label', nullable: true, fancy: '秘书科 📁' } },
    booleans: ['active'],
    pathId: { param: 'id', notFound: (id) => `office default has no officer ${id}` },
  },
  'POST /rosters': { as: 'supervisor', body: () => ({ month: '2027-01' }), status: 201, fields: { month: { kind: 'month' } } },
  // its body is the file: see 'the roster import' below
  'PUT /rosters/:month/shifts': { as: 'supervisor', params: () => ({ month: '2026-10' }), file: { contentType: 'text/csv', bytes: fixture('roster-2026-10.utf8.csv') }, status: 200, pathId: { param: 'month', notFound: rosterNotFound } },
  'POST /rosters/:month/submit': { as: 'supervisor', params: () => ({ month: '2026-12' }), status: 200, pathId: { param: 'month', notFound: rosterNotFound } },
  'POST /rosters/:month/approve': { as: 'supervisor', params: () => ({ month: '2026-08' }), status: 200, pathId: { param: 'month', notFound: rosterNotFound } },
  'POST /rosters/:month/publish': { as: 'supervisor', params: () => ({ month: '2026-09' }), status: 200, pathId: { param: 'month', notFound: rosterNotFound } },
  'POST /rosters/:month/return': {
    as: 'supervisor',
    params: () => ({ month: '2026-08' }),
    body: () => ({ reason: '10月10日夜班缺带班领导' }),
    status: 200,
    fields: { reason: { kind: 'text', fancy: FANCY_TEXT } },
    pathId: { param: 'month', notFound: rosterNotFound },
  },
  'POST /swaps': {
    as: 'duty-officer',
    body: (w) => ({ shiftId: w.shiftId, counterpartId: w.counterpartId, counterpartShiftId: w.counterpartShiftId, reason: '家中有事' }),
    status: 201,
    fields: { shiftId: { kind: 'id' }, counterpartId: { kind: 'id' }, counterpartShiftId: { kind: 'id', nullable: true }, reason: { kind: 'text', fancy: FANCY_TEXT } },
  },
  'POST /swaps/:id/agree': { as: 'counterpart', params: (w) => ({ id: w.swapRequested }), status: 200, pathId: { param: 'id', notFound: swapNotFound } },
  'POST /swaps/:id/decline': { as: 'counterpart', params: (w) => ({ id: w.swapRequested }), status: 200, pathId: { param: 'id', notFound: swapNotFound } },
  'POST /swaps/:id/approve': {
    as: 'supervisor',
    params: (w) => ({ id: w.swapAgreed }),
    body: () => ({ note: '同意' }),
    status: 200,
    fields: { note: { kind: 'text', nullable: true, fancy: FANCY_TEXT } },
    pathId: { param: 'id', notFound: swapNotFound },
  },
  'POST /swaps/:id/reject': {
    as: 'supervisor',
    params: (w) => ({ id: w.swapRequested }),
    body: () => ({ note: '不同意' }),
    status: 200,
    fields: { note: { kind: 'text', nullable: true, fancy: FANCY_TEXT } },
    pathId: { param: 'id', notFound: swapNotFound },
  },
};

/** Body ids that name rows: an unknown one is a 404 naming it. */
const BODY_IDS: Record<string, Record<string, (id: string) => string>> = {
  'POST /users': { officerId: (id) => `office default has no officer ${id}` },
  'POST /swaps': { shiftId: (id) => `office default has no shift ${id}`, counterpartShiftId: (id) => `office default has no shift ${id}`, counterpartId: (id) => `office default has no officer ${id}` },
};

// ---------------------------------------------------------------------------------------------
// Helpers: one request of a route, spoilt in one place.

const probe = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() });
const writeRoutes = Object.keys(probe.declared).filter((r) => /^(POST|PUT|PATCH|DELETE) /.test(r) && r !== 'POST /session');
await probe.close();

const headersOf = (w: World, as: WriteRoute['as']): Headers => (as === 'counterpart' ? w.counterpart : as === 'session' ? w.session : w.api.as(as));

function urlOf(route: string, params: Record<string, string>): string {
  return route.split(' ')[1]!.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? `:${name}`));
}

interface Send {
  params?: Record<string, string>;
  /** A body as JSON (an object), or raw text with its content type. */
  payload?: unknown;
  raw?: string | Buffer;
  contentType?: string;
}

function send(w: World, route: string, spec: WriteRoute, what: Send = {}): Promise<LightMyRequestResponse> {
  const method = route.split(' ')[0] as InjectOptions['method'];
  const url = urlOf(route, what.params ?? spec.params?.(w) ?? {});
  const headers: Headers = { ...headersOf(w, spec.as) };
  if (what.raw !== undefined) return w.api.inject({ method, url, headers: { ...headers, 'content-type': what.contentType ?? 'application/json' }, payload: what.raw });
  if (!('payload' in what) && spec.file) return w.api.inject({ method, url, headers: { ...headers, 'content-type': spec.file.contentType }, payload: spec.file.bytes });
  const payload = 'payload' in what ? what.payload : spec.body?.(w);
  if (payload === undefined) return w.api.inject({ method, url, headers });
  return w.api.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
}

/** `body` with the field at `path` ("subject/id") set to `value`. */
function withField(body: Body, path: string, value: unknown): Body {
  const [head, ...rest] = path.split('/') as [string, ...string[]];
  return { ...body, [head]: rest.length === 0 ? value : withField((body[head] ?? {}) as Body, rest.join('/'), value) };
}

const MARK = '\u0001odd-value\u0001';
/** The JSON of `body` with the field at `path` written as the raw JSON `json` (escapes such as \ud800 as they are sent). */
const rawWith = (body: Body, path: string, json: string) => JSON.stringify(withField(body, path, MARK)).replace(JSON.stringify(MARK), json);

const messageOf = (res: LightMyRequestResponse): string => {
  try {
    return String(res.json<{ message?: unknown }>().message ?? res.body);
  } catch {
    return res.body;
  }
};
/** A 4xx, never a 5xx; for a 400 the message names `names` when given. */
function expectRefused(res: LightMyRequestResponse, what: string, statuses: readonly number[], names?: string): void {
  expect.soft(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeOneOf([...statuses]);
  if (names !== undefined && res.statusCode === 400) expect.soft(messageOf(res), what).toContain(names);
}

const WRONG_TYPES: Array<[string, unknown]> = [
  ['a number', 42],
  ['an array', ['x']],
  ['an object', { value: 'x' }],
  ['null', null],
  ['a boolean', true],
];
const WRONG_BOOLEANS: Array<[string, unknown]> = [
  ['the string "false"', 'false'],
  ['the string "true"', 'true'],
  ['0', 0],
  ['1', 1],
  ['null', null],
  ['an array', [false]],
  ['an object', {}],
];
/** As raw JSON: escapes the JSON parser turns into these characters. */
const ODD: Array<{ what: string; json: string; bidi?: true }> = [
  { what: 'a lone high surrogate', json: '"a\\ud800b"' },
  { what: 'a lone low surrogate', json: '"\\udc00"' },
  { what: 'NUL', json: '"a\\u0000b"' },
  { what: 'an RTL override (U+202E)', json: '"abc\\u202edef"', bidi: true },
];
/** Kinds that take bidi marks as text (their fancy value sends one); and the kind whose odd values name no row (404). */
const TAKES_BIDI: readonly Kind[] = ['record-text', 'password'];
const NAMES_A_ROW: readonly Kind[] = ['id'];

const UNKNOWN_IDS: Array<[string, string]> = [
  ['a random UUID', randomUUID()],
  ['no UUID', 'not-a-uuid'],
  ['100 characters', 'x'.repeat(100)],
];

// ---------------------------------------------------------------------------------------------

describe('the write routes', () => {
  it('are those of the table (a new one needs its row in WRITES)', () => {
    expect([...writeRoutes].sort()).toEqual(Object.keys(WRITES).sort());
  });
});

describe.each(writeRoutes)('%s', (route) => {
  const spec = WRITES[route];
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => {
    await w?.api.close();
  });
  const fields = Object.entries(spec?.fields ?? {});
  const takesBody = spec?.body !== undefined;

  it('has its row in WRITES', () => expect(spec, `add ${route} to WRITES`).toBeDefined());
  if (!spec) return;
  /** A test registered only where the route has what it needs (no "skipped" noise). */
  const itWhen = (applies: boolean, name: string, test: () => Promise<void>) => {
    if (applies) it(name, test);
  };

  itWhen(fields.length > 0, 'a string field of the wrong type: 400 naming it', async () => {
    for (const [path, field] of fields) {
      for (const [what, value] of WRONG_TYPES) {
        if (value === null && field.nullable) continue;
        const res = await send(w, route, spec, { payload: withField(spec.body!(w), path, value) });
        expectRefused(res, `${path} as ${what}`, [400], `body/${path}`);
      }
    }
  });

  itWhen((spec.booleans ?? []).length > 0, 'a boolean field of the wrong type: 400 naming it (not read as true or false)', async () => {
    for (const path of spec.booleans ?? []) {
      for (const [what, value] of WRONG_BOOLEANS) {
        const res = await send(w, route, spec, { payload: withField(spec.body!(w), path, value) });
        expectRefused(res, `${path} as ${what}`, [400], `body/${path}`);
      }
    }
  });

  itWhen(fields.length > 0, 'a 1 MB string in a field: 400 or 413', async () => {
    for (const [path] of fields) {
      const res = await send(w, route, spec, { payload: withField(spec.body!(w), path, '值'.repeat(MB)) });
      expectRefused(res, `${path} of 1 MB`, [400, 413], `body/${path}`);
    }
  });

  itWhen(fields.length > 0, 'odd Unicode in a field: 400 naming it (an id: 404), never a 5xx', async () => {
    for (const [path, field] of fields) {
      for (const { what, json, bidi } of ODD) {
        if (bidi && TAKES_BIDI.includes(field.kind)) continue; // the fancy request below sends one
        const res = await send(w, route, spec, { raw: rawWith(spec.body!(w), path, json) });
        expectRefused(res, `${path} with ${what}`, NAMES_A_ROW.includes(field.kind) ? [404] : [400], `body/${path}`);
      }
    }
  });

  itWhen(takesBody, 'a body that is no JSON object: 400', async () => {
    for (const raw of ['[]', 'null', '"name"', '42', 'true', '{"a":', '{"a":1}}', '']) {
      const res = await send(w, route, spec, { raw });
      expectRefused(res, `body ${JSON.stringify(raw)}`, [400]);
    }
  });

  it('a body that is not JSON, or of a type the route does not read: 4xx', async () => {
    const cases: Array<[string, string, number[]]> = [
      ['application/json', '{"month": 2026-10}', [400]],
      ['application/xml', '<officer name="周八"/>', [415]],
      ['application/x-www-form-urlencoded', 'name=%E5%91%A8', [415]],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\n周\r\n--x--\r\n', [415]],
    ];
    if (takesBody) cases.push(['text/plain', 'name: 周八', [400, 415]]);
    for (const [contentType, raw, statuses] of cases) {
      const res = await send(w, route, spec, { raw, contentType });
      expectRefused(res, contentType, statuses);
    }
  });

  itWhen(spec.pathId !== undefined, 'an id in the path that names nothing: 404 naming it; one too long or malformed: 4xx', async () => {
    const pathId = spec.pathId!;
    const ids: Array<[string, string]> = pathId.param === 'month' ? [['a month with no roster', '2031-01']] : UNKNOWN_IDS;
    for (const [what, id] of ids) {
      const res = await send(w, route, spec, { params: { ...spec.params?.(w), [pathId.param]: id } });
      expect.soft([what, res.statusCode, messageOf(res)]).toEqual([what, 404, pathId.notFound(id)]);
    }
    const malformed = pathId.param === 'month' ? ['oct', '2026-1', '10-2026', '2026-10-01'] : ['x'.repeat(101)];
    for (const id of malformed) {
      const res = await send(w, route, spec, { params: { ...spec.params?.(w), [pathId.param]: id } });
      expectRefused(res, `${pathId.param} ${id.slice(0, 20)}`, pathId.param === 'month' ? [400] : [400, 414], pathId.param === 'month' ? 'month' : undefined);
    }
  });

  itWhen(route in BODY_IDS, 'an id in the body that names nothing: 404 naming it', async () => {
    for (const [path, notFound] of Object.entries(BODY_IDS[route] ?? {})) {
      for (const [what, id] of UNKNOWN_IDS) {
        const res = await send(w, route, spec, { payload: withField(spec.body!(w), path, id) });
        expect.soft([path, what, res.statusCode, messageOf(res)]).toEqual([path, what, 404, notFound(id)]);
      }
      const res = await send(w, route, spec, { payload: withField(spec.body!(w), path, 'x'.repeat(101)) });
      expectRefused(res, `${path} of 101 characters`, [400], `body/${path}`);
    }
  });

  it('an unknown field: 400, and nothing done', async () => {
    // A route that takes no body, on a world of its own: if it ignores the field it acts, and the request it was is then refused.
    const own = takesBody ? w : await world();
    try {
      const body = { ...spec.body?.(own), unexpected: 1 };
      const res = await send(own, route, spec, { payload: body });
      expectRefused(res, 'a body with an unknown field', [400]);
      if (own !== w) expect.soft((await send(own, route, spec)).statusCode, 'the same request without the field, afterwards').toBe(spec.status);
    } finally {
      if (own !== w) await own.api.close();
    }
  });

  it(fields.some(([, f]) => f.fancy) ? 'takes CJK and emoji where text is free' : 'succeeds as the table says', async () => {
    let body = spec.body?.(w);
    for (const [path, field] of fields) if (field.fancy && body) body = withField(body, path, field.fancy);
    const res = await send(w, route, spec, body === undefined ? {} : { payload: body });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(spec.status);
    expect(res.body).not.toContain('\ufffd');
    // stored as sent (trimmed), and answered so
    const answered = res.body === '' ? '' : JSON.stringify(res.json());
    for (const [path, field] of fields) if (field.fancy && field.kind !== 'password') expect.soft(answered, path).toContain(JSON.stringify(field.fancy.trim()).slice(1, -1));
  });
});

// ---------------------------------------------------------------------------------------------

describe('the roster import (PUT /rosters/:month/shifts, the body is the file)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore(), officeSchedule, clock: { now: () => AT } });
    for (const name of FIXTURE_OFFICERS) await api.roster.addOfficer({ officeId: 'default', name, phone: null, section: null }, { by: 'clerk', at: AT });
    await api.roster.openMonth('default', '2026-10', CLERK, AT);
  });
  afterAll(async () => {
    await api?.close();
  });
  const put = (payload: string | Buffer, contentType = 'text/csv', month = '2026-10') => api.inject({ method: 'PUT', url: `/rosters/${month}/shifts`, headers: { 'content-type': contentType }, payload });
  const shiftsOfOctober = async () => (await api.inject({ method: 'GET', url: '/rosters/2026-10' })).json<{ roster: { revision: number }; shifts: unknown[] }>();
  interface Problem {
    row: number | null;
    column: string | null;
    header: string | null;
    message: string;
  }
  const problemsOf = (res: LightMyRequestResponse) => res.json<{ error: string; problems: Problem[] }>().problems;

  /** Bytes that are no spreadsheet, the same every run. */
  const noise = (length: number) => {
    const bytes = Buffer.alloc(length);
    let x = 0x2545f491;
    for (let i = 0; i < length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    return bytes;
  };

  it('an empty body: 400 saying so', async () => {
    const res = await put('');
    expect([res.statusCode, res.json().error, messageOf(res)]).toEqual([400, 'BAD_REQUEST', 'the body must be the spreadsheet file (CSV or XLSX), not empty']);
  });

  it('a JSON body, a text/plain one: 400, not a 5xx', async () => {
    for (const [contentType, payload] of [
      ['application/json', '{"shifts":[]}'],
      ['text/plain', '日期,值班人员'],
    ] as const) {
      const res = await put(payload, contentType);
      expectRefused(res, contentType, [400, 415]);
    }
  });

  it('a month that is none, or an unknown parameter: 400 naming it, not a 5xx', async () => {
    const bad = await put(fixture('roster-2026-10.utf8.csv'), 'text/csv', 'oct');
    expectRefused(bad, 'month "oct"', [400], 'month');
    const unknown = await api.inject({ method: 'PUT', url: '/rosters/2026-10/shifts?sheet=1', headers: { 'content-type': 'text/csv' }, payload: fixture('roster-2026-10.utf8.csv') });
    expectRefused(unknown, 'querystring sheet', [400], 'querystring');
    const fileName = await api.inject({ method: 'PUT', url: '/rosters/2026-10/shifts?fileName=a%00b.csv', headers: { 'content-type': 'text/csv' }, payload: fixture('roster-2026-10.utf8.csv') });
    expectRefused(fileName, 'fileName with NUL', [400], 'querystring/fileName');
  });

  it('random bytes: 400 with the problems', async () => {
    for (const contentType of ['application/octet-stream', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']) {
      const res = await put(noise(4096), contentType);
      expect(res.statusCode, `${contentType}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(problemsOf(res).length, contentType).toBeGreaterThan(0);
    }
    expect((await shiftsOfOctober()).shifts).toEqual([]);
  });

  it('a zip that is no workbook: 400 with the problems', async () => {
    const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), noise(2048)]);
    const res = await put(zip, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    expect(problemsOf(res).length).toBeGreaterThan(0);
  });

  it('6 MB: 413', async () => {
    const res = await put(Buffer.concat([fixture('roster-2026-10.utf8.csv'), Buffer.alloc(6 * MB, 0x2c)]));
    expect([res.statusCode, res.json().error]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('a content type it does not read: 415', async () => {
    const res = await put(fixture('roster-2026-10.utf8.csv'), 'application/pdf');
    expect([res.statusCode, res.json().error]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('a file with problems: 400 naming each row and column, and nothing imported', async () => {
    const res = await put(fixture('errors/unknown-officer.csv'));
    expect(res.statusCode).toBe(400);
    expect(problemsOf(res)).toEqual([
      { row: 2, column: 'E', header: '值班人员', message: 'unknown officer "王五": office default has no officer of this name' },
      { row: 3, column: 'F', header: '带班领导', message: 'unknown officer "陈静": office default has no officer of this name' },
    ]);
    expect(messageOf(res)).toBe('the file was not imported (2 problems): row 2 column E: unknown officer "王五": office default has no officer of this name; row 3 column F: unknown officer "陈静": office default has no officer of this name');

    const several = await put(fixture('errors/several.xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(problemsOf(several)).toEqual([
      { row: 4, column: 'E', header: '值班人员', message: 'unknown officer "王五": office default has no officer of this name' },
      { row: 5, column: 'A', header: '日期', message: "2026-11-01 is not in the roster's month 2026-10" },
    ]);
    for (const name of ['date-outside-month.csv', 'overlap.csv', 'period-not-in-schedule.csv', 'unreadable-encoding.csv']) {
      const other = await put(fixture(`errors/${name}`));
      expect(other.statusCode, name).toBe(400);
      const problems = problemsOf(other);
      expect(problems.length, name).toBeGreaterThan(0);
      for (const p of problems) expect([name, typeof p.row, typeof p.column]).toEqual([name, 'number', 'string']);
    }
    expect(await shiftsOfOctober()).toMatchObject({ roster: { revision: 0 }, shifts: [] });
  });

  it('the fixture in each encoding and as XLSX: 200, its six shifts', async () => {
    const cases: Array<[string, string, string, string | null]> = [
      ['roster-2026-10.utf8.csv', 'text/csv', 'csv', 'utf-8'],
      ['roster-2026-10.utf8-bom.csv', 'text/csv', 'csv', 'utf-8 (BOM)'],
      ['roster-2026-10.gb18030.csv', 'application/vnd.ms-excel', 'csv', 'gb18030'],
      ['roster-2026-10.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx', null],
    ];
    for (const [name, contentType, format, encoding] of cases) {
      const res = await put(fixture(name), contentType);
      expect(res.statusCode, `${name}: ${res.body.slice(0, 300)}`).toBe(200);
      const body = res.json<{ format: string; encoding: string | null; shifts: Array<{ date: string; period: string; desk: string; officers: string[]; leader: string | null }> }>();
      expect([name, body.format, body.encoding]).toEqual([name, format, encoding]);
      expect(body.shifts.map((s) => `${s.date} ${s.period} ${s.desk} ${s.officers.join('、')} ${s.leader ?? '-'}`)).toEqual([
        '2026-10-01 08:30–20:30 desk 张伟 赵建国',
        '2026-10-01 20:30–08:30 night-desk 李娜、王芳 赵建国',
        '2026-10-09 08:30–17:30 desk 刘洋 孙丽',
        '2026-10-09 17:30–08:30 night-desk 张伟 孙丽',
        '2026-10-10 08:30–17:30 desk 王芳 赵建国',
        '2026-10-10 17:30–08:30 night-desk 刘洋、李娜 -',
      ]);
    }
    expect((await shiftsOfOctober()).roster.revision).toBe(4);
  });

  it('into a month that is no longer a draft: 409', async () => {
    await api.roster.submit('default', '2026-10', CLERK, AT);
    const res = await put(fixture('roster-2026-10.utf8.csv'));
    expect([res.statusCode, res.json().error]).toEqual([409, 'CONFLICT']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('October drawn up, published and swapped, through HTTP alone', () => {
  let api: TestApi;
  afterAll(async () => {
    await api?.close();
  });

  it('officers → draft → import → submit → approve → publish → on duty → swap → on duty', async () => {
    api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore(), officeSchedule, clock: { now: () => AT } });
    const call = async (method: InjectOptions['method'], url: string, payload?: object, headers: Headers = {}) => {
      const res = await api.inject({ method, url, headers, ...(payload && { payload }) });
      expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 400)}`).toBeLessThan(300);
      return res.json();
    };

    const ids: Record<string, string> = {};
    for (const name of FIXTURE_OFFICERS) ids[name] = (await call('POST', '/officers', { name, section: '总值班室' })).id;
    expect((await call('GET', '/officers')).items.map((o: { name: string }) => o.name).sort()).toEqual(['刘洋', '孙丽', '张伟', '李四', '李娜', '王芳', '赵建国'].sort());

    expect(await call('POST', '/rosters', { month: '2026-10' })).toMatchObject({ month: '2026-10', status: 'draft', revision: 0 });
    const imported = await api.inject({ method: 'PUT', url: '/rosters/2026-10/shifts?fileName=roster-2026-10.utf8.csv', headers: { 'content-type': 'text/csv' }, payload: fixture('roster-2026-10.utf8.csv') });
    expect(imported.statusCode, imported.body.slice(0, 400)).toBe(200);
    expect(imported.json()).toMatchObject({ format: 'csv', encoding: 'utf-8', roster: { status: 'draft', revision: 1 } });
    const deskShift = imported.json<{ shifts: Array<{ id: string; desk: string; date: string }> }>().shifts.find((s) => s.date === '2026-10-01' && s.desk === 'desk')!;

    expect(await call('POST', '/rosters/2026-10/submit')).toMatchObject({ status: 'submitted' });
    expect(await call('POST', '/rosters/2026-10/approve')).toMatchObject({ status: 'approved' });
    const published = await call('POST', '/rosters/2026-10/publish');
    expect(published).toMatchObject({ status: 'published', publishedAt: '2026-09-20T02:00:00.000Z', lateness: { late: false, publishedOn: '2026-09-20', reasons: [] } });
    expect(published.history.map((e: { action: string; note: string | null }) => [e.action, e.note])).toEqual([
      ['create', null],
      ['revise', 'import roster-2026-10.utf8.csv: 6 shifts'],
      ['submit', null],
      ['approve', null],
      ['publish', null],
    ]);

    const onDuty = () => call('GET', '/on-duty?desk=desk&at=2026-10-01T02:00:00Z');
    expect(await onDuty()).toMatchObject({
      at: '2026-10-01T02:00:00.000Z',
      desk: 'desk',
      noOneRostered: false,
      shift: { id: deskShift.id, date: '2026-10-01', period: '08:30–20:30', officers: ['张伟'], officerIds: [ids['张伟']], leader: '赵建国', startsAt: '2026-10-01T00:30:00.000Z', endsAt: '2026-10-01T12:30:00.000Z' },
    });

    // 张伟 hands his shift over to 刘洋 (代班): 刘洋 agrees, the duty director approves
    const zhang = await api.asNew('zhang.wei', 'duty-officer', { officerId: ids['张伟']! });
    const liu = await api.asNew('liu.yang', 'duty-officer', { officerId: ids['刘洋']! });
    const swap = await call('POST', '/swaps', { shiftId: deskShift.id, counterpartId: ids['刘洋'], reason: '国庆家中有事 🙏' }, zhang);
    expect(swap).toMatchObject({ shiftId: deskShift.id, requesterId: ids['张伟'], counterpartId: ids['刘洋'], counterpartShiftId: null, reason: '国庆家中有事 🙏', status: 'requested' });
    const refused = await api.inject({ method: 'POST', url: `/swaps/${swap.id}/agree`, headers: zhang });
    expect([refused.statusCode, refused.json().error]).toEqual([403, 'NOT_YOURS']);
    expect(await call('POST', `/swaps/${swap.id}/agree`, undefined, liu)).toMatchObject({ status: 'agreed' });
    expect((await onDuty()).shift.officers).toEqual(['张伟']);
    expect(await call('POST', `/swaps/${swap.id}/approve`, { note: '同意' })).toMatchObject({ status: 'approved', decisionNote: '同意', decidedAt: '2026-09-20T02:00:00.000Z' });

    expect(await onDuty()).toMatchObject({ noOneRostered: false, shift: { id: deskShift.id, officers: ['刘洋'], officerIds: [ids['刘洋']], leader: '赵建国' } });
    expect((await call('GET', '/swaps?status=approved')).items.map((s: { id: string }) => s.id)).toEqual([swap.id]);
  });
});

/**
 * The record review through the HTTP API on PostgreSQL and PGlite: a record with its history,
 * objection, confirm, waive, a mistake raised by hand; every refusal an entry of the error
 * catalogue (400 naming the field, 404, 409), never a 500 whatever the body holds.
 */
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { attributedTo, buildApi, publishRoster, type RecordJson, type RecordWithHistoryJson, type TestApi } from '../../support/http.js';
import { disciplineInput } from '../../support/store-contract.js';

/** The service's clock, set by each test: review events are stamped with it. */
let now = new Date('2026-11-23T03:00:00.000Z');
const clock = { now: () => new Date(now) };

describe.each(DB_KINDS)('record review API on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: TestApi;
  let discipline: PrismaDisciplineStore;
  let shiftId: string;
  const OFFICER = 'test-officer';
  const SUPERVISOR = 'test-supervisor';

  beforeAll(async () => {
    discipline = new PrismaDisciplineStore(database.db.prisma);
    api = await buildApi({ calls: new PrismaCallStore(database.db.prisma), discipline, clock });
    // 李四 (the duty-officer user) is on duty when the absences happen: he may read and contest them.
    shiftId = (await publishRoster(api.roster, [{ startsAt: '2026-11-23T00:00:00Z', endsAt: '2026-11-23T12:00:00Z', officerIds: [api.officerId] }]))[0]!.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  const request = async (method: 'GET' | 'POST', url: string, payload?: unknown, extra: Partial<InjectOptions> = {}) => {
    // An objection is the officer's; everything else goes as the supervisor (buildApi's default).
    const as = url.endsWith('/objection') ? api.as('duty-officer') : {};
    const res = await api.inject({
      method,
      url,
      ...(payload !== undefined && { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
      ...extra,
      headers: { ...as, ...(payload !== undefined && { 'content-type': 'application/json' }), ...extra.headers },
    } as InjectOptions);
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const get = (url: string) => request('GET', url);
  const post = (url: string, payload?: unknown, extra?: Partial<InjectOptions>) => request('POST', url, payload, extra);

  /** An absence as the rules raise it (through the store, as the write queue does). */
  const absence = async (pbxCallId: string) =>
    (await discipline.recordOnce(disciplineInput(pbxCallId, { occurredAt: new Date('2026-11-23T02:00:15.000Z'), duty: attributedTo(shiftId, [api.officerId], ['李四']) }))).record;

  it('GET /discipline-records/:id: the record with its history', async () => {
    const record = await absence(`api-get-${kind}`);
    const { status, body } = await get(`/discipline-records/${record.id}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      id: record.id,
      officeId: 'default',
      subject: { kind: 'call', id: `api-get-${kind}` },
      type: 'absence',
      mistakeKind: null,
      status: 'open',
      pbxCallId: `api-get-${kind}`,
      officer: '李四',
      duty: { noOneRostered: false, shiftId, shift: `shift ${shiftId}`, officerIds: [api.officerId], officers: ['李四'], leaderId: null, leader: null },
      deskEndpoint: 'desk',
      occurredAt: '2026-11-23T02:00:15.000Z',
      reason: '值班台响铃3声无人接听（离岗）',
      evidence: [
        { at: '2026-03-02T08:00:00.123Z', what: 'offered' },
        { at: '2026-03-02T08:00:15.000Z', what: 'ring 3' },
      ],
      createdAt: record.createdAt.toISOString(),
      history: [{ seq: 1, what: 'raised', actor: null, at: record.createdAt.toISOString(), text: '值班台响铃3声无人接听（离岗）' }],
    });
  });

  it('raised → objected → confirmed: each answer the record with its history so far', async () => {
    const record = await absence(`api-confirm-${kind}`);
    now = new Date('2026-11-23T03:00:00.000Z');
    const objected = await post(`/discipline-records/${record.id}/objection`, { text: '当时正在接听另一部值班电话' });
    expect(objected.status).toBe(200);
    expect(objected.body).toMatchObject({ id: record.id, status: 'open' });
    now = new Date('2026-11-23T04:15:30.500Z');
    const confirmed = await post(`/discipline-records/${record.id}/confirm`, { reason: '通话记录显示该时段无其他来电' });
    expect(confirmed.status).toBe(200);
    const history = [
      { seq: 1, what: 'raised', actor: null, at: record.createdAt.toISOString(), text: '值班台响铃3声无人接听（离岗）' },
      { seq: 2, what: 'objected', actor: OFFICER, at: '2026-11-23T03:00:00.000Z', text: '当时正在接听另一部值班电话' },
      { seq: 3, what: 'confirmed', actor: SUPERVISOR, at: '2026-11-23T04:15:30.500Z', text: '通话记录显示该时段无其他来电' },
    ];
    expect(confirmed.body).toMatchObject({ id: record.id, status: 'confirmed', history });
    expect((await get(`/discipline-records/${record.id}`)).body).toEqual(confirmed.body);
    const listed = (await get('/discipline-records?status=confirmed&limit=1000')).body.items as RecordJson[];
    expect(listed.find((r) => r.id === record.id)).toMatchObject({ status: 'confirmed', mistakeKind: null });
  });

  it('raised → waived', async () => {
    const record = await absence(`api-waive-${kind}`);
    now = new Date('2026-11-23T05:00:00.000Z');
    const waived = await post(`/discipline-records/${record.id}/waive`, { reason: 'desk phone out of order (ticket 118)' });
    expect(waived.status).toBe(200);
    expect((waived.body as unknown as RecordWithHistoryJson).history.slice(1)).toEqual([
      { seq: 2, what: 'waived', actor: SUPERVISOR, at: '2026-11-23T05:00:00.000Z', text: 'desk phone out of order (ticket 118)' },
    ]);
    expect(waived.body.status).toBe('waived');
  });

  it('POST /discipline-records raises a mistake by hand (201); a second one for the subject is a 409 naming the first', async () => {
    now = new Date('2026-11-23T09:00:00.000Z');
    const subject = { kind: 'shift', id: `shift-2026-11-23-day-${kind}` };
    const raised = await post('/discipline-records', { subject, mistakeKind: 'hand-over', text: ' 交接不到位：未交代待办事项 ', officer: '李四', occurredAt: '2026-11-23T00:30:00+08:00' });
    expect(raised.status).toBe(201);
    expect(raised.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      officeId: 'default',
      subject,
      type: 'mistake',
      mistakeKind: 'hand-over',
      status: 'open',
      pbxCallId: null,
      officer: '李四',
      duty: null,
      deskEndpoint: null,
      occurredAt: '2026-11-22T16:30:00.000Z',
      reason: '交接不到位：未交代待办事项',
      evidence: [],
      createdAt: expect.any(String),
      history: [{ seq: 1, what: 'raised', actor: SUPERVISOR, at: '2026-11-23T09:00:00.000Z', text: '交接不到位：未交代待办事项' }],
    });
    const id = raised.body.id as string;
    expect((await get(`/discipline-records/${id}`)).body).toEqual(raised.body);

    const again = await post('/discipline-records', { subject, mistakeKind: 'late-or-early', text: '迟到', occurredAt: '2026-11-23T00:30:00Z' });
    expect(again).toEqual({
      status: 409,
      body: { error: 'CONFLICT', message: `shift shift-2026-11-23-day-${kind} already has a mistake record (${id}): one record of each type per subject` },
    });
    expect((await get(`/discipline-records/${id}`)).body).toEqual(raised.body);

    // In another office the same subject is another subject; only that office's supervisor raises it there.
    const body = { officeId: 'branch', subject, mistakeKind: 'other', text: '其他', occurredAt: '2026-11-23T00:30:00Z' };
    expect(await post('/discipline-records', body)).toEqual({ status: 403, body: { error: 'NOT_YOURS', message: 'office branch is not yours (default)' } });
    const branchSupervisor = { headers: await api.asNew(`branch-supervisor-${kind}`, 'supervisor', { officeId: 'branch' }) };
    const branch = await post('/discipline-records', body, branchSupervisor);
    expect(branch.status).toBe(201);
    expect(branch.body).toMatchObject({ officeId: 'branch', officer: null, mistakeKind: 'other' });
    const listed = (await request('GET', '/discipline-records?type=mistake&office=branch&limit=1000', undefined, branchSupervisor)).body.items as RecordJson[];
    expect(listed.map((r) => [r.id, r.mistakeKind])).toEqual([[branch.body.id, 'other']]);
  });

  it('illegal transitions are a 409 and change nothing', async () => {
    const record = await absence(`api-illegal-${kind}`);
    const url = `/discipline-records/${record.id}`;
    expect((await post(`${url}/objection`, { text: '不是我' })).status).toBe(200);
    expect(await post(`${url}/objection`, { text: '再申诉一次' })).toEqual({
      status: 409,
      body: { error: 'CONFLICT', message: `discipline record ${record.id}: an objection has already been filed for this record` },
    });
    expect((await post(`${url}/waive`, { reason: '误报' })).status).toBe(200);
    const decided = (await get(url)).body;
    const refused: Array<[string, unknown, string]> = [
      ['confirm', { reason: 'changed my mind' }, 'the record is already waived: it cannot be confirmed'],
      ['waive', { reason: 'again' }, 'the record is already waived: it cannot be waived'],
      ['objection', { text: 'too late' }, 'the record is already waived: an objection can only be filed while it is open'],
    ];
    for (const [action, payload, message] of refused) {
      expect(await post(`${url}/${action}`, payload), action).toEqual({ status: 409, body: { error: 'CONFLICT', message: `discipline record ${record.id}: ${message}` } });
    }
    expect((await get(url)).body).toEqual(decided);
    expect((decided as unknown as RecordWithHistoryJson).history.map((e) => e.what)).toEqual(['raised', 'objected', 'waived']);
  });

  it.each([
    ['an unknown id', randomUUID()],
    ['an upper-case unknown id', randomUUID().toUpperCase()],
    ['no UUID', 'not-a-uuid'],
    ['a number', '12345'],
    ['SQL', "'%20OR%201=1--"],
    ['NUL', '%00'],
    ['a right-to-left mark', '%E2%80%8F'],
    ['emoji', '%F0%9F%98%80'],
    ['100 characters', 'x'.repeat(100)],
  ])('%s: 404 on every record route', async (_what, id) => {
    for (const [method, action, payload] of [
      ['GET', '', undefined],
      ['POST', '/objection', { text: 'x' }],
      ['POST', '/confirm', { reason: 'x' }],
      ['POST', '/waive', { reason: 'x' }],
    ] as const) {
      const { status, body } = await request(method, `/discipline-records/${id}${action}`, payload);
      expect(status, `${method} ${action} ${id}`).toBe(404);
      expect(body.error).toBe('NOT_FOUND');
    }
  });

  it('an id that is no text (a lone surrogate as UTF-8 escapes) is a 400 before routing', async () => {
    for (const [method, action, payload] of [
      ['GET', '', undefined],
      ['POST', '/confirm', { reason: 'x' }],
    ] as const) {
      const { status, body } = await request(method, `/discipline-records/%ED%A0%80${action}`, payload);
      expect([status, body.error]).toEqual([400, 'BAD_REQUEST']);
    }
  });

  it('a 400 names the field, and nothing changes', async () => {
    const record = await absence(`api-bad-${kind}`);
    const url = `/discipline-records/${record.id}`;
    const before = (await get(url)).body;
    const cases: Array<[string, unknown, RegExp]> = [
      ['confirm', {}, /body must have required property 'reason'/],
      ['confirm', { reason: '' }, /body\/reason must NOT have fewer than 1 characters/],
      ['confirm', { reason: '   \n\t ' }, /^body\/reason must not be blank$/],
      ['waive', { reason: '\u3000' }, /^body\/reason must not be blank$/],
      ['waive', { reason: 'x'.repeat(2001) }, /body\/reason must NOT have more than 2000 characters/],
      ['waive', { reason: 42 }, /^body\/reason must be string$/],
      ['waive', { reason: ['ok'] }, /^body\/reason must be string$/],
      ['waive', { reason: { text: 'ok' } }, /^body\/reason must be string$/],
      ['waive', { reason: true }, /^body\/reason must be string$/],
      ['waive', { reason: null }, /^body\/reason must be string$/],
      ['waive', { reason: 'ok', by: 'someone else' }, /body must NOT have additional properties/],
      ['waive', { text: 'ok' }, /body must NOT have additional properties|required property 'reason'/],
      ['objection', { text: 'a\u0000b' }, /^body\/text must not contain control characters/],
      ['objection', { text: 'a\u0085b' }, /^body\/text must not contain control characters/],
      ['objection', { text: '\u0007' }, /^body\/text must not contain control characters/],
      ['objection', '{"text":"\\ud800"}', /^body\/text must be well-formed Unicode/],
      ['objection', '{"text":"ok \\udfff ok"}', /^body\/text must be well-formed Unicode/],
      ['objection', [], /body must be object/],
      ['objection', 'null', /body must be object/],
      ['objection', '"text"', /body must be object/],
      ['objection', '{', /JSON/],
      ['objection', '{"text":"a","text":"b"}', /.*/],
      ['objection', '{"__proto__":{"text":"x"}}', /.*/],
    ];
    for (const [action, payload, message] of cases) {
      const { status, body } = await post(`${url}/${action}`, payload);
      if (status === 200) {
        // Duplicate keys are JSON the parser takes (the last wins): fine, but then it is an objection.
        expect(payload, 'only the duplicate-key body may pass').toBe('{"text":"a","text":"b"}');
        continue;
      }
      expect(status, `${action} ${JSON.stringify(payload).slice(0, 60)}`).toBe(400);
      expect(body.error).toBe('BAD_REQUEST');
      expect(body.message, `${action} ${JSON.stringify(payload).slice(0, 60)}`).toMatch(message);
    }
    const after = (await get(url)).body as unknown as RecordWithHistoryJson;
    const objections = after.history.filter((e) => e.what === 'objected');
    expect(after.history.filter((e) => e.what !== 'objected')).toEqual((before as unknown as RecordWithHistoryJson).history);
    expect(objections.map((e) => e.text)).toEqual(objections.length ? ['b'] : []);
    expect(after.status).toBe('open');
  });

  it('a manual mistake: 400 naming the field for each thing it cannot record', async () => {
    now = new Date('2026-11-23T09:00:00.000Z');
    const good = { subject: { kind: 'duty-log-entry', id: `log-${kind}-bad` }, mistakeKind: 'unrecorded-call', text: '漏记来电', occurredAt: '2026-11-23T01:00:00Z' };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ subject: undefined }, /required property 'subject'/],
      [{ subject: { kind: 'desk', id: 'x' } }, /body\/subject\/kind/],
      [{ subject: { kind: 'call' } }, /required property 'id'/],
      [{ subject: { kind: 'call', id: 7 } }, /^body\/subject\/id must be string$/],
      [{ subject: { kind: 'call', id: ' ' } }, /^body\/subject\/id must not be blank$/],
      [{ subject: { kind: 'call', id: 'x'.repeat(201) } }, /body\/subject\/id must NOT have more than 200 characters/],
      [{ subject: 'call 1.2' }, /^body\/subject must be object$/],
      [{ mistakeKind: 'lazy' }, /body\/mistakeKind/],
      [{ mistakeKind: undefined }, /required property 'mistakeKind'/],
      [{ text: '' }, /body\/text must NOT have fewer than 1 characters/],
      [{ text: 'x'.repeat(2001) }, /body\/text must NOT have more than 2000 characters/],
      [{ text: 'nul \u0000' }, /^body\/text must not contain control characters/],
      [{ officer: '' }, /^body\/officer must not be blank$/],
      [{ officer: 12 }, /^body\/officer must be string or null$/],
      [{ officer: 'x'.repeat(201) }, /body\/officer must NOT have more than 200 characters/],
      [{ occurredAt: 'yesterday' }, /body\/occurredAt must match format "date-time"/],
      [{ occurredAt: '2026-06-30T23:59:60Z' }, /body\/occurredAt/],
      [{ occurredAt: '2026-11-23T09:05:00.001Z' }, /^body\/occurredAt must not be in the future$/],
      [{ occurredAt: 1763859600000 }, /^body\/occurredAt must be string$/],
      [{ officeId: 'no such/office' }, /body\/officeId must match pattern/],
      [{ type: 'absence' }, /body must NOT have additional properties/],
      [{ status: 'waived' }, /body must NOT have additional properties/],
    ];
    for (const [change, message] of cases) {
      const { status, body } = await post('/discipline-records', { ...good, ...change });
      expect(status, JSON.stringify(change).slice(0, 80)).toBe(400);
      expect(body.error).toBe('BAD_REQUEST');
      expect(body.message, JSON.stringify(change).slice(0, 80)).toMatch(message);
    }
    const listed = (await get('/discipline-records?type=mistake&limit=1000')).body.items as RecordJson[];
    expect(listed.filter((r) => r.subject.id === `log-${kind}-bad`)).toEqual([]);
  });

  it('never a 500: megabyte strings, odd types and odd unicode are answered from the catalogue', async () => {
    const record = await absence(`api-fuzz-${kind}`);
    const url = `/discipline-records/${record.id}`;
    const megabyte = 'x'.repeat(1_000_000);
    const payloads: unknown[] = [
      { reason: megabyte },
      { text: megabyte },
      { reason: '值'.repeat(1_000_000) },
      { reason: 'y'.repeat(2 * 1024 * 1024) },
      { reason: '\u0000'.repeat(1000) },
      { reason: '\ud800'.repeat(1000) },
      { reason: '\u202e\u200f'.repeat(2001) },
      { [megabyte]: 'x' },
      Array.from({ length: 50_000 }, () => ({ reason: 'x' })),
      { reason: { a: { b: { c: { d: [[[[[]]]]] } } } } },
      { reason: 1e308 },
      { reason: -0 },
      '{"reason":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}',
      '{"reason":"\\u0000"}',
      '\u0000',
    ];
    for (const action of ['confirm', 'waive', 'objection']) {
      for (const payload of payloads) {
        const { status, body } = await post(`${url}/${action}`, payload);
        const what = `${action} ${JSON.stringify(payload).slice(0, 40)}`;
        expect([400, 413], what).toContain(status);
        expect(Object.keys(body).sort(), what).toEqual(['error', 'message']);
      }
    }
    for (const payload of [{ text: megabyte }, { subject: { kind: 'call', id: megabyte } }, { officer: megabyte }]) {
      const { status } = await post('/discipline-records', { subject: { kind: 'call', id: 'x' }, mistakeKind: 'other', text: 'x', occurredAt: '2026-11-23T01:00:00Z', ...payload });
      expect([400, 413]).toContain(status);
    }
    // Other media types, and no body at all.
    expect((await post(`${url}/confirm`, undefined, { payload: 'reason=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await post(`${url}/confirm`, undefined, { payload: '<reason/>', headers: { 'content-type': 'text/xml' } })).status).toBe(415);
    expect((await post(`${url}/confirm`)).status).toBe(400);
    expect((await post(`${url}/confirm`, '')).status).toBe(400);
    expect((await get(url)).body).toMatchObject({ status: 'open', history: [{ seq: 1, what: 'raised' }] });
  });

  it('odd but well-formed text is kept as written: right-to-left marks, emoji, CJK, line breaks', async () => {
    const record = await absence(`api-unicode-${kind}`);
    const text = '\u200fمرحبا\u200e \u202eRTL override\u202c 😀👍🏽 值班\r\n第二行\t完';
    const objected = await post(`/discipline-records/${record.id}/objection`, { text: `  ${text}\n` });
    expect(objected.status).toBe(200);
    const waived = await post(`/discipline-records/${record.id}/waive`, { reason: '😀'.repeat(2000) });
    expect(waived.status).toBe(200);
    const history = ((await get(`/discipline-records/${record.id}`)).body as unknown as RecordWithHistoryJson).history;
    expect(history.map((e) => e.text)).toEqual(['值班台响铃3声无人接听（离岗）', text, '😀'.repeat(2000)]);
  });
});

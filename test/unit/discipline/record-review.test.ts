/** The record review's routes and service over the memory store: permissions, the actor placeholder, 503s, the spill codec. */
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../../src/app/http-app.js';
import { CallService } from '../../../src/calls/call-service.js';
import type { CallStore } from '../../../src/calls/call-store.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { NOBODY_SIGNED_IN } from '../../../src/discipline/discipline-routes.js';
import { DisciplineService } from '../../../src/discipline/discipline-service.js';
import type { DisciplineStore } from '../../../src/discipline/discipline-store.js';
import { disciplineWriteKind } from '../../../src/discipline/discipline-writes.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { DatabaseUnavailableError } from '../../../src/platform/db/database-unavailable-error.js';
import { deferred } from '../../../src/platform/db/deferred-store.js';
import { ApiError } from '../../../src/platform/http/errors.js';
import { serverOptions } from '../../../src/platform/http/server-options.js';
import { buildApi, healthyReport, type RecordWithHistoryJson } from '../../support/http.js';
import { disciplineInput } from '../../support/store-contract.js';

const AT = new Date('2026-11-23T03:00:00.000Z');
const clock = { now: () => AT };

describe('record review routes', () => {
  it('declare their permissions: read, object (the officer), review (a supervisor)', async () => {
    const routes: RouteOptions[] = [];
    const fastify = Fastify({ ...serverOptions, logger: false });
    fastify.addHook('onRoute', (route) => void routes.push(route));
    await fastify.register(app, { calls: new CallService(new MemoryCallStore()), discipline: new DisciplineService(new MemoryDisciplineStore()), health: () => healthyReport });
    await fastify.ready();
    await fastify.close();
    const declared = Object.fromEntries(routes.filter((r) => r.url.startsWith('/discipline-records')).map((r) => [`${String(r.method)} ${r.url}`, r.config?.permission]));
    expect(declared).toEqual({
      'GET /discipline-records': 'records:read',
      'HEAD /discipline-records': 'records:read',
      'GET /discipline-records/:id': 'records:read',
      'HEAD /discipline-records/:id': 'records:read',
      'POST /discipline-records/:id/objection': 'records:object',
      'POST /discipline-records/:id/confirm': 'records:review',
      'POST /discipline-records/:id/waive': 'records:review',
      'POST /discipline-records': 'records:review',
    });
  });

  it('take the acting user from one resolver, which names nobody until access control supplies it (test/unit/app/record-changes-need-sign-in.test.ts)', () => {
    expect(NOBODY_SIGNED_IN({} as never)).toBeNull();
  });

  describe('over the memory store (the same semantics as the databases)', () => {
    let api: FastifyInstance;
    const discipline = new MemoryDisciplineStore();
    beforeAll(async () => {
      api = await buildApi({ calls: new MemoryCallStore(), discipline, clock });
    });
    afterAll(async () => {
      await api?.close();
    });
    const post = (url: string, body: unknown) => api.inject({ method: 'POST', url, payload: body as object });

    it('raised → objected → waived, attributed to the placeholder actor', async () => {
      const { record } = await discipline.recordOnce(disciplineInput('m-1'));
      expect((await post(`/discipline-records/${record.id}/objection`, { text: '不是我' })).statusCode).toBe(200);
      const waived = await post(`/discipline-records/${record.id}/waive`, { reason: '误报' });
      expect(waived.statusCode).toBe(200);
      expect(waived.json<RecordWithHistoryJson>().history).toEqual([
        { seq: 1, what: 'raised', actor: null, at: record.createdAt.toISOString(), text: 'desk rang 3 rings without answer' },
        { seq: 2, what: 'objected', actor: 'unauthenticated', at: '2026-11-23T03:00:00.000Z', text: '不是我' },
        { seq: 3, what: 'waived', actor: 'unauthenticated', at: '2026-11-23T03:00:00.000Z', text: '误报' },
      ]);
      expect((await post(`/discipline-records/${record.id}/confirm`, { reason: 'x' })).json()).toEqual({
        error: 'CONFLICT',
        message: `discipline record ${record.id}: the record is already waived: it cannot be confirmed`,
      });
      expect(discipline.eventCount).toBe(3);
    });

    it('a manual mistake is 201, a second for the subject 409', async () => {
      const body = { subject: { kind: 'spot-check', id: 'sc-7' }, mistakeKind: 'unreported-incident', text: '未报告重大事项', occurredAt: '2026-11-23T01:00:00Z' };
      const first = await post('/discipline-records', body);
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ type: 'mistake', mistakeKind: 'unreported-incident', history: [{ seq: 1, what: 'raised', actor: 'unauthenticated', at: '2026-11-23T03:00:00.000Z', text: '未报告重大事项' }] });
      expect((await post('/discipline-records', body)).statusCode).toBe(409);
    });
  });

  describe('while the database is not open', () => {
    let api: FastifyInstance;
    beforeAll(async () => {
      const notOpen = (): never => {
        throw new DatabaseUnavailableError('database not available yet: connect ECONNREFUSED 127.0.0.1:5432');
      };
      api = await buildApi({ calls: deferred<CallStore>(notOpen), discipline: deferred<DisciplineStore>(notOpen) });
    });
    afterAll(async () => {
      await api?.close();
    });

    it.each([
      ['GET', '/discipline-records/00000000-0000-4000-8000-000000000000', undefined],
      ['POST', '/discipline-records/00000000-0000-4000-8000-000000000000/objection', { text: 'x' }],
      ['POST', '/discipline-records/00000000-0000-4000-8000-000000000000/confirm', { reason: 'x' }],
      ['POST', '/discipline-records/00000000-0000-4000-8000-000000000000/waive', { reason: 'x' }],
      ['POST', '/discipline-records', { subject: { kind: 'call', id: '1.2' }, mistakeKind: 'other', text: 'x', occurredAt: '2026-11-23T01:00:00Z' }],
    ] as const)('%s %s answers 503 with the reason', async (method, url, payload) => {
      const res = await api.inject({ method, url, ...(payload && { payload }) });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: 'DATABASE_UNAVAILABLE', message: 'database not available yet: connect ECONNREFUSED 127.0.0.1:5432' });
    });

    it('a bad body is still a 400 first', async () => {
      for (const [url, payload] of [
        ['/discipline-records/00000000-0000-4000-8000-000000000000/confirm', { reason: ' ' }],
        ['/discipline-records/00000000-0000-4000-8000-000000000000/objection', { text: 'a\u0000' }],
        ['/discipline-records/00000000-0000-4000-8000-000000000000/waive', { reason: '' }],
        ['/discipline-records', { subject: { kind: 'call', id: '1.2' }, mistakeKind: 'other', text: ' ', occurredAt: '2026-11-23T01:00:00Z' }],
      ] as const) {
        const res = await api.inject({ method: 'POST', url, payload });
        expect([res.statusCode, res.json().error], JSON.stringify(payload)).toEqual([400, 'BAD_REQUEST']);
      }
    });
  });
});

describe('DisciplineService', () => {
  it('an empty actor is no known caller: 401, nothing written', async () => {
    const store = new MemoryDisciplineStore();
    const service = new DisciplineService(store, clock);
    const { record } = await store.recordOnce(disciplineInput('s-1'));
    const refusal = await service.confirm(record.id, 'ok', ' ').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect([(refusal as ApiError).statusCode, (refusal as ApiError).code]).toEqual([401, 'UNAUTHORIZED']);
    const raise = await service.raiseMistake({ officeId: 'default', subject: { kind: 'shift', id: 's' }, mistakeKind: 'other', text: 'x', officer: null, occurredAt: AT }, '').catch((e: unknown) => e);
    expect((raise as ApiError).code).toBe('UNAUTHORIZED');
    expect([store.size, store.eventCount]).toEqual([1, 1]);
  });

  it('unknown records are 404, refusals 400 naming the field or 409', async () => {
    const store = new MemoryDisciplineStore();
    const service = new DisciplineService(store, clock);
    const { record } = await store.recordOnce(disciplineInput('s-2'));
    const codes = async (p: Promise<unknown>) => p.then(() => 'ok', (e: ApiError) => `${e.statusCode} ${e.message}`);
    expect(await codes(service.get('00000000-0000-4000-8000-000000000000'))).toBe('404 discipline record 00000000-0000-4000-8000-000000000000 not found');
    expect(await codes(service.waive(record.id, '  ', '王主任'))).toBe('400 body/reason must not be blank');
    expect(await codes(service.waive(record.id, 'ok', '王主任'))).toBe('ok');
    expect(await codes(service.object(record.id, 'late', '李四'))).toBe(`409 discipline record ${record.id}: the record is already waived: an objection can only be filed while it is open`);
  });
});

describe("the 'discipline' write kind", () => {
  it('keeps a mistake kind through a spill file, and reads files written before it', () => {
    const { spill } = disciplineWriteKind(new MemoryDisciplineStore());
    const json = JSON.parse(JSON.stringify(disciplineInput('w-1', { type: 'mistake', mistakeKind: 'unrecorded-call' })));
    expect(Value.Check(spill.schema, json)).toBe(true);
    expect(spill.decode(json)).toEqual(disciplineInput('w-1', { type: 'mistake', mistakeKind: 'unrecorded-call' }));
    const before = JSON.parse(JSON.stringify(disciplineInput('w-2')));
    expect(spill.decode(before)).toEqual(disciplineInput('w-2'));
    expect(spill.decode({ ...before, mistakeKind: null })).toEqual(disciplineInput('w-2'));
  });
});

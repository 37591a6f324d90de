/** The HTTP API over the real stores, on PostgreSQL and on PGlite. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSnapshot } from '../../../src/core/call/call-model.js';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { buildApi, healthyReport } from '../../support/http.js';

const t = (iso: string) => new Date(iso);
function snapshot(pbxCallId: string, offeredAt: string, outcome: CallSnapshot['outcome']): CallSnapshot {
  return {
    officeId: 'default',
    pbxCallId,
    direction: 'inbound',
    callerNumber: '13800000000',
    callerName: null,
    dialed: '1000',
    offeredAt: t(offeredAt),
    deskEndpoint: 'desk',
    deskRingingAt: t(offeredAt),
    answeredAt: null,
    answeredBy: null,
    ringCount: 3,
    endedAt: t(offeredAt),
    outcome,
    reachedNobody: false,
    timeline: [{ at: offeredAt, what: 'offered by 13800000000' }],
  };
}

describe.each(DB_KINDS)('HTTP API on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: FastifyInstance;

  beforeAll(async () => {
    const calls = new PrismaCallStore(database.db.prisma);
    const discipline = new PrismaDisciplineStore(database.db.prisma);
    await calls.save(snapshot('1.1', '2026-11-01T01:00:00.000Z', 'answered'));
    await calls.save(snapshot('1.2', '2026-11-02T01:00:00.000Z', 'absence'));
    await calls.save(snapshot('1.3', '2026-11-03T01:00:00.000Z', 'abandoned'));
    await discipline.recordOnce({
      officeId: 'default',
      subject: { kind: 'call', id: '1.2' },
      type: 'absence',
      officer: null,
      deskEndpoint: 'desk',
      occurredAt: t('2026-11-02T01:00:15.000Z'),
      reason: '值班台响铃3声无人接听（离岗）',
      evidence: [{ at: '2026-11-02T01:00:00.000Z', what: 'desk ring 1' }],
    });
    api = await buildApi({ calls, discipline });
  });
  afterAll(async () => {
    await api?.close();
  });

  const get = (url: string) => api.inject({ method: 'GET', url });

  it('lists calls newest first with ISO times', async () => {
    const res = await get('/calls');
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: Array<{ pbxCallId: string; offeredAt: string; timeline: unknown[] }> }>();
    expect(items.map((c) => c.pbxCallId)).toEqual(['1.3', '1.2', '1.1']);
    expect(items[0]?.offeredAt).toBe('2026-11-03T01:00:00.000Z');
    expect(items[0]?.timeline).toEqual([{ at: '2026-11-03T01:00:00.000Z', what: 'offered by 13800000000' }]);
  });

  it('filters calls by time range and outcome, and pages', async () => {
    const range = await get('/calls?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z');
    expect(range.json().items.map((c: { pbxCallId: string }) => c.pbxCallId)).toEqual(['1.2']);
    const absence = await get('/calls?outcome=absence');
    expect(absence.json().items.map((c: { pbxCallId: string }) => c.pbxCallId)).toEqual(['1.2']);
    const page = await get('/calls?limit=1&offset=1');
    expect(page.json().items.map((c: { pbxCallId: string }) => c.pbxCallId)).toEqual(['1.2']);
  });

  it('gets one call by id and 404s an unknown one', async () => {
    const { items } = (await get('/calls?outcome=answered')).json<{ items: Array<{ id: string }> }>();
    const one = await get(`/calls/${items[0]!.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().pbxCallId).toBe('1.1');
    const missing = await get('/calls/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'NOT_FOUND', message: 'call 00000000-0000-4000-8000-000000000000 not found' });
    expect((await get('/calls/not-a-uuid')).statusCode).toBe(404);
  });

  it('answers bad queries with a 400 naming the problem', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/calls?outcome=lost', /outcome/],
      ['/calls?from=yesterday', /from/],
      ['/calls?limit=0', /limit/],
      ['/calls?limit=5000', /limit/],
      ['/calls?bogus=1', /additional properties|bogus/],
      ['/calls?from=2026-11-03T00:00:00Z&to=2026-11-01T00:00:00Z', /'from' .* must be before 'to'/],
      ['/discipline-records?type=late', /type/],
    ];
    for (const [url, message] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toBe('BAD_REQUEST');
      expect(res.json().message, url).toMatch(message);
    }
  });

  it.each(['/calls', '/discipline-records'])('%s: every query number is bounded, at the bound it answers, past it a 400 names the parameter', async (route) => {
    for (const ok of ['limit=1', 'limit=1000', 'offset=0', 'offset=10000000']) {
      const res = await get(`${route}?${ok}`);
      expect(res.statusCode, ok).toBe(200);
    }
    expect((await get(`${route}?offset=10000000`)).json().items).toEqual([]);
    const bad: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=99999999999999999999', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=10000001', 'offset'],
      ['offset=9223372036854775807', 'offset'],
      ['offset=9223372036854775808', 'offset'],
      ['offset=99999999999999999999', 'offset'],
      ['offset=1e400', 'offset'],
      ['limit=1e400', 'limit'],
      ['from=2026-06-30T23:59:60Z', 'from'],
      ['to=2026-02-30T00:00:00Z', 'to'],
      [`from=${'2'.repeat(41)}`, 'from'],
    ];
    for (const [query, parameter] of bad) {
      const res = await get(`${route}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error, query).toBe('BAD_REQUEST');
      expect(res.json().message, query).toContain(parameter);
    }
  });

  it('lists discipline records with their evidence, filtered by type, status and time', async () => {
    const res = await get('/discipline-records?type=absence&status=open&from=2026-11-02T00:00:00Z');
    expect(res.statusCode).toBe(200);
    const [record, ...rest] = res.json().items;
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ type: 'absence', status: 'open', pbxCallId: '1.2', occurredAt: '2026-11-02T01:00:15.000Z', evidence: [{ what: 'desk ring 1' }] });
    expect((await get('/discipline-records?from=2026-11-03T00:00:00Z')).json().items).toEqual([]);
  });

  it('404s unknown routes and reports health with 200, or 503 when degraded', async () => {
    expect((await get('/nope')).statusCode).toBe(404);
    expect((await get('/healthz')).json()).toEqual(healthyReport);
    const degraded = await buildApi({
      calls: new PrismaCallStore(database.db.prisma),
      discipline: new PrismaDisciplineStore(database.db.prisma),
      health: () => ({ ...healthyReport, status: 'degraded' }),
    });
    expect((await degraded.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
    await degraded.close();
  });
});

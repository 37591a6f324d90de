/** The record review's routes and service over the memory store: permissions, who acts, 503s, the spill codec. */
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStore } from '../../../src/calls/call-store.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { DisciplineService } from '../../../src/discipline/discipline-service.js';
import type { DisciplineStore } from '../../../src/discipline/discipline-store.js';
import { disciplineWriteKind } from '../../../src/discipline/discipline-writes.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { DatabaseUnavailableError } from '../../../src/platform/db/database-unavailable-error.js';
import { deferred } from '../../../src/platform/db/deferred-store.js';
import { ApiError } from '../../../src/platform/http/errors.js';
import { AuditTrail } from '../../../src/access/audit-trail.js';
import { MemoryAuditStore } from '../../../src/access/memory-access-store.js';
import type { Viewer } from '../../../src/access/viewer.js';
import { readScopeOf, type Role } from '../../../src/core/access/roles.js';
import { attributedTo, buildApi, publishRoster, type TestApi, type RecordWithHistoryJson } from '../../support/http.js';
import { disciplineInput } from '../../support/store-contract.js';

const AT = new Date('2026-11-23T03:00:00.000Z');
const clock = { now: () => AT };

describe('record review routes', () => {
  it('declare their permissions: read, object (the officer), review (a supervisor)', async () => {
    const api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() });
    await api.close();
    const declared = Object.fromEntries(Object.entries(api.declared).filter(([route]) => route.includes(' /discipline-records')));
    expect(declared).toEqual({
      'GET /discipline-records': 'records:read',
      'GET /discipline-records/:id': 'records:read',
      'POST /discipline-records/:id/objection': 'records:object',
      'POST /discipline-records/:id/confirm': 'records:review',
      'POST /discipline-records/:id/waive': 'records:review',
      'POST /discipline-records': 'records:review',
    });
  });

  describe('over the memory store (the same semantics as the databases)', () => {
    let api: TestApi;
    let shiftId: string;
    const discipline = new MemoryDisciplineStore();
    beforeAll(async () => {
      api = await buildApi({ calls: new MemoryCallStore(), discipline, clock });
      shiftId = (await publishRoster(api.roster, [{ startsAt: '2026-03-02T00:00:00Z', endsAt: '2026-03-02T12:00:00Z', officerIds: [api.officerId] }]))[0]!.id;
    });
    afterAll(async () => {
      await api?.close();
    });
    const post = (url: string, body: unknown, headers = {}) => api.inject({ method: 'POST', url, payload: body as object, headers });

    it('raised → objected (by the officer it names) → waived (by a supervisor), each in the name of who did it', async () => {
      const { record } = await discipline.recordOnce(disciplineInput('m-1', { duty: attributedTo(shiftId, [api.officerId], ['李四']) }));
      expect((await post(`/discipline-records/${record.id}/objection`, { text: '不是我' }, api.as('duty-officer'))).statusCode).toBe(200);
      const waived = await post(`/discipline-records/${record.id}/waive`, { reason: '误报' });
      expect(waived.statusCode).toBe(200);
      expect(waived.json<RecordWithHistoryJson>().history).toEqual([
        { seq: 1, what: 'raised', actor: null, at: record.createdAt.toISOString(), text: '值班台响铃3声无人接听（离岗）' },
        { seq: 2, what: 'objected', actor: 'test-officer', at: '2026-11-23T03:00:00.000Z', text: '不是我' },
        { seq: 3, what: 'waived', actor: 'test-supervisor', at: '2026-11-23T03:00:00.000Z', text: '误报' },
      ]);
      expect((await post(`/discipline-records/${record.id}/confirm`, { reason: 'x' })).json()).toEqual({
        error: 'CONFLICT',
        message: `discipline record ${record.id}: the record is already waived: it cannot be confirmed`,
      });
      expect(discipline.eventCount).toBe(3);
    });

    it('a manual mistake about a shift of the published roster names who held it; about anything else, no one', async () => {
      const about = (subject: object, extra: object = {}) => post('/discipline-records', { subject, mistakeKind: 'hand-over', text: '交接不到位', occurredAt: '2026-03-02T09:00:00Z', ...extra });
      const shift = await about({ kind: 'shift', id: shiftId });
      expect(shift.statusCode, shift.body).toBe(201);
      expect(shift.json()).toMatchObject({ officer: '李四', duty: { noOneRostered: false, shiftId, officerIds: [api.officerId], officers: ['李四'], leader: null } });
      const named = await about({ kind: 'shift', id: '00000000-0000-4000-8000-00000000beef' }, { officer: '王五' });
      expect(named.json()).toMatchObject({ officer: '王五', duty: null });
      const spotCheck = await about({ kind: 'spot-check', id: 'sc-attribution' });
      expect(spotCheck.json()).toMatchObject({ officer: null, duty: null });
    });

    it('a manual mistake is 201, a second for the subject 409', async () => {
      const body = { subject: { kind: 'spot-check', id: 'sc-7' }, mistakeKind: 'unreported-incident', text: '未报告重大事项', occurredAt: '2026-11-23T01:00:00Z' };
      const first = await post('/discipline-records', body);
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ type: 'mistake', mistakeKind: 'unreported-incident', history: [{ seq: 1, what: 'raised', actor: 'test-supervisor', at: '2026-11-23T03:00:00.000Z', text: '未报告重大事项' }] });
      expect((await post('/discipline-records', body)).statusCode).toBe(409);
    });
  });

  describe('while the database is not open', () => {
    let api: TestApi;
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
      const res = await api.inject({ method, url, ...(payload && { payload }), ...(url.endsWith('/objection') && { headers: api.as('duty-officer') }) });
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
        const res = await api.inject({ method: 'POST', url, payload, ...(url.endsWith('/objection') && { headers: api.as('duty-officer') }) });
        expect([res.statusCode, res.json().error], JSON.stringify(payload)).toEqual([400, 'BAD_REQUEST']);
      }
    });
  });
});

/** A viewer as the access check would make it, of office "default". */
function viewer(name: string, role: Role, officerId: string | null = null): Viewer {
  return {
    user: { id: `u-${name}`, name, displayName: name, role, officeId: 'default', officerId },
    scope: readScopeOf({ role, officeId: 'default' }),
    reader: { userId: `u-${name}`, userName: name, role, officeId: 'default', address: null },
    route: 'test',
    query: {},
  };
}
const audit = () => new AuditTrail(new MemoryAuditStore(), { now: () => AT, schedule: () => () => {} });

describe('DisciplineService', () => {
  it('a name the lifecycle refuses is no known caller: 401, nothing written', async () => {
    const store = new MemoryDisciplineStore();
    const service = new DisciplineService(store, audit(), clock);
    const { record } = await store.recordOnce(disciplineInput('s-1'));
    const refusal = await service.confirm(record.id, 'ok', viewer(' ', 'supervisor')).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect([(refusal as ApiError).statusCode, (refusal as ApiError).code]).toEqual([401, 'UNAUTHORIZED']);
    const raise = await service.raiseMistake({ officeId: 'default', subject: { kind: 'shift', id: 's' }, mistakeKind: 'other', text: 'x', officer: null, occurredAt: AT }, viewer('', 'supervisor')).catch((e: unknown) => e);
    expect((raise as ApiError).code).toBe('UNAUTHORIZED');
    expect([store.size, store.eventCount]).toEqual([1, 1]);
  });

  it('unknown records are 404, refusals 400 naming the field or 409, another officer\'s record 403, another office 403', async () => {
    const store = new MemoryDisciplineStore();
    const service = new DisciplineService(store, audit(), clock);
    const { record } = await store.recordOnce(disciplineInput('s-2', { duty: attributedTo('shift-1', ['o-li'], ['李四']) }));
    const codes = async (p: Promise<unknown>) => p.then(() => 'ok', (e: ApiError) => `${e.statusCode} ${e.message}`);
    const director = viewer('王主任', 'supervisor');
    expect(await codes(service.get('00000000-0000-4000-8000-000000000000', director))).toBe('404 discipline record 00000000-0000-4000-8000-000000000000 not found');
    expect(await codes(service.waive(record.id, '  ', director))).toBe('400 body/reason must not be blank');
    expect(await codes(service.waive(record.id, 'ok', director))).toBe('ok');
    // an office-wide scope stands in for the officer's shifts: what is checked here is who the record names
    const li = { ...viewer('李四', 'duty-officer', 'o-li'), scope: readScopeOf({ role: 'supervisor', officeId: 'default' }) };
    const zhang = { ...viewer('张三', 'duty-officer', 'o-zhang'), scope: li.scope };
    expect(await codes(service.object(record.id, 'late', zhang))).toBe(`403 discipline record ${record.id} does not name you as its officer: only the officer it names may object`);
    expect(await codes(service.object(record.id, 'late', li))).toBe(`409 discipline record ${record.id}: the record is already waived: an objection can only be filed while it is open`);
    const elsewhere = { ...director, user: { ...director.user, officeId: 'city' } };
    expect(await codes(service.raiseMistake({ officeId: 'default', subject: { kind: 'shift', id: 's' }, mistakeKind: 'other', text: 'x', officer: null, occurredAt: AT }, elsewhere))).toBe('403 office default is not yours (city)');
  });
});

describe("the 'discipline' write kind", () => {
  it('keeps a mistake kind and the attribution through a spill file, and reads files written before them', () => {
    const { spill } = disciplineWriteKind(new MemoryDisciplineStore());
    const attributed = disciplineInput('w-0', { duty: { shiftId: 'sh-1', shiftLabel: '2026-03-02 08:30–17:30 desk', officerIds: ['o-1', 'o-2'], officers: ['李四', '王五'], leaderId: 'o-9', leader: '赵主任' } });
    expect(spill.decode(JSON.parse(JSON.stringify(attributed)))).toEqual(attributed);
    const json = JSON.parse(JSON.stringify(disciplineInput('w-1', { type: 'mistake', mistakeKind: 'unrecorded-call' })));
    expect(Value.Check(spill.schema, json)).toBe(true);
    expect(spill.decode(json)).toEqual(disciplineInput('w-1', { type: 'mistake', mistakeKind: 'unrecorded-call' }));
    const before = JSON.parse(JSON.stringify(disciplineInput('w-2')));
    expect(spill.decode(before)).toEqual(disciplineInput('w-2'));
    expect(spill.decode({ ...before, mistakeKind: null })).toEqual(disciplineInput('w-2'));
  });
});

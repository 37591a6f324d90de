/**
 * The duty log entry of a call through the API on PostgreSQL and PGlite: completed by the officer
 * of that shift or a supervisor, every edit kept as a version, two edits of one version: one
 * lands, the other is a 409; what an entry still lacks; report times of a major incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { PrismaDutyLogStore } from '../../../src/duty-log/prisma-duty-log-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { buildApi, publishRoster, type TestApi } from '../../support/http.js';
import { snapshot } from '../../support/store-contract.js';

const NOW = new Date('2026-11-02T05:00:00.000Z');

describe.each(DB_KINDS)('the duty log on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: TestApi;
  let callId: string;
  let otherShiftCallId: string;

  beforeAll(async () => {
    const { prisma } = database.db;
    const calls = new PrismaCallStore(prisma);
    api = await buildApi({ calls, discipline: new PrismaDisciplineStore(prisma), dutyLog: new PrismaDutyLogStore(prisma), clock: { now: () => NOW } });
    // 李四 (the duty-officer user) has the day shift of 11-02; the call of 11-03 is another shift's.
    await publishRoster(api.roster, [{ startsAt: '2026-11-02T00:30:00Z', endsAt: '2026-11-02T09:30:00Z', officerIds: [api.officerId] }]);
    callId = (await calls.save(snapshot(`log-${kind}`, { offeredAt: new Date('2026-11-02T03:00:00Z'), outcome: 'answered' }))).id;
    otherShiftCallId = (await calls.save(snapshot(`log-other-${kind}`, { offeredAt: new Date('2026-11-03T03:00:00Z'), outcome: 'answered' }))).id;
  });
  afterAll(async () => {
    await api?.close();
  });

  const put = (id: string, body: object, headers = api.as('duty-officer')) => api.inject({ method: 'PUT', url: `/calls/${id}/duty-log`, payload: body, headers });
  const get = (url: string, headers = api.as('duty-officer')) => api.inject({ method: 'GET', url, headers });

  it('the officer of the shift completes the entry; a supervisor corrects it; every version is kept', async () => {
    const empty = await get(`/calls/${callId}/duty-log`);
    expect(empty.json()).toMatchObject({ callId, version: 0, updatedBy: null, missing: ['callerName or callerUnit', 'content', 'handling'] });

    const first = await put(callId, { version: 0, callerName: ' 张三 ', callerUnit: '市应急管理局', content: '11月2日10时，城东路口积水，询问是否封路', handling: '已转交通支队' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, updatedBy: 'test-officer', updatedAt: '2026-11-02T05:00:00.000Z', missing: [], fields: { callerName: '张三', majorIncident: false } });

    const second = await put(callId, { version: 1, followUp: '14时回访，已解除' }, api.as('supervisor'));
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ version: 2, updatedBy: 'test-supervisor', fields: { callerName: '张三', content: '11月2日10时，城东路口积水，询问是否封路', followUp: '14时回访，已解除' } });

    const versions = (await get(`/calls/${callId}/duty-log/versions`, api.as('auditor'))).json().items;
    expect(versions.map((v: { version: number; by: string; fields: { followUp: string | null } }) => [v.version, v.by, v.fields.followUp])).toEqual([
      [1, 'test-officer', null],
      [2, 'test-supervisor', '14时回访，已解除'],
    ]);
  });

  it('two edits of the same version: one lands, the other is a 409 naming the version to read', async () => {
    const before = (await get(`/calls/${callId}/duty-log`)).json().version as number;
    const [a, b] = await Promise.all([put(callId, { version: before, handling: '甲' }), put(callId, { version: before, handling: '乙' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const refused = a.statusCode === 409 ? a : b;
    expect(refused.json()).toEqual({ error: 'CONFLICT', message: `the duty log of call ${callId} is at version ${before + 1}: another edit landed first; read it again and edit that version` });
    expect((await get(`/calls/${callId}/duty-log/versions`)).json().items).toHaveLength(before + 1);
  });

  it("another shift's call is not the officer's to read or edit; the auditor reads and never edits", async () => {
    expect((await get(`/calls/${otherShiftCallId}/duty-log`)).statusCode).toBe(404);
    expect((await put(otherShiftCallId, { version: 0, content: 'x' })).statusCode).toBe(404);
    const auditor = await put(callId, { version: 0, content: 'x' }, api.as('auditor'));
    expect([auditor.statusCode, auditor.json().message]).toEqual([403, "permission 'duty-log:write' required"]);
    expect((await put(otherShiftCallId, { version: 0, content: '补记' }, api.as('supervisor'))).statusCode).toBe(200);
  });

  it('a major incident lacks its report times until both are recorded; a report before the call or in the future is refused', async () => {
    const id = (await new PrismaCallStore(database.db.prisma).save(snapshot(`log-incident-${kind}`, { offeredAt: new Date('2026-11-02T04:00:00Z') }))).id;
    const base = { callerUnit: '县应急局', content: '某镇发生山体滑坡，2人被困', handling: '已报告带班领导', majorIncident: true, reportedToLeader: true };
    const first = await put(id, { version: 0, ...base, oralReportAt: '2026-11-02T04:20:00Z' });
    expect(first.json()).toMatchObject({ version: 1, missing: ['writtenReportAt'], fields: { oralReportAt: '2026-11-02T04:20:00.000Z', writtenReportAt: null } });
    for (const [at, message] of [
      ['2026-11-02T03:59:00Z', 'body/writtenReportAt must not be before the call was offered'],
      ['2026-11-02T06:00:00Z', 'body/writtenReportAt must not be in the future'],
      ['not a time', 'body/writtenReportAt must match format "date-time", body/writtenReportAt must be null, body/writtenReportAt must match a schema in anyOf'],
    ]) {
      const res = await put(id, { version: 1, writtenReportAt: at });
      expect([res.statusCode, res.json().message]).toEqual([400, message]);
    }
    expect((await put(id, { version: 1, writtenReportAt: '2026-11-02T05:00:00Z' })).json()).toMatchObject({ version: 2, missing: [] });
  });
});

/**
 * The hand-over between shifts (交接班) through the API on PostgreSQL and PGlite: the outgoing
 * officer writes the note from an hour before the change, once; the open items (incomplete
 * entries, major incidents not closed) go onto the next shift's list; the incoming officer, and
 * only they, acknowledge; a hand-over not acknowledged in time is flagged; an item closed
 * meanwhile is not carried on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { PrismaDutyLogStore } from '../../../src/duty-log/prisma-duty-log-store.js';
import { PrismaHandoverStore } from '../../../src/handover/prisma-handover-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { buildApi, publishRoster, type TestApi } from '../../support/http.js';
import { snapshot } from '../../support/store-contract.js';

const COMPLETE = { callerUnit: '市应急管理局', content: '询问城东路口是否封路', handling: '已转交通支队' };

describe.each(DB_KINDS)('hand-overs on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: TestApi;
  let now = new Date('2026-11-02T08:00:00Z');
  let zhang: { authorization: string };
  let day: string;
  let night: string;
  let nextDay: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { prisma } = database.db;
    const calls = new PrismaCallStore(prisma);
    api = await buildApi({ calls, discipline: new PrismaDisciplineStore(prisma), dutyLog: new PrismaDutyLogStore(prisma), handovers: new PrismaHandoverStore(prisma), clock: { now: () => now } });
    const zhangWei = await api.roster.addOfficer({ officeId: 'default', name: '张伟', phone: null, section: null }, { by: 'test', at: new Date('2026-01-01T00:00:00Z') });
    zhang = await api.asNew('zhang.wei', 'duty-officer', { officerId: zhangWei.id });
    // 李四 the day of 11-02 (08:30–17:30 Beijing), 张伟 the night after it, 李四 the next day.
    [day, night, nextDay] = (
      await publishRoster(api.roster, [
        { startsAt: '2026-11-02T00:30:00Z', endsAt: '2026-11-02T09:30:00Z', officerIds: [api.officerId] },
        { startsAt: '2026-11-02T09:30:00Z', endsAt: '2026-11-03T00:30:00Z', officerIds: [zhangWei.id] },
        { startsAt: '2026-11-03T00:30:00Z', endsAt: '2026-11-03T09:30:00Z', officerIds: [api.officerId] },
      ])
    ).map((s) => s.id) as [string, string, string];
    const answered = async (name: string, at: string, desk = 'desk') =>
      (ids[name] = (await calls.save(snapshot(`${name}-${kind}`, { offeredAt: new Date(at), answeredAt: new Date(at), deskEndpoint: desk, answeredBy: desk, outcome: 'answered' }))).id);
    await answered('complete', '2026-11-02T02:00:00Z');
    await answered('unwritten', '2026-11-02T03:00:00Z');
    await answered('incident', '2026-11-02T04:00:00Z');
    await answered('other-desk', '2026-11-02T05:00:00Z', 'desk2');
    await answered('night-call', '2026-11-02T15:00:00Z');
    await calls.save(snapshot(`missed-${kind}`, { offeredAt: new Date('2026-11-02T06:00:00Z'), deskEndpoint: 'desk', outcome: 'absence' }));
    now = new Date('2026-11-02T04:30:00Z');
    await edit(ids.complete!, COMPLETE);
    await edit(ids.incident!, { callerUnit: '县应急局', content: '某镇山体滑坡，2人被困', handling: '已报告带班领导', majorIncident: true, oralReportAt: '2026-11-02T04:10:00Z', writtenReportAt: '2026-11-02T04:20:00Z' });
  });
  afterAll(async () => {
    await api?.close();
  });

  async function edit(callId: string, fields: object) {
    const version = (await api.inject(`/calls/${callId}/duty-log`)).json().version as number;
    const res = await api.inject({ method: 'PUT', url: `/calls/${callId}/duty-log`, payload: { version, ...fields } });
    expect(res.statusCode, res.body).toBe(200);
  }
  const view = (shiftId: string, headers = api.as('duty-officer')) => api.inject({ url: `/shifts/${shiftId}/handover`, headers });
  const write = (shiftId: string, note: string, headers = api.as('duty-officer')) => api.inject({ method: 'PUT', url: `/shifts/${shiftId}/handover`, payload: { note }, headers });
  const acknowledge = (shiftId: string, headers: { authorization: string }) => api.inject({ method: 'POST', url: `/shifts/${shiftId}/handover/acknowledge`, payload: {}, headers });
  const items = (list: { kind: string; callId: string }[]) => list.map((i) => [i.kind, i.callId]);

  it('before the hour of the change nothing is due and the note is refused; what would be handed on is listed', async () => {
    now = new Date('2026-11-02T08:00:00Z');
    const before = (await view(day)).json();
    expect(before).toMatchObject({ status: 'not-due', statusLabel: '未到交班时间', flagged: false, handover: null, next: { shiftId: night, officers: ['张伟'] } });
    expect(items(before.toHandOver)).toEqual([
      ['incomplete-entry', ids.unwritten],
      ['open-incident', ids.incident],
    ]);
    expect(before.toHandOver[0]).toMatchObject({ label: '值班记录未填写完整', missing: ['callerName or callerUnit', 'content', 'handling'], content: null });
    const early = await write(day, '交班');
    expect([early.statusCode, early.json().message]).toEqual([409, `shift 2026-11-02 00:30Z desk hands over from 2026-11-02T08:30:00.000Z on (an hour before its end)`]);
  });

  it('the outgoing officer writes the note once; the incoming officer sees the open items on their list', async () => {
    now = new Date('2026-11-02T09:00:00Z');
    const notTheirs = await write(day, '交班', zhang);
    expect([notTheirs.statusCode, notTheirs.json().error]).toEqual([403, 'NOT_YOURS']);
    const written = await write(day, '白班来电4次，山体滑坡事件待续报');
    expect(written.statusCode, written.body).toBe(200);
    expect(written.json()).toMatchObject({ status: 'to-acknowledge', handover: { note: '白班来电4次，山体滑坡事件待续报', writtenBy: 'test-officer', writtenAt: '2026-11-02T09:00:00.000Z', acknowledgedAt: null } });
    expect(items(written.json().handover.items)).toEqual([
      ['incomplete-entry', ids.unwritten],
      ['open-incident', ids.incident],
    ]);
    const again = await write(day, '再交一次');
    expect([again.statusCode, again.json().error]).toEqual([409, 'CONFLICT']);

    const incoming = (await view(night, zhang)).json();
    expect(incoming.handed.from).toEqual({ shiftId: day, shift: '2026-11-02 00:30Z desk', note: '白班来电4次，山体滑坡事件待续报', writtenBy: 'test-officer' });
    expect(items(incoming.handed.open)).toEqual([
      ['incomplete-entry', ids.unwritten],
      ['open-incident', ids.incident],
    ]);
  });

  it('only the incoming officer acknowledges; not acknowledged by the change plus the grace, it is flagged', async () => {
    for (const headers of [api.as('duty-officer'), api.as('supervisor')]) {
      const refused = await acknowledge(day, headers);
      expect([refused.statusCode, refused.json().error]).toEqual([403, 'NOT_YOURS']);
    }
    now = new Date('2026-11-02T10:01:00Z');
    const flagged = (await api.inject('/handovers?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z&flagged=true')).json().items;
    expect(flagged.map((r: { shift: { shiftId: string }; status: string; statusLabel: string }) => [r.shift.shiftId, r.status, r.statusLabel])).toEqual([[day, 'not-acknowledged', '逾期未确认接班']]);
    const officersList = await api.inject({ url: '/handovers?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z', headers: zhang });
    expect(officersList.statusCode).toBe(403);

    const acknowledged = await acknowledge(day, zhang);
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect(acknowledged.json()).toMatchObject({ status: 'acknowledged', flagged: false, handover: { acknowledgedBy: 'zhang.wei', acknowledgedAt: '2026-11-02T10:01:00.000Z' } });
    expect((await acknowledge(day, zhang)).statusCode).toBe(409);
    expect((await api.inject('/handovers?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z&flagged=true')).json().items).toEqual([]);
  });

  it('the next hand-over carries what is still open, its own open calls added, and drops what was closed meanwhile', async () => {
    now = new Date('2026-11-02T16:00:00Z');
    await edit(ids.unwritten!, COMPLETE);
    now = new Date('2026-11-03T00:00:00Z');
    const written = await write(night, '夜班来电1次未补记', zhang);
    expect(written.statusCode, written.body).toBe(200);
    expect(items(written.json().handover.items)).toEqual([
      ['open-incident', ids.incident],
      ['incomplete-entry', ids['night-call']],
    ]);
    await edit(ids.incident!, { incidentClosed: true });
    const nextList = (await view(nextDay)).json();
    expect(items(nextList.handed.open)).toEqual([['incomplete-entry', ids['night-call']]]);
    // As written, the night's hand-over still says what it handed on.
    expect(items((await view(night, zhang)).json().handover.items)).toHaveLength(2);
  });
});

/**
 * The missed-call report through the API on PostgreSQL and PGlite: a seeded December worked out
 * by hand — an approved swap, a call no shift covered, an after-hours call nobody took, a
 * not-watching period across midnight and one still open — as JSON and as CSV.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import type { CallOutcome } from '../../../src/core/call/call-model.js';
import type { WatchGap } from '../../../src/core/watch/watch-gap.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { createPrismaRosterStores } from '../../../src/roster/prisma-roster-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { buildApi, publishRoster, type TestApi } from '../../support/http.js';
import { snapshot } from '../../support/store-contract.js';

const HOUR = 3_600_000;
const zero = { absence: 0, abandoned: 0, busy: 0, unreachable: 0, unanswered: 0, 'not-responding': 0, interrupted: 0, 'no-one-reachable': 0 };
const gaps: WatchGap[] = [
  { officeId: 'default', from: new Date('2026-12-09T15:00:00Z'), to: new Date('2026-12-09T18:00:00Z'), reason: 'service-down' }, // 23:00 → 02:00 local
  { officeId: 'default', from: new Date('2026-12-31T14:00:00Z'), to: null, reason: 'ami-disconnected' }, // 22:00 local, still going
];

describe.each(DB_KINDS)('GET /reports/missed-calls on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: TestApi;
  const asked: [string, string, string][] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { prisma } = database.db;
    const calls = new PrismaCallStore(prisma);
    const watchGaps = async (officeId: string, from: Date, to: Date) => {
      asked.push([officeId, from.toISOString(), to.toISOString()]);
      return gaps;
    };
    api = await buildApi({ calls, discipline: new PrismaDisciplineStore(prisma), roster: createPrismaRosterStores(prisma), clock: { now: () => new Date('2027-01-05T00:00:00Z') }, missedCalls: { watchGaps } });
    const by = { by: 'clerk', at: new Date('2026-11-20T00:00:00Z') };
    const zhang = await api.roster.addOfficer({ officeId: 'default', name: '张伟', phone: null, section: null }, by);
    const li = await api.roster.addOfficer({ officeId: 'default', name: '李娜', phone: null, section: null }, by);
    const wang = await api.roster.addOfficer({ officeId: 'default', name: '王局', phone: null, section: null }, by);
    // Day shifts 08:30–17:30 local: 12-01 张伟, 12-02 张伟 (swapped to 李娜), 12-03 李娜 led by 王局.
    const [s1, s2, s3] = await publishRoster(api.roster, [
      { startsAt: '2026-12-01T00:30:00Z', endsAt: '2026-12-01T09:30:00Z', officerIds: [zhang.id] },
      { startsAt: '2026-12-02T00:30:00Z', endsAt: '2026-12-02T09:30:00Z', officerIds: [zhang.id] },
      { startsAt: '2026-12-03T00:30:00Z', endsAt: '2026-12-03T09:30:00Z', officerIds: [li.id], leaderId: wang.id },
    ]);
    Object.assign(ids, { s1: s1!.id, s2: s2!.id, s3: s3!.id, zhang: zhang.id, li: li.id });
    const swap = await api.roster.requestSwap({ officeId: 'default', shiftId: s2!.id, requesterId: zhang.id, counterpartId: li.id, counterpartShiftId: null, reason: '出差', by: { id: 'zhang', officerId: zhang.id, dutyDirector: false }, at: new Date('2026-12-01T10:00:00Z') });
    await api.roster.answerSwap('default', swap.id, 'agree', { id: 'li', officerId: li.id, dutyDirector: false }, new Date('2026-12-01T11:00:00Z'));
    await api.roster.decideSwap('default', swap.id, 'approve', { id: 'director', officerId: null, dutyDirector: true }, new Date('2026-12-01T12:00:00Z'));

    const save = async (id: string, at: string, outcome: CallOutcome, ringCount: number | null, desk: string | null = 'desk') =>
      (ids[id] = (await calls.save(snapshot(id, { offeredAt: new Date(at), deskEndpoint: desk, outcome, ringCount, endedAt: new Date(Date.parse(at) + 20_000) }))).id);
    await save('m1', '2026-12-01T02:00:00Z', 'absence', 3); // s1: 张伟
    await save('a1', '2026-12-01T03:00:00Z', 'answered', 2);
    await save('m4', '2026-12-01T12:00:00Z', 'absence', 3); // 20:00 local: no shift
    await save('m2', '2026-12-02T02:00:05Z', 'busy', null); // s2: 李娜 by the swap
    await save('m3', '2026-12-03T02:00:00Z', 'abandoned', 1); // s3: 李娜, 王局 leading
    await save('b1', '2026-12-05T15:00:00Z', 'no-one-reachable', null, null); // after hours, nobody took it
    await save('b2', '2026-12-05T16:00:00Z', 'bureau', null, null);
    await save('x1', '2027-01-01T02:00:00Z', 'absence', 3); // January
  });
  afterAll(async () => {
    await api?.close();
  });

  it('states the month as worked out by hand', async () => {
    const res = await api.inject({ method: 'GET', url: '/reports/missed-calls?month=2026-12', headers: api.as('auditor') });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(asked.at(-1)).toEqual(['default', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(report).toMatchObject({ month: '2026-12', timezone: 'Asia/Shanghai', missed: 4, byOutcome: { ...zero, absence: 2, busy: 1, abandoned: 1, 'no-one-reachable': 1 } });
    expect(report.byDay).toHaveLength(31);
    const day = (date: string) => report.byDay.find((d: { date: string }) => d.date === date);
    expect(day('2026-12-01')).toEqual({ date: '2026-12-01', missed: 2, byOutcome: { ...zero, absence: 2 }, notWatchingMs: 0 });
    expect(day('2026-12-05')).toEqual({ date: '2026-12-05', missed: 0, byOutcome: { ...zero, 'no-one-reachable': 1 }, notWatchingMs: 0 });
    expect([day('2026-12-09').notWatchingMs, day('2026-12-10').notWatchingMs, day('2026-12-31').notWatchingMs]).toEqual([HOUR, 2 * HOUR, 2 * HOUR]);
    expect(report.byShift.map((s: { shiftId: string; officers: string[]; leader: string | null; missed: number }) => [s.shiftId, s.officers, s.leader, s.missed])).toEqual([
      [ids.s1, ['张伟'], null, 1],
      [ids.s2, ['李娜'], null, 1],
      [ids.s3, ['李娜'], '王局', 1],
    ]);
    expect(report.byOfficer).toEqual([
      { officerId: ids.zhang, name: '张伟', missed: 1, byOutcome: { ...zero, absence: 1 } },
      { officerId: ids.li, name: '李娜', missed: 2, byOutcome: { ...zero, busy: 1, abandoned: 1 } },
    ]);
    expect(report.noOneRostered).toEqual({ count: 1, ids: [ids.m4] });
    expect(report.calls.map((c: { pbxCallId: string }) => c.pbxCallId)).toEqual(['m1', 'm4', 'm2', 'm3', 'b1']);
    expect(report.calls[2]).toEqual({ id: ids.m2, pbxCallId: 'm2', offeredAt: '2026-12-02T02:00:05.000Z', date: '2026-12-02', desk: 'desk', outcome: 'busy', rings: null, shiftId: ids.s2, shift: '2026-12-02 00:30Z desk', officers: ['李娜'], leader: null, noOneRostered: false });
    expect(report.notWatching).toEqual([
      { from: '2026-12-09T15:00:00.000Z', to: '2026-12-09T18:00:00.000Z', reason: 'service-down', label: '服务未运行', open: false },
      { from: '2026-12-31T14:00:00.000Z', to: '2026-12-31T16:00:00.000Z', reason: 'ami-disconnected', label: '与交换机断开', open: true },
    ]);
    const [entry] = await api.access.stores.audit.list({ action: 'reports.missed-calls', limit: 10, offset: 0 });
    expect(entry).toMatchObject({ route: 'GET /reports/missed-calls', ids: [ids.m1, ids.m4, ids.m2, ids.m3, ids.b1], query: { month: '2026-12' } });
  });

  it('the CSV: BOM, Chinese headers, a row per missed call, then a row per not-watching period; audited as an export', async () => {
    const res = await api.inject({ method: 'GET', url: '/reports/missed-calls.csv?month=2026-12' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="missed-calls-2026-12.csv"; filename*=UTF-8''${encodeURIComponent('漏接电话-2026-12.csv')}`);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parse(res.body, { bom: true }) as string[][];
    expect(header).toEqual(['日期', '时间', '值班台', '结果', '响铃次数', '班次', '值班人员', '带班领导', '无人排班', '说明']);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual(['2026-12-01', '10:00:00', 'desk', '离岗', '3', '2026-12-01 00:30Z desk', '张伟', '', '否', '']);
    expect(rows[1]).toEqual(['2026-12-01', '20:00:00', 'desk', '离岗', '3', '', '', '', '是', '']);
    expect(rows[2]).toEqual(['2026-12-02', '10:00:05', 'desk', '占线', '', '2026-12-02 00:30Z desk', '李娜', '', '否', '']);
    expect(rows[3]).toEqual(['2026-12-03', '10:00:00', 'desk', '主叫挂断', '1', '2026-12-03 00:30Z desk', '李娜', '王局', '否', '']);
    expect(rows[4]).toEqual(['2026-12-05', '23:00:00', '', '无人可接', '', '', '', '', '', '未呼叫值班台，其他话机均未接听']);
    expect(rows[5]).toEqual(['2026-12-09', '23:00:00', '', '未监控', '', '', '', '', '', '服务未运行，至 2026-12-10 02:00:00']);
    expect(rows[6]).toEqual(['2026-12-31', '22:00:00', '', '未监控', '', '', '', '', '', '与交换机断开，至 2027-01-01 00:00:00（仍未恢复）']);
    const [entry] = await api.access.stores.audit.list({ action: 'reports.missed-calls.export', limit: 10, offset: 0 });
    expect(entry).toMatchObject({ route: 'GET /reports/missed-calls.csv', ids: [ids.m1, ids.m4, ids.m2, ids.m3, ids.b1], query: { month: '2026-12' } });
  });

  it('is the office’s: a supervisor or an auditor reads it; no credential is a 401; a duty officer and ops get a 403; a month that is none is a 400', async () => {
    for (const url of ['/reports/missed-calls?month=2026-12', '/reports/missed-calls.csv?month=2026-12']) {
      expect((await api.inject({ method: 'GET', url, headers: api.as('supervisor') })).statusCode).toBe(200);
      expect((await api.inject({ method: 'GET', url, headers: { authorization: '' } })).statusCode).toBe(401);
      for (const role of ['duty-officer', 'ops'] as const) {
        const res = await api.inject({ method: 'GET', url, headers: api.as(role) });
        expect([url, role, res.statusCode, res.json().message]).toEqual([url, role, 403, "permission 'reports:read' required"]);
      }
      const bad = await api.inject({ method: 'GET', url: url.replace('2026-12', '2026-13') });
      expect([bad.statusCode, bad.json().message]).toEqual([400, 'querystring/month (2026-13) is no month']);
    }
    expect(api.declared).toMatchObject({ 'GET /reports/missed-calls': 'reports:read', 'GET /reports/missed-calls.csv': 'reports:read' });
  });
});

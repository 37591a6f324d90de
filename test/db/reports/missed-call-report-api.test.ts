/**
 * The missed-call report through the API on PostgreSQL and PGlite: a seeded December worked out
 * by hand — an approved swap, a call no shift covered, an after-hours call nobody took, a
 * not-watching period across midnight and one still open — as JSON and as CSV; then the calls
 * narrowed by day, shift, officer and outcome, and paged, with the month's counts unchanged.
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
    Object.assign(ids, { s1: s1!.id, s2: s2!.id, s3: s3!.id, zhang: zhang.id, li: li.id, wang: wang.id });
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
    expect(report.calls[2]).toEqual({ id: ids.m2, pbxCallId: 'm2', offeredAt: '2026-12-02T02:00:05.000Z', date: '2026-12-02', desk: 'desk', outcome: 'busy', rings: null, shiftId: ids.s2, shift: '2026-12-02 00:30Z desk', officers: ['李娜'], officerIds: [ids.li], leader: null, noOneRostered: false });
    expect(report.calls[3]).toMatchObject({ pbxCallId: 'm3', officers: ['李娜'], officerIds: [ids.li], leader: '王局' });
    expect(report.calls[1]).toMatchObject({ pbxCallId: 'm4', officers: [], officerIds: [], noOneRostered: true });
    expect([report.total, report.limit, report.offset]).toEqual([5, 100, 0]);
    expect(report.notWatching).toEqual([
      { from: '2026-12-09T15:00:00.000Z', to: '2026-12-09T18:00:00.000Z', reason: 'service-down', label: '服务未运行', open: false },
      { from: '2026-12-31T14:00:00.000Z', to: '2026-12-31T16:00:00.000Z', reason: 'ami-disconnected', label: '与交换机断开', open: true },
    ]);
    const [entry] = await api.access.stores.audit.list({ action: 'reports.missed-calls', limit: 10, offset: 0 });
    expect(entry).toMatchObject({ route: 'GET /reports/missed-calls', ids: [ids.m1, ids.m4, ids.m2, ids.m3, ids.b1] });
    expect(entry!.query).toEqual({ month: '2026-12', limit: 100, offset: 0 });
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
    expect(entry).toMatchObject({ route: 'GET /reports/missed-calls.csv', ids: [ids.m1, ids.m4, ids.m2, ids.m3, ids.b1] });
    expect(entry!.query).toEqual({ month: '2026-12' });
  });

  /** The calls listed (by PBX id) and the paging figures of a JSON report. */
  const listed = async (query: string) => {
    const res = await api.inject({ method: 'GET', url: `/reports/missed-calls?month=2026-12&${query}`, headers: api.as('auditor') });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    return { calls: report.calls.map((c: { pbxCallId: string }) => c.pbxCallId), total: report.total, limit: report.limit, offset: report.offset, report };
  };
  const lastAudit = async (action: 'reports.missed-calls' | 'reports.missed-calls.export') => (await api.access.stores.audit.list({ action, limit: 1, offset: 0 }))[0]!;

  it('from and to: the calls of those days (inclusive, on the day a call counts on); the counts stay the month’s', async () => {
    expect(await listed('from=2026-12-02')).toMatchObject({ calls: ['m2', 'm3', 'b1'], total: 3 });
    expect(await listed('to=2026-12-01')).toMatchObject({ calls: ['m1', 'm4'], total: 2 });
    expect(await listed('from=2026-12-02&to=2026-12-03')).toMatchObject({ calls: ['m2', 'm3'], total: 2 });
    expect(await listed('from=2026-12-05&to=2026-12-05')).toMatchObject({ calls: ['b1'], total: 1 });
    const quiet = await listed('from=2026-12-06&to=2026-12-31');
    expect([quiet.calls, quiet.total]).toEqual([[], 0]);
    expect(quiet.report).toMatchObject({ missed: 4, byOutcome: { ...zero, absence: 2, busy: 1, abandoned: 1, 'no-one-reachable': 1 }, noOneRostered: { count: 1, ids: [ids.m4] } });
    expect(quiet.report.byDay).toHaveLength(31);
    expect(quiet.report.byShift).toHaveLength(3);
    expect(quiet.report.byOfficer).toHaveLength(2);
    expect(quiet.report.notWatching).toHaveLength(2);
  });

  it('shiftId, officerId (by id, after the swap; a leader is no officer), outcome, and together', async () => {
    expect(await listed(`shiftId=${ids.s2}`)).toMatchObject({ calls: ['m2'], total: 1 });
    expect(await listed(`shiftId=${ids.s1}`)).toMatchObject({ calls: ['m1'], total: 1 });
    expect(await listed('shiftId=no-such-shift')).toMatchObject({ calls: [], total: 0 });
    expect(await listed(`officerId=${ids.zhang}`)).toMatchObject({ calls: ['m1'], total: 1 });
    expect(await listed(`officerId=${ids.li}`)).toMatchObject({ calls: ['m2', 'm3'], total: 2 });
    expect(await listed(`officerId=${ids.wang}`)).toMatchObject({ calls: [], total: 0 });
    expect(await listed('outcome=absence')).toMatchObject({ calls: ['m1', 'm4'], total: 2 });
    expect(await listed('outcome=no-one-reachable')).toMatchObject({ calls: ['b1'], total: 1 });
    expect(await listed('outcome=unreachable')).toMatchObject({ calls: [], total: 0 });
    const both = await listed(`officerId=${ids.li}&outcome=abandoned&from=2026-12-03&to=2026-12-31`);
    expect(both).toMatchObject({ calls: ['m3'], total: 1, limit: 100, offset: 0 });
    expect(both.report).toMatchObject({ missed: 4, noOneRostered: { count: 1, ids: [ids.m4] } });
    const entry = await lastAudit('reports.missed-calls');
    expect([entry.ids, entry.query]).toEqual([[ids.m3], { month: '2026-12', officerId: ids.li, outcome: 'abandoned', from: '2026-12-03', to: '2026-12-31', limit: 100, offset: 0 }]);
  });

  it('pages: limit and offset, total the same on every page; the audit entry names the calls on the page', async () => {
    expect(await listed('limit=2')).toMatchObject({ calls: ['m1', 'm4'], total: 5, limit: 2, offset: 0 });
    expect((await lastAudit('reports.missed-calls')).ids).toEqual([ids.m1, ids.m4]);
    expect(await listed('limit=2&offset=2')).toMatchObject({ calls: ['m2', 'm3'], total: 5, limit: 2, offset: 2 });
    const second = await lastAudit('reports.missed-calls');
    expect([second.ids, second.query]).toEqual([[ids.m2, ids.m3], { month: '2026-12', limit: 2, offset: 2 }]);
    expect(await listed('limit=2&offset=4')).toMatchObject({ calls: ['b1'], total: 5, limit: 2, offset: 4 });
    expect(await listed('offset=5')).toMatchObject({ calls: [], total: 5, limit: 100, offset: 5 });
    expect((await lastAudit('reports.missed-calls')).ids).toEqual([]);
    expect(await listed('limit=500&offset=1')).toMatchObject({ calls: ['m4', 'm2', 'm3', 'b1'], total: 5, limit: 500, offset: 1 });
    expect(await listed('outcome=absence&limit=1&offset=1')).toMatchObject({ calls: ['m4'], total: 2, limit: 1, offset: 1 });
    expect(await listed(`officerId=${ids.li}&limit=1&offset=1`)).toMatchObject({ calls: ['m3'], total: 2 });
  });

  it('the CSV takes the same filters, without paging: every matching call, then every not-watching period', async () => {
    const res = await api.inject({ method: 'GET', url: `/reports/missed-calls.csv?month=2026-12&officerId=${ids.li}&from=2026-12-02` });
    expect(res.statusCode, res.body).toBe(200);
    const [, ...rows] = parse(res.body, { bom: true }) as string[][];
    expect(rows.map((r) => [r[0], r[3], r[6]])).toEqual([
      ['2026-12-02', '占线', '李娜'],
      ['2026-12-03', '主叫挂断', '李娜'],
      ['2026-12-09', '未监控', ''],
      ['2026-12-31', '未监控', ''],
    ]);
    const entry = await lastAudit('reports.missed-calls.export');
    expect([entry.ids, entry.query]).toEqual([[ids.m2, ids.m3], { month: '2026-12', officerId: ids.li, from: '2026-12-02' }]);
    const absences = await api.inject({ method: 'GET', url: `/reports/missed-calls.csv?month=2026-12&outcome=absence&shiftId=${ids.s1}&to=2026-12-01` });
    expect((parse(absences.body, { bom: true }) as string[][]).slice(1).map((r) => [r[0], r[1], r[3]])).toEqual([
      ['2026-12-01', '10:00:00', '离岗'],
      ['2026-12-09', '23:00:00', '未监控'],
      ['2026-12-31', '22:00:00', '未监控'],
    ]);
    const paged = await api.inject({ method: 'GET', url: '/reports/missed-calls.csv?month=2026-12&limit=2' });
    expect([paged.statusCode, paged.json().error]).toEqual([400, 'BAD_REQUEST']);
    expect((await api.inject({ method: 'HEAD', url: '/reports/missed-calls.csv?month=2026-12' })).statusCode).toBe(404);
  });

  it('a bad filter or page is a 400 naming the parameter, on both routes, and nothing is audited', async () => {
    const audited = async () => (await api.access.stores.audit.list({ limit: 1000, offset: 0 })).length;
    const before = await audited();
    const bad = async (url: string) => {
      const res = await api.inject({ method: 'GET', url, headers: api.as('auditor') });
      expect(res.statusCode, url).toBe(400);
      const body = res.json();
      expect(body.error, url).toBe('BAD_REQUEST');
      return body.message as string;
    };
    for (const route of ['/reports/missed-calls', '/reports/missed-calls.csv']) {
      expect(await bad(`${route}?month=2026-12&from=2026-11-30`)).toBe('querystring/from (2026-11-30) is not in 2026-12');
      expect(await bad(`${route}?month=2026-12&to=2027-01-01`)).toBe('querystring/to (2027-01-01) is not in 2026-12');
      expect(await bad(`${route}?month=2026-11&from=2026-12-01`)).toBe('querystring/from (2026-12-01) is not in 2026-11');
      expect(await bad(`${route}?month=2026-12&from=2026-12-10&to=2026-12-09`)).toBe('querystring/from (2026-12-10) is after to (2026-12-09)');
      expect(await bad(`${route}?month=2026-12&from=2026-12-32`)).toBe('querystring/from (2026-12-32) is no date');
      expect(await bad(`${route}?month=2027-02&to=2027-02-29`)).toBe('querystring/to (2027-02-29) is no date');
      expect(await bad(`${route}?month=2026-12&from=2026-12-1`)).toMatch(/^querystring\/from /);
      expect(await bad(`${route}?month=2026-12&to=1%20Dec%202026`)).toMatch(/^querystring\/to /);
      expect(await bad(`${route}?month=2026-12&outcome=answered`)).toMatch(/^querystring\/outcome /);
      expect(await bad(`${route}?month=2026-12&shiftId=`)).toMatch(/^querystring\/shiftId /);
      expect(await bad(`${route}?month=2026-12&officerId=${'x'.repeat(101)}`)).toMatch(/^querystring\/officerId /);
      expect(await bad(`${route}?month=2026-12&desk=desk`)).toMatch(/additional properties/);
    }
    for (const [query, message] of [
      ['limit=0', 'querystring/limit must be >= 1'],
      ['limit=501', 'querystring/limit must be <= 500'],
      ['limit=2.5', 'querystring/limit must be integer'],
      ['limit=ten', 'querystring/limit must be integer'],
      // the schema's number coercion lets these through as Infinity: the route refuses them
      ['limit=1e400', 'querystring/limit must be a whole number from 1 to 500'],
      ['offset=-1', 'querystring/offset must be >= 0'],
      ['offset=1e400', 'querystring/offset must be a whole number from 0 to 10000000'],
    ])
      expect(await bad(`/reports/missed-calls?month=2026-12&${query}`)).toBe(message);
    expect(await audited()).toBe(before);
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

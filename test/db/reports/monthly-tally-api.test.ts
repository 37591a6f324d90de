/**
 * The monthly tally through the API on PostgreSQL and PGlite: a seeded December whose figures
 * are worked out by hand below — a confirmed and a waived absence, an approved swap, a call on a
 * desk no one was rostered for — with the policy 80 yuan a duty day, 50 yuan per confirmed absence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { NOBODY_ROSTERED } from '../../../src/core/discipline/discipline-model.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { createPrismaRosterStores } from '../../../src/roster/prisma-roster-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { attributedTo, buildApi, publishRoster, type TestApi } from '../../support/http.js';
import { disciplineInput, snapshot } from '../../support/store-contract.js';

const policy = { basis: 'duty-day' as const, amountPerUnit: 8000, deductions: { absence: 5000, mistake: 2000 }, floorAtZero: true };
const none = { open: 0, confirmed: 0, waived: 0 };

describe.each(DB_KINDS)('GET /reports/monthly-tally on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: TestApi;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { prisma } = database.db;
    const calls = new PrismaCallStore(prisma);
    const discipline = new PrismaDisciplineStore(prisma);
    api = await buildApi({ calls, discipline, roster: createPrismaRosterStores(prisma), subsidy: policy });
    const by = { by: 'clerk', at: new Date('2026-11-20T00:00:00Z') };
    const zhang = await api.roster.addOfficer({ officeId: 'default', name: '张伟', phone: null, section: null }, by);
    const li = await api.roster.addOfficer({ officeId: 'default', name: '李娜', phone: null, section: null }, by);
    Object.assign(ids, { zhang: zhang.id, li: li.id });
    // Three day shifts (08:30–17:30 in Shanghai): 12-01 张伟, 12-02 张伟 (swapped to 李娜), 12-03 李娜.
    const [s1, s2, s3] = await publishRoster(api.roster, [
      { startsAt: '2026-12-01T00:30:00Z', endsAt: '2026-12-01T09:30:00Z', officerIds: [zhang.id] },
      { startsAt: '2026-12-02T00:30:00Z', endsAt: '2026-12-02T09:30:00Z', officerIds: [zhang.id] },
      { startsAt: '2026-12-03T00:30:00Z', endsAt: '2026-12-03T09:30:00Z', officerIds: [li.id] },
    ]);
    const swap = await api.roster.requestSwap({ officeId: 'default', shiftId: s2!.id, requesterId: zhang.id, counterpartId: li.id, counterpartShiftId: null, reason: '出差', by: { id: 'zhang', officerId: zhang.id, dutyDirector: false }, at: new Date('2026-12-01T10:00:00Z') });
    await api.roster.answerSwap('default', swap.id, 'agree', { id: 'li', officerId: li.id, dutyDirector: false }, new Date('2026-12-01T11:00:00Z'));
    await api.roster.decideSwap('default', swap.id, 'approve', { id: 'director', officerId: null, dutyDirector: true }, new Date('2026-12-01T12:00:00Z'));

    const answered = (id: string, at: string) => calls.save(snapshot(id, { offeredAt: new Date(at), deskEndpoint: 'desk', answeredAt: new Date(Date.parse(at) + 5000), answeredBy: 'desk', outcome: 'answered', ringCount: 2 }));
    await answered('c1', '2026-12-01T02:00:00Z'); // 张伟's shift
    await answered('c2', '2026-12-02T02:00:00Z'); // 李娜's, by the approved swap
    await answered('c3', '2026-12-03T02:00:00Z'); // 李娜's
    // 20:00 in Shanghai on 12-01: no shift covers the desk.
    await calls.save(snapshot('c4', { offeredAt: new Date('2026-12-01T12:00:00Z'), deskEndpoint: 'desk', outcome: 'absence', ringCount: 3 }));

    const r1 = (await discipline.recordOnce(disciplineInput('c5', { occurredAt: new Date('2026-12-01T05:00:15Z'), duty: attributedTo(s1!.id, [zhang.id], ['张伟']) }))).record;
    const r2 = (await discipline.recordOnce(disciplineInput('c6', { occurredAt: new Date('2026-12-03T05:00:15Z'), duty: attributedTo(s3!.id, [li.id], ['李娜']) }))).record;
    const r3 = (await discipline.recordOnce(disciplineInput('c4', { occurredAt: new Date('2026-12-01T12:00:15Z'), officer: null, duty: NOBODY_ROSTERED }))).record;
    await discipline.review(r1.id, { kind: 'confirm', reason: '属实' }, 'director', new Date('2026-12-05T00:00:00Z'));
    await discipline.review(r2.id, { kind: 'waive', reason: '话机故障' }, 'director', new Date('2026-12-05T00:00:00Z'));
    Object.assign(ids, { r3: r3.id });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('states duty days, calls, absences and the subsidy per officer as worked out by hand', async () => {
    const res = await api.inject({ method: 'GET', url: '/reports/monthly-tally?month=2026-12', headers: api.as('auditor') });
    expect(res.statusCode, res.body).toBe(200);
    const tally = res.json();
    const row = (name: string) => tally.officers.find((o: { name: string }) => o.name === name);
    expect(tally.officers.map((o: { name: string }) => o.name)).toEqual(['张伟', '李四', '李娜']);
    // 张伟: 12-01 only (12-02 went to 李娜); c1; r1 confirmed: 80 − 50 = 30 yuan.
    expect(row('张伟')).toMatchObject({ dutyDates: ['2026-12-01'], dutyDays: 1, shifts: 1, callsAnswered: 1, absences: { open: 0, confirmed: 1, waived: 0 }, subsidy: { base: 8000, deductions: 5000, net: 3000 } });
    // 李娜: 12-02 (swap) and 12-03; c2, c3; r2 waived, nothing withheld: 160 yuan.
    expect(row('李娜')).toMatchObject({ dutyDates: ['2026-12-02', '2026-12-03'], dutyDays: 2, shifts: 2, callsAnswered: 2, absences: { open: 0, confirmed: 0, waived: 1 }, subsidy: { base: 16000, deductions: 0, net: 16000 } });
    expect(row('李四')).toMatchObject({ dutyDays: 0, callsAnswered: 0, absences: none, subsidy: { base: 0, deductions: 0, net: 0 } });
    expect(tally.totals).toMatchObject({ shifts: 3, dutyDays: 3, callsInbound: 4, callsAnswered: 3, absences: { open: 1, confirmed: 1, waived: 1 }, subsidy: { base: 24000, deductions: 5000, net: 19000 } });
    expect(tally.noOneRostered).toEqual({ calls: { count: 1, ids: ['c4'] }, records: { count: 1, ids: [ids.r3] } });
  });

  it('is the office’s: a supervisor or an auditor reads it; a duty officer and ops do not; a month that is none is a 400', async () => {
    expect((await api.inject({ method: 'GET', url: '/reports/monthly-tally?month=2026-12' })).statusCode).toBe(200);
    for (const role of ['duty-officer', 'ops'] as const) {
      const res = await api.inject({ method: 'GET', url: '/reports/monthly-tally?month=2026-12', headers: api.as(role) });
      expect([role, res.statusCode, res.json().message]).toEqual([role, 403, "permission 'reports:read' required"]);
    }
    const bad = await api.inject({ method: 'GET', url: '/reports/monthly-tally?month=2026-13' });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'querystring/month (2026-13) is no month']);
  });
});

/**
 * The monthly tally through the API on PostgreSQL and PGlite: a seeded December whose figures
 * are worked out by hand below — a confirmed and a waived absence, an approved swap, a call on a
 * desk no one was rostered for — with the policy 80 yuan a duty day, 50 yuan per confirmed absence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { createPrismaRosterStores } from '../../../src/roster/prisma-roster-store.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { buildApi, type TestApi } from '../../support/http.js';
import { seedTallyMonth, TALLY_MONTH_POLICY } from '../../support/tally-month.js';

const none = { open: 0, confirmed: 0, waived: 0 };

describe.each(DB_KINDS)('GET /reports/monthly-tally on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: TestApi;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { prisma } = database.db;
    const calls = new PrismaCallStore(prisma);
    const discipline = new PrismaDisciplineStore(prisma);
    api = await buildApi({ calls, discipline, roster: createPrismaRosterStores(prisma), subsidy: TALLY_MONTH_POLICY });
    // test/support/tally-month.ts: 12-01 张伟, 12-02 张伟 swapped to 李娜 (approved), 12-03 李娜 (08:30–17:30 in
    // Shanghai); c1–c3 answered on them (rings 1, 3, not recorded), c4 at 20:00 on 12-01 when no shift covers the desk; r1 张伟's
    // (confirmed), r2 李娜's (waived), r3 c4's (no one rostered, open).
    Object.assign(ids, await seedTallyMonth(api, calls, discipline));
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

  it('states the answer ring distribution as read back from the call log: c1 in ring 1, c2 in ring 3, c3 unknown; c4 (3 rings, unanswered) not in it', async () => {
    const res = await api.inject({ method: 'GET', url: '/reports/monthly-tally?month=2026-12', headers: api.as('auditor') });
    expect(res.statusCode, res.body).toBe(200);
    const { totals } = res.json();
    expect(totals.answeredByRing).toEqual([
      { rings: 1, calls: 1 },
      { rings: 3, calls: 1 },
    ]);
    expect(totals.answeredRingUnknown).toBe(1);
    expect(totals.callsAnswered).toBe(3); // 1 + 1 + 1
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

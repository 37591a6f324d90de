/**
 * The hand-worked December of test/db/reports/monthly-tally-api.test.ts, as a setup to share: three
 * day shifts (08:30–17:30 in Shanghai) — 12-01 张伟, 12-02 张伟 swapped to 李娜 (approved), 12-03 李娜 —
 * calls c1–c3 answered on them (in ring 1, ring 3, and a ring not recorded), c4 on the desk at 20:00
 * when no one was rostered (an absence: 3 rings, not answered); absences r1
 * (张伟, confirmed), r2 (李娜, waived), r3 (c4's, no one rostered, open). With TALLY_MONTH_POLICY
 * (80 yuan a duty day, 50 per confirmed absence) the month comes to:
 *
 *   张伟  1 day, 1 shift, 1 call, absences 0/1/0, 80 − 50 = 30 yuan
 *   李四  nothing (the test api's own officer)
 *   李娜  2 days, 2 shifts, 2 calls, absences 0/0/1, 160 yuan
 *   合计  3 shifts, 3 days, 4 inbound, 3 answered, absences 1/1/1, 240 − 50 = 190 yuan;
 *         answered by ring: ring 1 one call (c1), ring 3 one call (c2), ring not known one (c3);
 *         no one rostered: 1 call (c4), 1 record (r3)
 */
import type { CallStore } from '../../src/calls/call-store.js';
import { NOBODY_ROSTERED } from '../../src/core/discipline/discipline-model.js';
import type { SubsidyPolicy } from '../../src/core/tally/subsidy-rules.js';
import type { DisciplineStore } from '../../src/discipline/discipline-store.js';
import { attributedTo, publishRoster, type TestApi } from './http.js';
import { disciplineInput, snapshot } from './store-contract.js';

export const TALLY_MONTH = '2026-12';
export const TALLY_MONTH_POLICY: SubsidyPolicy = { basis: 'duty-day', amountPerUnit: 8000, deductions: { absence: 5000, mistake: 2000 }, floorAtZero: true };

export interface TallyMonthIds {
  zhang: string;
  li: string;
  r3: string;
}

/** Seeds the month into the api's roster and the given stores (the ones the api was built with). */
export async function seedTallyMonth(api: TestApi, calls: CallStore, discipline: DisciplineStore): Promise<TallyMonthIds> {
  const by = { by: 'clerk', at: new Date('2026-11-20T00:00:00Z') };
  const zhang = await api.roster.addOfficer({ officeId: 'default', name: '张伟', phone: null, section: null }, by);
  const li = await api.roster.addOfficer({ officeId: 'default', name: '李娜', phone: null, section: null }, by);
  const [s1, s2, s3] = await publishRoster(api.roster, [
    { startsAt: '2026-12-01T00:30:00Z', endsAt: '2026-12-01T09:30:00Z', officerIds: [zhang.id] },
    { startsAt: '2026-12-02T00:30:00Z', endsAt: '2026-12-02T09:30:00Z', officerIds: [zhang.id] },
    { startsAt: '2026-12-03T00:30:00Z', endsAt: '2026-12-03T09:30:00Z', officerIds: [li.id] },
  ]);
  const swap = await api.roster.requestSwap({ officeId: 'default', shiftId: s2!.id, requesterId: zhang.id, counterpartId: li.id, counterpartShiftId: null, reason: '出差', by: { id: 'zhang', officerId: zhang.id, dutyDirector: false }, at: new Date('2026-12-01T10:00:00Z') });
  await api.roster.answerSwap('default', swap.id, 'agree', { id: 'li', officerId: li.id, dutyDirector: false }, new Date('2026-12-01T11:00:00Z'));
  await api.roster.decideSwap('default', swap.id, 'approve', { id: 'director', officerId: null, dutyDirector: true }, new Date('2026-12-01T12:00:00Z'));

  const answered = (id: string, at: string, ringCount: number | null) =>
    calls.save(snapshot(id, { offeredAt: new Date(at), deskEndpoint: 'desk', answeredAt: new Date(Date.parse(at) + 5000), answeredBy: 'desk', outcome: 'answered', ringCount }));
  await answered('c1', '2026-12-01T02:00:00Z', 1);
  await answered('c2', '2026-12-02T02:00:00Z', 3);
  await answered('c3', '2026-12-03T02:00:00Z', null);
  await calls.save(snapshot('c4', { offeredAt: new Date('2026-12-01T12:00:00Z'), deskEndpoint: 'desk', outcome: 'absence', ringCount: 3 }));

  const r1 = (await discipline.recordOnce(disciplineInput('c5', { occurredAt: new Date('2026-12-01T05:00:15Z'), duty: attributedTo(s1!.id, [zhang.id], ['张伟']) }))).record;
  const r2 = (await discipline.recordOnce(disciplineInput('c6', { occurredAt: new Date('2026-12-03T05:00:15Z'), duty: attributedTo(s3!.id, [li.id], ['李娜']) }))).record;
  const r3 = (await discipline.recordOnce(disciplineInput('c4', { occurredAt: new Date('2026-12-01T12:00:15Z'), officer: null, duty: NOBODY_ROSTERED }))).record;
  await discipline.review(r1.id, { kind: 'confirm', reason: '属实' }, 'director', new Date('2026-12-05T00:00:00Z'));
  await discipline.review(r2.id, { kind: 'waive', reason: '话机故障' }, 'director', new Date('2026-12-05T00:00:00Z'));
  return { zhang: zhang.id, li: li.id, r3: r3.id };
}

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RosterActor } from '../../../src/core/roster/roster-model.js';
import { daysOf } from '../../../src/core/roster/year-month.js';
import type { RosterError } from '../../../src/roster/roster-errors.js';
import { createPrismaRosterStores } from '../../../src/roster/prisma-roster-store.js';
import type { RosterStores } from '../../../src/roster/roster-store.js';
import { RosterService, type ImportTarget } from '../../../src/roster/roster-service.js';
import { parseScheduleFile } from '../../../src/schedule/schedule-file.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { baselineCalendar, readRepoFile } from '../../support/schedule-test-data.js';
import { ROSTER_TABLES, truncateRoster } from './roster-db.js';

const at = (iso: string) => new Date(iso);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/roster/${name}`, import.meta.url)));
const clerk: RosterActor = { id: 'u-clerk', officerId: null, dutyDirector: false };
const director: RosterActor = { id: 'u-director', officerId: null, dutyDirector: true };
const target: ImportTarget = {
  schedule: parseScheduleFile(readRepoFile('test/fixtures/roster/schedule.yaml'), 'schedule.yaml'),
  calendar: baselineCalendar,
  fileName: 'roster-2026-10.xlsx',
};
// Mid-autumn 09-25…27 and National Day 10-01…07 (chinese-days 2026)
const holidays = [...daysOf('2026-09'), ...daysOf('2026-10')].filter((d) => baselineCalendar.dayOf(d).type === 'holiday');
const publishContext = { holidays, timezone: 'Asia/Shanghai' };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as RosterError).code ?? String(err);
  }
  return 'resolved';
}

describe.each(DB_KINDS)('the roster over stored data, on %s', (kind) => {
  const t = useTestDatabase(kind);
  let stores: RosterStores;
  let service: RosterService;
  let ids: Record<string, string>;

  beforeAll(() => {
    stores = createPrismaRosterStores(t.db.prisma);
    service = new RosterService(stores);
  });

  async function officers(): Promise<void> {
    await truncateRoster(t.db);
    ids = {};
    for (const name of ['张伟', '李娜', '王芳', '刘洋', '赵建国', '孙丽', '陈静']) {
      ids[name] = (await stores.officers.create({ officeId: 'city', name, phone: null, section: null }, { by: 'u-clerk', at: at('2026-09-01T01:00:00Z') })).id;
    }
    await stores.officers.setActive('city', ids['陈静']!, false, { by: 'u-director', at: at('2026-09-02T01:00:00Z') });
  }

  /** October 2026 imported, submitted, approved and published on `publishedAt`. */
  async function publishedOctober(publishedAt = '2026-09-20T02:00:00Z') {
    await officers();
    await service.openMonth('city', '2026-10', clerk, at('2026-09-10T01:00:00Z'));
    const imported = await service.importFile('city', '2026-10', fixture('roster-2026-10.xlsx'), target, clerk, at('2026-09-10T02:00:00Z'));
    if (!imported.ok) throw new Error('import refused');
    await service.submit('city', '2026-10', clerk, at('2026-09-11T01:00:00Z'));
    await service.approve('city', '2026-10', director, at('2026-09-12T01:00:00Z'));
    const roster = await service.publish('city', '2026-10', clerk, at(publishedAt), publishContext);
    return { roster, shifts: imported.shifts };
  }

  it('draft → submitted → approved → published, illegal transitions refused with a named error', async () => {
    await officers();
    const opened = await service.openMonth('city', '2026-10', clerk, at('2026-09-10T01:00:00Z'));
    expect(await codeOf(service.openMonth('city', '2026-10', clerk, at('2026-09-10T01:00:01Z')))).toBe('roster-exists');
    expect(await codeOf(service.submit('city', '2026-10', clerk, at('2026-09-10T01:30:00Z')))).toBe('no-shifts');
    expect(await codeOf(service.publish('city', '2026-10', clerk, at('2026-09-10T01:30:00Z'), publishContext))).toBe('illegal-transition');

    const imported = await service.importFile('city', '2026-10', fixture('roster-2026-10.xlsx'), target, clerk, at('2026-09-10T02:00:00Z'));
    expect(imported).toMatchObject({ ok: true, format: 'xlsx', encoding: null, roster: { status: 'draft', revision: 1 } });
    if (!imported.ok) return;
    expect(imported.shifts.map((s) => `${s.date} ${s.periodLabel} ${s.deskEndpoint}`)).toEqual([
      '2026-10-01 08:30–20:30 desk',
      '2026-10-01 20:30–08:30 night-desk',
      '2026-10-09 08:30–17:30 desk',
      '2026-10-09 17:30–08:30 night-desk',
      '2026-10-10 08:30–17:30 desk',
      '2026-10-10 17:30–08:30 night-desk',
    ]);
    expect(imported.shifts[1]).toMatchObject({ officerIds: [ids['李娜'], ids['王芳']], leaderId: ids['赵建国'], startsAt: at('2026-10-01T12:30:00Z'), endsAt: at('2026-10-02T00:30:00Z') });

    await service.submit('city', '2026-10', clerk, at('2026-09-11T01:00:00Z'));
    expect(await codeOf(service.approve('city', '2026-10', clerk, at('2026-09-12T01:00:00Z')))).toBe('not-duty-director');
    expect(await codeOf(service.importFile('city', '2026-10', fixture('roster-2026-10.utf8.csv'), target, clerk, at('2026-09-11T02:00:00Z')))).toBe('illegal-transition');
    expect(await codeOf(service.publish('city', '2026-10', clerk, at('2026-09-11T03:00:00Z'), publishContext))).toBe('illegal-transition');
    await service.approve('city', '2026-10', director, at('2026-09-12T01:00:00Z'));
    const published = await service.publish('city', '2026-10', clerk, at('2026-09-20T02:00:00Z'), publishContext);
    expect(await codeOf(service.returnToDraft('city', '2026-10', director, at('2026-09-21T01:00:00Z'), '重排'))).toBe('illegal-transition');
    expect(await codeOf(service.approve('city', '2026-10', director, at('2026-09-21T01:00:00Z')))).toBe('illegal-transition');

    expect(await service.getMonth('city', '2026-10')).toEqual(published);
    expect(published).toEqual({
      id: opened.id,
      officeId: 'city',
      month: '2026-10',
      status: 'published',
      revision: 1,
      createdAt: at('2026-09-10T01:00:00Z'),
      createdBy: 'u-clerk',
      submittedAt: at('2026-09-11T01:00:00Z'),
      submittedBy: 'u-clerk',
      approvedAt: at('2026-09-12T01:00:00Z'),
      approvedBy: 'u-director',
      publishedAt: at('2026-09-20T02:00:00Z'),
      publishedBy: 'u-clerk',
      lateness: { late: false, publishedOn: '2026-09-20', reasons: [] },
      history: [
        { seq: 1, action: 'create', status: 'draft', at: at('2026-09-10T01:00:00Z'), by: 'u-clerk', note: null },
        { seq: 2, action: 'revise', status: 'draft', at: at('2026-09-10T02:00:00Z'), by: 'u-clerk', note: 'import roster-2026-10.xlsx: 6 shifts' },
        { seq: 3, action: 'submit', status: 'submitted', at: at('2026-09-11T01:00:00Z'), by: 'u-clerk', note: null },
        { seq: 4, action: 'approve', status: 'approved', at: at('2026-09-12T01:00:00Z'), by: 'u-director', note: null },
        { seq: 5, action: 'publish', status: 'published', at: at('2026-09-20T02:00:00Z'), by: 'u-clerk', note: null },
      ],
    });
  });

  it('returned to draft, re-imported, the first import kept as superseded', async () => {
    await officers();
    await service.openMonth('city', '2026-10', clerk, at('2026-09-10T01:00:00Z'));
    const first = await service.importFile('city', '2026-10', fixture('roster-2026-10.utf8.csv'), { ...target, fileName: 'a.csv' }, clerk, at('2026-09-10T02:00:00Z'));
    await service.submit('city', '2026-10', clerk, at('2026-09-11T01:00:00Z'));
    expect(await codeOf(service.returnToDraft('city', '2026-10', director, at('2026-09-12T01:00:00Z'), ' '))).toBe('reason-required');
    await service.returnToDraft('city', '2026-10', director, at('2026-09-12T01:00:00Z'), '10月10日夜班缺带班领导');
    const second = await service.importFile('city', '2026-10', fixture('roster-2026-10.gb18030.csv'), { ...target, fileName: 'b.csv' }, clerk, at('2026-09-12T02:00:00Z'));
    expect(second).toMatchObject({ ok: true, encoding: 'gb18030', roster: { status: 'draft', revision: 2 } });
    if (!first.ok || !second.ok) return;
    expect(second.roster.history.slice(3).map((e) => [e.action, e.by, e.note])).toEqual([
      ['return', 'u-director', '10月10日夜班缺带班领导'],
      ['revise', 'u-clerk', 'import b.csv: 6 shifts'],
    ]);
    expect(await stores.rosters.getShift('city', first.shifts[0]!.id)).toMatchObject({ revision: 1, supersededAt: at('2026-09-12T02:00:00Z'), supersededBy: 'u-clerk' });
    expect((await stores.rosters.listShifts('city', second.roster.id)).map((s) => s.revision)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('a wrong file imports nothing', async () => {
    await officers();
    const opened = await service.openMonth('city', '2026-10', clerk, at('2026-09-10T01:00:00Z'));
    const result = await service.importFile('city', '2026-10', fixture('errors/several.xlsx'), target, clerk, at('2026-09-10T02:00:00Z'));
    expect(result).toEqual({
      ok: false,
      problems: [
        { row: 4, column: 'E', header: '值班人员', message: 'unknown officer "王五": office city has no officer of this name' },
        { row: 5, column: 'A', header: '日期', message: "2026-11-01 is not in the roster's month 2026-10" },
      ],
    });
    expect(await service.getMonth('city', '2026-10')).toEqual(opened);
    expect(await stores.rosters.listShifts('city', opened.id)).toEqual([]);
    const [shiftRows] = await t.db.prisma.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM roster_shifts');
    expect(shiftRows?.n).toBe(0);
  });

  it('late publication is flagged: after the month began, and less than 7 days before National Day', async () => {
    // 2026-09-26 10:00 in Shanghai: before October, but National Day (10-01) needed it by 09-24
    const { roster } = await publishedOctober('2026-09-26T02:00:00Z');
    expect(roster.lateness).toEqual({
      late: true,
      publishedOn: '2026-09-26',
      reasons: [{ rule: 'holiday', holidayStart: '2026-10-01', deadline: '2026-09-24', shiftDates: ['2026-10-01'] }],
    });
    expect((await service.getMonth('city', '2026-10')).lateness).toEqual(roster.lateness);

    await officers();
    await service.openMonth('city', '2026-10', clerk, at('2026-09-10T01:00:00Z'));
    await service.importFile('city', '2026-10', fixture('roster-2026-10.utf8.csv'), target, clerk, at('2026-09-10T02:00:00Z'));
    await service.submit('city', '2026-10', clerk, at('2026-09-11T01:00:00Z'));
    await service.approve('city', '2026-10', director, at('2026-10-02T01:00:00Z'));
    expect((await service.publish('city', '2026-10', clerk, at('2026-10-02T02:00:00Z'), publishContext)).lateness).toEqual({
      late: true,
      publishedOn: '2026-10-02',
      reasons: [
        { rule: 'month', deadline: '2026-09-30' },
        { rule: 'holiday', holidayStart: '2026-10-01', deadline: '2026-09-24', shiftDates: ['2026-10-01'] },
      ],
    });
  });

  it('only an approved swap changes who is on duty; requested, agreed or rejected ones do not', async () => {
    const { shifts } = await publishedOctober();
    const night = shifts.find((s) => s.date === '2026-10-09' && s.deskEndpoint === 'night-desk')!;
    const wang: RosterActor = { id: 'u-wang', officerId: ids['王芳']!, dutyDirector: false };
    // 2026-10-10 01:00 in Shanghai, inside the night shift of 10-09 (17:30–08:30)
    const during = at('2026-10-09T17:00:00Z');
    const rostered = { shiftId: night.id, officerIds: [ids['张伟']], leaderId: ids['孙丽'] };
    expect(await service.whoIsOnDuty('city', 'night-desk', during)).toEqual(rostered);

    const swap = await service.requestSwap({
      officeId: 'city',
      shiftId: night.id,
      requesterId: ids['张伟']!,
      counterpartId: ids['王芳']!,
      counterpartShiftId: null,
      reason: '家中有事',
      by: { id: 'u-zhang', officerId: ids['张伟']!, dutyDirector: false },
      at: at('2026-10-05T01:00:00Z'),
    });
    expect(await service.whoIsOnDuty('city', 'night-desk', during)).toEqual(rostered);
    expect(await codeOf(service.decideSwap('city', swap.id, 'approve', director, at('2026-10-05T02:00:00Z')))).toBe('illegal-transition');
    expect(await codeOf(service.answerSwap('city', swap.id, 'agree', clerk, at('2026-10-05T02:00:00Z')))).toBe('not-counterpart');
    await service.answerSwap('city', swap.id, 'agree', wang, at('2026-10-05T03:00:00Z'));
    expect(await service.whoIsOnDuty('city', 'night-desk', during)).toEqual(rostered);
    expect(await codeOf(service.decideSwap('city', swap.id, 'approve', clerk, at('2026-10-06T01:00:00Z')))).toBe('not-duty-director');

    const approved = await service.decideSwap('city', swap.id, 'approve', director, at('2026-10-06T01:00:00Z'), '同意');
    expect(approved).toMatchObject({ status: 'approved', answeredBy: 'u-wang', decidedAt: at('2026-10-06T01:00:00Z'), decidedBy: 'u-director', decisionNote: '同意' });
    expect(await service.whoIsOnDuty('city', 'night-desk', during)).toEqual({ ...rostered, officerIds: [ids['王芳']] });
    // before the approval, the rostered officer was accountable; other shifts and desks are untouched
    expect(await service.whoIsOnDuty('city', 'night-desk', at('2026-10-05T12:00:00Z'))).toBe('no-one-rostered');
    expect(await service.whoIsOnDuty('city', 'desk', at('2026-10-09T02:00:00Z'))).toEqual({ shiftId: shifts[2]!.id, officerIds: [ids['刘洋']], leaderId: ids['孙丽'] });
    expect(await service.whoIsOnDuty('county', 'night-desk', during)).toBe('no-one-rostered');

    // a second request for the same place: 张伟 is no longer on the shift
    expect(
      await codeOf(
        service.requestSwap({ officeId: 'city', shiftId: night.id, requesterId: ids['张伟']!, counterpartId: ids['刘洋']!, counterpartShiftId: null, reason: '再换', by: clerk, at: at('2026-10-07T01:00:00Z') }),
      ),
    ).toBe('requester-not-on-shift');

    // a rejected swap on the shift of 10-10 changes nothing
    const day = shifts.find((s) => s.date === '2026-10-10' && s.deskEndpoint === 'desk')!;
    const other = await service.requestSwap({ officeId: 'city', shiftId: day.id, requesterId: ids['王芳']!, counterpartId: ids['李娜']!, counterpartShiftId: null, reason: '培训', by: wang, at: at('2026-10-07T01:00:00Z') });
    await service.answerSwap('city', other.id, 'agree', { id: 'u-li', officerId: ids['李娜']!, dutyDirector: false }, at('2026-10-07T02:00:00Z'));
    await service.decideSwap('city', other.id, 'reject', director, at('2026-10-08T01:00:00Z'), '人手不足');
    expect(await service.whoIsOnDuty('city', 'desk', at('2026-10-10T02:00:00Z'))).toEqual({ shiftId: day.id, officerIds: [ids['王芳']], leaderId: ids['赵建国'] });
  });

  it('nothing is deleted: the tables refuse DELETE, the history refuses UPDATE', async () => {
    // the PGlite adapter loses the server's message on raw statements; PostgreSQL's names the trigger's reason
    const refused = (sql: string, message: string) => expect(t.db.prisma.$executeRawUnsafe(sql)).rejects.toThrow(...(kind === 'postgres' ? [message] : []));
    const { shifts } = await publishedOctober();
    await service.requestSwap({ officeId: 'city', shiftId: shifts[0]!.id, requesterId: ids['张伟']!, counterpartId: ids['王芳']!, counterpartShiftId: null, reason: '家中有事', by: clerk, at: at('2026-09-25T01:00:00Z') });
    for (const table of ROSTER_TABLES) {
      const [before] = await t.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
      expect(before?.n, table).toBeGreaterThan(0);
      await refused(`DELETE FROM "${table}"`, `${table} keeps its rows: DELETE refused`);
      const [after] = await t.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
      expect(after?.n, table).toBe(before?.n);
    }
    await refused(`UPDATE "roster_month_events" SET "note" = 'x'`, 'roster_month_events keeps its rows: UPDATE refused');
    await refused(`UPDATE "roster_shift_officers" SET "position" = 9`, 'roster_shift_officers keeps its rows: UPDATE refused');
  });
});

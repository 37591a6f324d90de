/**
 * The audit trail of reads, on PostgreSQL and PGlite, through the whole service: reads of the
 * call log and of discipline records as each role (one refused), then the audit log as the
 * auditor shows exactly those reads — who, what, which ids, the query, from which address — and
 * nothing else; only auditors read it.
 */
import { describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../support/access-api.js';
import { useCleanups } from '../../support/cleanups.js';
import { DB_KINDS } from '../../support/db.js';
import { recordedCall, startFakePbx } from '../../support/fake-pbx.js';
import { startTestService, type CallJson, type RecordJson } from '../../support/service-harness.js';

const { defer, started } = useCleanups();

describe.each(DB_KINDS)('the audit log of reads on %s', (kind) => {
  it('shows exactly the reads made as each role, newest first, to the auditor only', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const sut = await started(startTestService({ kind, pbx }));
    const { service } = sut;
    await service.database.opened;

    // One call unanswered for 3 rings (captured 2026-11-23 09:26 UTC): a call-log entry and an absence.
    const capture = recordedCall('no-answer');
    pbx.play(capture);
    const record = await sut.waitForRecord(capture.pbxCallId);
    const [call] = await sut.callsFor(capture.pbxCallId);

    // 李四 was on duty then: as a duty officer he reads that shift's calls and records.
    const roster = service.roster;
    const li = await roster.addOfficer({ officeId: 'default', name: '李四', phone: null, section: null }, { by: 'clerk', at: new Date() });
    const clerk = { id: 'clerk', officerId: null, dutyDirector: false };
    const director = { id: 'director', officerId: null, dutyDirector: true };
    await roster.openMonth('default', '2026-11', clerk, new Date());
    await roster.reviseShifts('default', '2026-11', [{ officeId: 'default', date: '2026-11-23', periodLabel: '08:30–17:30', startsAt: new Date('2026-11-23T00:30:00Z'), endsAt: new Date('2026-11-23T09:30:00Z'), deskEndpoint: 'desk', officerIds: [li.id], leaderId: null }], clerk, new Date());
    await roster.submit('default', '2026-11', clerk, new Date());
    await roster.approve('default', '2026-11', director, new Date());
    await roster.publish('default', '2026-11', director, new Date(), { holidays: [], timezone: 'Asia/Shanghai' });

    const stores = service.access.stores;
    const as = {
      supervisor: await issueToken(stores, await addUser(stores, 'wang.zhuren', 'supervisor')),
      officer: await issueToken(stores, await addUser(stores, 'li.si', 'duty-officer', { officerId: li.id })),
      ops: await issueToken(stores, await addUser(stores, 'ops.zhao', 'ops')),
      auditor: await issueToken(stores, await addUser(stores, 'shen.ji', 'auditor')),
    };
    const get = async (headers: { authorization: string }, url: string) => {
      const res = await service.http.inject({ method: 'GET', url, headers });
      return { status: res.statusCode, body: res.json() };
    };
    const since = new Date().toISOString();

    expect((await get(as.supervisor, '/calls?limit=10')).body.items.map((c: CallJson) => c.id)).toEqual([call!.id]);
    expect((await get(as.supervisor, `/calls/${call!.id}`)).status).toBe(200);
    const officerList = await get(as.officer, '/discipline-records?type=absence');
    expect(officerList.status, JSON.stringify(officerList.body)).toBe(200);
    expect(officerList.body.items.map((r: RecordJson) => r.id)).toEqual([record.id]);
    expect((await get(as.officer, `/discipline-records/${record.id}`)).status).toBe(200);
    expect((await get(as.ops, '/calls')).status).toBe(403);
    expect((await get(as.auditor, '/calls?outcome=absence')).body.items).toHaveLength(1);
    // Only auditors read the log.
    for (const who of [as.supervisor, as.officer, as.ops]) expect((await get(who, '/audit-log')).status).toBe(403);

    const log = await get(as.auditor, `/audit-log?from=${encodeURIComponent(since)}&limit=100`);
    expect(log.status).toBe(200);
    // The query as applied: the API's defaults (limit 100, offset 0) filled in.
    const seen = log.body.items.map((e: { userName: string; role: string; action: string; route: string; ids: string[]; query: object; address: string | null; officeId: string }) => [e.userName, e.role, e.action, e.route, e.ids, e.query, e.address, e.officeId]);
    expect(seen).toEqual([
      ['ops.zhao', 'ops', 'access.denied', 'GET /audit-log', [], { permission: 'audit:read' }, '127.0.0.1', 'default'],
      ['li.si', 'duty-officer', 'access.denied', 'GET /audit-log', [], { permission: 'audit:read' }, '127.0.0.1', 'default'],
      ['wang.zhuren', 'supervisor', 'access.denied', 'GET /audit-log', [], { permission: 'audit:read' }, '127.0.0.1', 'default'],
      ['shen.ji', 'auditor', 'calls.list', 'GET /calls', [call!.id], { outcome: 'absence', limit: 100, offset: 0 }, '127.0.0.1', 'default'],
      ['ops.zhao', 'ops', 'access.denied', 'GET /calls', [], { permission: 'calls:read' }, '127.0.0.1', 'default'],
      ['li.si', 'duty-officer', 'records.get', 'GET /discipline-records/:id', [record.id], { id: record.id }, '127.0.0.1', 'default'],
      ['li.si', 'duty-officer', 'records.list', 'GET /discipline-records', [record.id], { type: 'absence', limit: 100, offset: 0 }, '127.0.0.1', 'default'],
      ['wang.zhuren', 'supervisor', 'calls.get', 'GET /calls/:id', [call!.id], { id: call!.id }, '127.0.0.1', 'default'],
      ['wang.zhuren', 'supervisor', 'calls.list', 'GET /calls', [call!.id], { limit: 10, offset: 0 }, '127.0.0.1', 'default'],
    ]);
    // Reading the log is itself recorded.
    const again = await get(as.auditor, `/audit-log?from=${encodeURIComponent(since)}&action=audit.list`);
    expect(again.body.items.map((e: { userName: string; action: string }) => [e.userName, e.action])).toEqual([['shen.ji', 'audit.list']]);
  });
});

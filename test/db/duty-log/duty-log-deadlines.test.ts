/**
 * The duty log's deadlines through the whole service, on PostgreSQL and PGlite: an answered call
 * whose entry stays incomplete past its deadline raises exactly one record — when the service
 * was running at the deadline and is restarted, and when it was down at the deadline — and an
 * overdue major-incident report raises one mistake while one made in time raises none.
 *
 * The deadline is judged by the sweep against the office's PBX time. "Down at the deadline" is a
 * first run that stops before the deadline (completion grace: a day) and a second that starts
 * after it; rather than wait a day, the second run is given a grace already elapsed (0), which is
 * the same judgement (now ≥ answered + grace) made after the deadline.
 */
import { describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../support/access-api.js';
import { useCleanups } from '../../support/cleanups.js';
import { createTempDir, DB_KINDS, keptDatabase } from '../../support/db.js';
import { happeningNow, recordedCall, startFakePbx, type FakePbx } from '../../support/fake-pbx.js';
import { startTestService, type CallJson, type DatabaseKind, type RecordJson, type TestService } from '../../support/service-harness.js';

const { defer, started } = useCleanups();
const DAY_MS = 24 * 3600_000;

const databaseOf = (kind: DatabaseKind) => keptDatabase(kind, defer);

const run = (pbx: FakePbx, database: object, spillDir: string, graceMs: number) =>
  started(startTestService({ pbx, ...database, spillDir, config: { 'dutyLog.completionGraceMs': graceMs, 'dutyLog.sweepIntervalMs': 3_600_000 } }));

/** "2026-11-23 10:00": the office's wall clock (Asia/Shanghai, UTC+8: the test office has no schedule file), as reasons give it. */
const shanghai = (at: string | number) => new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

const entryRecords = async (sut: TestService) => (await sut.everyOffice<RecordJson>('/discipline-records?limit=1000')).filter((r) => r.subject.kind === 'duty-log-entry');

/** The recorded answered call, its first event `at` (default: a minute ago, so that all of it lies in the past). */
async function answeredCall(sut: TestService, pbx: FakePbx, at = new Date(Date.now() - 60_000)): Promise<CallJson> {
  await sut.service.database.opened;
  const capture = happeningNow(recordedCall('answered'), at);
  pbx.play(capture);
  return sut.waitForCallWhere('the answered call, ended', (c) => c.pbxCallId === capture.pbxCallId && c.endedAt !== null);
}

describe.each(DB_KINDS)('duty log deadlines on %s', (kind) => {
  it('running at the deadline, then restarted: one record, not two', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const database = await databaseOf(kind);
    const spill = await createTempDir('dh-spill-');
    defer(() => spill.rm());

    const first = await run(pbx, database, spill.path, 0);
    const call = await answeredCall(first, pbx);
    await first.service.database.opened;
    expect(await first.service.deadlines.sweep()).toBe(1);
    const [record] = await entryRecords(first);
    expect(record).toMatchObject({ type: 'absence', subject: { kind: 'duty-log-entry', id: call.pbxCallId }, duty: { noOneRostered: true } });
    // No one rostered, no grace: due at the answer.
    expect(record!.reason).toBe(`漏记：${shanghai(call.answeredAt!)} 接听的来电，至 ${shanghai(call.answeredAt!)} 值班记录仍未填写完整（缺：来电人或来电单位、来电内容、处理情况）`);
    await first.stop();

    const second = await run(pbx, database, spill.path, 0);
    await second.service.database.opened;
    expect(await second.service.deadlines.sweep()).toBe(0);
    expect((await entryRecords(second)).map((r) => r.id)).toEqual([record!.id]);
  });

  it('down at the deadline: the first sweep after the start raises it, once, and a later restart adds none', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const database = await databaseOf(kind);
    const spill = await createTempDir('dh-spill-');
    defer(() => spill.rm());

    const before = await run(pbx, database, spill.path, DAY_MS);
    const call = await answeredCall(before, pbx);
    await before.service.database.opened;
    expect(await before.service.deadlines.sweep()).toBe(0);
    await before.stop();

    for (let restart = 1; restart <= 2; restart++) {
      const after = await run(pbx, database, spill.path, 0);
      await after.service.database.opened;
      await after.service.deadlines.sweep();
      expect((await entryRecords(after)).map((r) => [r.subject.id, r.type])).toEqual([[call.pbxCallId, 'absence']]);
      await after.stop();
    }
  });

  it('a major incident: the oral report made late raises one 未报告 mistake; the written one made in time none', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const sut = await started(startTestService({ kind, pbx, config: { 'dutyLog.completionGraceMs': DAY_MS, 'dutyLog.sweepIntervalMs': 3_600_000 } }));
    // The call came three hours ago; its entry names the report times.
    const call = await answeredCall(sut, pbx, new Date(Date.now() - 3 * 3600_000));
    const stores = sut.service.access.stores;
    const supervisor = await issueToken(stores, await addUser(stores, 'wang.zhuren', 'supervisor'));
    const offered = Date.parse(call.offeredAt);
    const res = await sut.service.http.inject({
      method: 'PUT',
      url: `/calls/${call.id}/duty-log`,
      headers: supervisor,
      payload: {
        version: 0,
        callerUnit: '县应急局',
        content: '某镇山体滑坡，2人被困',
        handling: '已报告带班领导，通知消防',
        majorIncident: true,
        // due within 1 hour: made 61 minutes after the call; due in writing within 2 hours: made at 90 minutes
        oralReportAt: new Date(offered + 61 * 60_000).toISOString(),
        writtenReportAt: new Date(offered + 90 * 60_000).toISOString(),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().missing).toEqual([]);
    expect(await sut.service.deadlines.sweep()).toBe(1);
    expect(await sut.service.deadlines.sweep()).toBe(0);
    const records = await entryRecords(sut);
    expect(records.map((r) => [r.type, r.mistakeKind, r.subject.id, r.occurredAt])).toEqual([['mistake', 'unreported-incident', `${call.pbxCallId}/oral-report`, new Date(offered + 3600_000).toISOString()]]);
    expect(records[0]!.reason).toBe(`未报告：重大突发事件的口头报告应于 ${shanghai(offered + 3600_000)} 前报告，实际于 ${shanghai(offered + 61 * 60_000)} 才报告`);
  });
});

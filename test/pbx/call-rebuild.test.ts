/**
 * No call lost while duty-hotline was not watching: the sandbox Asterisk writes its channel event
 * log (CEL) by itself; calls it took while the service was stopped are rebuilt from it when the
 * service starts, judged by the same rules as live calls, each once. sipp plays the caller and the
 * desk; the service runs on PostgreSQL, the same database across its runs.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REBUILT_NOTE } from '../../src/calls/call-rebuild.js';
import { createTempDir, keptDatabase } from '../support/db.js';
import { eventually } from '../support/poll.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { ensurePbxUp, pbxSettings, repoRoot, SANDBOX_OFFICE_HOURS, setPbxClock } from '../support/pbx/sandbox.js';
import { placeCall, startDesk, unregisterPhone } from '../support/pbx/sipp.js';
import { RING_MS, startTestService, uniqueCaller, type CallJson, type TestService } from '../support/service-harness.js';

const CEL_FILE = path.join(pbxSettings().root, 'var/log/asterisk/cel-custom/duty-cel.jsonl');
const cleanups: (() => Promise<void>)[] = [];
let database: { databaseUrl: string } | { dataDir: string };

const start = () => startTestService({ ...database, pbx: 'sandbox', config: { 'cel.file': CEL_FILE, 'cel.rebuildIntervalMs': 500 } });

beforeAll(async () => {
  await ensurePbxUp();
  await setPbxClock(SANDBOX_OFFICE_HOURS);
  for (const phone of ['desk', 'leader', 'bureau']) await unregisterPhone(phone);
  database = await keptDatabase('postgres', (cleanup) => cleanups.push(cleanup));
});
afterAll(async () => {
  await setPbxClock('real');
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The call of this caller once it has rebuilt (or any) outcome, waiting for it. */
async function callOf(sut: TestService, caller: string): Promise<CallJson> {
  return sut.waitForCall(caller, (c) => c.endedAt !== null, 30_000);
}

/** The three calls of the first test, as rebuilt from the CEL file. */
let stoppedCalls: Record<'answered' | 'unanswered' | 'abandoned', CallJson> | undefined;

describe('calls taken while the service was stopped', () => {
  it('three calls (answered in ring 2, 3 rings unanswered, caller gone in ring 2) are rebuilt with those outcomes and one absence; a second restart changes nothing', async () => {
    // The service has run against this database (its schema, its position in the log), then stopped.
    const before = await start();
    await before.service.database.opened;
    await before.service.offices[0]!.rebuild!.run();
    await before.stop();

    const answered = uniqueCaller();
    const unanswered = uniqueCaller();
    const abandoned = uniqueCaller();
    let desk = startDesk({ behaviour: 'answer-after', answerAfterMs: Math.round(RING_MS * 1.5) });
    await desk.registered;
    await placeCall({ from: answered, hangupAfterMs: 300 });
    await desk.stop();
    desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    await placeCall({ from: unanswered, timeoutMs: 60_000 }).catch(() => undefined); // no one takes it: the caller hears the message, then 480
    await desk.stop();
    desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    await placeCall({ from: abandoned, cancelAfterMs: Math.round(RING_MS * 1.5) }).catch(() => undefined);
    await desk.stop();

    const after = await start();
    const rebuilt: CallJson[] = [];
    try {
      const a = await callOf(after, answered);
      const u = await callOf(after, unanswered);
      const c = await callOf(after, abandoned);
      expect([a.outcome, a.ringCount, a.answeredBy]).toEqual(['answered', 2, 'desk']);
      expect([u.outcome, u.ringCount, u.reachedNobody]).toEqual(['absence', 3, true]);
      expect([c.outcome, c.ringCount]).toEqual(['abandoned', 2]);
      rebuilt.push(a, u, c);
      stoppedCalls = { answered: a, unanswered: u, abandoned: c };
      for (const call of [a, u, c]) expect([call.rebuilt, call.timeline.map((e) => e.what)]).toEqual([true, expect.arrayContaining([REBUILT_NOTE])]);
      await expect.poll(async () => (await after.recordsFor(u.pbxCallId)).map((r) => [r.type, r.status]), { timeout: 10_000 }).toEqual([['absence', 'open']]);
      expect(await after.recordsFor(a.pbxCallId)).toEqual([]);
      expect(await after.recordsFor(c.pbxCallId)).toEqual([]);
    } finally {
      await after.stop();
    }

    // Restarted again: the log is read from where the last run stopped; nothing new, nothing doubled.
    const again = await start();
    try {
      await again.service.database.opened;
      const report = await again.service.offices[0]!.rebuild!.run();
      expect(report.rebuilt).toBe(0);
      const calls = (await Promise.all(rebuilt.map((x) => again.callsFor(x.pbxCallId)))).flat();
      expect(calls.map((x) => x.outcome).sort()).toEqual(['abandoned', 'absence', 'answered']);
      const records = (await Promise.all(rebuilt.map((x) => again.recordsFor(x.pbxCallId)))).flat();
      expect(records.map((r) => r.type)).toEqual(['absence']);
    } finally {
      await again.stop();
    }
  }, 120_000);

  it("the same calls, read from the table Asterisk's cel_pgsql writes (the PostgreSQL deployment), are rebuilt alike into another database", async () => {
    const { celDatabaseUrl } = pbxSettings();
    if (!celDatabaseUrl) throw new Error('the sandbox writes no CEL table: start it with a PostgreSQL on 127.0.0.1:5432 (DUTY_PBX_CEL_PG=auto)');
    expect(stoppedCalls, 'the calls of the test before').toBeDefined();
    const { answered, unanswered, abandoned } = stoppedCalls!;
    const other = await keptDatabase('postgres', (cleanup) => cleanups.push(cleanup));
    const sut = await startTestService({ ...other, pbx: 'sandbox', config: { 'cel.table': 'cel', 'cel.databaseUrl': celDatabaseUrl, 'cel.rebuildIntervalMs': 500 } });
    try {
      const a = await callOf(sut, answered.callerNumber!);
      const u = await callOf(sut, unanswered.callerNumber!);
      const c = await callOf(sut, abandoned.callerNumber!);
      expect([a.pbxCallId, a.outcome, a.ringCount, a.answeredBy]).toEqual([answered.pbxCallId, 'answered', 2, 'desk']);
      expect([u.pbxCallId, u.outcome, u.ringCount, u.reachedNobody]).toEqual([unanswered.pbxCallId, 'absence', 3, true]);
      expect([c.pbxCallId, c.outcome, c.ringCount]).toEqual([abandoned.pbxCallId, 'abandoned', 2]);
      for (const call of [a, u, c]) expect([call.rebuilt, call.timeline.map((e) => e.what)]).toEqual([true, expect.arrayContaining([REBUILT_NOTE])]);
      await expect.poll(async () => (await sut.recordsFor(u.pbxCallId)).map((r) => [r.type, r.status]), { timeout: 10_000 }).toEqual([['absence', 'open']]);
      // Read to the end: a second run has nothing to add.
      expect((await sut.service.offices[0]!.rebuild!.run()).rebuilt).toBe(0);
    } finally {
      await sut.stop();
    }
  }, 60_000);
});

describe('a service killed while the desk rings', () => {
  it('SIGKILL in ring 2, the call goes 3 rings unanswered: after the restart it is an absence, recorded once, not interrupted', async () => {
    const { databaseUrl } = database as { databaseUrl: string };
    const spill = await createTempDir('dh-spill-');
    cleanups.push(() => spill.rm());
    // The service as ops run it, in a process of its own that can be killed.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, DUTY_SPILL_DIR: spill.path, DUTY_HTTP_PORT: '0', DUTY_CEL_FILE: CEL_FILE, DUTY_LOG_LEVEL: 'warn', DUTY_RING_THRESHOLD: '3', DUTY_RING_ON_MS: '200', DUTY_RING_OFF_MS: '800' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const db = new pg.Client(databaseUrl);
    await db.connect();
    const desk = startDesk({ behaviour: 'never-answer' });
    try {
      await desk.registered;
      // The child has connected once it wrote its heartbeat.
      await eventually('the service running', async () => (await db.query('SELECT 1 FROM watch_heartbeats')).rowCount! > 0);
      const from = uniqueCaller();
      const calling = placeCall({ from, timeoutMs: 60_000 }).catch(() => undefined);
      const ringingAt = await eventually('the desk ringing, as the service stored it', async () => (await db.query<{ at: Date }>('SELECT desk_ringing_at AS at FROM call_log_entries WHERE caller_number = $1 AND desk_ringing_at IS NOT NULL', [from])).rows[0]?.at);
      await new Promise((r) => setTimeout(r, Math.max(0, ringingAt.getTime() + RING_MS * 1.5 - Date.now())));
      child.kill('SIGKILL');
      await exited;
      await calling;
      await desk.stop();

      const after = await start();
      try {
        const call = await after.waitForCall(from, (c) => c.outcome === 'absence', 30_000);
        expect([call.outcome, call.ringCount]).toEqual(['absence', 3]);
        expect([call.rebuilt, call.timeline.map((e) => e.what)]).toEqual([true, expect.arrayContaining([REBUILT_NOTE])]);
        await expect.poll(async () => (await after.recordsFor(call.pbxCallId)).map((r) => r.type), { timeout: 10_000 }).toEqual(['absence']);
        // and it stays so: later runs of the rebuild leave it
        await after.service.offices[0]!.rebuild!.run();
        expect((await after.callsFor(call.pbxCallId)).map((c) => c.outcome)).toEqual(['absence']);
        expect(await after.recordsFor(call.pbxCallId)).toHaveLength(1);
      } finally {
        await after.stop();
      }
    } finally {
      child.kill('SIGKILL');
      await desk.stop().catch(() => undefined);
      await db.end();
    }
  }, 120_000);
});

describe('AMI cut while calls come in', () => {
  it('30 s without AMI: the call in the gap is rebuilt, the one seen live is not doubled, the gap is listed (the API, /healthz)', async () => {
    const pbx = pbxSettings();
    const proxy = await startTcpProxy({ host: pbx.host, port: pbx.amiPort });
    const sut = await startTestService({ kind: 'postgres', pbx: 'sandbox', config: { 'ami.port': proxy.port, 'ami.reconnectMaxMs': 1000, 'cel.file': CEL_FILE, 'cel.rebuildIntervalMs': 60_000 } });
    const desk = startDesk({ behaviour: 'answer-after', answerAfterMs: Math.round(RING_MS * 0.5), calls: 2 });
    try {
      await desk.registered;
      await sut.service.pbx.waitUntilConnected(10_000);
      const seen = uniqueCaller();
      await placeCall({ from: seen, hangupAfterMs: 200 });
      const live = await sut.waitForCall(seen, (c) => c.endedAt !== null);
      expect([live.rebuilt, live.timeline.map((e) => e.what)]).toEqual([false, expect.not.arrayContaining([REBUILT_NOTE])]);

      proxy.cut();
      const cutAt = Date.now();
      const missed = uniqueCaller();
      await placeCall({ from: missed, hangupAfterMs: 200 });
      await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 30_000 - Date.now())));
      proxy.restore();
      await sut.service.pbx.waitUntilConnected(15_000);

      const rebuilt = await sut.waitForCall(missed, (c) => c.endedAt !== null, 20_000);
      expect([rebuilt.outcome, rebuilt.ringCount]).toEqual(['answered', 1]);
      expect([rebuilt.rebuilt, rebuilt.timeline.map((e) => e.what)]).toEqual([true, expect.arrayContaining([REBUILT_NOTE])]);
      const again = await sut.callsFor(live.pbxCallId);
      expect(again).toHaveLength(1);
      expect([again[0]!.rebuilt, again[0]!.timeline.map((e) => e.what)]).toEqual([false, expect.not.arrayContaining([REBUILT_NOTE])]);
      const gaps = await sut.json<{ items: { reason: string; from: string; to: string | null }[] }>(`/watch-gaps?from=${new Date(cutAt - 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`);
      const gap = gaps.items.find((g) => g.reason === 'ami-disconnected' && g.to !== null);
      expect(gap).toBeDefined();
      expect(Date.parse(gap!.to!) - Date.parse(gap!.from)).toBeGreaterThanOrEqual(29_000);
      // and /healthz shows it, with its label
      const health = await sut.health();
      expect(health.offices[0]!.notWatching).toContainEqual({ from: gap!.from, to: gap!.to, reason: 'ami-disconnected', label: expect.any(String) });
    } finally {
      await desk.stop().catch(() => undefined);
      await sut.stop();
      await proxy.close();
    }
  }, 120_000);
});

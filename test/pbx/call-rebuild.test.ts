/**
 * No call lost while duty-hotline was not watching: the sandbox Asterisk writes its channel event
 * log (CEL) by itself; calls it took while the service was stopped are rebuilt from it when the
 * service starts, judged by the same rules as live calls, each once. sipp plays the caller and the
 * desk; the service runs on PostgreSQL, the same database across its runs.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REBUILT_NOTE } from '../../src/calls/call-rebuild.js';
import { keptDatabase } from '../support/db.js';
import { ensurePbxUp, pbxSettings, SANDBOX_OFFICE_HOURS, setPbxClock } from '../support/pbx/sandbox.js';
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
    try {
      const a = await callOf(after, answered);
      const u = await callOf(after, unanswered);
      const c = await callOf(after, abandoned);
      expect([a.outcome, a.ringCount, a.answeredBy]).toEqual(['answered', 2, 'desk']);
      expect([u.outcome, u.ringCount, u.reachedNobody]).toEqual(['absence', 3, true]);
      expect([c.outcome, c.ringCount]).toEqual(['abandoned', 2]);
      for (const call of [a, u, c]) expect(call.timeline.map((e) => e.what)).toContain(REBUILT_NOTE);
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
      const calls = (await again.json<{ items: CallJson[] }>('/calls?limit=1000')).items.filter((x) => [answered, unanswered, abandoned].includes(x.callerNumber ?? ''));
      expect(calls.map((x) => x.outcome).sort()).toEqual(['abandoned', 'absence', 'answered']);
      const records = (await again.json<{ items: { subject: { id: string } }[] }>('/discipline-records?limit=1000')).items.filter((r) => calls.some((x) => x.pbxCallId === r.subject.id));
      expect(records).toHaveLength(1);
    } finally {
      await again.stop();
    }
  }, 120_000);
});

/**
 * Verdicts an officer cannot contest, on the real PBX with faults injected: a PBX that dies while
 * the desk rings decides no absence; a call no phone could take is not "abandoned"; a desk whose
 * SIP stays silent is not "unanswered"; a ringing tone that differs from the counted cadence is
 * reported. sipp plays the caller and the phones; the service runs on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asteriskRx, ensurePbxUp, killAsterisk, openAmiTap, pbxSettings, restartAsterisk, SANDBOX_OFFICE_HOURS, setPbxClock } from '../support/pbx/sandbox.js';
import { RING_MS, startTestService, TEST_RINGS, uniqueCaller, type CallJson, type TestService } from '../support/service-harness.js';
import { placeCall, startDesk, unregisterPhone } from '../support/pbx/sipp.js';
import { eventually } from '../support/poll.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const ended = (c: CallJson) => c.endedAt !== null;
/** Monday 2026-11-23 23:00 in Shanghai: after hours, the bureau covers (dialplan/schedule.example.yaml). */
const AFTER_HOURS = new Date('2026-11-23T23:00:00+08:00');
/** dialplan/sounds/duty-no-one-reachable.wav lasts 4.77 s. */
const PROMPT_MS = 4_770;

let sut: TestService;

beforeAll(async () => {
  await ensurePbxUp();
  await setPbxClock(SANDBOX_OFFICE_HOURS);
  // The sandbox's office phones are not registered unless a test starts one.
  for (const phone of ['desk', 'leader', 'bureau']) await unregisterPhone(phone);
  sut = await startTestService({ kind: 'postgres', pbx: 'sandbox' });
});
afterAll(async () => {
  await sut?.stop();
  await setPbxClock('real');
});

describe('a PBX that fails while the desk rings', () => {
  it('Asterisk killed during ring 2: the call ends interrupted by the PBX failure where the PBX was last heard, and no absence is recorded for rings nobody saw', async () => {
    const desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    try {
      const from = uniqueCaller();
      const calling = placeCall({ from, timeoutMs: 20_000 }).catch(() => undefined); // the PBX dies under it
      const ringing = await sut.waitForCall(from, (c) => c.deskRingingAt !== null);
      const ringingAt = Date.parse(ringing.deskRingingAt!);
      await new Promise((r) => setTimeout(r, Math.round(RING_MS * 1.5)));
      await killAsterisk();

      const call = await sut.waitForCall(from, ended);
      // Well past the third ring's deadline, with the grace and a margin: still no decision.
      await new Promise((r) => setTimeout(r, 3 * RING_MS + 1_000));
      expect(call.outcome).toBe('interrupted');
      expect(call.ringCount).toBeNull();
      expect(call.reachedNobody).toBe(false);
      expect(Date.parse(call.endedAt!) - ringingAt).toBeLessThan(3 * RING_MS);
      expect(call.timeline.at(-1)?.what).toMatch(/^PBX failure: AMI connection to the PBX lost \(.+\); nothing is known of the call after this moment/);
      expect(await sut.recordsFor(call.pbxCallId)).toEqual([]);
      expect((await sut.json<{ items: CallJson[] }>(`/calls/${call.id}`))).toMatchObject({ outcome: 'interrupted' });

      await restartAsterisk();
      await desk.stop({ unregister: false }).catch(() => undefined);
      await calling;
      await sut.service.pbx.waitUntilConnected(30_000);
    } finally {
      // A failed assertion must not leave the desk phone holding its port for the rest of the run.
      await desk.stop({ unregister: false }).catch(() => undefined);
    }
    await unregisterPhone('desk');
  }, 90_000);
});

describe('a PBX whose events stop while the desk rings', () => {
  it('AMI stalls (connection open, nothing arrives) during ring 2: the PBX does not answer the Ping at the deadline, the call ends interrupted, no absence; its events arriving later do not reopen it', async () => {
    const pbx = pbxSettings();
    const proxy = await startTcpProxy({ host: pbx.host, port: pbx.amiPort });
    const stalled = await startTestService({ kind: 'postgres', pbx: 'sandbox', config: { 'ami.port': proxy.port, 'rings.deadlineCheckTimeoutMs': 1_000 } });
    const desk = startDesk({ behaviour: 'never-answer' });
    try {
      await desk.registered;
      await stalled.service.database.opened;
      const from = uniqueCaller();
      const calling = placeCall({ from, timeoutMs: 60_000 });
      const ringing = await stalled.waitForCall(from, (c) => c.deskRingingAt !== null);
      await new Promise((r) => setTimeout(r, Math.round(RING_MS * 1.5)));
      proxy.freeze();

      const lost = await stalled.waitForCall(from, ended, 10_000);
      expect(lost.outcome).toBe('interrupted');
      expect(lost.ringCount).toBeNull();
      expect(lost.timeline.at(-1)?.what).toMatch(/^PBX failure: the PBX did not answer at a ring deadline \(.*1000 ms.*\); nothing is known of the call after this moment/);
      expect(Date.parse(lost.endedAt!) - Date.parse(ringing.deskRingingAt!)).toBeLessThan(3 * RING_MS);
      expect(await stalled.recordsFor(lost.pbxCallId)).toEqual([]);

      proxy.thaw();
      await calling; // the PBX went on: the desk rang out, the chain reached nobody, the caller heard the message
      await stalled.service.writes.onIdle();
      const after = await stalled.json<CallJson>(`/calls/${lost.id}`);
      expect(after).toEqual(lost);
      expect(await stalled.recordsFor(lost.pbxCallId)).toEqual([]);
    } finally {
      await desk.stop();
      await stalled.stop();
      await proxy.close();
    }
  }, 90_000);
});

describe('calls no phone could take', () => {
  it('after hours with the bureau phone unreachable: no-one-reachable and reached nobody, never abandoned; the caller hears the recorded message, then 480 (not a bare 404); an alarm in /healthz', async () => {
    await setPbxClock(AFTER_HOURS);
    const tap = await openAmiTap();
    try {
      const from = uniqueCaller();
      const mark = tap.mark();
      const before = (await sut.health()).calls.reachedNobody.count; // earlier tests' calls count too
      const result = await placeCall({ from });
      expect(result.answered).toBe(false);
      expect(result.finalStatus).toBe(480);
      expect(result.durationMs).toBeGreaterThanOrEqual(PROMPT_MS - 300);

      const call = await sut.waitForCall(from, ended);
      expect(call.outcome).toBe('no-one-reachable');
      expect(call.reachedNobody).toBe(true);
      expect(call.deskEndpoint).toBeNull();
      expect(call.timeline.map((e) => e.what)).toContain('reached nobody: bureau phone bureau unreachable (CHANUNAVAIL)');
      expect(call.timeline.map((e) => e.what)).not.toContain('caller hung up');
      expect(await sut.recordsFor(call.pbxCallId)).toEqual([]);

      const frames = tap.callFrames(call.pbxCallId, mark).map((f) => f.fields);
      expect(frames).toContainEqual(expect.objectContaining({ Event: 'UserEvent', UserEvent: 'DutyNoOneReachable', Destination: 'bureau' }));
      expect(frames).toContainEqual(expect.objectContaining({ Event: 'Newexten', Application: 'Playback', AppData: expect.stringContaining('/dialplan/sounds/duty-no-one-reachable,noanswer') }));

      const health = await sut.health();
      expect(health.calls.reachedNobody).toMatchObject({ count: before + 1, last: { pbxCallId: call.pbxCallId, outcome: 'no-one-reachable', tried: 'bureau phone bureau unreachable (CHANUNAVAIL)' } });
      expect(health.warnings).toContainEqual(expect.stringContaining('a call to the duty line reached nobody'));
    } finally {
      tap.close();
      await setPbxClock(SANDBOX_OFFICE_HOURS);
    }
  }, 60_000);

  it('a registered desk whose SIP answers nothing: not-responding with ring count 0, not unanswered, no absence', async () => {
    const desk = startDesk({ behaviour: 'silent' });
    await desk.registered;
    const from = uniqueCaller();
    try {
      await placeCall({ from });
      const call = await sut.waitForCall(from, ended);
      expect(call.outcome).toBe('not-responding');
      expect(call.ringCount).toBe(0);
      expect(call.deskRingingAt).toBeNull();
      expect(call.timeline.map((e) => e.what)).toContain('desk phone desk did not respond (never signalled ringing) until the PBX gave up');
      expect(call.reachedNobody).toBe(true); // leader and bureau are not registered either
      expect(await sut.recordsFor(call.pbxCallId)).toEqual([]);
    } finally {
      await desk.stop();
    }
  }, 60_000);
});

describe("the PBX's ringing tone against the cadence the service counts", () => {
  it('agreeing (200/800 ms, as scripts/test.sh starts the sandbox): no warning; differing: /healthz warns naming both values', async () => {
    expect(await asteriskRx('indication show cn'), 'start the sandbox with DUTY_RING_ON_MS=200 DUTY_RING_OFF_MS=800 (scripts/test.sh does)').toMatch(/cn\s+ring\s+450\/200,0\/800/);
    await eventually('the cadence check done', async () => (await sut.health()).ami.state === 'connected');
    expect((await sut.health()).warnings.filter((w) => w.includes('cadence'))).toEqual([]);

    const other = await startTestService({ kind: 'pglite', pbx: 'sandbox', config: { 'rings.onMs': 1000, 'rings.offMs': 4000 } });
    try {
      const warning = await eventually('a cadence warning', async () => (await other.health()).warnings.find((w) => w.includes('cadence')));
      expect(warning).toBe(
        'ring cadence mismatch: the PBX\'s ringing tone for "cn" is 200 ms on / 800 ms off, the service counts rings at 1000 ms on / 4000 ms off (rings.onMs/offMs): every ring count is wrong until they agree',
      );
    } finally {
      await other.stop();
    }
    expect(TEST_RINGS).toMatchObject({ onMs: 200, offMs: 800 });
  }, 60_000);
});

/**
 * The core loop on the real PBX: sipp plays the citizen and the desk phone, Asterisk 22 routes,
 * the service listens on AMI. Every scenario runs on PostgreSQL and on PGlite.
 * Calls are routed by the duty schedule: the PBX clock is pinned to office hours (libfaketime),
 * so the desk rings; the service's ring timing follows the PBX's clock by itself (src/pbx/asterisk/pbx-clock.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePbxUp, restartAsterisk, SANDBOX_OFFICE_HOURS, setPbxClock } from '../support/pbx/sandbox.js';
import { evidenceComplete, RING_MS, startTestService, uniqueCaller, type CallJson, type DatabaseKind, type TestService } from '../support/service-harness.js';
import { placeCall, startDesk, unregisterDesk } from '../support/pbx/sipp.js';

const ended = (c: CallJson) => c.endedAt !== null;

// The PBX clock is set once for the file: a live jump of libfaketime's clock (back to real time
// and forward again between the two databases) delayed Asterisk's AMI events by seconds.
beforeAll(async () => {
  await ensurePbxUp();
  await setPbxClock(SANDBOX_OFFICE_HOURS);
});
afterAll(async () => {
  await setPbxClock('real');
});

describe.each<DatabaseKind>(['postgres', 'pglite'])('duty line on the real PBX (%s)', (kind) => {
  let sut: TestService;
  const placed: string[] = [];

  beforeAll(async () => {
    sut = await startTestService({ kind: kind, pbx: 'sandbox' });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('desk answering during ring 2 is logged answered with ring count 2 and no record', async () => {
    const desk = startDesk({ behaviour: 'answer-after', answerAfterMs: Math.round(RING_MS * 1.5) });
    await desk.registered;
    const from = uniqueCaller();
    placed.push(from);
    const result = await placeCall({ from, hangupAfterMs: 300 });
    await desk.stop();
    expect(result.answered).toBe(true);

    const call = await sut.waitForCall(from, ended);
    expect(call.outcome).toBe('answered');
    expect(call.ringCount).toBe(2);
    expect(call.answeredBy).toBe('desk');
    expect(call.reachedNobody).toBe(false);
    expect(await sut.recordsFor(call.pbxCallId)).toEqual([]);
  });

  it('desk unanswered for 3 rings is exactly one absence, recorded at the third ring while the desk still rings, its evidence completed when the call ends', async () => {
    const desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    const from = uniqueCaller();
    placed.push(from);
    const calling = placeCall({ from, timeoutMs: 60_000 });

    const ringing = await sut.waitForCall(from, (c) => c.deskRingingAt !== null);
    const record = await sut.waitForRecord(ringing.pbxCallId);
    // The desk leg's end is logged as "PBX stopped ringing desk …": not there yet when the absence is.
    const atRecord = await sut.json<CallJson>(`/calls/${ringing.id}`);
    const result = await calling;
    await desk.stop();

    expect(atRecord.timeline.some((e) => e.what.startsWith('PBX stopped ringing desk'))).toBe(false);
    expect(atRecord.endedAt).toBeNull(); // decided at the N-th ring, not when Dial() gave up
    expect(result.answered).toBe(false);
    expect(record.type).toBe('absence');
    expect(record.deskEndpoint).toBe('desk');
    expect(Date.parse(record.occurredAt) - Date.parse(ringing.deskRingingAt!)).toBe(3 * RING_MS);
    expect(record.evidence.map((e) => e.what)).toEqual(expect.arrayContaining(['desk ring 1', 'desk ring 2', 'desk ring 3']));

    const call = await sut.waitForCall(from, ended);
    expect(call.outcome).toBe('absence');
    const completed = await sut.waitForRecord(call.pbxCallId, evidenceComplete);
    expect(completed).toEqual({ ...record, evidence: call.timeline });
    expect(completed.evidence.map((e) => e.what)).toContainEqual(expect.stringMatching(/^PBX stopped ringing desk phone desk after \d+ ring\(s\)$/));
    expect(await sut.recordsFor(call.pbxCallId)).toHaveLength(1);
  });

  it('caller hanging up during ring 2 is abandoned, not an absence', async () => {
    const desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    const from = uniqueCaller();
    placed.push(from);
    await placeCall({ from, cancelAfterMs: Math.round(RING_MS * 1.5) });
    await desk.stop();

    const call = await sut.waitForCall(from, ended);
    expect(call.outcome).toBe('abandoned');
    expect(call.ringCount).toBe(2);
    expect(await sut.recordsFor(call.pbxCallId)).toEqual([]);
  });

  it('desk busy is logged busy', async () => {
    const desk = startDesk({ behaviour: 'busy' });
    await desk.registered;
    const from = uniqueCaller();
    placed.push(from);
    const result = await placeCall({ from });
    await desk.stop();
    expect(result.answered).toBe(false);

    const call = await sut.waitForCall(from, ended);
    expect(call.outcome).toBe('busy');
    // The leader and the bureau phones of the fallback chain are not registered: nobody took the call.
    expect(call.reachedNobody).toBe(true);
    expect(await sut.recordsFor(call.pbxCallId)).toEqual([]);
  });

  it('desk not registered is logged unreachable', async () => {
    await unregisterDesk();
    const from = uniqueCaller();
    placed.push(from);
    const result = await placeCall({ from });
    expect(result.answered).toBe(false);

    const call = await sut.waitForCall(from, ended);
    expect(call.outcome).toBe('unreachable');
    expect(call.deskEndpoint).toBe('desk');
    expect(call.reachedNobody).toBe(true);
    expect(call.timeline.map((e) => e.what)).toContain(
      'reached nobody: desk phone desk unreachable (CHANUNAVAIL); fallback phone leader unreachable (CHANUNAVAIL); bureau phone bureau unreachable (CHANUNAVAIL)',
    );
  });

  it('Asterisk restarted while the service runs: the service reconnects and the next call is logged', async () => {
    const before = (await sut.health()).ami.reconnects;
    await restartAsterisk();
    const until = Date.now() + 30_000;
    let health = await sut.health();
    while (!(health.ami.state === 'connected' && health.ami.reconnects > before) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      health = await sut.health();
    }
    expect(health.ami.state).toBe('connected');
    expect(health.ami.reconnects).toBeGreaterThan(before);

    const desk = startDesk({ behaviour: 'answer-after', answerAfterMs: 300 });
    await desk.registered;
    const from = uniqueCaller();
    placed.push(from);
    await placeCall({ from, hangupAfterMs: 200 });
    await desk.stop();
    expect((await sut.waitForCall(from, ended)).outcome).toBe('answered');
  });

  it('every call placed appears exactly once in GET /calls', async () => {
    await sut.service.writes.onIdle();
    const { items } = await sut.json<{ items: CallJson[] }>('/calls?limit=1000');
    for (const from of placed) expect(items.filter((c) => c.callerNumber === from), from).toHaveLength(1);
    expect(items).toHaveLength(placed.length);
  });
});

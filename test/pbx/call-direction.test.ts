/**
 * Calls that are not calls to the duty line, on the real PBX. sipp plays the desk phone calling
 * the bureau phone (dialplan/office-calls.conf routes what office phones dial), and the service
 * places a call to the desk through its PBX port (Originate). Each is logged as its own kind,
 * direction 'outbound' or 'originated', with the outcome of the phone called: never an absence,
 * never "reached nobody", however long that phone rang. The service runs on PostgreSQL with the
 * test cadence: a ring every second, three rings = 3 s.
 *
 * DUTY_WRITE_AMI_FIXTURES=1 also saves the AMI events of two of these calls to test/fixtures/ami/
 * (desk-to-bureau.txt, originated-no-answer.txt) for the translator's and the port's unit tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveAmiFixture } from '../support/pbx/ami-fixtures.js';
import { callFromCel, celMark } from '../support/pbx/cel-log.js';
import { ensurePbxUp, openAmiTap, type AmiTap } from '../support/pbx/sandbox.js';
import { RING_MS, startTestService, uniqueCaller, type CallJson, type TestService } from '../support/service-harness.js';
import { placeCall, startDesk, unregisterPhone } from '../support/pbx/sipp.js';

const ended = (c: CallJson) => c.endedAt !== null;
const whats = (c: CallJson) => c.timeline.map((e) => e.what);
const timeOf = (c: CallJson, what: string) => Date.parse(c.timeline.find((e) => e.what === what)?.at ?? 'none');

let sut: TestService;
let tap: AmiTap;

beforeAll(async () => {
  await ensurePbxUp();
  // Only the phones a test starts are registered.
  for (const phone of ['desk', 'leader', 'bureau']) await unregisterPhone(phone);
  sut = await startTestService({ kind: 'postgres', pbx: 'sandbox' });
  tap = await openAmiTap();
});
afterAll(async () => {
  tap?.close();
  await sut?.stop();
});

/** Once the writes landed: the call's discipline records (none is expected) and the reached-nobody alarm count. */
async function settled(call: CallJson) {
  await sut.service.writes.onIdle();
  return { records: await sut.recordsFor(call.pbxCallId), reachedNobody: (await sut.health()).calls.reachedNobody.count };
}

describe('the desk phone places calls (dialplan/office-calls.conf)', () => {
  it('the bureau answers: logged outbound, answered by the bureau, no discipline record, not reached nobody', async () => {
    const bureau = startDesk({ phone: 'bureau', behaviour: 'answer-after', answerAfterMs: 1500 });
    await bureau.registered;
    const name = uniqueCaller(); // the desk's From display name: its caller name in the log
    const before = (await sut.health()).calls.reachedNobody.count;
    const mark = tap.mark();
    try {
      const result = await placeCall({ placedBy: 'desk', to: 'bureau', from: name, hangupAfterMs: 500 });
      expect(result.answered).toBe(true);
    } finally {
      await bureau.stop();
    }

    const call = await sut.waitForCallWhere(`the desk's call ${name}`, (c) => c.callerName === name && ended(c));
    expect(call).toMatchObject({
      direction: 'outbound',
      outcome: 'answered',
      callerNumber: 'desk',
      dialed: 'bureau',
      answeredBy: 'bureau',
      deskEndpoint: null,
      deskRingingAt: null,
      ringCount: null,
      reachedNobody: false,
    });
    expect(whats(call)).toEqual([
      'placed by desk phone desk to bureau',
      'bureau phone bureau dialled',
      'bureau phone bureau ringing',
      'answered by bureau phone bureau',
      'caller hung up',
      'call ended (Normal Clearing)',
    ]);
    expect(await settled(call)).toEqual({ records: [], reachedNobody: before });

    const frames = await tap.waitCallEnded(call.pbxCallId, { from: mark });
    // The desk's own channel starts the call: its Uniqueid is the call's id.
    expect(frames.find((f) => f.fields.Event === 'Newchannel')?.fields).toMatchObject({ Channel: expect.stringMatching(/^PJSIP\/desk-/), Uniqueid: call.pbxCallId, Context: 'office-phones', Exten: 'bureau' });
    await saveAmiFixture('desk-to-bureau', frames, [
      'Raw AMI events captured from the real Asterisk 22 sandbox by test/pbx/call-direction.test.ts',
      'scenario desk-to-bureau - the desk phone dials "bureau", the bureau answers after 1.5 s, the desk hangs up 0.5 s later',
      `Linkedid of the call ${call.pbxCallId}; blank line between events`,
    ]);
  });

  it('the bureau rings for longer than three rings and the desk gives up: outbound unanswered, still no absence and not reached nobody', async () => {
    const bureau = startDesk({ phone: 'bureau', behaviour: 'never-answer' });
    await bureau.registered;
    const name = uniqueCaller();
    const before = (await sut.health()).calls.reachedNobody.count;
    try {
      const result = await placeCall({ placedBy: 'desk', to: 'bureau', from: name, cancelAfterMs: Math.round(RING_MS * 4.5) });
      expect(result.finalStatus).toBe(487);
    } finally {
      await bureau.stop();
    }

    const call = await sut.waitForCallWhere(`the desk's call ${name}`, (c) => c.callerName === name && ended(c));
    expect(call).toMatchObject({ direction: 'outbound', outcome: 'unanswered', answeredAt: null, answeredBy: null, reachedNobody: false });
    expect(timeOf(call, 'caller hung up') - timeOf(call, 'bureau phone bureau ringing')).toBeGreaterThan(3 * RING_MS);
    expect(whats(call).filter((w) => /absence|reached nobody|ring \d/.test(w))).toEqual([]);
    expect(await settled(call)).toEqual({ records: [], reachedNobody: before });
  });

  it('the desk phone calls the leader, who is busy: logged outbound, busy, no record', async () => {
    const leader = startDesk({ phone: 'leader', behaviour: 'busy' });
    await leader.registered;
    const name = uniqueCaller();
    try {
      const result = await placeCall({ placedBy: 'desk', to: 'leader', from: name });
      expect(result.finalStatus).toBe(486);
    } finally {
      await leader.stop();
    }

    const call = await sut.waitForCallWhere(`the desk's call ${name}`, (c) => c.callerName === name && ended(c));
    expect(call).toMatchObject({ direction: 'outbound', outcome: 'busy', dialed: 'leader', answeredAt: null, reachedNobody: false });
    expect(whats(call)).toContain('fallback phone leader busy');
    expect((await settled(call)).records).toEqual([]);
  });

  it('the desk dials a number that is neither the leader nor the bureau: the PBX refuses it (403), logged outbound with no phone called', async () => {
    const name = uniqueCaller();
    const result = await placeCall({ placedBy: 'desk', to: '1000', from: name });
    expect(result.finalStatus).toBe(403);

    const call = await sut.waitForCallWhere(`the desk's call ${name}`, (c) => c.callerName === name && ended(c));
    expect(call).toMatchObject({ direction: 'outbound', outcome: 'no-desk', dialed: '1000', reachedNobody: false });
    expect((await settled(call)).records).toEqual([]);
  });
});

describe('the service places a call to the desk through its PBX port', () => {
  it('the desk answers during ring 2: logged originated, answered by the desk at ring 2, no discipline record', async () => {
    const desk = startDesk({ behaviour: 'answer-after', answerAfterMs: Math.round(RING_MS * 1.5) });
    await desk.registered;
    let callId: string;
    try {
      callId = await sut.service.pbx.originate({ endpoint: 'desk', timeoutMs: 5 * RING_MS, callerId: { name: 'duty-hotline', number: '0000' }, holdMs: 300 });
      await desk.done;
    } finally {
      await desk.stop();
    }

    const call = await sut.waitForCallWhere(`the originated call ${callId}`, (c) => c.pbxCallId === callId && ended(c));
    expect(call).toMatchObject({ direction: 'originated', outcome: 'answered', answeredBy: 'desk', deskEndpoint: 'desk', ringCount: 2, reachedNobody: false });
    expect(whats(call).slice(0, 4)).toEqual(['placed by duty-hotline', 'desk phone desk dialled', 'desk phone desk ringing', 'answered by desk phone desk']);
    expect((await settled(call)).records).toEqual([]);
  });

  it('the desk rings for longer than three rings until the PBX gives up: logged originated, unanswered, never an absence', async () => {
    const desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    const before = (await sut.health()).calls.reachedNobody.count;
    const mark = tap.mark();
    const celFrom = await celMark();
    let callId: string;
    try {
      callId = await sut.service.pbx.originate({ endpoint: 'desk', timeoutMs: 5 * RING_MS });
      await desk.done; // the PBX's CANCEL after 5 s
    } finally {
      await desk.stop();
    }

    const call = await sut.waitForCallWhere(`the originated call ${callId}`, (c) => c.pbxCallId === callId && ended(c));
    expect(call).toMatchObject({ direction: 'originated', outcome: 'unanswered', deskEndpoint: 'desk', answeredAt: null, reachedNobody: false });
    expect(call.ringCount).toBeGreaterThan(3);
    expect(Date.parse(call.endedAt!) - Date.parse(call.deskRingingAt!)).toBeGreaterThan(3 * RING_MS);
    expect(whats(call)).toContain('desk phone desk not answered');
    expect(whats(call).filter((w) => /absence|reached nobody/.test(w))).toEqual([]);
    expect(await settled(call)).toEqual({ records: [], reachedNobody: before });
    const fromCel = await callFromCel(callId, celFrom);
    expect(fromCel).toMatchObject({ direction: 'originated', outcome: 'unanswered', deskEndpoint: 'desk', answeredAt: null, ringCount: call.ringCount, reachedNobody: false });

    const frames = await tap.waitCallEnded(callId, { from: mark });
    // Originate's ChannelId is the first channel's Uniqueid, and the Linkedid of every channel of the call.
    expect(frames.find((f) => f.fields.Event === 'Newchannel')?.fields).toMatchObject({ Channel: expect.stringMatching(/^Local\/s@duty-originate-[0-9a-f]+;1$/), Uniqueid: callId, Linkedid: callId });
    expect(frames.filter((f) => f.fields.Event === 'Newchannel').map((f) => f.fields.Linkedid)).toEqual([callId, callId, callId]);
    await saveAmiFixture('originated-no-answer', frames, [
      'Raw AMI events captured from the real Asterisk 22 sandbox by test/pbx/call-direction.test.ts',
      `scenario originated-no-answer - the service originates a call to the desk (ChannelId ${callId}), the desk rings 5 s and never answers`,
      `Linkedid of the call ${callId}; blank line between events`,
    ]);
  });
});

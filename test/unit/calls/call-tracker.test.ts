import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CallSnapshot } from '../../../src/core/call/call-model.js';
import { CallTracker } from '../../../src/calls/call-tracker.js';
import type { CallEvent } from '../../../src/core/call/call-events.js';
import { CHINA_RING_RULES } from '../../../src/core/call/ring-rules.js';
import type { DisciplineInput } from '../../../src/core/discipline/discipline-model.js';
import { FakeClock } from '../../support/fake-clock.js';

const t0 = new Date('2026-03-02T01:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const callId = 'c1';
const desk = { callId, legId: 'd1', endpoint: 'desk', role: 'desk' as const };

/** Lets the PBX's answers (promises) settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The tracker on a fake clock, with a fake PBX: its clock is the fake clock shifted by
 * `pbxBehindMs` (a PBX whose clock lags), and `pbx.down` makes asking it fail.
 */
function setup({ pbxBehindMs = 0 } = {}) {
  const clock = new FakeClock(t0);
  const saved: CallSnapshot[] = [];
  const records: DisciplineInput[] = [];
  const pbx = { down: false, asked: 0, heard: undefined as Date | undefined };
  const tracker = new CallTracker({
    rules: { officeId: 'default', rules: CHINA_RING_RULES },
    sink: { saveCall: (c) => saved.push(c), recordDiscipline: (r) => records.push(r) },
    clock,
    pbx: {
      time: async () => {
        pbx.asked++;
        if (pbx.down) throw new Error('AMI not connected');
        return new Date(clock.now().getTime() - pbxBehindMs);
      },
      lastHeard: () => pbx.heard,
    },
    logger: pino({ level: 'silent' }),
    decisionGraceMs: 300,
  });
  const handle = (e: CallEvent) => {
    pbx.heard = e.at;
    tracker.handle(e);
  };
  return { clock, saved, records, tracker, pbx, handle };
}

const start: CallEvent[] = [
  { kind: 'CallOffered', direction: 'inbound', callId, at: at(0), callerNumber: '100', callerName: null, dialed: '1000' },
  { kind: 'LegDialed', ...desk, at: at(10) },
  { kind: 'LegRinging', ...desk, at: at(20) },
];

describe('call tracker', () => {
  it('records the absence once the PBX vouches that the third ring is over, before the PBX gives up', async () => {
    const { clock, records, saved, handle, tracker, pbx } = setup();
    start.forEach(handle);
    clock.advanceTo(at(15_000 + 20 + 299));
    await settle();
    expect(pbx.asked).toBe(0);
    expect(records).toHaveLength(0);
    clock.advanceTo(at(15_000 + 20 + 300));
    await settle();
    expect(pbx.asked).toBe(1);
    expect(records).toHaveLength(1);
    expect(records[0]?.occurredAt).toEqual(at(15_020));
    expect(saved.at(-1)?.outcome).toBe('absence');
    expect(tracker.activeCalls).toBe(1);
  });

  it('an answer stamped before the deadline but arriving within the grace is not an absence', async () => {
    const { clock, records, handle } = setup();
    start.forEach(handle);
    clock.advanceTo(at(15_100));
    handle({ kind: 'LegAnswered', ...desk, at: at(15_010) });
    clock.advanceTo(at(20_000));
    await settle();
    expect(records).toHaveLength(0);
  });

  it("an answer stamped 1 ms before the deadline that arrives after the grace, ahead of the PBX's answer to the ping, is an answer, not an absence", async () => {
    const clock = new FakeClock(t0);
    const records: DisciplineInput[] = [];
    const saved: CallSnapshot[] = [];
    let answerPing: (at: Date) => void = () => {};
    const tracker = new CallTracker({
      rules: { officeId: 'default', rules: CHINA_RING_RULES },
      sink: { saveCall: (c) => saved.push(c), recordDiscipline: (r) => records.push(r) },
      clock,
      // The PBX answers the ping when the test says: the events it sent before arrive first (one ordered stream).
      pbx: { time: () => new Promise<Date>((resolve) => (answerPing = resolve)), lastHeard: () => undefined },
      logger: pino({ level: 'silent' }),
      decisionGraceMs: 50,
    });
    start.forEach((e) => tracker.handle(e));
    clock.advanceTo(at(15_020 + 50));
    tracker.handle({ kind: 'LegAnswered', ...desk, at: at(15_019) });
    answerPing(at(15_071));
    await settle();
    expect(records).toHaveLength(0);
    expect(saved.at(-1)).toMatchObject({ outcome: 'answered', ringCount: 3 });
  });

  it('a PBX whose clock is still before the deadline is asked again later; the absence waits for it', async () => {
    const { clock, records, handle, pbx } = setup({ pbxBehindMs: 1_000 });
    start.forEach(handle);
    // Asked at 15 320, the PBX says 14 320: 700 ms short of the deadline (15 020), so it is asked again 700 ms later.
    clock.advanceTo(at(15_320));
    await settle();
    expect(pbx.asked).toBe(1);
    expect(records).toHaveLength(0);
    clock.advanceTo(at(16_019));
    await settle();
    expect(records).toHaveLength(0);
    clock.advanceTo(at(16_020));
    await settle();
    expect(pbx.asked).toBe(2);
    expect(records).toHaveLength(1);
    expect(records[0]?.occurredAt).toEqual(at(15_020));
  });

  it('a PBX that cannot be asked at the deadline decides nothing: the call ends interrupted where it was last heard, no record', async () => {
    const { clock, records, saved, handle, tracker, pbx } = setup();
    start.forEach(handle);
    pbx.down = true;
    clock.advanceTo(at(15_320));
    await settle();
    expect(records).toHaveLength(0);
    expect(saved.at(-1)).toMatchObject({ outcome: 'interrupted', endedAt: at(20) });
    expect(tracker.activeCalls).toBe(0);
    clock.advanceTo(at(60_000));
    await settle();
    expect(records).toHaveLength(0);
  });

  it('pbxLost() ends every live call where the PBX was last heard, undecided ones interrupted, and cancels their deadlines', async () => {
    const { clock, records, saved, handle, tracker } = setup();
    start.forEach(handle);
    handle({ kind: 'CallOffered', direction: 'inbound', callId: 'c2', at: at(6_000), callerNumber: '101', callerName: null, dialed: '1000' });
    expect(tracker.pbxLost('AMI connection lost').sort()).toEqual([callId, 'c2']);
    expect(tracker.activeCalls).toBe(0);
    expect(clock.scheduled).toBe(0);
    expect(saved.filter((c) => c.endedAt !== null).map((c) => [c.pbxCallId, c.outcome, c.endedAt])).toEqual([
      [callId, 'interrupted', at(6_000)],
      ['c2', 'interrupted', at(6_000)],
    ]);
    clock.advanceTo(at(60_000));
    await settle();
    expect(records).toHaveLength(0);
  });

  it('forgets a call and its timers when it ends', () => {
    const { clock, records, handle, tracker } = setup();
    start.forEach(handle);
    handle({ kind: 'CallerHungUp', callId, at: at(3_000) });
    handle({ kind: 'CallEnded', callId, at: at(3_010), cause: null });
    expect(tracker.activeCalls).toBe(0);
    expect(clock.scheduled).toBe(0);
    clock.advanceTo(at(60_000));
    expect(records).toHaveLength(0);
  });

  it('lists the calls it tracks, and watch() collects the calls that get an event until stopped', async () => {
    const { clock, handle, tracker } = setup();
    start.forEach(handle);
    expect(tracker.callIds()).toEqual([callId]);
    const stop = tracker.watch();
    handle({ kind: 'CallOffered', direction: 'inbound', callId: 'c2', at: at(100), callerNumber: null, callerName: null, dialed: null });
    handle({ kind: 'CallEnded', callId, at: at(200), cause: null });
    clock.advanceTo(at(60_000));
    await settle();
    const seen = stop();
    expect([...seen].sort()).toEqual([callId, 'c2']);
    handle({ kind: 'CallOffered', direction: 'inbound', callId: 'c3', at: at(60_100), callerNumber: null, callerName: null, dialed: null });
    expect([...seen].sort()).toEqual([callId, 'c2']);
    expect(tracker.callIds().sort()).toEqual(['c2', 'c3']);
  });
});

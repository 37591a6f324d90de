import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CallSnapshot } from '../../../src/calls/call-record.js';
import { CallTracker } from '../../../src/calls/call-tracker.js';
import type { CallEvent } from '../../../src/core/call-events.js';
import { CHINA_RING_RULES } from '../../../src/core/ring-rules.js';
import type { DisciplineInput } from '../../../src/discipline/discipline-record.js';
import { FakeClock } from '../../support/fake-clock.js';

const t0 = new Date('2026-03-02T01:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const callId = 'c1';
const desk = { callId, legId: 'd1', endpoint: 'desk', role: 'desk' as const };

function setup() {
  const clock = new FakeClock(t0);
  const saved: CallSnapshot[] = [];
  const records: DisciplineInput[] = [];
  const tracker = new CallTracker({
    rules: { rules: CHINA_RING_RULES },
    sink: { saveCall: (c) => saved.push(c), recordDiscipline: (r) => records.push(r) },
    clock,
    logger: pino({ level: 'silent' }),
    decisionGraceMs: 300,
  });
  return { clock, saved, records, tracker };
}

const start: CallEvent[] = [
  { kind: 'CallOffered', callId, at: at(0), callerNumber: '100', callerName: null, dialed: '1000' },
  { kind: 'LegDialed', ...desk, at: at(10) },
  { kind: 'LegRinging', ...desk, at: at(20) },
];

describe('call tracker', () => {
  it('records the absence when the clock passes the third ring, before the PBX gives up', () => {
    const { clock, records, saved, tracker } = setup();
    start.forEach((e) => tracker.handle(e));
    clock.advanceTo(at(15_000 + 20 + 299));
    expect(records).toHaveLength(0);
    clock.advanceTo(at(15_000 + 20 + 300));
    expect(records).toHaveLength(1);
    expect(records[0]?.occurredAt).toEqual(at(15_020));
    expect(saved.at(-1)?.outcome).toBe('absence');
    expect(tracker.activeCalls).toBe(1);
  });

  it('an answer stamped before the deadline but arriving within the grace is not an absence', () => {
    const { clock, records, tracker } = setup();
    start.forEach((e) => tracker.handle(e));
    clock.advanceTo(at(15_100));
    tracker.handle({ kind: 'LegAnswered', ...desk, at: at(15_010) });
    clock.advanceTo(at(20_000));
    expect(records).toHaveLength(0);
  });

  it('forgets a call and its timers when it ends', () => {
    const { clock, records, tracker } = setup();
    start.forEach((e) => tracker.handle(e));
    tracker.handle({ kind: 'CallerHungUp', callId, at: at(3_000) });
    tracker.handle({ kind: 'CallEnded', callId, at: at(3_010), cause: null });
    expect(tracker.activeCalls).toBe(0);
    expect(clock.scheduled).toBe(0);
    clock.advanceTo(at(60_000));
    expect(records).toHaveLength(0);
  });

  it('ends calls the PBX no longer has after a reconnect', () => {
    const { saved, tracker } = setup();
    start.forEach((e) => tracker.handle(e));
    expect(tracker.endMissing(new Set(['other']))).toEqual([callId]);
    expect(saved.at(-1)?.endedAt).not.toBeNull();
    expect(tracker.activeCalls).toBe(0);
  });

  it('lists the calls it tracks, and watch() collects the calls that get an event until stopped', () => {
    const { clock, tracker } = setup();
    start.forEach((e) => tracker.handle(e));
    expect(tracker.callIds()).toEqual([callId]);
    const stop = tracker.watch();
    tracker.handle({ kind: 'CallOffered', callId: 'c2', at: at(100), callerNumber: null, callerName: null, dialed: null });
    tracker.endMissing(new Set(['c2'])); // ends c1
    clock.advanceTo(at(60_000));
    const seen = stop();
    expect([...seen].sort()).toEqual([callId, 'c2']);
    tracker.handle({ kind: 'CallOffered', callId: 'c3', at: at(60_100), callerNumber: null, callerName: null, dialed: null });
    expect([...seen].sort()).toEqual([callId, 'c2']);
    expect(tracker.callIds().sort()).toEqual(['c2', 'c3']);
  });
});

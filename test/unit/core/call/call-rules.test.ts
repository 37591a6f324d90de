import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../../src/core/call/call-events.js';
import type { PhoneRole } from '../../../../src/core/phone-role.js';
import { step, type CallState, type CoreEvent, type Effect, type RulesContext } from '../../../../src/core/call/call-rules.js';
import { CHINA_RING_RULES } from '../../../../src/core/call/ring-rules.js';

const callId = '1764000000.1';
const t0 = new Date('2026-03-02T01:00:00.000Z'); // offered
const ringStart = new Date(t0.getTime() + 200); // desk starts ringing
const at = (msAfterRing: number) => new Date(ringStart.getTime() + msAfterRing);
const WANG_ON_DUTY = { shiftId: 'shift-1', shiftLabel: '2026-11-23 08:30–17:30', officerIds: ['officer-1'], officers: ['王伟'], leaderId: 'leader-1', leader: '李强' };
const ctx: RulesContext = { officeId: 'default', rules: CHINA_RING_RULES, dutyAt: () => WANG_ON_DUTY };

const leg = (role: PhoneRole = 'desk', endpoint = 'desk', legId = 'desk-leg') => ({ callId, legId, endpoint, role });

const offered: CallEvent = { kind: 'CallOffered', direction: 'inbound', callId, at: t0, callerNumber: '13800000000', callerName: 'Zhang', dialed: '1000' };
const dialed: CallEvent = { kind: 'LegDialed', ...leg(), at: new Date(t0.getTime() + 100) };
const ringing: CallEvent = { kind: 'LegRinging', ...leg(), at: ringStart };

function run(events: CoreEvent[]): { state: CallState; effects: Effect[] } {
  let state: CallState | undefined;
  const effects: Effect[] = [];
  for (const e of events) {
    const r = step(state, e, ctx);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state: state!, effects };
}
const records = (effects: Effect[]) => effects.filter((e) => e.kind === 'record');
/** The distinct discipline records the effects make (a record is repeated once, completed, when the call ends). */
const distinctRecords = (effects: Effect[]) => new Set(records(effects).map((e) => e.kind === 'record' && `${e.record.subject.id} ${e.record.type}`)).size;
const wake = (ms: number): CoreEvent => ({ kind: 'Wake', callId, at: at(ms) });
const ended = (ms: number): CoreEvent => ({ kind: 'CallEnded', callId, at: at(ms), cause: 'Normal Clearing' });

describe('call rules: answer, absence, abandon', () => {
  it('asks to be woken at the end of the third ring when the desk starts ringing', () => {
    const { effects } = run([offered, dialed, ringing]);
    expect(effects).toContainEqual({ kind: 'wake', callId, at: at(15_000) });
  });

  it('answered during ring 2 is logged answered with ring count 2 and no record', () => {
    const { state, effects } = run([offered, dialed, ringing, { kind: 'LegAnswered', ...leg(), at: at(6_000) }, ended(20_000)]);
    expect(state.call.outcome).toBe('answered');
    expect(state.call.ringCount).toBe(2);
    expect(state.call.answeredBy).toBe('desk');
    expect(records(effects)).toHaveLength(0);
  });

  it('answer 1 ms before the third ring is over is not an absence', () => {
    const { state, effects } = run([offered, dialed, ringing, { kind: 'LegAnswered', ...leg(), at: at(14_999) }, wake(15_000)]);
    expect(state.call.outcome).toBe('answered');
    expect(state.call.ringCount).toBe(3);
    expect(records(effects)).toHaveLength(0);
  });

  it('answer 1 ms after the third ring is over is an absence even though the wake-up came late', () => {
    const { state, effects } = run([offered, dialed, ringing, { kind: 'LegAnswered', ...leg(), at: at(15_001) }, wake(15_000)]);
    expect(state.call.outcome).toBe('absence');
    expect(state.call.ringCount).toBe(4);
    expect(state.call.answeredAt).toEqual(at(15_001));
    const recs = records(effects);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ record: { type: 'absence', occurredAt: at(15_000), officer: '王伟', duty: WANG_ON_DUTY } });
  });

  it('three rings unanswered is exactly one absence with evidence, decided at the deadline not at Dial timeout', () => {
    const { state, effects } = run([offered, dialed, ringing, wake(15_000), wake(15_000), { kind: 'LegNoAnswer', ...leg(), at: at(20_000) }]);
    expect(state.call.outcome).toBe('absence');
    const recs = records(effects);
    expect(recs).toHaveLength(1);
    const record = recs[0]!.kind === 'record' ? recs[0]!.record : undefined;
    expect(record?.occurredAt).toEqual(at(15_000));
    expect(record?.evidence.map((e) => e.what)).toEqual([
      'offered by 13800000000',
      'desk phone desk dialled',
      'desk phone desk ringing',
      'desk ring 1',
      'desk ring 2',
      'desk ring 3',
      'desk rang 3 rings without answer: absence',
    ]);
  });

  it('when the call ends, the absence is recorded again with its evidence completed: how the call ended', () => {
    const { state, effects } = run([
      offered,
      dialed,
      ringing,
      wake(15_000),
      { kind: 'LegNoAnswer', ...leg(), at: at(20_000) },
      { kind: 'CallerHungUp', callId, at: at(20_010) },
      ended(20_020),
    ]);
    expect(records(effects).map((e) => e.kind === 'record' && e.completed)).toEqual([undefined, true]);
    const recs = records(effects).map((e) => (e.kind === 'record' ? e.record : undefined)!);
    expect(distinctRecords(effects)).toBe(1);
    const [decided, completed] = recs as [(typeof recs)[0], (typeof recs)[0]];
    expect({ ...completed, evidence: decided.evidence }).toEqual(decided);
    expect(completed.evidence.slice(0, decided.evidence.length)).toEqual(decided.evidence);
    expect(completed.evidence.slice(decided.evidence.length).map((e) => e.what)).toEqual([
      'PBX stopped ringing desk phone desk after 5 ring(s)',
      'caller hung up',
      'call ended (Normal Clearing)',
    ]);
    expect(completed.evidence).toEqual(state.call.timeline);
    expect(state.call.endedAt).toEqual(at(20_020));
  });

  it('caller hanging up during ring 2 is abandoned, not an absence', () => {
    const { state, effects } = run([offered, dialed, ringing, { kind: 'CallerHungUp', callId, at: at(7_000) }, wake(15_000), ended(7_100)]);
    expect(state.call.outcome).toBe('abandoned');
    expect(state.call.ringCount).toBe(2);
    expect(records(effects)).toHaveLength(0);
  });

  it('caller hanging up 1 ms after the third ring is over is an absence', () => {
    const { state, effects } = run([offered, dialed, ringing, { kind: 'CallerHungUp', callId, at: at(15_001) }, ended(15_050)]);
    expect(state.call.outcome).toBe('absence');
    expect(distinctRecords(effects)).toBe(1);
  });
});

describe('call rules: desk states other than ringing', () => {
  it('desk busy is busy, no record', () => {
    const { state, effects } = run([offered, dialed, { kind: 'LegBusy', ...leg(), at: at(100) }, ended(200)]);
    expect(state.call.outcome).toBe('busy');
    expect(records(effects)).toHaveLength(0);
  });

  it('desk unreachable is unreachable, no record', () => {
    const { state, effects } = run([offered, dialed, { kind: 'LegUnreachable', ...leg(), at: at(50), reason: 'CHANUNAVAIL' }, ended(60)]);
    expect(state.call.outcome).toBe('unreachable');
    expect(records(effects)).toHaveLength(0);
  });

  it("another phone's busy or unreachable leg is noted under its own role and changes nothing", () => {
    const { state } = run([
      offered,
      dialed,
      ringing,
      { kind: 'LegAnswered', ...leg(), at: at(1_000) },
      { kind: 'LegBusy', ...leg('fallback', 'leader', 'leader-leg'), at: at(2_000) },
      { kind: 'LegUnreachable', ...leg('bureau', 'bureau', 'bureau-leg'), at: at(3_000), reason: 'CHANUNAVAIL' },
    ]);
    expect(state.call.outcome).toBe('answered');
    expect(state.call.timeline.slice(-2).map((e) => e.what)).toEqual(['fallback phone leader busy', 'bureau phone bureau unreachable (CHANUNAVAIL)']);
  });

  it('PBX giving up on the desk before N rings is unanswered, not an absence', () => {
    const { state, effects } = run([offered, dialed, ringing, { kind: 'LegNoAnswer', ...leg(), at: at(8_000) }, ended(8_100)]);
    expect(state.call.outcome).toBe('unanswered');
    expect(state.call.ringCount).toBe(2);
    expect(records(effects)).toHaveLength(0);
  });

  it('a call that never reaches a desk ends as no-desk', () => {
    const { state } = run([offered, { kind: 'CallEnded', callId, at: at(1_000), cause: null }]);
    expect(state.call.outcome).toBe('no-desk');
  });

  it('a call answered by the bureau line without a desk is logged as bureau', () => {
    const bureau = leg('bureau', 'bureau', 'bureau-leg');
    const { state, effects } = run([
      offered,
      { kind: 'LegDialed', ...bureau, at: at(0) },
      { kind: 'LegRinging', ...bureau, at: at(100) },
      { kind: 'LegAnswered', ...bureau, at: at(30_000) },
      ended(40_000),
    ]);
    expect(state.call.outcome).toBe('bureau');
    expect(records(effects)).toHaveLength(0);
  });
});

describe('call rules: robustness', () => {
  it('repeated events change nothing after the first', () => {
    const answered: CoreEvent = { kind: 'LegAnswered', ...leg(), at: at(6_000) };
    const once = run([offered, dialed, ringing, answered]);
    const twice = run([offered, dialed, ringing, ringing, answered, answered]);
    expect(twice.state.call).toEqual(once.state.call);
  });

  it('a call first seen mid-way (service restarted) is still tracked from the first event it sees', () => {
    const { state, effects } = run([ringing, wake(15_000)]);
    expect(state.call.outcome).toBe('absence');
    expect(records(effects)).toHaveLength(1);
  });

  it('ignores events after the call ended', () => {
    const { state, effects } = run([offered, ended(10), ringing, wake(15_000)]);
    expect(state.call.outcome).toBe('no-desk');
    expect(records(effects)).toHaveLength(0);
  });

  it('saves the call on each change and says when it is closed', () => {
    const { effects } = run([offered, dialed, ringing, ended(1_000)]);
    expect(effects.filter((e) => e.kind === 'save').length).toBeGreaterThanOrEqual(3);
    expect(effects.at(-1)).toEqual({ kind: 'closed', callId });
  });
});

describe('call rules: the PBX fails while the desk rings', () => {
  const lost = (ms: number, reason = 'AMI connection lost'): CoreEvent => ({ kind: 'PbxLost', callId, at: at(ms), reason });

  it('PBX lost during ring 2: the call ends interrupted at the last moment the PBX vouched for, with no absence, whatever time it is now', () => {
    const { state, effects } = run([offered, dialed, ringing, lost(6_000), wake(15_000), ended(40_000)]);
    expect(state.call.outcome).toBe('interrupted');
    expect(state.call.endedAt).toEqual(at(6_000));
    expect(state.call.ringCount).toBeNull();
    expect(state.call.reachedNobody).toBe(false);
    expect(records(effects)).toHaveLength(0);
    expect(state.call.timeline.at(-1)).toEqual({
      at: at(6_000).toISOString(),
      what: 'PBX failure: AMI connection lost; nothing is known of the call after this moment (no ring counted past it)',
    });
    expect(effects.filter((e) => e.kind === 'unreached')).toHaveLength(0);
  });

  it('PBX lost after it vouched for the end of the third ring: the absence stands (the PBX sent an event stamped after it)', () => {
    const { state, effects } = run([offered, dialed, ringing, lost(15_200)]);
    expect(state.call.outcome).toBe('absence');
    expect(state.call.endedAt).toEqual(at(15_200));
    expect(distinctRecords(effects)).toBe(1);
  });
});

describe('call rules: phones that could not take the call', () => {
  const bureau = leg('bureau', 'bureau', 'bureau-leg');

  it('after hours, the bureau unreachable and the caller still on the line: no-one-reachable, reached nobody, naming the phone and why; not abandoned', () => {
    const { state, effects } = run([
      offered,
      { kind: 'LegDialed', ...bureau, at: at(0) },
      { kind: 'LegUnreachable', ...bureau, at: at(10), reason: 'CHANUNAVAIL' },
      ended(200),
    ]);
    expect(state.call.outcome).toBe('no-one-reachable');
    expect(state.call.reachedNobody).toBe(true);
    expect(state.call.ringCount).toBeNull();
    expect(state.call.timeline.map((e) => e.what)).toContain('reached nobody: bureau phone bureau unreachable (CHANUNAVAIL)');
    expect(effects.filter((e) => e.kind === 'unreached')).toEqual([
      { kind: 'unreached', call: state.call, attempts: [{ legId: 'bureau-leg', endpoint: 'bureau', role: 'bureau', result: 'unreachable', reason: 'CHANUNAVAIL' }] },
    ]);
    expect(records(effects)).toHaveLength(0);
  });

  it('the caller hanging up while the bureau rings is abandoned, and reached nobody stays false', () => {
    const { state } = run([offered, { kind: 'LegDialed', ...bureau, at: at(0) }, { kind: 'LegRinging', ...bureau, at: at(10) }, { kind: 'CallerHungUp', callId, at: at(3_000) }, ended(3_010)]);
    expect(state.call.outcome).toBe('abandoned');
    expect(state.call.reachedNobody).toBe(false);
  });

  it('desk busy, then the leader unreachable, caller still on the line: the desk outcome stays busy and the call reached nobody', () => {
    const leader = leg('fallback', 'leader', 'leader-leg');
    const { state } = run([
      offered,
      dialed,
      { kind: 'LegBusy', ...leg(), at: at(0) },
      { kind: 'LegDialed', ...leader, at: at(10) },
      { kind: 'LegUnreachable', ...leader, at: at(20), reason: 'CHANUNAVAIL' },
      ended(30),
    ]);
    expect(state.call.outcome).toBe('busy');
    expect(state.call.reachedNobody).toBe(true);
    expect(state.call.timeline.map((e) => e.what)).toContain('reached nobody: desk phone desk busy; fallback phone leader unreachable (CHANUNAVAIL)');
  });

  it('a registered desk that never signals ringing until the PBX gives up is not-responding with ring count 0, not unanswered, and no absence', () => {
    const { state, effects } = run([offered, dialed, { kind: 'LegNoAnswer', ...leg(), at: at(8_000) }, ended(8_010)]);
    expect(state.call.outcome).toBe('not-responding');
    expect(state.call.ringCount).toBe(0);
    expect(state.call.timeline.map((e) => e.what)).toContain('desk phone desk did not respond (never signalled ringing) until the PBX gave up');
    expect(state.call.reachedNobody).toBe(true);
    expect(records(effects)).toHaveLength(0);
  });

  it('a desk that rang and was given up before three rings stays unanswered', () => {
    const { state } = run([offered, dialed, ringing, { kind: 'LegNoAnswer', ...leg(), at: at(8_000) }, ended(8_010)]);
    expect(state.call.outcome).toBe('unanswered');
    expect(state.call.ringCount).toBe(2);
  });
});

describe('call rules: calls an office phone or the service placed (outbound, originated)', () => {
  const desk = leg('desk', 'desk', 'desk-leg');
  const bureau = leg('bureau', 'bureau', 'bureau-leg');
  const leader = leg('fallback', 'leader', 'leader-leg');
  const placedByDesk: CallEvent = { kind: 'CallOffered', direction: 'outbound', callId, at: t0, callerNumber: 'desk', callerName: null, dialed: 'bureau', placedBy: { endpoint: 'desk', role: 'desk' } };
  const placedByService: CallEvent = { kind: 'CallOffered', direction: 'originated', callId, at: t0, callerNumber: null, callerName: null, dialed: 's' };
  const unreached = (effects: Effect[]) => effects.filter((e) => e.kind === 'unreached');
  const wakes = (effects: Effect[]) => effects.filter((e) => e.kind === 'wake');

  it('desk → bureau, the bureau answers: outbound, answered by the bureau, no deadline asked, no record', () => {
    const { state, effects } = run([
      placedByDesk,
      { kind: 'LegDialed', ...bureau, at: at(0) },
      { kind: 'LegRinging', ...bureau, at: at(100) },
      { kind: 'LegAnswered', ...bureau, at: at(6_000) },
      { kind: 'CallerHungUp', callId, at: at(9_000) },
      ended(9_010),
    ]);
    expect(state.call).toMatchObject({ direction: 'outbound', outcome: 'answered', answeredBy: 'bureau', answeredAt: at(6_000), deskEndpoint: null, ringCount: null, reachedNobody: false });
    expect(state.call.timeline.map((e) => e.what)).toEqual([
      'placed by desk phone desk to bureau',
      'bureau phone bureau dialled',
      'bureau phone bureau ringing',
      'answered by bureau phone bureau',
      'caller hung up',
      'call ended (Normal Clearing)',
    ]);
    expect(wakes(effects)).toEqual([]);
    expect(records(effects)).toEqual([]);
  });

  it('desk → bureau ringing far past three rings, then the desk hangs up: unanswered, no absence, not reached nobody', () => {
    const { state, effects } = run([
      placedByDesk,
      { kind: 'LegDialed', ...bureau, at: at(0) },
      { kind: 'LegRinging', ...bureau, at: at(0) },
      wake(15_000), // a Wake nobody asked for decides nothing either
      { kind: 'CallerHungUp', callId, at: at(40_000) },
      ended(40_010),
    ]);
    expect(state.call).toMatchObject({ outcome: 'unanswered', ringCount: null, reachedNobody: false, answeredAt: null });
    expect(records(effects)).toEqual([]);
    expect(unreached(effects)).toEqual([]);
    expect(wakes(effects)).toEqual([]);
  });

  it('desk → leader busy is busy, desk → bureau unreachable is unreachable; neither reached nobody', () => {
    const busy = run([placedByDesk, { kind: 'LegDialed', ...leader, at: at(0) }, { kind: 'LegBusy', ...leader, at: at(50) }, ended(60)]);
    expect(busy.state.call).toMatchObject({ outcome: 'busy', reachedNobody: false });
    expect(busy.state.call.timeline.map((e) => e.what)).toContain('fallback phone leader busy');
    const gone = run([placedByDesk, { kind: 'LegDialed', ...bureau, at: at(0) }, { kind: 'LegUnreachable', ...bureau, at: at(10), reason: 'CHANUNAVAIL' }, ended(20)]);
    expect(gone.state.call).toMatchObject({ outcome: 'unreachable', reachedNobody: false });
    expect(unreached([...busy.effects, ...gone.effects])).toEqual([]);
  });

  it('the PBX giving up on the phone called: unanswered when it rang, not-responding when it never signalled ringing', () => {
    const rang = run([placedByDesk, { kind: 'LegDialed', ...bureau, at: at(0) }, { kind: 'LegRinging', ...bureau, at: at(10) }, { kind: 'LegNoAnswer', ...bureau, at: at(60_000) }, ended(60_010)]);
    expect(rang.state.call).toMatchObject({ outcome: 'unanswered', reachedNobody: false });
    expect(rang.state.call.timeline.map((e) => e.what)).toContain('bureau phone bureau not answered');
    const silent = run([placedByDesk, { kind: 'LegDialed', ...bureau, at: at(0) }, { kind: 'LegNoAnswer', ...bureau, at: at(60_000) }, ended(60_010)]);
    expect(silent.state.call.outcome).toBe('not-responding');
  });

  it('an office phone dialling something the PBX rejects: no phone called, no-desk', () => {
    const { state, effects } = run([placedByDesk, ended(30)]);
    expect(state.call).toMatchObject({ direction: 'outbound', outcome: 'no-desk', reachedNobody: false });
    expect(unreached(effects)).toEqual([]);
  });

  it('the service calls the desk and it answers during ring 2: originated, answered at ring 2, no record', () => {
    const { state, effects } = run([
      placedByService,
      { kind: 'LegDialed', ...desk, at: at(-100) },
      { kind: 'LegRinging', ...desk, at: at(0) },
      { kind: 'LegAnswered', ...desk, at: at(6_000) },
      ended(7_000),
    ]);
    expect(state.call).toMatchObject({ direction: 'originated', outcome: 'answered', answeredBy: 'desk', deskEndpoint: 'desk', deskRingingAt: at(0), ringCount: 2 });
    expect(state.call.timeline[0]?.what).toBe('placed by duty-hotline');
    expect(wakes(effects)).toEqual([]);
    expect(records(effects)).toEqual([]);
  });

  it('the service calls the desk and it rings five rings until the PBX gives up: originated, unanswered at ring 5, never an absence', () => {
    const { state, effects } = run([
      placedByService,
      { kind: 'LegDialed', ...desk, at: at(-100) },
      { kind: 'LegRinging', ...desk, at: at(0) },
      wake(15_000),
      { kind: 'LegNoAnswer', ...desk, at: at(24_000) },
      { kind: 'CallerHungUp', callId, at: at(24_001) },
      ended(24_002),
    ]);
    expect(state.call).toMatchObject({ direction: 'originated', outcome: 'unanswered', ringCount: 5, reachedNobody: false, answeredAt: null });
    expect(state.call.timeline.map((e) => e.what).filter((w) => /absence|ring \d|reached nobody/.test(w))).toEqual([]);
    expect(records(effects)).toEqual([]);
    expect(unreached(effects)).toEqual([]);
  });

  it('the service calls a desk that is not registered: originated, unreachable, not reached nobody', () => {
    const { state, effects } = run([
      placedByService,
      { kind: 'LegDialed', ...desk, at: at(0) },
      { kind: 'LegUnreachable', ...desk, at: at(0), reason: 'CHANUNAVAIL' },
      { kind: 'CallerHungUp', callId, at: at(5) },
      ended(6),
    ]);
    expect(state.call).toMatchObject({ outcome: 'unreachable', reachedNobody: false });
    expect(unreached(effects)).toEqual([]);
  });

  it('the PBX lost while an originated call rings the desk: interrupted, no record', () => {
    const { state, effects } = run([placedByService, { kind: 'LegDialed', ...desk, at: at(-100) }, { kind: 'LegRinging', ...desk, at: at(0) }, { kind: 'PbxLost', callId, at: at(20_000), reason: 'AMI connection lost' }]);
    expect(state.call).toMatchObject({ outcome: 'interrupted', endedAt: at(20_000), reachedNobody: false });
    expect(records(effects)).toEqual([]);
  });

  it('only the first phone dialled decides: a second leg busy after the first answered changes nothing', () => {
    const { state } = run([
      placedByDesk,
      { kind: 'LegDialed', ...bureau, at: at(0) },
      { kind: 'LegAnswered', ...bureau, at: at(1_000) },
      { kind: 'LegDialed', ...leader, at: at(2_000) },
      { kind: 'LegBusy', ...leader, at: at(2_100) },
      ended(3_000),
    ]);
    expect(state.call).toMatchObject({ outcome: 'answered', answeredBy: 'bureau' });
  });
});

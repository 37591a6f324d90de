/**
 * Attribution on the real PBX: the published roster says officer A (张伟) is on the desk with
 * leader L (赵建国); a real call through the sandbox rings 3 rings unanswered → the absence names
 * A, L and the shift. After a swap to B (李娜) is requested, agreed and approved, the next such
 * call names B — without a restart (the live roster reloads on the approval).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosterActor } from '../../src/core/roster/roster-model.js';
import { ensurePbxUp, SANDBOX_OFFICE_HOURS, setPbxClock } from '../support/pbx/sandbox.js';
import { placeCall, startDesk, unregisterPhone } from '../support/pbx/sipp.js';
import { startTestService, uniqueCaller, type RecordJson, type TestService } from '../support/service-harness.js';

let sut: TestService;

beforeAll(async () => {
  await ensurePbxUp();
  await setPbxClock(SANDBOX_OFFICE_HOURS);
  for (const phone of ['desk', 'leader', 'bureau']) await unregisterPhone(phone);
  sut = await startTestService({ kind: 'postgres', pbx: 'sandbox' });
});
afterAll(async () => {
  await sut?.stop();
  await setPbxClock('real');
});

const clerk: RosterActor = { id: 'clerk', officerId: null, dutyDirector: false };
const director: RosterActor = { id: 'director', officerId: null, dutyDirector: true };

/** A call the desk lets ring 3 rings; its absence record once its evidence is complete. */
async function unansweredCall(): Promise<RecordJson> {
  const desk = startDesk({ behaviour: 'never-answer' });
  await desk.registered;
  const from = uniqueCaller();
  try {
    const calling = placeCall({ from, timeoutMs: 60_000 });
    const call = await sut.waitForCall(from, (c) => c.outcome === 'absence');
    await calling;
    return await sut.waitForRecord(call.pbxCallId);
  } finally {
    await desk.stop();
  }
}

describe('an absence names who the approved roster held accountable', () => {
  it('officer A with leader L on the shift; after an approved swap, officer B', async () => {
    const { roster } = sut.service;
    const by = { by: 'clerk', at: new Date() };
    const a = await roster.addOfficer({ officeId: 'default', name: '张伟', phone: null, section: '综合科' }, by);
    const b = await roster.addOfficer({ officeId: 'default', name: '李娜', phone: null, section: '综合科' }, by);
    const leader = await roster.addOfficer({ officeId: 'default', name: '赵建国', phone: null, section: '办公室' }, by);
    // Monday 2026-11-23 08:30–17:30 in Shanghai on the desk phone: the PBX's clock is pinned inside it.
    const pbxNow = () => sut.service.pbx.clock.now();
    await roster.openMonth('default', '2026-11', clerk, pbxNow());
    const { shifts } = await roster.reviseShifts(
      'default',
      '2026-11',
      [{ officeId: 'default', date: '2026-11-23', periodLabel: '08:30–17:30', startsAt: new Date('2026-11-23T00:30:00Z'), endsAt: new Date('2026-11-23T09:30:00Z'), deskEndpoint: 'desk', officerIds: [a.id], leaderId: leader.id }],
      clerk,
      pbxNow(),
    );
    const shift = shifts[0]!;
    await roster.submit('default', '2026-11', clerk, pbxNow());
    await roster.approve('default', '2026-11', director, pbxNow());
    await roster.publish('default', '2026-11', director, pbxNow(), { holidays: [], timezone: 'Asia/Shanghai' });

    const first = await unansweredCall();
    expect(first.officer).toBe('张伟');
    expect(first.duty).toEqual({
      noOneRostered: false,
      shiftId: shift.id,
      shift: '2026-11-23 08:30–17:30 desk',
      officerIds: [a.id],
      officers: ['张伟'],
      leaderId: leader.id,
      leader: '赵建国',
    });

    // 张伟 hands the rest of the shift to 李娜 (代班): requested, agreed, approved by the duty director.
    const swap = await roster.requestSwap({ officeId: 'default', shiftId: shift.id, requesterId: a.id, counterpartId: b.id, counterpartShiftId: null, reason: '家中有事', by: { id: 'zhang', officerId: a.id, dutyDirector: false }, at: pbxNow() });
    await roster.answerSwap('default', swap.id, 'agree', { id: 'li', officerId: b.id, dutyDirector: false }, pbxNow());
    await roster.decideSwap('default', swap.id, 'approve', director, pbxNow());

    const second = await unansweredCall();
    expect(second.subject.id).not.toBe(first.subject.id);
    expect(second.officer).toBe('李娜');
    expect(second.duty).toMatchObject({ shiftId: shift.id, officerIds: [b.id], officers: ['李娜'], leader: '赵建国', noOneRostered: false });
    // The first record still names who was accountable then.
    expect((await sut.recordsFor(first.subject.id))[0]!.duty?.officers).toEqual(['张伟']);
  });
});

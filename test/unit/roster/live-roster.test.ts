/** The live roster attribution reads at the N-th ring: loaded from the stores, kept in memory. */
import { describe, expect, it } from 'vitest';
import { NOBODY_ROSTERED } from '../../../src/core/discipline/discipline-model.js';
import { createLogger } from '../../../src/platform/logger.js';
import { LiveRoster } from '../../../src/roster/live-roster.js';
import { createMemoryRosterStores } from '../../../src/roster/memory-roster-store.js';
import { RosterService } from '../../../src/roster/roster-service.js';
import type { RosterStores } from '../../../src/roster/roster-store.js';

const NOW = new Date('2026-11-23T02:00:00Z');
const clock = { now: () => NOW };
const log = createLogger('silent');
const clerk = { id: 'clerk', officerId: null, dutyDirector: false };
const director = { id: 'director', officerId: null, dutyDirector: true };

async function rosterWithDayShift(stores: RosterStores) {
  const service = new RosterService(stores);
  const by = { by: 'clerk', at: NOW };
  const zhang = await service.addOfficer({ officeId: 'default', name: '张伟', phone: null, section: null }, by);
  const li = await service.addOfficer({ officeId: 'default', name: '李娜', phone: null, section: null }, by);
  const zhao = await service.addOfficer({ officeId: 'default', name: '赵建国', phone: null, section: null }, by);
  await service.openMonth('default', '2026-11', clerk, NOW);
  const { shifts } = await service.reviseShifts('default', '2026-11', [
    { officeId: 'default', date: '2026-11-23', periodLabel: '08:30–17:30', startsAt: new Date('2026-11-23T00:30:00Z'), endsAt: new Date('2026-11-23T09:30:00Z'), deskEndpoint: 'desk', officerIds: [zhang.id], leaderId: zhao.id },
  ], clerk, NOW);
  return { service, zhang, li, zhao, shift: shifts[0]! };
}

describe('LiveRoster', () => {
  it('knows nothing before its first load, then who is on duty, and "no one rostered" outside every shift', async () => {
    const stores = createMemoryRosterStores();
    const { service, zhang, zhao, shift } = await rosterWithDayShift(stores);
    const live = new LiveRoster('default', stores, clock, log);
    expect(live.dutyAt('desk', NOW)).toBeNull();

    await live.start();
    live.stop();
    // Drawn up but not published: no one is rostered yet.
    expect(live.dutyAt('desk', NOW)).toEqual(NOBODY_ROSTERED);

    await service.submit('default', '2026-11', clerk, NOW);
    await service.approve('default', '2026-11', director, NOW);
    await service.publish('default', '2026-11', director, NOW, { holidays: [], timezone: 'Asia/Shanghai' });
    await live.refresh();
    expect(live.dutyAt('desk', NOW)).toEqual({ shiftId: shift.id, shiftLabel: '2026-11-23 08:30–17:30 desk', officerIds: [zhang.id], officers: ['张伟'], leaderId: zhao.id, leader: '赵建国' });
    // 17:30 in Shanghai is the shift's end: [start, end).
    expect(live.dutyAt('desk', new Date('2026-11-23T09:30:00Z'))).toEqual(NOBODY_ROSTERED);
    expect(live.dutyAt('night-desk', NOW)).toEqual(NOBODY_ROSTERED);
    expect(live.dutyAt(null, NOW)).toEqual(NOBODY_ROSTERED);
    // Far outside what it loaded (two days back, forty ahead): not known, rather than a false "no one".
    expect(live.dutyAt('desk', new Date('2027-03-01T02:00:00Z'))).toBeNull();
  });

  it('follows an approved swap from the moment of approval once told of the change, not a requested one', async () => {
    const stores = createMemoryRosterStores();
    const { zhang, li, shift } = await rosterWithDayShift(stores);
    const live = new LiveRoster('default', stores, clock, log);
    const service = new RosterService(stores, () => void live.refresh());
    await service.submit('default', '2026-11', clerk, NOW);
    await service.approve('default', '2026-11', director, NOW);
    await service.publish('default', '2026-11', director, NOW, { holidays: [], timezone: 'Asia/Shanghai' });
    await live.start();
    live.stop();

    const swap = await service.requestSwap({ officeId: 'default', shiftId: shift.id, requesterId: zhang.id, counterpartId: li.id, counterpartShiftId: null, reason: '家中有事', by: { id: 'zhang', officerId: zhang.id, dutyDirector: false }, at: NOW });
    await service.answerSwap('default', swap.id, 'agree', { id: 'li', officerId: li.id, dutyDirector: false }, NOW);
    await live.refresh();
    expect(live.dutyAt('desk', new Date('2026-11-23T03:00:00Z'))?.officers).toEqual(['张伟']);

    const approvedAt = new Date('2026-11-23T02:30:00Z');
    await service.decideSwap('default', swap.id, 'approve', director, approvedAt);
    await live.refresh(); // the change notice started one; this waits for it
    expect(live.dutyAt('desk', new Date('2026-11-23T03:00:00Z'))?.officers).toEqual(['李娜']);
    expect(live.dutyAt('desk', new Date('2026-11-23T02:10:00Z'))?.officers).toEqual(['张伟']);
  });

  it('keeps what it had when a reload fails (the database lost)', async () => {
    const stores = createMemoryRosterStores();
    const { service, zhang } = await rosterWithDayShift(stores);
    await service.submit('default', '2026-11', clerk, NOW);
    await service.approve('default', '2026-11', director, NOW);
    await service.publish('default', '2026-11', director, NOW, { holidays: [], timezone: 'Asia/Shanghai' });
    let down = false;
    const failing: RosterStores = {
      ...stores,
      rosters: new Proxy(stores.rosters, { get: (target, name) => (down ? () => Promise.reject(new Error('database down')) : Reflect.get(target, name).bind(target)) }),
    };
    const live = new LiveRoster('default', failing, clock, log);
    await live.start();
    live.stop();
    down = true;
    await live.refresh();
    expect(live.dutyAt('desk', NOW)?.officerIds).toEqual([zhang.id]);
  });
});

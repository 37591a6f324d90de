import { describe, expect, it } from 'vitest';
import type { Shift } from '../../../src/core/roster/roster-model.js';
import { HandoverReminders, type HandoverFacts } from '../../../src/handover/handover-reminders.js';

const shift = (id: string, endsAt: string): Shift => ({
  id,
  rosterMonthId: 'm',
  officeId: 'default',
  date: '2026-11-02',
  periodLabel: '08:30–17:30',
  startsAt: new Date('2026-11-02T00:30:00Z'),
  endsAt: new Date(endsAt),
  deskEndpoint: 'desk',
  officerIds: ['o1'],
  leaderId: null,
});

describe('the hand-over reminder', () => {
  it('fires once per shift an hour before it ends, on the office PBX clock, naming who hands over', () => {
    let now = new Date('2026-11-02T08:29:00Z');
    const shifts = [shift('day', '2026-11-02T09:30:00Z')];
    const facts: HandoverFacts['handover.reminder'][] = [];
    const reminders = new HandoverReminders(
      [
        {
          id: 'default',
          now: () => now,
          shiftsEnding: (from, to) =>
            shifts.filter((s) => s.endsAt >= from && s.endsAt < to).map((s) => ({ shift: s, duty: { shiftId: s.id, shiftLabel: '2026-11-02 08:30–17:30 desk', officerIds: ['o1'], officers: ['李四'], leaderId: null, leader: null } })),
        },
      ],
      3600_000,
      ({ name, ...fact }) => {
        expect(name).toBe('handover.reminder');
        facts.push(fact);
      },
      { info: () => {} },
    );
    expect(reminders.check()).toBe(0);
    now = new Date('2026-11-02T08:30:00Z');
    expect(reminders.check()).toBe(1);
    expect(facts).toEqual([{ officeId: 'default', shiftId: 'day', shift: '2026-11-02 08:30–17:30 desk', changeAt: new Date('2026-11-02T09:30:00Z'), officers: ['李四'], leader: null }]);
    now = new Date('2026-11-02T09:00:00Z');
    expect(reminders.check()).toBe(0);
    expect(facts).toHaveLength(1);
  });
});

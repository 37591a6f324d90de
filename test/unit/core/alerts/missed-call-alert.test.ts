import { describe, expect, it } from 'vitest';
import { missedCallAlertOf, type AbsenceLike } from '../../../../src/core/alerts/missed-call-alert.js';

const absence: AbsenceLike = {
  id: 'rec-1',
  officeId: 'default',
  type: 'absence',
  subject: { kind: 'call', id: '1796284784.0' },
  deskEndpoint: 'desk',
  occurredAt: new Date('2026-12-03T02:00:03.000Z'),
  duty: { shiftId: 's1', shiftLabel: '2026-12-03 08:30–17:30 desk', officerIds: ['o1', 'o2'], officers: ['李四', '王五'], leaderId: 'l1', leader: '张三' },
  officer: '李四、王五',
  reason: '值班台响铃3声无人接听（离岗）',
};

describe('the missed-call alert of a record', () => {
  it('an absence of a call: the call, the desk, the moment, who was rostered and the leader on duty', () => {
    expect(missedCallAlertOf(absence)).toEqual({
      kind: 'missed-call',
      id: 'rec-1',
      officeId: 'default',
      callId: '1796284784.0',
      deskEndpoint: 'desk',
      occurredAt: new Date('2026-12-03T02:00:03.000Z'),
      officers: ['李四', '王五'],
      shiftLabel: '2026-12-03 08:30–17:30 desk',
      leader: '张三',
      reason: '值班台响铃3声无人接听（离岗）',
    });
  });

  it('no one rostered: no names; a record named by hand only: that name', () => {
    expect(missedCallAlertOf({ ...absence, duty: null, officer: null })).toMatchObject({ officers: [], shiftLabel: null, leader: null });
    expect(missedCallAlertOf({ ...absence, duty: null, officer: '赵六' })).toMatchObject({ officers: ['赵六'] });
  });

  it('a mistake, or an absence about something other than a call, raises none', () => {
    expect(missedCallAlertOf({ ...absence, type: 'mistake' })).toBeNull();
    expect(missedCallAlertOf({ ...absence, subject: { kind: 'duty-log-entry', id: 'e1' } })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { Shift, SwapRequest } from '../../../../src/core/roster/roster-model.js';
import { effectiveDuty } from '../../../../src/core/roster/shift-swaps.js';
import { dutyLookup, whoIsOnDuty } from '../../../../src/core/roster/who-is-on-duty.js';

const at = (iso: string) => new Date(iso);

// 2026-12-01 in Asia/Shanghai (UTC+8): day 08:30–17:30 and night 17:30–08:30 on the desk, a
// second desk (hired staff) by day.
const day: Shift = {
  id: 's-day',
  officeId: 'city',
  rosterMonthId: 'r-2026-12',
  date: '2026-12-01',
  periodLabel: '08:30–17:30',
  startsAt: at('2026-12-01T00:30:00Z'),
  endsAt: at('2026-12-01T09:30:00Z'),
  deskEndpoint: 'desk',
  officerIds: ['o-zhang'],
  leaderId: 'o-zhao',
};
const night: Shift = {
  ...day,
  id: 's-night',
  periodLabel: '17:30–08:30',
  startsAt: at('2026-12-01T09:30:00Z'),
  endsAt: at('2026-12-02T00:30:00Z'),
  officerIds: ['o-li'],
  leaderId: 'o-qian',
};
const hired: Shift = { ...day, id: 's-hired', deskEndpoint: 'hired-desk', officerIds: ['o-wang', 'o-liu'] };
const shifts = [day, night, hired];

function swap(overrides: Partial<SwapRequest>): SwapRequest {
  return {
    id: 'w-1',
    officeId: 'city',
    shiftId: 's-night',
    requesterId: 'o-li',
    counterpartId: 'o-zhang',
    counterpartShiftId: null,
    reason: '家中有事',
    status: 'requested',
    requestedAt: at('2026-11-28T02:00:00Z'),
    requestedBy: 'u-li',
    answeredAt: null,
    answeredBy: null,
    decidedAt: null,
    decidedBy: null,
    decisionNote: null,
    ...overrides,
  };
}

describe('whoIsOnDuty', () => {
  it('answers the shift on the desk containing the instant, with its officers and leader', () => {
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-01T02:00:00Z'))).toEqual({ shiftId: 's-day', officerIds: ['o-zhang'], leaderId: 'o-zhao' });
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-01T00:30:00Z'))).toEqual({ shiftId: 's-day', officerIds: ['o-zhang'], leaderId: 'o-zhao' });
  });

  it('two desks at once: each its own shift', () => {
    expect(whoIsOnDuty(shifts, [], 'hired-desk', at('2026-12-01T02:00:00Z'))).toEqual({ shiftId: 's-hired', officerIds: ['o-wang', 'o-liu'], leaderId: 'o-zhao' });
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-01T02:00:00Z'))).toMatchObject({ shiftId: 's-day' });
  });

  it('a shift crossing midnight: 01:00 the next day is still the night shift of 12-01', () => {
    // 2026-12-02 01:00 in Shanghai
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-01T17:00:00Z'))).toEqual({ shiftId: 's-night', officerIds: ['o-li'], leaderId: 'o-qian' });
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-02T00:29:59.999Z'))).toMatchObject({ shiftId: 's-night' });
  });

  it('shifts are [start, end): at the hand-over instant the next shift answers', () => {
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-01T09:29:59.999Z'))).toMatchObject({ shiftId: 's-day' });
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-01T09:30:00Z'))).toMatchObject({ shiftId: 's-night' });
  });

  it('no shift on that desk then: no-one-rostered', () => {
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-02T00:30:00Z'))).toBe('no-one-rostered');
    expect(whoIsOnDuty(shifts, [], 'desk', at('2026-12-01T00:29:59.999Z'))).toBe('no-one-rostered');
    expect(whoIsOnDuty(shifts, [], 'hired-desk', at('2026-12-01T12:00:00Z'))).toBe('no-one-rostered');
    expect(whoIsOnDuty(shifts, [], 'bureau', at('2026-12-01T02:00:00Z'))).toBe('no-one-rostered');
    expect(whoIsOnDuty([], [], 'desk', at('2026-12-01T02:00:00Z'))).toBe('no-one-rostered');
  });

  it('a swap requested, agreed, declined or rejected leaves the rostered officer accountable', () => {
    const during = at('2026-12-01T12:00:00Z');
    for (const status of ['requested', 'agreed', 'declined', 'rejected'] as const) {
      const s = swap({ status, ...(status === 'rejected' ? { decidedAt: at('2026-11-29T01:00:00Z'), decidedBy: 'u-director' } : {}) });
      expect(whoIsOnDuty(shifts, [s], 'desk', during)).toEqual({ shiftId: 's-night', officerIds: ['o-li'], leaderId: 'o-qian' });
    }
  });

  it('an approved swap makes the counterpart accountable from its approval on', () => {
    const approved = swap({ status: 'approved', answeredAt: at('2026-11-28T03:00:00Z'), decidedAt: at('2026-12-01T12:00:00Z'), decidedBy: 'u-director' });
    expect(whoIsOnDuty(shifts, [approved], 'desk', at('2026-12-01T11:59:59.999Z'))).toEqual({ shiftId: 's-night', officerIds: ['o-li'], leaderId: 'o-qian' });
    expect(whoIsOnDuty(shifts, [approved], 'desk', at('2026-12-01T12:00:00Z'))).toEqual({ shiftId: 's-night', officerIds: ['o-zhang'], leaderId: 'o-qian' });
    // the day shift is not touched
    expect(whoIsOnDuty(shifts, [approved], 'desk', at('2026-12-01T02:00:00Z'))).toEqual({ shiftId: 's-day', officerIds: ['o-zhang'], leaderId: 'o-zhao' });
  });

  it('the leader on duty can be swapped too', () => {
    const leader = swap({ requesterId: 'o-qian', counterpartId: 'o-sun', status: 'approved', decidedAt: at('2026-11-30T01:00:00Z') });
    expect(whoIsOnDuty(shifts, [leader], 'desk', at('2026-12-01T12:00:00Z'))).toEqual({ shiftId: 's-night', officerIds: ['o-li'], leaderId: 'o-sun' });
  });

  it('an exchange (换班) moves each officer to the other shift', () => {
    const exchange = swap({ counterpartShiftId: 's-day', status: 'approved', decidedAt: at('2026-11-30T01:00:00Z') });
    expect(whoIsOnDuty(shifts, [exchange], 'desk', at('2026-12-01T02:00:00Z'))).toEqual({ shiftId: 's-day', officerIds: ['o-li'], leaderId: 'o-zhao' });
    expect(whoIsOnDuty(shifts, [exchange], 'desk', at('2026-12-01T12:00:00Z'))).toEqual({ shiftId: 's-night', officerIds: ['o-zhang'], leaderId: 'o-qian' });
  });

  it('approved swaps chain in the order they were approved', () => {
    const first = swap({ id: 'w-b', status: 'approved', decidedAt: at('2026-11-29T01:00:00Z') });
    const second = swap({ id: 'w-a', requesterId: 'o-zhang', counterpartId: 'o-wang', status: 'approved', decidedAt: at('2026-11-30T01:00:00Z') });
    expect(effectiveDuty(night, [second, first], at('2026-12-01T12:00:00Z'))).toEqual({ officerIds: ['o-wang'], leaderId: 'o-qian' });
    expect(effectiveDuty(night, [second, first], at('2026-11-29T12:00:00Z'))).toEqual({ officerIds: ['o-zhang'], leaderId: 'o-qian' });
  });
});

describe('dutyLookup: the same answers for a month of questions', () => {
  it('answers each desk and instant as whoIsOnDuty does, swaps included', () => {
    const approved = swap({ status: 'approved', decidedAt: at('2026-12-01T12:00:00Z') });
    const onDuty = dutyLookup(shifts, [approved]);
    expect(onDuty('desk', at('2026-12-01T02:00:00Z'))).toEqual({ shiftId: 's-day', officerIds: ['o-zhang'], leaderId: 'o-zhao' });
    expect(onDuty('desk', at('2026-12-01T11:00:00Z'))).toEqual({ shiftId: 's-night', officerIds: ['o-li'], leaderId: 'o-qian' });
    expect(onDuty('desk', at('2026-12-01T13:00:00Z'))).toEqual({ shiftId: 's-night', officerIds: ['o-zhang'], leaderId: 'o-qian' });
    expect(onDuty('hired-desk', at('2026-12-01T02:00:00Z'))).toEqual({ shiftId: 's-hired', officerIds: ['o-wang', 'o-liu'], leaderId: 'o-zhao' });
    expect(onDuty('desk', at('2026-12-02T00:30:00Z'))).toBe('no-one-rostered');
    expect(onDuty('bureau', at('2026-12-01T02:00:00Z'))).toBe('no-one-rostered');
  });

  it('a bad roster with overlapping shifts: the earliest-starting one running then answers, then the lowest id', () => {
    // 00:00–20:00 UTC overlaps both the day and the night shift; a twin of the day shift starts with it
    const long: Shift = { ...day, id: 's-long', startsAt: at('2026-12-01T00:00:00Z'), endsAt: at('2026-12-01T20:00:00Z'), officerIds: ['o-long'] };
    const twin: Shift = { ...day, id: 's-a-twin', officerIds: ['o-twin'] };
    const onDuty = dutyLookup([night, day, long, twin], []);
    expect(onDuty('desk', at('2026-12-01T02:00:00Z'))).toMatchObject({ shiftId: 's-long' });
    expect(onDuty('desk', at('2026-12-01T12:00:00Z'))).toMatchObject({ shiftId: 's-long' });
    expect(onDuty('desk', at('2026-12-01T21:00:00Z'))).toMatchObject({ shiftId: 's-night' });
    expect(dutyLookup([day, twin], [])('desk', at('2026-12-01T02:00:00Z'))).toMatchObject({ shiftId: 's-a-twin' });
  });
});

import { describe, expect, it } from 'vitest';
import type { RosterActor, Shift, SwapRequest } from '../../../../src/core/roster/roster-model.js';
import { newSwapRequest, transitionSwap, type SwapContext, type SwapInput } from '../../../../src/core/roster/shift-swaps.js';

const at = (iso: string) => new Date(iso);
const li: RosterActor = { id: 'u-li', officerId: 'o-li', dutyDirector: false };
const zhang: RosterActor = { id: 'u-zhang', officerId: 'o-zhang', dutyDirector: false };
const director: RosterActor = { id: 'u-director', officerId: 'o-zhou', dutyDirector: true };

const night: Shift = {
  id: 's-night',
  officeId: 'city',
  rosterMonthId: 'r-2026-12',
  date: '2026-12-01',
  periodLabel: '17:30–08:30',
  startsAt: at('2026-12-01T09:30:00Z'),
  endsAt: at('2026-12-02T00:30:00Z'),
  deskEndpoint: 'desk',
  officerIds: ['o-li'],
  leaderId: 'o-qian',
};
const nextDay: Shift = { ...night, id: 's-day-2', date: '2026-12-02', periodLabel: '08:30–17:30', startsAt: at('2026-12-02T00:30:00Z'), endsAt: at('2026-12-02T09:30:00Z'), officerIds: ['o-zhang'] };

const context = (overrides: Partial<SwapContext> = {}): SwapContext => ({
  shift: night,
  counterpartShift: null,
  counterpart: { id: 'o-zhang', officeId: 'city', active: true, name: '张伟' },
  published: true,
  swaps: [],
  ...overrides,
});
const input = (overrides: Partial<SwapInput> = {}): SwapInput => ({
  officeId: 'city',
  shiftId: 's-night',
  requesterId: 'o-li',
  counterpartId: 'o-zhang',
  counterpartShiftId: null,
  reason: '  孩子生病 ',
  by: li,
  at: at('2026-11-28T02:00:00Z'),
  ...overrides,
});

function requested(overrides: Partial<SwapInput> = {}, ctx = context()): SwapRequest {
  const made = newSwapRequest(input(overrides), ctx);
  if (!made.ok) throw new Error(made.error.message);
  return { id: 'w-1', ...made.value };
}

describe('swap requests (调班, 002 §三(二))', () => {
  it('requested with a reason → agreed by the counterpart → approved by the duty director', () => {
    const w = requested();
    expect(w).toEqual({
      id: 'w-1',
      officeId: 'city',
      shiftId: 's-night',
      requesterId: 'o-li',
      counterpartId: 'o-zhang',
      counterpartShiftId: null,
      reason: '孩子生病',
      status: 'requested',
      requestedAt: at('2026-11-28T02:00:00Z'),
      requestedBy: 'u-li',
      answeredAt: null,
      answeredBy: null,
      decidedAt: null,
      decidedBy: null,
      decisionNote: null,
    });
    const agreed = transitionSwap(w, { action: 'agree', by: zhang, at: at('2026-11-28T03:00:00Z') });
    expect(agreed).toMatchObject({ ok: true, value: { status: 'agreed', answeredAt: at('2026-11-28T03:00:00Z'), answeredBy: 'u-zhang' } });
    if (!agreed.ok) return;
    const approved = transitionSwap(agreed.value, { action: 'approve', by: director, at: at('2026-11-29T01:00:00Z'), note: '同意', context: context() });
    expect(approved).toMatchObject({ ok: true, value: { status: 'approved', decidedAt: at('2026-11-29T01:00:00Z'), decidedBy: 'u-director', decisionNote: '同意' } });
    expect(w.status).toBe('requested');
  });

  it('refuses a request the rules do not allow, naming why', () => {
    const refusal = (overrides: Partial<SwapInput>, ctx = context()) => {
      const r = newSwapRequest(input(overrides), ctx);
      return r.ok ? 'accepted' : r.error;
    };
    expect(refusal({ reason: ' ' })).toEqual({ code: 'reason-required', message: 'a swap request needs a reason (值班换班申请报告)' });
    expect(refusal({ counterpartId: 'o-li' })).toMatchObject({ code: 'same-officer' });
    expect(refusal({ counterpartShiftId: 's-night' })).toMatchObject({ code: 'same-shift' });
    expect(refusal({}, context({ published: false }))).toEqual({ code: 'roster-not-published', message: 'only shifts of a published roster are swapped; change a draft roster instead' });
    expect(refusal({ at: at('2026-12-02T00:30:00Z') })).toEqual({ code: 'shift-ended', message: 'the shift of 2026-12-01 17:30–08:30 has ended' });
    expect(refusal({ requesterId: 'o-wang' })).toEqual({ code: 'requester-not-on-shift', message: 'the requester is not on the shift of 2026-12-01 17:30–08:30' });
    expect(refusal({ counterpartId: 'o-qian' }, context({ counterpart: { id: 'o-qian', officeId: 'city', active: true, name: '钱军' } }))).toEqual({
      code: 'counterpart-already-on-shift',
      message: '钱军 is already on the shift of 2026-12-01 17:30–08:30',
    });
    expect(refusal({}, context({ counterpart: { id: 'o-zhang', officeId: 'city', active: false, name: '张伟' } }))).toEqual({ code: 'counterpart-inactive', message: '张伟 is not an active officer' });
    expect(refusal({}, context({ counterpart: { id: 'o-zhang', officeId: 'county', active: true, name: '张伟' } }))).toMatchObject({ code: 'other-office' });
    // an exchange: the counterpart must be on the other shift, the requester not
    expect(refusal({ counterpartShiftId: 's-day-2' }, context({ counterpartShift: { ...nextDay, officerIds: ['o-wang'] } }))).toMatchObject({ code: 'counterpart-not-on-shift' });
    expect(refusal({ counterpartShiftId: 's-day-2' }, context({ counterpartShift: { ...nextDay, officerIds: ['o-zhang', 'o-li'] } }))).toMatchObject({ code: 'requester-already-on-shift' });
    expect(refusal({ counterpartShiftId: 's-day-2' }, context({ counterpartShift: nextDay }))).toBe('accepted');
  });

  it('the requester must be on the shift as it stands: after an approved swap, the one who took it over', () => {
    const earlier = { ...requested(), id: 'w-0', status: 'approved' as const, decidedAt: at('2026-11-27T01:00:00Z') };
    const ctx = context({ swaps: [earlier], counterpart: { id: 'o-wang', officeId: 'city', active: true, name: '王芳' } });
    expect(newSwapRequest(input({ counterpartId: 'o-wang' }), ctx)).toMatchObject({ ok: false, error: { code: 'requester-not-on-shift' } });
    expect(newSwapRequest(input({ requesterId: 'o-zhang', counterpartId: 'o-wang', by: zhang }), ctx)).toMatchObject({ ok: true, value: { requesterId: 'o-zhang' } });
  });

  it('only the counterpart agrees or declines; only the duty director approves or rejects; in that order', () => {
    const w = requested();
    expect(transitionSwap(w, { action: 'agree', by: li, at: at('2026-11-28T03:00:00Z') })).toEqual({
      ok: false,
      error: { code: 'not-counterpart', message: 'only the counterpart officer can agree to the swap' },
    });
    expect(transitionSwap(w, { action: 'approve', by: director, at: at('2026-11-28T03:00:00Z'), context: context() })).toEqual({
      ok: false,
      error: { code: 'illegal-transition', message: 'the swap is requested: it cannot approve (only from agreed)' },
    });
    const declined = transitionSwap(w, { action: 'decline', by: zhang, at: at('2026-11-28T03:00:00Z') });
    expect(declined).toMatchObject({ ok: true, value: { status: 'declined', answeredBy: 'u-zhang' } });
    if (!declined.ok) return;
    expect(transitionSwap(declined.value, { action: 'agree', by: zhang, at: at('2026-11-28T04:00:00Z') })).toMatchObject({ ok: false, error: { code: 'illegal-transition' } });

    const agreed = transitionSwap(w, { action: 'agree', by: zhang, at: at('2026-11-28T03:00:00Z') });
    if (!agreed.ok) throw new Error('agree refused');
    expect(transitionSwap(agreed.value, { action: 'approve', by: zhang, at: at('2026-11-29T01:00:00Z'), context: context() })).toEqual({
      ok: false,
      error: { code: 'not-duty-director', message: 'only the duty director (值班主任) can approve a swap' },
    });
    const rejected = transitionSwap(agreed.value, { action: 'reject', by: director, at: at('2026-11-29T01:00:00Z'), note: '人手不足' });
    expect(rejected).toMatchObject({ ok: true, value: { status: 'rejected', decidedBy: 'u-director', decisionNote: '人手不足' } });
    if (!rejected.ok) return;
    expect(transitionSwap(rejected.value, { action: 'approve', by: director, at: at('2026-11-29T02:00:00Z'), context: context() })).toMatchObject({ ok: false, error: { code: 'illegal-transition' } });
  });

  it('approval checks the shift again: ended, or taken over by another approved swap meanwhile', () => {
    const agreed = transitionSwap(requested(), { action: 'agree', by: zhang, at: at('2026-11-28T03:00:00Z') });
    if (!agreed.ok) throw new Error('agree refused');
    expect(transitionSwap(agreed.value, { action: 'approve', by: director, at: at('2026-12-02T01:00:00Z'), context: context() })).toMatchObject({ ok: false, error: { code: 'shift-ended' } });
    const other = { ...agreed.value, id: 'w-2', counterpartId: 'o-wang', status: 'approved' as const, decidedAt: at('2026-11-28T05:00:00Z') };
    expect(transitionSwap(agreed.value, { action: 'approve', by: director, at: at('2026-11-29T01:00:00Z'), context: context({ swaps: [other] }) })).toMatchObject({
      ok: false,
      error: { code: 'requester-not-on-shift' },
    });
  });
});

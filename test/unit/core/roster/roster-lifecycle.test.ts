import { describe, expect, it } from 'vitest';
import { describeLateness, publicationLateness } from '../../../../src/core/roster/publication-deadline.js';
import { newRosterMonth, transitionRoster, type RosterCommand } from '../../../../src/core/roster/roster-lifecycle.js';
import type { RosterActor, RosterMonth } from '../../../../src/core/roster/roster-model.js';

const at = (iso: string) => new Date(iso);
const clerk: RosterActor = { id: 'u-clerk', officerId: null, dutyDirector: false };
const director: RosterActor = { id: 'u-director', officerId: 'o-zhou', dutyDirector: true };
const deadlines = { shiftDates: ['2026-12-01', '2026-12-31'], holidays: [], timezone: 'Asia/Shanghai' };

function draft(): RosterMonth {
  const created = newRosterMonth({ officeId: 'city', month: '2026-12', by: clerk, at: at('2026-11-10T01:00:00Z') });
  if (!created.ok) throw new Error(created.error.message);
  return { id: 'r-1', ...created.value };
}

function step(roster: RosterMonth, command: RosterCommand): RosterMonth {
  const next = transitionRoster(roster, command);
  if (!next.ok) throw new Error(next.error.message);
  return next.value;
}

describe('roster month lifecycle', () => {
  it('draft → revise → submitted → approved → published, each change in the history', () => {
    const r0 = draft();
    expect(r0).toMatchObject({ status: 'draft', revision: 0, createdBy: 'u-clerk', history: [{ seq: 1, action: 'create', status: 'draft', by: 'u-clerk', note: null }] });
    const r1 = step(r0, { action: 'revise', by: clerk, at: at('2026-11-10T02:00:00Z'), note: 'import 2026-12.xlsx: 62 shifts' });
    expect(r1).toMatchObject({ status: 'draft', revision: 1 });
    const r2 = step(r1, { action: 'submit', by: clerk, at: at('2026-11-12T01:00:00Z') });
    const r3 = step(r2, { action: 'approve', by: director, at: at('2026-11-20T01:00:00Z') });
    const r4 = step(r3, { action: 'publish', by: clerk, at: at('2026-11-25T01:00:00Z'), deadlines });
    expect(r4).toEqual({
      id: 'r-1',
      officeId: 'city',
      month: '2026-12',
      status: 'published',
      revision: 1,
      createdAt: at('2026-11-10T01:00:00Z'),
      createdBy: 'u-clerk',
      submittedAt: at('2026-11-12T01:00:00Z'),
      submittedBy: 'u-clerk',
      approvedAt: at('2026-11-20T01:00:00Z'),
      approvedBy: 'u-director',
      publishedAt: at('2026-11-25T01:00:00Z'),
      publishedBy: 'u-clerk',
      lateness: { late: false, publishedOn: '2026-11-25', reasons: [] },
      history: [
        { seq: 1, action: 'create', status: 'draft', at: at('2026-11-10T01:00:00Z'), by: 'u-clerk', note: null },
        { seq: 2, action: 'revise', status: 'draft', at: at('2026-11-10T02:00:00Z'), by: 'u-clerk', note: 'import 2026-12.xlsx: 62 shifts' },
        { seq: 3, action: 'submit', status: 'submitted', at: at('2026-11-12T01:00:00Z'), by: 'u-clerk', note: null },
        { seq: 4, action: 'approve', status: 'approved', at: at('2026-11-20T01:00:00Z'), by: 'u-director', note: null },
        { seq: 5, action: 'publish', status: 'published', at: at('2026-11-25T01:00:00Z'), by: 'u-clerk', note: null },
      ],
    });
    // the earlier states are untouched
    expect(r3.status).toBe('approved');
    expect(r3.history).toHaveLength(4);
  });

  it('refuses illegal transitions with a named error', () => {
    const r0 = draft();
    const r1 = step(r0, { action: 'revise', by: clerk, at: at('2026-11-10T02:00:00Z') });
    const submitted = step(r1, { action: 'submit', by: clerk, at: at('2026-11-12T01:00:00Z') });
    const approved = step(submitted, { action: 'approve', by: director, at: at('2026-11-20T01:00:00Z') });
    const published = step(approved, { action: 'publish', by: clerk, at: at('2026-11-25T01:00:00Z'), deadlines });

    expect(transitionRoster(r1, { action: 'publish', by: clerk, at: at('2026-11-25T01:00:00Z'), deadlines })).toEqual({
      ok: false,
      error: { code: 'illegal-transition', message: 'roster 2026-12 is draft: it cannot publish (only from approved)' },
    });
    expect(transitionRoster(r1, { action: 'approve', by: director, at: at('2026-11-25T01:00:00Z') })).toMatchObject({ ok: false, error: { code: 'illegal-transition' } });
    expect(transitionRoster(submitted, { action: 'revise', by: clerk, at: at('2026-11-13T01:00:00Z') })).toEqual({
      ok: false,
      error: { code: 'illegal-transition', message: 'roster 2026-12 is submitted: it cannot revise (only from draft)' },
    });
    expect(transitionRoster(submitted, { action: 'publish', by: clerk, at: at('2026-11-13T01:00:00Z'), deadlines })).toMatchObject({ ok: false, error: { code: 'illegal-transition' } });
    expect(transitionRoster(published, { action: 'return', by: director, at: at('2026-11-26T01:00:00Z'), reason: 'x' })).toEqual({
      ok: false,
      error: { code: 'illegal-transition', message: 'roster 2026-12 is published: it cannot return (only from submitted or approved)' },
    });
    expect(transitionRoster(published, { action: 'submit', by: clerk, at: at('2026-11-26T01:00:00Z') })).toMatchObject({ ok: false, error: { code: 'illegal-transition' } });
  });

  it('only the duty director approves or returns; a return needs a reason; an empty draft cannot be submitted', () => {
    const r0 = draft();
    expect(transitionRoster(r0, { action: 'submit', by: clerk, at: at('2026-11-12T01:00:00Z') })).toEqual({
      ok: false,
      error: { code: 'no-shifts', message: 'roster 2026-12 has no shifts yet: import them first' },
    });
    const r1 = step(r0, { action: 'revise', by: clerk, at: at('2026-11-10T02:00:00Z') });
    const submitted = step(r1, { action: 'submit', by: clerk, at: at('2026-11-12T01:00:00Z') });
    expect(transitionRoster(submitted, { action: 'approve', by: clerk, at: at('2026-11-20T01:00:00Z') })).toEqual({
      ok: false,
      error: { code: 'not-duty-director', message: 'only the duty director (值班主任) can approve a roster' },
    });
    expect(transitionRoster(submitted, { action: 'return', by: director, at: at('2026-11-20T01:00:00Z'), reason: '  ' })).toEqual({
      ok: false,
      error: { code: 'reason-required', message: 'returning a roster to draft needs a reason' },
    });
    const returned = step(submitted, { action: 'return', by: director, at: at('2026-11-20T01:00:00Z'), reason: '12月31日夜班缺带班领导' });
    expect(returned).toMatchObject({ status: 'draft', revision: 1, submittedAt: at('2026-11-12T01:00:00Z') });
    expect(returned.history.at(-1)).toEqual({ seq: 4, action: 'return', status: 'draft', at: at('2026-11-20T01:00:00Z'), by: 'u-director', note: '12月31日夜班缺带班领导' });
    // returned: revised again, then submitted again
    const r2 = step(returned, { action: 'revise', by: clerk, at: at('2026-11-21T01:00:00Z') });
    expect(step(r2, { action: 'submit', by: clerk, at: at('2026-11-21T02:00:00Z') })).toMatchObject({ status: 'submitted', revision: 2, submittedAt: at('2026-11-21T02:00:00Z') });
  });

  it('refuses a month that is not YYYY-MM', () => {
    expect(newRosterMonth({ officeId: 'city', month: '2026-13', by: clerk, at: at('2026-11-10T01:00:00Z') })).toEqual({
      ok: false,
      error: { code: 'bad-month', message: '"2026-13" is not a month (YYYY-MM)' },
    });
  });

  it('publication flags lateness', () => {
    const r1 = step(draft(), { action: 'revise', by: clerk, at: at('2026-11-10T02:00:00Z') });
    const approved = step(step(r1, { action: 'submit', by: clerk, at: at('2026-11-12T01:00:00Z') }), { action: 'approve', by: director, at: at('2026-11-20T01:00:00Z') });
    // 2026-12-01 00:10 in Shanghai
    const late = step(approved, { action: 'publish', by: clerk, at: at('2026-11-30T16:10:00Z'), deadlines });
    expect(late.lateness).toEqual({ late: true, publishedOn: '2026-12-01', reasons: [{ rule: 'month', deadline: '2026-11-30' }] });
  });
});

describe('publication deadlines (001 §一, 第七条)', () => {
  const nationalDay = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'];
  const midAutumn = ['2026-09-25', '2026-09-26', '2026-09-27'];
  const october = { month: '2026-10', shiftDates: ['2026-10-01', '2026-10-03', '2026-10-03', '2026-10-09'], holidays: [...midAutumn, ...nationalDay], timezone: 'Asia/Shanghai' };

  it('on time: published by the end of the last day before the month, and 7 days before each holiday', () => {
    // 2026-09-24 23:59 in Shanghai: 7 days before National Day starts
    expect(publicationLateness({ ...october, publishedAt: at('2026-09-24T15:59:00Z') })).toEqual({ late: false, publishedOn: '2026-09-24', reasons: [] });
    expect(publicationLateness({ month: '2026-12', shiftDates: ['2026-12-01'], holidays: nationalDay, timezone: 'Asia/Shanghai', publishedAt: at('2026-11-30T15:59:59.999Z') })).toEqual({
      late: false,
      publishedOn: '2026-11-30',
      reasons: [],
    });
  });

  it('a holiday shift published later than 7 days before the holiday is late, though before the month', () => {
    // 2026-09-25 00:00 in Shanghai
    expect(publicationLateness({ ...october, publishedAt: at('2026-09-24T16:00:00Z') })).toEqual({
      late: true,
      publishedOn: '2026-09-25',
      reasons: [{ rule: 'holiday', holidayStart: '2026-10-01', deadline: '2026-09-24', shiftDates: ['2026-10-01', '2026-10-03'] }],
    });
  });

  it('after the month started: late on both counts', () => {
    const lateness = publicationLateness({ ...october, publishedAt: at('2026-10-02T02:00:00Z') });
    expect(lateness).toEqual({
      late: true,
      publishedOn: '2026-10-02',
      reasons: [
        { rule: 'month', deadline: '2026-09-30' },
        { rule: 'holiday', holidayStart: '2026-10-01', deadline: '2026-09-24', shiftDates: ['2026-10-01', '2026-10-03'] },
      ],
    });
    expect(describeLateness(lateness)).toBe(
      'published on 2026-10-02, late: due by 2026-09-30 (before the month starts); shifts on 2026-10-01, 2026-10-03 of the holiday from 2026-10-01 due by 2026-09-24 (7 days before)',
    );
  });

  it('a holiday begun the month before counts from its first day', () => {
    const springFestival = ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'];
    // a roster for March whose first days were, say, still a holiday that began on 02-28
    const holidays = ['2026-02-28', '2026-03-01', '2026-03-02'];
    expect(publicationLateness({ month: '2026-03', shiftDates: ['2026-03-02'], holidays: [...springFestival, ...holidays], timezone: 'Asia/Shanghai', publishedAt: at('2026-02-22T02:00:00Z') })).toEqual({
      late: true,
      publishedOn: '2026-02-22',
      reasons: [{ rule: 'holiday', holidayStart: '2026-02-28', deadline: '2026-02-21', shiftDates: ['2026-03-02'] }],
    });
  });

  it('a month without holiday shifts has only the month rule', () => {
    expect(publicationLateness({ month: '2026-10', shiftDates: ['2026-10-09'], holidays: nationalDay, timezone: 'Asia/Shanghai', publishedAt: at('2026-09-29T02:00:00Z') })).toEqual({
      late: false,
      publishedOn: '2026-09-29',
      reasons: [],
    });
  });
});

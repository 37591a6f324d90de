/**
 * The roster stores' contract, run against PostgreSQL and PGlite (test/db/roster/roster-stores.test.ts)
 * and against the in-memory twins (test/unit/roster/memory-roster-stores.test.ts): same semantics everywhere.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { newRosterMonth, transitionRoster, type RosterCommand } from '../../src/core/roster/roster-lifecycle.js';
import type { PlannedShift, RosterActor, RosterMonth, SwapRequest } from '../../src/core/roster/roster-model.js';
import type { RosterError } from '../../src/roster/roster-errors.js';
import type { OfficerRecord, RosterStores, ShiftRecord } from '../../src/roster/roster-store.js';

const at = (iso: string) => new Date(iso);
export const clerk: RosterActor = { id: 'u-clerk', officerId: null, dutyDirector: false };
export const director: RosterActor = { id: 'u-director', officerId: null, dutyDirector: true };
const change = (iso: string, by = 'u-clerk') => ({ by, at: at(iso) });

/** The rejection's RosterError code. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as RosterError).code ?? `not a RosterError: ${String(err)}`;
  }
  return 'resolved';
}

export function step(roster: RosterMonth, command: RosterCommand): RosterMonth {
  const next = transitionRoster(roster, command);
  if (!next.ok) throw new Error(next.error.message);
  return next.value;
}

export function draftOf(officeId: string, month: string, iso = '2026-11-10T01:00:00Z'): Omit<RosterMonth, 'id'> {
  const made = newRosterMonth({ officeId, month, by: clerk, at: at(iso) });
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}

export function plannedShift(overrides: Partial<PlannedShift> & Pick<PlannedShift, 'officerIds'>): PlannedShift {
  return {
    officeId: 'city',
    date: '2026-12-01',
    periodLabel: '08:30–17:30',
    startsAt: at('2026-12-01T00:30:00Z'),
    endsAt: at('2026-12-01T09:30:00Z'),
    deskEndpoint: 'desk',
    leaderId: null,
    ...overrides,
  };
}

const nightOf = (date: string, startIso: string, endIso: string) => ({ date, periodLabel: '17:30–08:30', startsAt: at(startIso), endsAt: at(endIso) });

export function rosterStoreContract(fixture: () => RosterStores, reset: () => Promise<void>): void {
  beforeEach(reset);

  async function officers(...names: string[]): Promise<OfficerRecord[]> {
    const out: OfficerRecord[] = [];
    for (const name of names) out.push(await fixture().officers.create({ officeId: 'city', name, phone: null, section: null }, change('2026-11-01T01:00:00Z')));
    return out;
  }

  /** A roster of 2026-12 revised once with `shifts`, then moved on by `commands`. */
  async function roster(shifts: (ids: string[]) => PlannedShift[], ids: string[], ...commands: RosterCommand[]): Promise<{ month: RosterMonth; shifts: ShiftRecord[] }> {
    const { rosters } = fixture();
    const created = await rosters.createMonth(draftOf('city', '2026-12'));
    const revised = step(created, { action: 'revise', by: clerk, at: at('2026-11-10T02:00:00Z'), note: 'import' });
    const stored = await rosters.saveRevision(created, revised, shifts(ids));
    let month = stored.roster;
    for (const c of commands) month = await rosters.saveTransition(month, step(month, c));
    return { month, shifts: stored.shifts };
  }
  const toPublished: RosterCommand[] = [
    { action: 'submit', by: clerk, at: at('2026-11-12T01:00:00Z') },
    { action: 'approve', by: director, at: at('2026-11-20T01:00:00Z') },
    { action: 'publish', by: clerk, at: at('2026-11-25T01:00:00Z'), deadlines: { shiftDates: ['2026-12-01'], holidays: [], timezone: 'Asia/Shanghai' } },
  ];

  describe('OfficerStore', () => {
    it('creates an active officer with who and when, and reads it back', async () => {
      const { officers: store } = fixture();
      const created = await store.create({ officeId: 'city', name: '张伟', phone: '13800000001', section: '综合科' }, change('2026-11-01T01:00:00Z'));
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        officeId: 'city',
        name: '张伟',
        phone: '13800000001',
        section: '综合科',
        active: true,
        createdAt: at('2026-11-01T01:00:00Z'),
        createdBy: 'u-clerk',
        updatedAt: at('2026-11-01T01:00:00Z'),
        activeChangedAt: null,
        activeChangedBy: null,
      });
      expect(await store.get('city', created.id)).toEqual(created);
      expect(await store.get('county', created.id)).toBeNull();
      expect(await store.get('city', randomUUID())).toBeNull();
      expect(await store.get('city', 'not-a-uuid')).toBeNull();
    });

    it('a name is unique in its office, not across offices', async () => {
      const { officers: store } = fixture();
      await store.create({ officeId: 'city', name: '张伟', phone: null, section: null }, change('2026-11-01T01:00:00Z'));
      expect(await codeOf(store.create({ officeId: 'city', name: '张伟', phone: '139', section: null }, change('2026-11-01T02:00:00Z')))).toBe('officer-name-taken');
      await store.create({ officeId: 'county', name: '张伟', phone: null, section: null }, change('2026-11-01T02:00:00Z'));
      expect((await store.list('city')).map((o) => o.name)).toEqual(['张伟']);
      expect((await store.list('county')).map((o) => o.name)).toEqual(['张伟']);
    });

    it('lists by name in code point order; activeOnly leaves out the inactive', async () => {
      const { officers: store } = fixture();
      const [, li] = await officers('王芳', '李娜', '张伟', 'Zhou');
      const inactive = await store.setActive('city', li!.id, false, change('2026-11-05T01:00:00Z', 'u-director'));
      expect(inactive).toMatchObject({ active: false, activeChangedAt: at('2026-11-05T01:00:00Z'), activeChangedBy: 'u-director', updatedAt: at('2026-11-05T01:00:00Z') });
      expect((await store.list('city')).map((o) => o.name)).toEqual(['Zhou', '张伟', '李娜', '王芳']);
      expect((await store.list('city', { activeOnly: true })).map((o) => o.name)).toEqual(['Zhou', '张伟', '王芳']);
      // setting it again changes nothing
      expect(await store.setActive('city', li!.id, false, change('2026-11-06T01:00:00Z'))).toEqual(inactive);
      expect(await store.setActive('city', li!.id, true, change('2026-11-07T01:00:00Z'))).toMatchObject({ active: true, activeChangedAt: at('2026-11-07T01:00:00Z'), activeChangedBy: 'u-clerk' });
    });

    it('updates name, phone and section; a taken name or an unknown officer is refused', async () => {
      const { officers: store } = fixture();
      const [zhang] = await officers('张伟', '李娜');
      const updated = await store.update('city', zhang!.id, { phone: '13800000002', section: '秘书科' }, change('2026-11-03T01:00:00Z'));
      expect(updated).toMatchObject({ name: '张伟', phone: '13800000002', section: '秘书科', updatedAt: at('2026-11-03T01:00:00Z'), createdAt: at('2026-11-01T01:00:00Z') });
      expect(await store.update('city', zhang!.id, { name: '张伟（综合科）' }, change('2026-11-03T02:00:00Z'))).toMatchObject({ name: '张伟（综合科）', phone: '13800000002' });
      expect(await codeOf(store.update('city', zhang!.id, { name: '李娜' }, change('2026-11-03T03:00:00Z')))).toBe('officer-name-taken');
      expect(await codeOf(store.update('county', zhang!.id, { phone: '1' }, change('2026-11-03T03:00:00Z')))).toBe('not-found');
      expect(await codeOf(store.setActive('city', randomUUID(), false, change('2026-11-03T03:00:00Z')))).toBe('not-found');
    });
  });

  describe('RosterStore', () => {
    it('creates one roster per office and month, with its history', async () => {
      const { rosters } = fixture();
      const created = await rosters.createMonth(draftOf('city', '2026-12'));
      expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), ...draftOf('city', '2026-12') });
      expect(await rosters.getMonth('city', '2026-12')).toEqual(created);
      expect(await rosters.getMonthById('city', created.id)).toEqual(created);
      expect(await rosters.getMonthById('county', created.id)).toBeNull();
      expect(await rosters.getMonth('county', '2026-12')).toBeNull();
      expect(await codeOf(rosters.createMonth(draftOf('city', '2026-12', '2026-11-11T01:00:00Z')))).toBe('roster-exists');
      await rosters.createMonth(draftOf('county', '2026-12'));
      await rosters.createMonth(draftOf('city', '2026-11'));
      expect((await rosters.listMonths('city')).map((m) => m.month)).toEqual(['2026-11', '2026-12']);
    });

    it('stores a revision with its shifts, officers in roster order; the next revision supersedes them', async () => {
      const { rosters } = fixture();
      const [zhang, li, zhao] = await officers('张伟', '李娜', '赵刚');
      const { month, shifts } = await roster(
        ([a, b, c]) => [
          plannedShift({ ...nightOf('2026-12-01', '2026-12-01T09:30:00Z', '2026-12-02T00:30:00Z'), officerIds: [b!, a!], leaderId: c! }),
          plannedShift({ officerIds: [a!] }),
          plannedShift({ deskEndpoint: 'hired-desk', officerIds: [b!] }),
        ],
        [zhang!.id, li!.id, zhao!.id],
      );
      expect(month).toMatchObject({ status: 'draft', revision: 1 });
      expect(month.history.map((e) => [e.seq, e.action, e.note])).toEqual([
        [1, 'create', null],
        [2, 'revise', 'import'],
      ]);
      const expected = (overrides: Partial<ShiftRecord>) => ({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        officeId: 'city',
        rosterMonthId: month.id,
        revision: 1,
        date: '2026-12-01',
        periodLabel: '08:30–17:30',
        startsAt: at('2026-12-01T00:30:00Z'),
        endsAt: at('2026-12-01T09:30:00Z'),
        deskEndpoint: 'desk',
        leaderId: null,
        createdAt: at('2026-11-10T02:00:00Z'),
        createdBy: 'u-clerk',
        supersededAt: null,
        supersededBy: null,
        ...overrides,
      });
      expect(shifts).toEqual([
        expected({ officerIds: [zhang!.id] }),
        expected({ deskEndpoint: 'hired-desk', officerIds: [li!.id] }),
        expected({ periodLabel: '17:30–08:30', startsAt: at('2026-12-01T09:30:00Z'), endsAt: at('2026-12-02T00:30:00Z'), officerIds: [li!.id, zhang!.id], leaderId: zhao!.id }),
      ]);
      expect(await rosters.listShifts('city', month.id)).toEqual(shifts);
      expect(await rosters.getShift('city', shifts[0]!.id)).toEqual(shifts[0]);
      expect(await rosters.getShift('county', shifts[0]!.id)).toBeNull();

      const revised = step(month, { action: 'revise', by: clerk, at: at('2026-11-11T01:00:00Z'), note: 'second import' });
      const second = await rosters.saveRevision(month, revised, [plannedShift({ officerIds: [li!.id] })]);
      expect(second.roster).toMatchObject({ revision: 2 });
      expect(second.shifts).toEqual([expected({ revision: 2, officerIds: [li!.id], createdAt: at('2026-11-11T01:00:00Z') })]);
      expect(await rosters.listShifts('city', month.id)).toEqual(second.shifts);
      // the first revision's shifts are kept, marked superseded
      expect(await rosters.getShift('city', shifts[0]!.id)).toEqual({ ...shifts[0], supersededAt: at('2026-11-11T01:00:00Z'), supersededBy: 'u-clerk' });
    });

    it('a revision naming an officer the office does not have stores nothing', async () => {
      const { rosters, officers: store } = fixture();
      const [zhang] = await officers('张伟');
      const other = await store.create({ officeId: 'county', name: '外县', phone: null, section: null }, change('2026-11-01T01:00:00Z'));
      const created = await rosters.createMonth(draftOf('city', '2026-12'));
      const revised = step(created, { action: 'revise', by: clerk, at: at('2026-11-10T02:00:00Z') });
      for (const shifts of [[plannedShift({ officerIds: [zhang!.id] }), plannedShift({ deskEndpoint: 'hired-desk', officerIds: [other.id] })], [plannedShift({ officerIds: [zhang!.id], leaderId: randomUUID() })], [plannedShift({ officerIds: ['no-uuid'] })]]) {
        expect(await codeOf(rosters.saveRevision(created, revised, shifts))).toBe('unknown-officer');
      }
      expect(await rosters.getMonthById('city', created.id)).toEqual(created);
      expect(await rosters.listShifts('city', created.id)).toEqual([]);
    });

    it('stores each transition with its history; one computed from a stale roster is roster-changed', async () => {
      const { rosters } = fixture();
      const [zhang] = await officers('张伟');
      const { month: draft } = await roster(([a]) => [plannedShift({ officerIds: [a!] })], [zhang!.id]);
      const submitted = await rosters.saveTransition(draft, step(draft, { action: 'submit', by: clerk, at: at('2026-11-12T01:00:00Z') }));
      expect(submitted).toMatchObject({ status: 'submitted', submittedAt: at('2026-11-12T01:00:00Z'), submittedBy: 'u-clerk' });
      expect(await rosters.getMonthById('city', draft.id)).toEqual(submitted);
      // a second change computed from the draft (read before the submission) does not land
      expect(await codeOf(rosters.saveTransition(draft, step(draft, { action: 'revise', by: clerk, at: at('2026-11-12T02:00:00Z') })))).toBe('roster-changed');
      expect(await codeOf(rosters.saveRevision(draft, step(draft, { action: 'revise', by: clerk, at: at('2026-11-12T02:00:00Z') }), []))).toBe('roster-changed');
      expect(await rosters.getMonthById('city', draft.id)).toEqual(submitted);

      const approved = await rosters.saveTransition(submitted, step(submitted, { action: 'approve', by: director, at: at('2026-11-20T01:00:00Z') }));
      const published = await rosters.saveTransition(approved, step(approved, toPublished[2]!));
      expect(published).toEqual(step(approved, toPublished[2]!));
      expect(published.lateness).toEqual({ late: false, publishedOn: '2026-11-25', reasons: [] });
      expect(published.history.map((e) => `${e.seq} ${e.action} ${e.status} ${e.by}`)).toEqual([
        '1 create draft u-clerk',
        '2 revise draft u-clerk',
        '3 submit submitted u-clerk',
        '4 approve approved u-director',
        '5 publish published u-clerk',
      ]);
    });

    it('two changes computed from one roster at once: exactly one lands', async () => {
      const { rosters } = fixture();
      const [zhang] = await officers('张伟');
      const { month: draft } = await roster(([a]) => [plannedShift({ officerIds: [a!] })], [zhang!.id]);
      const results = await Promise.allSettled([
        rosters.saveTransition(draft, step(draft, { action: 'submit', by: clerk, at: at('2026-11-12T01:00:00Z') })),
        rosters.saveRevision(draft, step(draft, { action: 'revise', by: clerk, at: at('2026-11-12T01:00:00Z') }), [plannedShift({ officerIds: [zhang!.id] })]),
        rosters.saveTransition(draft, step(draft, { action: 'submit', by: clerk, at: at('2026-11-12T01:00:01Z') })),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as RosterError).code)).toEqual(['roster-changed', 'roster-changed']);
      expect((await rosters.getMonthById('city', draft.id))!.history).toHaveLength(3);
    });

    it('lists the current shifts of published rosters overlapping [from, to)', async () => {
      const { rosters } = fixture();
      const [zhang, li] = await officers('张伟', '李娜');
      const { shifts } = await roster(
        ([a, b]) => [plannedShift({ officerIds: [a!] }), plannedShift({ ...nightOf('2026-12-01', '2026-12-01T09:30:00Z', '2026-12-02T00:30:00Z'), officerIds: [b!] })],
        [zhang!.id, li!.id],
        ...toPublished,
      );
      const [day, night] = shifts;
      // an unpublished roster of the next month has shifts too: not listed
      const january = await rosters.createMonth(draftOf('city', '2027-01'));
      await rosters.saveRevision(january, step(january, { action: 'revise', by: clerk, at: at('2026-12-10T01:00:00Z') }), [
        plannedShift({ date: '2027-01-01', startsAt: at('2027-01-01T00:30:00Z'), endsAt: at('2027-01-01T09:30:00Z'), officerIds: [zhang!.id] }),
      ]);
      const ids = async (from: string, to: string, office = 'city') => (await rosters.listPublishedShifts(office, at(from), at(to))).map((s) => s.id);
      expect(await ids('2026-12-01T00:00:00Z', '2026-12-03T00:00:00Z')).toEqual([day!.id, night!.id]);
      expect(await ids('2026-12-01T09:30:00Z', '2026-12-01T09:30:00.001Z')).toEqual([night!.id]);
      expect(await ids('2026-12-01T09:29:59.999Z', '2026-12-01T09:30:00Z')).toEqual([day!.id]);
      expect(await ids('2026-12-02T00:30:00Z', '2027-02-01T00:00:00Z')).toEqual([]);
      expect(await ids('2026-12-01T00:00:00Z', '2026-12-03T00:00:00Z', 'county')).toEqual([]);
      expect(await rosters.listPublishedShifts('city', at('2026-12-01T10:00:00Z'), at('2026-12-01T10:00:01Z'))).toEqual([night]);
    });
  });

  describe('SwapStore', () => {
    async function publishedShifts(): Promise<{ ids: OfficerRecord[]; shifts: ShiftRecord[] }> {
      const ids = await officers('张伟', '李娜', '王芳');
      const { shifts } = await roster(
        ([a, b]) => [plannedShift({ officerIds: [a!] }), plannedShift({ ...nightOf('2026-12-01', '2026-12-01T09:30:00Z', '2026-12-02T00:30:00Z'), officerIds: [b!] })],
        ids.map((o) => o.id),
        ...toPublished,
      );
      return { ids, shifts };
    }
    const swapOf = (shift: ShiftRecord, requesterId: string, counterpartId: string, overrides: Partial<SwapRequest> = {}): Omit<SwapRequest, 'id'> => ({
      officeId: 'city',
      shiftId: shift.id,
      requesterId,
      counterpartId,
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
    });

    it('creates, reads back and lists swaps by shift or counterpart shift', async () => {
      const { swaps } = fixture();
      const { ids: [zhang, li, wang], shifts: [day, night] } = await publishedShifts();
      const first = await swaps.create(swapOf(night!, li!.id, wang!.id));
      expect(first).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), ...swapOf(night!, li!.id, wang!.id) });
      expect(await swaps.get('city', first.id)).toEqual(first);
      expect(await swaps.get('county', first.id)).toBeNull();
      expect(await swaps.get('city', 'nope')).toBeNull();
      const exchange = await swaps.create(swapOf(night!, li!.id, zhang!.id, { counterpartShiftId: day!.id, requestedAt: at('2026-11-27T02:00:00Z') }));
      expect((await swaps.listForShifts('city', [night!.id])).map((s) => s.id)).toEqual([exchange.id, first.id]);
      expect((await swaps.listForShifts('city', [day!.id])).map((s) => s.id)).toEqual([exchange.id]);
      expect(await swaps.listForShifts('city', [])).toEqual([]);
      expect(await swaps.listForShifts('county', [night!.id])).toEqual([]);
    });

    it('refuses a swap naming a shift or an officer the office does not have', async () => {
      const { swaps, officers: store } = fixture();
      const { ids: [, li, wang], shifts: [, night] } = await publishedShifts();
      const stranger = await store.create({ officeId: 'county', name: '外县', phone: null, section: null }, change('2026-11-01T01:00:00Z'));
      expect(await codeOf(swaps.create(swapOf(night!, li!.id, stranger.id)))).toBe('unknown-officer');
      expect(await codeOf(swaps.create(swapOf(night!, li!.id, wang!.id, { shiftId: randomUUID() })))).toBe('unknown-shift');
      expect(await codeOf(swaps.create(swapOf(night!, li!.id, wang!.id, { counterpartShiftId: 'nope' })))).toBe('unknown-shift');
      expect(await codeOf(swaps.create(swapOf(night!, li!.id, wang!.id, { officeId: 'county' })))).toBe('unknown-shift');
      expect(await swaps.listForShifts('city', [night!.id])).toEqual([]);
    });

    it('stores a status change only over the status it was computed from', async () => {
      const { swaps } = fixture();
      const { ids: [, li, wang], shifts: [, night] } = await publishedShifts();
      const requested = await swaps.create(swapOf(night!, li!.id, wang!.id));
      const agreed = { ...requested, status: 'agreed' as const, answeredAt: at('2026-11-28T03:00:00Z'), answeredBy: 'u-wang' };
      expect(await swaps.saveTransition(requested, agreed)).toEqual(agreed);
      const declined = { ...requested, status: 'declined' as const, answeredAt: at('2026-11-28T03:00:01Z'), answeredBy: 'u-wang' };
      expect(await codeOf(swaps.saveTransition(requested, declined))).toBe('swap-changed');
      const approved = { ...agreed, status: 'approved' as const, decidedAt: at('2026-11-29T01:00:00Z'), decidedBy: 'u-director', decisionNote: '同意' };
      expect(await swaps.saveTransition(agreed, approved)).toEqual(approved);
      expect(await swaps.get('city', requested.id)).toEqual(approved);
      const stranger = randomUUID();
      expect(await codeOf(swaps.saveTransition({ ...agreed, id: stranger }, { ...approved, id: stranger }))).toBe('not-found');
    });
  });
}

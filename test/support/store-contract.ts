/**
 * The store contract, run against PostgreSQL and PGlite (test/db/stores.test.ts) and against
 * the in-memory fakes (test/unit/store/memory-stores.test.ts): same semantics everywhere.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { snapshotOf, type CallSnapshot } from '../../src/core/call/call-model.js';
import type { CallStore } from '../../src/calls/call-store.js';
import { closeUnobserved, END_NOT_OBSERVED } from '../../src/calls/unfinished-calls.js';
import type { DisciplineInput } from '../../src/core/discipline/discipline-model.js';
import type { DisciplineStore } from '../../src/discipline/discipline-store.js';

export interface StoreFixture {
  calls: CallStore;
  discipline: DisciplineStore;
}

export function snapshot(pbxCallId: string, overrides: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    officeId: 'default',
    pbxCallId,
    direction: 'inbound',
    callerNumber: '13800138000',
    callerName: '张三',
    dialed: '12345',
    offeredAt: new Date('2026-03-02T08:00:00.123Z'),
    deskEndpoint: null,
    deskRingingAt: null,
    answeredAt: null,
    answeredBy: null,
    ringCount: null,
    endedAt: null,
    outcome: 'in-progress',
    reachedNobody: false,
    timeline: [{ at: '2026-03-02T08:00:00.123Z', what: 'offered' }],
    ...overrides,
  };
}

export function disciplineInput(pbxCallId: string, overrides: Partial<DisciplineInput> = {}): DisciplineInput {
  return {
    officeId: 'default',
    subject: { kind: 'call', id: pbxCallId },
    type: 'absence',
    officer: '李四',
    deskEndpoint: 'desk',
    occurredAt: new Date('2026-03-02T08:00:15.000Z'),
    reason: '值班台响铃3声无人接听（离岗）',
    evidence: [
      { at: '2026-03-02T08:00:00.123Z', what: 'offered' },
      { at: '2026-03-02T08:00:15.000Z', what: 'ring 3' },
    ],
    ...overrides,
  };
}

const at = (iso: string) => new Date(iso);

/** Registers the contract tests; `fixture()` is read in each test, `reset()` runs before each. */
export function storeContract(fixture: () => StoreFixture, reset: () => Promise<void>): void {
  beforeEach(reset);

  describe('CallStore', () => {
    it('save stores every snapshot field and starts officer fields as null', async () => {
      const { calls } = fixture();
      const s = snapshot('c-fields', {
        deskEndpoint: 'desk',
        deskRingingAt: at('2026-03-02T08:00:01.5Z'),
        answeredAt: at('2026-03-02T08:00:07.25Z'),
        answeredBy: 'desk',
        ringCount: 2,
        endedAt: at('2026-03-02T08:03:00Z'),
        outcome: 'answered',
        timeline: [
          { at: '2026-03-02T08:00:00.123Z', what: 'offered' },
          { at: '2026-03-02T08:00:07.250Z', what: 'answered by desk' },
        ],
      });
      const saved = await calls.save(s);
      expect(saved).toMatchObject({ ...s, callerUnit: null, content: null, handling: null });
      expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(saved.createdAt).toBeInstanceOf(Date);
      expect(saved.updatedAt).toBeInstanceOf(Date);
      expect(await calls.get(saved.id)).toEqual(saved);
    });

    it('repeated saves of one call update the same record', async () => {
      const { calls } = fixture();
      const first = await calls.save(snapshot('c-repeat'));
      const second = await calls.save(snapshot('c-repeat', { outcome: 'absence', ringCount: 3, endedAt: at('2026-03-02T08:00:16Z') }));
      expect(second.id).toBe(first.id);
      expect(second.createdAt).toEqual(first.createdAt);
      expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
      expect(second).toMatchObject({ outcome: 'absence', ringCount: 3 });
      const all = await calls.list({ limit: 100, offset: 0 });
      expect(all.filter((r) => r.pbxCallId === 'c-repeat')).toHaveLength(1);
    });

    it('concurrent duplicate saves create exactly one record', async () => {
      const { calls } = fixture();
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) => calls.save(snapshot('c-race', { ringCount: i }))),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      const all = await calls.list({ limit: 100, offset: 0 });
      expect(all).toHaveLength(1);
    });

    it('get returns null for unknown or malformed ids', async () => {
      const { calls } = fixture();
      expect(await calls.get(randomUUID())).toBeNull();
      expect(await calls.get('not-a-uuid')).toBeNull();
    });

    it('list orders by offeredAt desc and filters by from (inclusive), to (exclusive), outcome; pages with limit/offset', async () => {
      const { calls } = fixture();
      const times = ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z'];
      const outcomes = ['answered', 'absence', 'answered', 'abandoned', 'absence'] as const;
      for (const [i, t] of times.entries()) {
        await calls.save(snapshot(`c-list-${i}`, { offeredAt: at(t), outcome: outcomes[i]! }));
      }
      const ids = (rs: { pbxCallId: string }[]) => rs.map((r) => r.pbxCallId);

      expect(ids(await calls.list({ limit: 10, offset: 0 }))).toEqual(['c-list-4', 'c-list-3', 'c-list-2', 'c-list-1', 'c-list-0']);
      expect(ids(await calls.list({ limit: 2, offset: 0 }))).toEqual(['c-list-4', 'c-list-3']);
      expect(ids(await calls.list({ limit: 2, offset: 2 }))).toEqual(['c-list-2', 'c-list-1']);
      expect(ids(await calls.list({ limit: 2, offset: 4 }))).toEqual(['c-list-0']);
      expect(ids(await calls.list({ limit: 10, offset: 0, from: at(times[1]!), to: at(times[3]!) }))).toEqual(['c-list-2', 'c-list-1']);
      expect(ids(await calls.list({ limit: 10, offset: 0, from: at(times[3]!) }))).toEqual(['c-list-4', 'c-list-3']);
      expect(ids(await calls.list({ limit: 10, offset: 0, to: at(times[1]!) }))).toEqual(['c-list-0']);
      expect(ids(await calls.list({ limit: 10, offset: 0, outcome: 'absence' }))).toEqual(['c-list-4', 'c-list-1']);
      expect(ids(await calls.list({ limit: 10, offset: 0, outcome: 'absence', from: at(times[2]!) }))).toEqual(['c-list-4']);
      expect(await calls.list({ limit: 10, offset: 0, outcome: 'busy' })).toEqual([]);
    });

    it('list pages are stable when offeredAt ties', async () => {
      const { calls } = fixture();
      for (let i = 0; i < 6; i++) await calls.save(snapshot(`c-tie-${i}`));
      const pages = [
        ...(await calls.list({ limit: 4, offset: 0 })),
        ...(await calls.list({ limit: 4, offset: 4 })),
      ];
      expect(new Set(pages.map((r) => r.pbxCallId)).size).toBe(6);
    });
  });

  describe('CallStore: the reads of exports and reports', () => {
    const seed = async (calls: CallStore) => {
      // three instants, two calls tied on the second; another office; an outbound call
      await calls.save(snapshot('r-1', { offeredAt: at('2026-05-01T00:00:00Z'), deskEndpoint: 'desk', outcome: 'absence', ringCount: 3 }));
      await calls.save(snapshot('r-2a', { offeredAt: at('2026-05-02T00:00:00Z'), deskEndpoint: 'desk', outcome: 'answered', answeredAt: at('2026-05-02T00:00:05Z'), ringCount: 1 }));
      await calls.save(snapshot('r-2b', { offeredAt: at('2026-05-02T00:00:00Z'), outcome: 'no-one-reachable', reachedNobody: true }));
      await calls.save(snapshot('r-3', { offeredAt: at('2026-05-03T00:00:00Z'), deskEndpoint: 'desk', outcome: 'busy' }));
      await calls.save(snapshot('r-out', { offeredAt: at('2026-05-02T12:00:00Z'), direction: 'outbound', outcome: 'busy' }));
      await calls.save(snapshot('r-other', { officeId: 'other', offeredAt: at('2026-05-02T00:00:00Z'), outcome: 'absence' }));
    };

    it('listAfter walks the whole result in list order, page by page, each entry once in the columns an export writes', async () => {
      const { calls } = fixture();
      await seed(calls);
      const everything = await calls.list({ officeId: 'default', limit: 100, offset: 0 });
      const walked = [];
      for (let after = null as { offeredAt: Date; id: string } | null; ; ) {
        const page = await calls.listAfter({ officeId: 'default' }, after, 2);
        walked.push(...page);
        if (page.length < 2) break;
        after = { offeredAt: page.at(-1)!.offeredAt, id: page.at(-1)!.id };
      }
      // the entry without its timeline, its officer-completed text and its bookkeeping times
      expect(walked).toEqual(everything.map(({ timeline: _t, callerUnit: _u, content: _c, handling: _h, createdAt: _a, updatedAt: _b, ...row }) => row));
      expect(walked.map((c) => c.pbxCallId).sort()).toEqual(['r-1', 'r-2a', 'r-2b', 'r-3', 'r-out']);
      expect(Object.keys(walked[0]!).sort()).toEqual(['answeredAt', 'answeredBy', 'callerName', 'callerNumber', 'deskEndpoint', 'deskRingingAt', 'dialed', 'direction', 'endedAt', 'id', 'offeredAt', 'officeId', 'outcome', 'pbxCallId', 'reachedNobody', 'ringCount']);
    });

    it('listAfter filters as list does: direction, range, outcome, reachedNobody, within (none: nothing)', async () => {
      const { calls } = fixture();
      await seed(calls);
      const ids = async (q: Parameters<CallStore['listAfter']>[0]) => (await calls.listAfter(q, null, 100)).map((c) => c.pbxCallId);
      expect(await ids({ officeId: 'default', direction: 'outbound' })).toEqual(['r-out']);
      expect(await ids({ officeId: 'default', from: at('2026-05-02T00:00:00Z'), to: at('2026-05-03T00:00:00Z'), direction: 'inbound' })).toHaveLength(2);
      expect(await ids({ outcome: 'absence' })).toEqual(expect.arrayContaining(['r-1', 'r-other']));
      expect(await ids({ officeId: 'default', reachedNobody: true })).toEqual(['r-2b']);
      expect(await ids({ officeId: 'default', within: [{ from: at('2026-05-01T00:00:00Z'), to: at('2026-05-01T01:00:00Z') }, { from: at('2026-05-03T00:00:00Z') }] })).toEqual(['r-3', 'r-1']);
      expect(await ids({ officeId: 'default', within: [] })).toEqual([]);
    });

    it('listForReport: one office, [from, to), direction and outcomes when given, oldest first, only the columns a report reads', async () => {
      const { calls } = fixture();
      await seed(calls);
      const window = { officeId: 'default', from: at('2026-05-01T00:00:00Z'), to: at('2026-05-03T00:00:00Z') };
      const rows = await calls.listForReport({ ...window, direction: 'inbound' });
      expect(rows.map((r) => r.pbxCallId)).toEqual(['r-1', ...['r-2a', 'r-2b'].sort((a, b) => (rows.find((r) => r.pbxCallId === a)!.id < rows.find((r) => r.pbxCallId === b)!.id ? -1 : 1))]);
      const answered = rows.find((r) => r.pbxCallId === 'r-2a')!;
      expect(answered).toEqual({ id: answered.id, pbxCallId: 'r-2a', direction: 'inbound', offeredAt: at('2026-05-02T00:00:00Z'), deskEndpoint: 'desk', answeredAt: at('2026-05-02T00:00:05Z'), outcome: 'answered', ringCount: 1 });
      expect((await calls.listForReport({ ...window, outcomes: ['absence', 'no-one-reachable', 'busy'] })).map((r) => r.pbxCallId)).toEqual(['r-1', 'r-2b', 'r-out']);
      expect(await calls.listForReport({ ...window, outcomes: [] })).toEqual([]);
      expect((await calls.listForReport({ ...window, officeId: 'other' })).map((r) => r.pbxCallId)).toEqual(['r-other']);
    });

    it('saveMany: each call as save() stores it, one row per call, the last of a call given twice winning', async () => {
      const { calls } = fixture();
      await calls.save(snapshot('m-1', { offeredAt: at('2026-05-01T00:00:00Z'), outcome: 'in-progress' }));
      const done = snapshot('m-1', { offeredAt: at('2026-05-01T00:00:00Z'), deskEndpoint: 'desk', deskRingingAt: at('2026-05-01T00:00:00.100Z'), answeredAt: at('2026-05-01T00:00:01.600Z'), answeredBy: 'desk', ringCount: 2, endedAt: at('2026-05-01T00:01:00Z'), outcome: 'answered', timeline: [{ at: '2026-05-01T00:00:00.000Z', what: 'offered' }] });
      const other = snapshot('m-2', { offeredAt: at('2026-05-01T00:05:00Z'), callerName: '王五 "老王", 局办', outcome: 'absence', ringCount: 3, reachedNobody: true, endedAt: at('2026-05-01T00:06:00Z') });
      await calls.saveMany([snapshot('m-2', { offeredAt: at('2026-05-01T00:05:00Z') }), done, other]);
      const rows = await calls.list({ officeId: 'default', limit: 10, offset: 0 });
      expect(rows.map((r) => snapshotOf(r))).toEqual([snapshotOf(other), snapshotOf(done)]);
      await calls.saveMany([]);
    });

    it('listForTally: one office, [from, to), inbound calls offered to a desk, times to the millisecond, the ring count or null', async () => {
      const { calls } = fixture();
      await seed(calls);
      await calls.save(snapshot('r-ms', { offeredAt: at('2026-05-01T10:00:00.123Z'), deskEndpoint: 'desk-2', answeredAt: at('2026-05-01T10:00:07.456Z'), outcome: 'answered', ringCount: 2 }));
      // answered with no ring count; answered in ring 12 (two digits); hung up before ring 1 (ring count 0, not null)
      await calls.save(snapshot('r-no-ring', { offeredAt: at('2026-05-01T11:00:00Z'), deskEndpoint: 'desk-2', answeredAt: at('2026-05-01T11:00:03Z'), outcome: 'answered' }));
      await calls.save(snapshot('r-ring-12', { offeredAt: at('2026-05-01T12:00:00Z'), deskEndpoint: 'desk-2', answeredAt: at('2026-05-01T12:01:00Z'), outcome: 'answered', ringCount: 12 }));
      await calls.save(snapshot('r-ring-0', { offeredAt: at('2026-05-01T13:00:00Z'), deskEndpoint: 'desk', outcome: 'abandoned', ringCount: 0 }));
      const rows = await calls.listForTally({ officeId: 'default', from: at('2026-05-01T00:00:00Z'), to: at('2026-05-03T00:00:00Z') });
      expect([...rows].sort((a, b) => (a.pbxCallId < b.pbxCallId ? -1 : 1))).toEqual([
        { pbxCallId: 'r-1', direction: 'inbound', offeredAt: at('2026-05-01T00:00:00Z'), deskEndpoint: 'desk', answeredAt: null, outcome: 'absence', ringCount: 3 },
        { pbxCallId: 'r-2a', direction: 'inbound', offeredAt: at('2026-05-02T00:00:00Z'), deskEndpoint: 'desk', answeredAt: at('2026-05-02T00:00:05Z'), outcome: 'answered', ringCount: 1 },
        { pbxCallId: 'r-ms', direction: 'inbound', offeredAt: at('2026-05-01T10:00:00.123Z'), deskEndpoint: 'desk-2', answeredAt: at('2026-05-01T10:00:07.456Z'), outcome: 'answered', ringCount: 2 },
        { pbxCallId: 'r-no-ring', direction: 'inbound', offeredAt: at('2026-05-01T11:00:00Z'), deskEndpoint: 'desk-2', answeredAt: at('2026-05-01T11:00:03Z'), outcome: 'answered', ringCount: null },
        { pbxCallId: 'r-ring-0', direction: 'inbound', offeredAt: at('2026-05-01T13:00:00Z'), deskEndpoint: 'desk', answeredAt: null, outcome: 'abandoned', ringCount: 0 },
        { pbxCallId: 'r-ring-12', direction: 'inbound', offeredAt: at('2026-05-01T12:00:00Z'), deskEndpoint: 'desk-2', answeredAt: at('2026-05-01T12:01:00Z'), outcome: 'answered', ringCount: 12 },
      ]);
      expect(await calls.listForTally({ officeId: 'other', from: at('2026-05-01T00:00:00Z'), to: at('2026-05-03T00:00:00Z') })).toEqual([]);
    });
  });

  describe('CallStore.listOpen (calls an earlier run left unfinished)', () => {
    it('lists the entries not ended, oldest offeredAt first, ties by id', async () => {
      const { calls } = fixture();
      await calls.save(snapshot('o-ended', { offeredAt: at('2026-03-01T00:00:00Z'), outcome: 'answered', endedAt: at('2026-03-01T00:01:00Z') }));
      await calls.save(snapshot('o-late', { offeredAt: at('2026-03-03T00:00:00Z') }));
      await calls.save(snapshot('o-early', { offeredAt: at('2026-03-02T00:00:00Z'), outcome: 'absence', ringCount: 3 }));
      await calls.save(snapshot('o-tie-a', { offeredAt: at('2026-03-04T00:00:00Z') }));
      await calls.save(snapshot('o-tie-b', { offeredAt: at('2026-03-04T00:00:00Z') }));
      await calls.save(snapshot('o-ended-later', { offeredAt: at('2026-03-05T00:00:00Z'), outcome: 'abandoned', endedAt: at('2026-03-05T00:00:09Z') }));

      const open = await calls.listOpen('default');
      expect(open.map((r) => r.pbxCallId).slice(0, 2)).toEqual(['o-early', 'o-late']);
      const ties = open.slice(2);
      expect(ties.map((r) => r.pbxCallId).sort()).toEqual(['o-tie-a', 'o-tie-b']);
      expect(ties.map((r) => r.id)).toEqual(ties.map((r) => r.id).sort());
      expect(open[0]).toMatchObject({ outcome: 'absence', ringCount: 3, endedAt: null });
      expect(open[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('is empty when every entry has ended (or none is stored)', async () => {
      const { calls } = fixture();
      expect(await calls.listOpen('default')).toEqual([]);
      await calls.save(snapshot('o-done', { outcome: 'busy', endedAt: at('2026-03-02T08:00:05Z') }));
      expect(await calls.listOpen('default')).toEqual([]);
    });

    it('saving the closing snapshot of an open entry updates that one row and takes it out of listOpen', async () => {
      const { calls } = fixture();
      const first = await calls.save(snapshot('o-close', { deskEndpoint: 'desk' }));
      const [open] = await calls.listOpen('default');
      expect(open).toEqual(first);
      const endedAt = at('2026-03-02T09:00:00.5Z');
      const closed = await calls.save(closeUnobserved(open!, endedAt));
      expect(closed).toMatchObject({
        id: first.id,
        pbxCallId: 'o-close',
        deskEndpoint: 'desk',
        outcome: 'interrupted',
        endedAt,
        timeline: [...first.timeline, { at: '2026-03-02T09:00:00.500Z', what: END_NOT_OBSERVED }],
      });
      expect(closed.createdAt).toEqual(first.createdAt);
      expect(await calls.listOpen('default')).toEqual([]);
      expect(await calls.list({ limit: 100, offset: 0 })).toHaveLength(1);
      expect(await calls.list({ limit: 100, offset: 0, outcome: 'interrupted' })).toHaveLength(1);
    });
  });

  describe('DisciplineStore', () => {
    it('recordOnce creates an open record, then returns it without creating another', async () => {
      const { discipline } = fixture();
      const input = disciplineInput('d-once');
      const first = await discipline.recordOnce(input);
      expect(first.created).toBe(true);
      expect(first.record).toMatchObject({ ...input, status: 'open' });
      expect(first.record.createdAt).toBeInstanceOf(Date);
      const again = await discipline.recordOnce({ ...input, reason: 'something else' });
      expect(again).toEqual({ record: first.record, created: false });
    });

    it('recordMany: the new records at once with their raised event, one for a (subject, type) given twice (the last), the known ones completed as recordOnce does', async () => {
      const { discipline } = fixture();
      const a = disciplineInput('d-many-a');
      const longer = { ...a, evidence: [...a.evidence, { at: '2026-03-02T08:00:30.000Z', what: 'caller hung up' }] };
      expect(await discipline.recordMany([a, disciplineInput('d-many-b'), longer])).toBe(2);
      const listed = await discipline.list({ officeId: 'default', limit: 10, offset: 0 });
      expect(listed.map((r) => r.subject.id).sort()).toEqual(['d-many-a', 'd-many-b']);
      const stored = (await discipline.get(listed.find((r) => r.subject.id === 'd-many-a')!.id))!;
      expect(stored.evidence).toEqual(longer.evidence);
      expect(stored.history.map((h) => [h.seq, h.what, h.text])).toEqual([[1, 'raised', a.reason]]);
      const evenLonger = { ...longer, evidence: [...longer.evidence, { at: '2026-03-02T08:00:31.000Z', what: 'call ended' }] };
      expect(await discipline.recordMany([evenLonger])).toBe(0);
      expect((await discipline.get(stored.id))!.history.map((h) => h.what)).toEqual(['raised', 'evidence-completed']);
      expect(await discipline.recordMany([])).toBe(0);
    });

    it('recordOnce again with longer evidence (the call seen to its end) completes the evidence, nothing else', async () => {
      const { discipline } = fixture();
      const input = disciplineInput('d-complete');
      const first = await discipline.recordOnce(input);
      const ending = [...input.evidence, { at: '2026-03-02T08:00:30.000Z', what: 'call ended (normal clearing)' }];
      const completed = await discipline.recordOnce({ ...input, reason: 'changed', occurredAt: new Date(0), evidence: ending });
      expect(completed).toEqual({ record: { ...first.record, evidence: ending }, created: false });
      // A shorter (older) evidence does not undo it.
      const stale = await discipline.recordOnce(input);
      expect(stale.record.evidence).toEqual(ending);
      expect(await discipline.list({ limit: 10, offset: 0 })).toEqual([completed.record]);
    });

    it('one record per (call, type): another type is another record', async () => {
      const { discipline } = fixture();
      const a = await discipline.recordOnce(disciplineInput('d-types', { type: 'absence' }));
      const m = await discipline.recordOnce(disciplineInput('d-types', { type: 'mistake', reason: 'wrong transfer' }));
      expect(m.created).toBe(true);
      expect(m.record.id).not.toBe(a.record.id);
    });

    it('concurrent recordOnce of the same (call, type) creates exactly one record', async () => {
      const { discipline } = fixture();
      const results = await Promise.all(Array.from({ length: 20 }, () => discipline.recordOnce(disciplineInput('d-race'))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
      expect(await discipline.list({ limit: 100, offset: 0 })).toHaveLength(1);
    });

    it('keeps the attribution as given: a rostered shift, no one rostered, or none (null); lists the gaps of the roster', async () => {
      const { discipline } = fixture();
      const rostered = { shiftId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', shiftLabel: '2026-03-02 08:30–17:30 desk', officerIds: ['o-1', 'o-2'], officers: ['李四', '王五'], leaderId: '0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e', leader: '赵主任' };
      const nobody = { shiftId: null, shiftLabel: null, officerIds: [], officers: [], leaderId: null, leader: null };
      const a = await discipline.recordOnce(disciplineInput('d-duty-rostered', { duty: rostered, officer: '李四、王五' }));
      const b = await discipline.recordOnce(disciplineInput('d-duty-nobody', { duty: nobody, officer: null, occurredAt: new Date('2026-03-02T09:00:00Z') }));
      const c = await discipline.recordOnce(disciplineInput('d-duty-unknown', { occurredAt: new Date('2026-03-02T10:00:00Z') }));
      expect((await discipline.get(a.record.id))).toMatchObject({ duty: rostered, officer: '李四、王五' });
      expect((await discipline.get(b.record.id))).toMatchObject({ duty: nobody, officer: null });
      expect((await discipline.get(c.record.id))?.duty).toBeNull();
      const ids = (rs: { subject: { id: string } }[]) => rs.map((r) => r.subject.id);
      expect(ids(await discipline.list({ limit: 10, offset: 0, noOneRostered: true }))).toEqual(['d-duty-nobody']);
      expect(ids(await discipline.list({ limit: 10, offset: 0, noOneRostered: false }))).toEqual(['d-duty-unknown', 'd-duty-rostered']);
    });

    it('a discipline record needs no call record (either may be written first)', async () => {
      const { calls, discipline } = fixture();
      const { created } = await discipline.recordOnce(disciplineInput('d-before-call'));
      expect(created).toBe(true);
      await calls.save(snapshot('d-before-call', { outcome: 'absence' }));
      expect(await calls.list({ limit: 10, offset: 0 })).toHaveLength(1);
    });

    it('listForTally: one office, [from, to), oldest first, only what the tally reads', async () => {
      const { discipline } = fixture();
      const rostered = { shiftId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', shiftLabel: 's', officerIds: ['o-1'], officers: ['李四'], leaderId: null, leader: null };
      const nobody = { shiftId: null, shiftLabel: null, officerIds: [], officers: [], leaderId: null, leader: null };
      const a = await discipline.recordOnce(disciplineInput('t-1', { occurredAt: at('2026-06-02T00:00:00Z'), duty: rostered }));
      const b = await discipline.recordOnce(disciplineInput('t-2', { occurredAt: at('2026-06-01T00:00:00Z'), type: 'mistake', mistakeKind: 'hand-over', duty: nobody }));
      await discipline.recordOnce(disciplineInput('t-3', { occurredAt: at('2026-06-03T00:00:00Z') }));
      await discipline.recordOnce(disciplineInput('t-4', { officeId: 'other', occurredAt: at('2026-06-01T12:00:00Z') }));
      await discipline.review(a.record.id, { kind: 'confirm', reason: '属实' }, 'director', at('2026-06-05T00:00:00Z'));
      expect(await discipline.listForTally({ officeId: 'default', from: at('2026-06-01T00:00:00Z'), to: at('2026-06-03T00:00:00Z') })).toEqual([
        { id: b.record.id, type: 'mistake', status: 'open', mistakeKind: 'hand-over', occurredAt: at('2026-06-01T00:00:00Z'), duty: { shiftId: null, officerIds: [] } },
        { id: a.record.id, type: 'absence', status: 'confirmed', mistakeKind: null, occurredAt: at('2026-06-02T00:00:00Z'), duty: { shiftId: rostered.shiftId, officerIds: ['o-1'] } },
      ]);
      expect((await discipline.listForTally({ officeId: 'default', from: at('2026-06-03T00:00:00Z'), to: at('2026-06-04T00:00:00Z') }))[0]?.duty).toBeNull();
    });

    it('list orders by occurredAt desc and filters by from/to/type/status with paging', async () => {
      const { discipline } = fixture();
      const times = ['2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z', '2026-04-03T00:00:00Z', '2026-04-04T00:00:00Z'];
      const types = ['absence', 'mistake', 'absence', 'absence'] as const;
      for (const [i, t] of times.entries()) {
        await discipline.recordOnce(disciplineInput(`d-list-${i}`, { occurredAt: at(t), type: types[i]! }));
      }
      const ids = (rs: { subject: { id: string } }[]) => rs.map((r) => r.subject.id);
      expect(ids(await discipline.list({ limit: 10, offset: 0 }))).toEqual(['d-list-3', 'd-list-2', 'd-list-1', 'd-list-0']);
      expect(ids(await discipline.list({ limit: 2, offset: 1 }))).toEqual(['d-list-2', 'd-list-1']);
      expect(ids(await discipline.list({ limit: 10, offset: 0, type: 'mistake' }))).toEqual(['d-list-1']);
      expect(ids(await discipline.list({ limit: 10, offset: 0, from: at(times[1]!), to: at(times[3]!) }))).toEqual(['d-list-2', 'd-list-1']);
      expect(ids(await discipline.list({ limit: 10, offset: 0, status: 'open', type: 'absence' }))).toEqual(['d-list-3', 'd-list-2', 'd-list-0']);
      expect(await discipline.list({ limit: 10, offset: 0, status: 'waived' })).toEqual([]);
    });
  });

  describe('DisciplineStore: the record history (append-only, each change with its event)', () => {
    const ending = { at: '2026-03-02T08:00:30.000Z', what: 'call ended (normal clearing)' };
    const T1 = at('2026-03-03T09:00:00.000Z');
    const T2 = at('2026-03-03T10:30:00.250Z');

    it("recordOnce gives a created record its 'raised' event: by duty-hotline (actor null), when stored, with the finding", async () => {
      const { discipline } = fixture();
      const { record } = await discipline.recordOnce(disciplineInput('h-raised'));
      expect(await discipline.get(record.id)).toEqual({
        ...record,
        history: [{ seq: 1, what: 'raised', actor: null, at: record.createdAt, text: '值班台响铃3声无人接听（离岗）' }],
      });
      expect(record.mistakeKind).toBeNull();
    });

    it("recordOnce with longer evidence adds one 'evidence-completed' event; the same or a shorter evidence adds none", async () => {
      const { discipline } = fixture();
      const input = disciplineInput('h-evidence');
      const { record } = await discipline.recordOnce(input);
      await discipline.recordOnce(input);
      await discipline.recordOnce({ ...input, evidence: [...input.evidence, ending] });
      await discipline.recordOnce({ ...input, evidence: [...input.evidence, ending] });
      await discipline.recordOnce(input);
      const stored = await discipline.get(record.id);
      expect(stored?.history.map(({ seq, what, actor, text }) => ({ seq, what, actor, text }))).toEqual([
        { seq: 1, what: 'raised', actor: null, text: '值班台响铃3声无人接听（离岗）' },
        { seq: 2, what: 'evidence-completed', actor: null, text: 'evidence 2 → 3 entries, last: call ended (normal clearing)' },
      ]);
      expect(stored?.history[1]?.at).toBeInstanceOf(Date);
      expect(stored?.evidence).toEqual([...input.evidence, ending]);
    });

    it('concurrent recordOnce: one record, one raised event; concurrent completions: one evidence-completed event', async () => {
      const { discipline } = fixture();
      const input = disciplineInput('h-race');
      const created = await Promise.all(Array.from({ length: 10 }, () => discipline.recordOnce(input)));
      const id = created[0]!.record.id;
      await Promise.all(Array.from({ length: 10 }, () => discipline.recordOnce({ ...input, evidence: [...input.evidence, ending] })));
      expect((await discipline.get(id))?.history.map((e) => [e.seq, e.what])).toEqual([
        [1, 'raised'],
        [2, 'evidence-completed'],
      ]);
    });

    it('raise stores a mistake raised by hand with the event given; a second one for the subject writes nothing', async () => {
      const { discipline } = fixture();
      const input = disciplineInput('s-2026-03-02-day', {
        subject: { kind: 'shift', id: 's-2026-03-02-day' },
        type: 'mistake',
        mistakeKind: 'hand-over',
        deskEndpoint: null,
        reason: '交接不到位：未交代待办事项',
        evidence: [],
      });
      const raised = { what: 'raised' as const, actor: '王主任', at: T1, text: '交接不到位：未交代待办事项' };
      const first = await discipline.raise(input, raised);
      expect(first.created).toBe(true);
      expect(first.record).toMatchObject({ subject: { kind: 'shift', id: 's-2026-03-02-day' }, type: 'mistake', mistakeKind: 'hand-over', status: 'open', reason: '交接不到位：未交代待办事项' });
      expect(first.record.history).toEqual([{ seq: 1, ...raised }]);
      expect(await discipline.get(first.record.id)).toEqual(first.record);

      const again = await discipline.raise({ ...input, mistakeKind: 'other', reason: 'another' }, { ...raised, actor: '李主任', text: 'another' });
      expect(again).toEqual({ record: first.record, created: false });
      expect(await discipline.get(first.record.id)).toEqual(first.record);
      expect((await discipline.list({ limit: 10, offset: 0 })).map((r) => [r.id, r.mistakeKind])).toEqual([[first.record.id, 'hand-over']]);
    });

    it('raised → objected → confirmed: each step one event (who, when, what, why), the status the last decision', async () => {
      const { discipline } = fixture();
      const { record } = await discipline.recordOnce(disciplineInput('h-confirm'));
      const objected = await discipline.review(record.id, { kind: 'object', text: '  当时在处理另一来电  ' }, '李四', T1);
      expect(objected).toMatchObject({ ok: true, record: { status: 'open' } });
      const confirmed = await discipline.review(record.id, { kind: 'confirm', reason: '录音显示无人接听' }, '王主任', T2);
      expect(confirmed?.ok).toBe(true);
      const expected = {
        ...record,
        status: 'confirmed',
        history: [
          { seq: 1, what: 'raised', actor: null, at: record.createdAt, text: '值班台响铃3声无人接听（离岗）' },
          { seq: 2, what: 'objected', actor: '李四', at: T1, text: '当时在处理另一来电' },
          { seq: 3, what: 'confirmed', actor: '王主任', at: T2, text: '录音显示无人接听' },
        ],
      };
      expect(confirmed?.record).toEqual(expected);
      expect(await discipline.get(record.id)).toEqual(expected);
      expect((await discipline.list({ limit: 10, offset: 0, status: 'confirmed' })).map((r) => r.id)).toEqual([record.id]);
    });

    it('raised → waived, without an objection', async () => {
      const { discipline } = fixture();
      const { record } = await discipline.recordOnce(disciplineInput('h-waive'));
      const waived = await discipline.review(record.id, { kind: 'waive', reason: 'desk phone out of order (ticket 118)' }, '王主任', T1);
      expect(waived?.ok && waived.record.status).toBe('waived');
      expect((await discipline.get(record.id))?.history.map(({ seq, what, actor, at, text }) => ({ seq, what, actor, at, text })).slice(1)).toEqual([
        { seq: 2, what: 'waived', actor: '王主任', at: T1, text: 'desk phone out of order (ticket 118)' },
      ]);
    });

    it('illegal transitions and bad input are refused with a named error, and change nothing', async () => {
      const { discipline } = fixture();
      const { record } = await discipline.recordOnce(disciplineInput('h-illegal'));
      const blank = await discipline.review(record.id, { kind: 'waive', reason: ' \n\t ' }, '王主任', T1);
      expect(blank).toEqual({ ok: false, error: { code: 'required', field: 'reason' }, record: await discipline.get(record.id) });
      await discipline.review(record.id, { kind: 'object', text: '不是我' }, '李四', T1);
      const secondObjection = await discipline.review(record.id, { kind: 'object', text: '再说一次' }, '李四', T1);
      expect(secondObjection?.ok === false && secondObjection.error).toEqual({ code: 'already-objected' });
      await discipline.review(record.id, { kind: 'waive', reason: '误报' }, '王主任', T2);
      const decided = await discipline.get(record.id);

      const refused = [
        await discipline.review(record.id, { kind: 'confirm', reason: 'changed my mind' }, '王主任', T2),
        await discipline.review(record.id, { kind: 'waive', reason: 'again' }, '王主任', T2),
        await discipline.review(record.id, { kind: 'object', text: 'too late' }, '李四', T2),
      ];
      expect(refused.map((r) => r?.ok === false && r.error)).toEqual([
        { code: 'already-decided', status: 'waived', action: 'confirm' },
        { code: 'already-decided', status: 'waived', action: 'waive' },
        { code: 'objection-after-decision', status: 'waived' },
      ]);
      for (const r of refused) expect(r?.record).toEqual(decided);
      expect(await discipline.get(record.id)).toEqual(decided);
      expect(decided?.history.map((e) => e.what)).toEqual(['raised', 'objected', 'waived']);
    });

    it('concurrent confirm and waive: one decision lands, the other is refused', async () => {
      const { discipline } = fixture();
      const { record } = await discipline.recordOnce(disciplineInput('h-decide-race'));
      const outcomes = await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => discipline.review(record.id, { kind: 'confirm', reason: `confirm ${i}` }, '王主任', T1)),
        ...Array.from({ length: 5 }, (_, i) => discipline.review(record.id, { kind: 'waive', reason: `waive ${i}` }, '李主任', T1)),
      ]);
      expect(outcomes.filter((o) => o?.ok)).toHaveLength(1);
      const stored = await discipline.get(record.id);
      expect(stored?.history.map((e) => e.seq)).toEqual([1, 2]);
      expect(stored?.status).toBe(stored?.history[1]?.what);
    });

    it('a decided record keeps its decision when the rules complete its evidence', async () => {
      const { discipline } = fixture();
      const input = disciplineInput('h-decided-evidence');
      const { record } = await discipline.recordOnce(input);
      await discipline.review(record.id, { kind: 'confirm', reason: 'confirmed at ring 3' }, '王主任', T1);
      const later = await discipline.recordOnce({ ...input, evidence: [...input.evidence, ending] });
      expect(later.record.status).toBe('confirmed');
      expect((await discipline.get(record.id))?.history.map((e) => e.what)).toEqual(['raised', 'confirmed', 'evidence-completed']);
    });

    it('text is kept as written, trimmed: CJK, emoji, right-to-left marks, line breaks', async () => {
      const { discipline } = fixture();
      const { record } = await discipline.recordOnce(disciplineInput('h-unicode'));
      const text = '申诉 😀 \u200fمرحبا\u200e\nsecond line\tend';
      await discipline.review(record.id, { kind: 'object', text: `\n ${text} \n` }, '李四', T1);
      expect((await discipline.get(record.id))?.history[1]?.text).toBe(text);
    });

    it('get and review of an unknown or malformed id are null', async () => {
      const { discipline } = fixture();
      for (const id of [randomUUID(), 'not-a-uuid', '', '\u0000', "' OR 1=1 --"]) {
        expect(await discipline.get(id), id).toBeNull();
        expect(await discipline.review(id, { kind: 'confirm', reason: 'x' }, '王主任', T1), id).toBeNull();
      }
    });

    it('ids are case-insensitive (UUIDs)', async () => {
      const { discipline } = fixture();
      const { record } = await discipline.recordOnce(disciplineInput('h-case'));
      expect((await discipline.get(record.id.toUpperCase()))?.id).toBe(record.id);
    });
  });
}

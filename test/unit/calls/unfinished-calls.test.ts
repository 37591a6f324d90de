import { describe, expect, it } from 'vitest';
import { type CallRecord } from '../../../src/calls/call-record.js';
import { CALL_OUTCOMES, type CallSnapshot } from '../../../src/core/call/call-model.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { closeUnfinishedCalls, closeUnobserved, END_NOT_OBSERVED, type CloseUnfinishedOptions } from '../../../src/calls/unfinished-calls.js';
import { snapshot } from '../../support/store-contract.js';

const now = new Date('2026-03-02T09:30:00.250Z');

describe('closeUnobserved', () => {
  it('makes an undecided call interrupted, ended now, with the note last in its timeline', () => {
    const call = snapshot('u-1', { deskEndpoint: 'desk', timeline: [{ at: '2026-03-02T08:00:00.123Z', what: 'offered by 13800138000' }] });
    expect(closeUnobserved(call, now)).toEqual({
      ...call,
      endedAt: now,
      outcome: 'interrupted',
      timeline: [
        { at: '2026-03-02T08:00:00.123Z', what: 'offered by 13800138000' },
        { at: '2026-03-02T09:30:00.250Z', what: END_NOT_OBSERVED },
      ],
    });
  });

  it.each(CALL_OUTCOMES.filter((o) => o !== 'in-progress'))('keeps the decided outcome %s', (outcome) => {
    const closed = closeUnobserved(snapshot('u-2', { outcome, ringCount: 2 }), now);
    expect(closed).toMatchObject({ outcome, ringCount: 2, endedAt: now });
  });

  it('keeps the timeline in time order when an entry is stamped after now (PBX clock moved back)', () => {
    const call = snapshot('u-3', {
      timeline: [
        { at: '2026-03-02T08:00:00.000Z', what: 'offered' },
        { at: '2026-03-02T10:00:00.000Z', what: 'desk ring 1' },
      ],
    });
    expect(closeUnobserved(call, now).timeline.map((e) => e.what)).toEqual(['offered', END_NOT_OBSERVED, 'desk ring 1']);
  });

  it('copies only the snapshot fields of a stored record and leaves its input alone', () => {
    const record: CallRecord = {
      ...snapshot('u-4'),
      id: '00000000-0000-4000-8000-000000000001',
      callerUnit: '市应急局',
      content: null,
      handling: null,
      createdAt: new Date('2026-03-02T08:00:01Z'),
      updatedAt: new Date('2026-03-02T08:00:02Z'),
    };
    const before = structuredClone(record);
    const closed = closeUnobserved(record, now);
    expect(Object.keys(closed).sort()).toEqual(Object.keys(snapshot('x')).sort());
    expect(record).toEqual(before);
  });
});

function setup(overrides: Partial<CloseUnfinishedOptions> = {}) {
  const store = new MemoryCallStore();
  const queued: CallSnapshot[] = [];
  const options: CloseUnfinishedOptions = {
    officeId: 'default',
    store,
    sink: { saveCall: (s) => queued.push(s) },
    live: new Set(),
    ownCallIds: () => [],
    watch: () => () => new Set(),
    now: () => now,
    ...overrides,
  };
  return { store, queued, options };
}

describe('closeUnfinishedCalls', () => {
  it('queues the closing snapshot of each open call neither live in the PBX nor this process’s own', async () => {
    const { store, queued, options } = setup({ live: new Set(['live']), ownCallIds: () => ['tracked'] });
    await store.save(snapshot('gone', { offeredAt: new Date('2026-03-02T08:00:00Z') }));
    await store.save(snapshot('gone-answered', { offeredAt: new Date('2026-03-02T08:10:00Z'), outcome: 'answered', answeredAt: new Date('2026-03-02T08:10:04Z') }));
    await store.save(snapshot('ended', { outcome: 'busy', endedAt: new Date('2026-03-02T08:00:05Z') }));
    await store.save(snapshot('live'));
    await store.save(snapshot('tracked'));

    const closed = await closeUnfinishedCalls(options);
    expect(closed.map((c) => c.pbxCallId)).toEqual(['gone', 'gone-answered']);
    expect(queued.map((s) => [s.pbxCallId, s.outcome, s.endedAt])).toEqual([
      ['gone', 'interrupted', now],
      ['gone-answered', 'answered', now],
    ]);
    expect(queued.every((s) => s.timeline.at(-1)?.what === END_NOT_OBSERVED)).toBe(true);
  });

  it('skips a call that gets an event while the database is read, or has a save queued by the time it is read', async () => {
    let during = new Set<string>();
    let queuedAfterRead: string[] = [];
    const { store, queued, options } = setup({
      ownCallIds: () => queuedAfterRead,
      watch: () => () => during,
    });
    for (const id of ['event-during-read', 'saved-during-read', 'gone']) await store.save(snapshot(id));
    const read = store.listOpen.bind(store);
    store.listOpen = async (officeId) => {
      const rows = await read(officeId);
      // Meanwhile this process handled two of these calls (its rows read are stale).
      during = new Set(['event-during-read']);
      queuedAfterRead = ['saved-during-read'];
      return rows;
    };
    const closed = await closeUnfinishedCalls(options);
    expect(closed.map((c) => c.pbxCallId)).toEqual(['gone']);
    expect(queued.map((s) => s.pbxCallId)).toEqual(['gone']);
  });

  it('queues nothing when the database cannot be read (the error is thrown), and stops watching', async () => {
    let watching = false;
    const { store, queued, options } = setup({
      watch: () => {
        watching = true;
        return () => ((watching = false), new Set());
      },
    });
    store.listOpen = () => Promise.reject(new Error('database down'));
    await expect(closeUnfinishedCalls(options)).rejects.toThrow('database down');
    expect(queued).toEqual([]);
    expect(watching).toBe(false);
  });

  it('queues nothing once the service is stopping', async () => {
    const { store, queued, options } = setup({ stopping: () => true });
    await store.save(snapshot('gone'));
    expect(await closeUnfinishedCalls(options)).toEqual([]);
    expect(queued).toEqual([]);
  });
});

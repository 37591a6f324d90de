/**
 * CallService.export's audit entries over the memory stores: an entry per 10 000 rows handed out,
 * one for the rest, one (no ids) for an export of nothing; stopping early lists what went out.
 */
import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../src/access/audit-trail.js';
import { memoryAccessStores } from '../../../src/access/memory-access-store.js';
import type { Viewer } from '../../../src/access/viewer.js';
import { CallService } from '../../../src/calls/call-service.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { systemClock } from '../../../src/platform/clock.js';
import { snapshot } from '../../support/store-contract.js';

const viewer: Viewer = {
  user: { id: 'u-1', name: 'sup', displayName: '主任', role: 'supervisor', officeId: 'default', officerId: null },
  scope: { kind: 'office', officeId: 'default' },
  reader: { userId: 'u-1', userName: 'sup', role: 'supervisor', officeId: 'default', address: null },
  route: 'GET /calls.csv',
  query: { direction: 'inbound' },
};

async function exporting(rows: number) {
  const store = new MemoryCallStore();
  for (let i = 0; i < rows; i++) await store.save(snapshot(`c-${i}`, { offeredAt: new Date(Date.UTC(2026, 11, 1) + i * 1000) }));
  const access = memoryAccessStores();
  const calls = new CallService(store, new AuditTrail(access.audit, systemClock));
  const entries = async () => (await access.audit.list({ action: 'calls.export', limit: 1000, offset: 0 })).reverse();
  return { calls, entries };
}

describe('CallService.export audit entries', () => {
  it('25 000 rows: three entries of 10 000, 10 000 and 5 000 ids, parts 1 to 3, every id once in export order', async () => {
    const { calls, entries } = await exporting(25_000);
    const exported: string[] = [];
    for await (const row of calls.export({ officeId: 'default' }, viewer, 4000)) exported.push(row.id);
    const written = await entries();
    expect(written.map((e) => [e.ids.length, e.query])).toEqual([
      [10_000, { direction: 'inbound', part: 1 }],
      [10_000, { direction: 'inbound', part: 2 }],
      [5_000, { direction: 'inbound', part: 3 }],
    ]);
    expect(exported).toHaveLength(25_000);
    expect(written.flatMap((e) => e.ids)).toEqual(exported);
  });

  it('exactly 10 000 rows: one entry, no empty second one', async () => {
    const { calls, entries } = await exporting(10_000);
    for await (const _ of calls.export({ officeId: 'default' }, viewer)) void _;
    expect((await entries()).map((e) => e.ids.length)).toEqual([10_000]);
  });

  it('nothing to export: one entry with no ids', async () => {
    const { calls, entries } = await exporting(0);
    for await (const _ of calls.export({ officeId: 'default' }, viewer)) void _;
    expect((await entries()).map((e) => [e.ids, e.query])).toEqual([[[], { direction: 'inbound', part: 1 }]]);
  });

  it('stopped after 12 345 rows: a full first entry and a second with the 2 345 handed out after it', async () => {
    const { calls, entries } = await exporting(15_000);
    let n = 0;
    for await (const _ of calls.export({ officeId: 'default' }, viewer)) if (++n === 12_345) break;
    expect((await entries()).map((e) => e.ids.length)).toEqual([10_000, 2_345]);
  });
});

/** The audit trail: an entry per read, at the clock's time, the query kept as plain values. */
import { describe, expect, it } from 'vitest';
import { memoryAccessStores } from '../../../src/access/memory-access-store.js';
import { AuditTrail, type Reader } from '../../../src/access/audit-trail.js';
import { FakeClock } from '../../support/fake-clock.js';

const reader: Reader = { userId: '6d2b1c52-5a7e-4b8e-9d2f-1f3e6a7b8c9d', userName: 'sun', role: 'duty-officer', officeId: 'city', address: '10.0.0.8' };

describe('AuditTrail', () => {
  it('writes who, when, what and from where for a read', async () => {
    const { audit: store } = memoryAccessStores();
    const clock = new FakeClock(new Date('2026-11-23T02:00:00.000Z'));
    const audit = new AuditTrail(store, clock);
    const entry = await audit.read(reader, {
      action: 'records.list',
      route: 'GET /discipline-records',
      ids: ['r-1', 'r-2'],
      query: { from: new Date('2026-11-01T00:00:00Z'), type: 'absence', limit: 100, reachedNobody: false, missing: undefined, list: ['a', 'b'], huge: Infinity },
    });
    expect(entry).toEqual({
      id: expect.any(String),
      at: new Date('2026-11-23T02:00:00.000Z'),
      userId: reader.userId,
      userName: 'sun',
      role: 'duty-officer',
      officeId: 'city',
      action: 'records.list',
      route: 'GET /discipline-records',
      ids: ['r-1', 'r-2'],
      query: { from: '2026-11-01T00:00:00.000Z', type: 'absence', limit: 100, reachedNobody: false, list: '["a","b"]', huge: 'null' },
      address: '10.0.0.8',
    });
    clock.advanceTo(new Date('2026-11-23T02:01:00.000Z'));
    await audit.read(reader, { action: 'calls.get', route: 'GET /calls/:id', ids: ['c-9'] });
    expect((await audit.list({ limit: 10, offset: 0 })).map((e) => [e.action, e.at.toISOString(), e.query])).toEqual([
      ['calls.get', '2026-11-23T02:01:00.000Z', {}],
      ['records.list', '2026-11-23T02:00:00.000Z', entry.query],
    ]);
  });

  it('fails when the entry cannot be written: a read is never left unrecorded', async () => {
    const audit = new AuditTrail({ append: async () => Promise.reject(new Error('database down')), list: async () => [] }, new FakeClock(new Date(0)));
    await expect(audit.read(reader, { action: 'calls.list', route: 'GET /calls' })).rejects.toThrow('database down');
  });
});

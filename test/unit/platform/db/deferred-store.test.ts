import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../../../src/calls/call-store.js';
import { MemoryCallStore } from '../../../../src/calls/memory-call-store.js';
import { DatabaseUnavailableError } from '../../../../src/platform/db/database-unavailable-error.js';
import { deferred } from '../../../../src/platform/db/deferred-store.js';
import { snapshot } from '../../../support/store-contract.js';

describe('deferred', () => {
  it('rejects with DatabaseUnavailableError while there is no store, then forwards every method to the current one', async () => {
    const database: { store?: CallStore } = {};
    const store = deferred<CallStore>(() => {
      if (!database.store) throw new DatabaseUnavailableError('database not available yet: connect ECONNREFUSED 127.0.0.1:5432');
      return database.store;
    });
    await expect(store.save(snapshot('d-1'))).rejects.toThrow(DatabaseUnavailableError);
    await expect(store.listOpen('default')).rejects.toThrow('database not available yet: connect ECONNREFUSED 127.0.0.1:5432');

    database.store = new MemoryCallStore();
    const saved = await store.save(snapshot('d-1'));
    expect(await store.get(saved.id)).toMatchObject({ pbxCallId: 'd-1' });
    expect((await store.listOpen('default')).map((c) => c.pbxCallId)).toEqual(['d-1']);
    expect((await store.list({ limit: 10, offset: 0 })).map((c) => c.pbxCallId)).toEqual(['d-1']);
  });

  it('turns a lost connection into DatabaseUnavailableError and passes other errors on as they are', async () => {
    const lost = Object.assign(new Error('Server has closed the connection.'), { code: 'P1017' });
    const bad = new Error('value too long for type character varying(64)');
    let failure: Error = lost;
    const store = deferred<Pick<CallStore, 'listOpen'>>(() => ({
      listOpen: async () => {
        throw failure;
      },
    }));
    const err = await store.listOpen('default').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect(err).toMatchObject({ message: 'database not available: connection lost (P1017)', cause: lost });
    failure = bad;
    await expect(store.listOpen('default')).rejects.toBe(bad);
  });

  it('is not a promise (awaiting it gives it back) and calls the store only when a method is called', async () => {
    let asked = 0;
    const store = deferred<CallStore>(() => {
      asked++;
      return new MemoryCallStore();
    });
    expect(await Promise.resolve(store)).toBe(store);
    expect(String(store)).toBe('[object Object]');
    expect(store.save).toBe(store.save);
    expect(asked).toBe(0);
    await store.list({ limit: 1, offset: 0 });
    expect(asked).toBe(1);
  });
});

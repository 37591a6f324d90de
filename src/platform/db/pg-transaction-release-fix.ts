import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';

/**
 * Workaround for a pool-slot leak in Prisma 6.19's client engine with @prisma/adapter-pg:
 * a transaction is ended by sending COMMIT / ROLLBACK through `tx.executeRaw` and only then
 * calling `tx.commit()` / `tx.rollback()`, which is where the adapter releases the pooled
 * connection. When that statement fails (the connection died under it) the release never
 * happens: the slot is lost for good, once all are lost every write waits for a connection
 * forever, and `pool.end()` (the service's shutdown) never returns.
 *
 * Here a failed COMMIT / ROLLBACK releases the connection itself (pg-pool drops a connection
 * that is no longer queryable); a later commit()/rollback() is then a no-op, not a second
 * release (which pg-pool would throw on). Reproduced in test/db/pg-transaction-release.test.ts.
 */
export function releaseOnFailedTransactionEnd(
  factory: SqlMigrationAwareDriverAdapterFactory,
): SqlMigrationAwareDriverAdapterFactory {
  return delegate(factory, {
    connect: async () => guardAdapter(await factory.connect()),
    connectToShadowDb: async () => guardAdapter(await factory.connectToShadowDb()),
  });
}

function guardAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return delegate(adapter, {
    startTransaction: async (...args: Parameters<SqlDriverAdapter['startTransaction']>) =>
      guardTransaction(await adapter.startTransaction(...args)),
  });
}

const ENDS_TRANSACTION = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

function guardTransaction(tx: Transaction): Transaction {
  let released = false;
  const releaseOnce = async (): Promise<void> => {
    if (released) return;
    released = true;
    await tx.rollback(); // releases the connection; sends nothing to the server
  };
  return delegate(tx, {
    executeRaw: async (query: SqlQuery) => {
      try {
        return await tx.executeRaw(query);
      } catch (err) {
        if (ENDS_TRANSACTION.test(query.sql)) await releaseOnce();
        throw err;
      }
    },
    commit: async () => {
      if (released) return;
      released = true;
      await tx.commit();
    },
    rollback: releaseOnce,
  });
}

/** `target` with some methods replaced; everything else (getters included) read from `target`. */
function delegate<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(obj, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value: unknown = Reflect.get(obj, key, obj);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}

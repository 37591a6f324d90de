/**
 * Driver-adapter factories shared by the app (./database.ts) and the Prisma CLI
 * (prisma.config.ts). Must not import the generated client: prisma.config.ts loads
 * this file before `prisma generate` has produced it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { NameAsTextClient } from './pg-name-type-fix.js';
import { releaseOnFailedTransactionEnd } from './pg-transaction-release-fix.js';

export const DEFAULT_PGLITE_DIR = './data/pglite';

export type PgPoolOptions = Omit<pg.PoolConfig, 'connectionString' | 'Client'>;

/**
 * Every session runs with TimeZone=UTC. Both driver adapters send DateTime parameters as
 * "YYYY-MM-DD HH:MM:SS.mmm" with no offset and read timestamptz results by discarding
 * the offset, i.e. they assume a UTC session. On a server whose TimeZone is, say,
 * Asia/Shanghai every instant would be stored 8 h off without this.
 */
const SESSION_OPTIONS = '-c TimeZone=UTC';

/** A pg pool to `url` whose clients carry the OID-19 fix (prisma/orm#27403) and a UTC session. */
export function createPgPool(url: string, options: PgPoolOptions = {}): pg.Pool {
  return new pg.Pool({
    max: 10,
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    ...options,
    options: options.options ? `${options.options} ${SESSION_OPTIONS}` : SESSION_OPTIONS,
    connectionString: url,
    Client: NameAsTextClient,
  });
}

/**
 * Prisma adapter factory over a pool made by {@link createPgPool}. The caller ends the
 * pool unless `disposePool` (then disposing the adapter ends it; the CLI wants that).
 * A transaction whose COMMIT/ROLLBACK fails gives its connection back (./pg-transaction-release-fix.ts).
 */
export function pgAdapterFactory(
  pool: pg.Pool,
  options: { disposePool?: boolean; onError?: (err: Error) => void } = {},
): SqlMigrationAwareDriverAdapterFactory {
  const { disposePool = false, onError } = options;
  return releaseOnFailedTransactionEnd(
    new PrismaPg(pool, {
      disposeExternalPool: disposePool,
      ...(onError ? { onPoolError: onError, onConnectionError: onError } : {}),
    }),
  );
}

/**
 * Opens PGlite persisted in `dataDir` (created if missing); `memory://` for an in-memory one.
 * PGlite is single-process and has no lock of its own: two processes on one dataDir corrupt
 * it. A `<dataDir>.lock` file holding the owner's pid guards against that (e.g. running
 * `prisma migrate deploy` while the service runs); a lock left by a dead process is taken
 * over. Closing the PGlite releases the lock.
 */
export async function openPglite(dataDir: string = DEFAULT_PGLITE_DIR): Promise<PGlite> {
  if (dataDir.startsWith('memory://')) return withUtcSession(await PGlite.create({ dataDir }));
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    const db = await withUtcSession(await PGlite.create({ dataDir }));
    const close = db.close.bind(db);
    db.close = async () => {
      try {
        await close();
      } finally {
        release();
      }
    };
    return db;
  } catch (err) {
    release();
    throw err;
  }
}

async function withUtcSession(db: PGlite): Promise<PGlite> {
  await db.exec("SET TIME ZONE 'UTC'"); // see SESSION_OPTIONS; PGlite is one session for its lifetime
  return db;
}

function lockDataDir(dataDir: string): () => void {
  const lockPath = `${resolve(dataDir)}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(`PGlite data directory ${dataDir} is in use by process ${owner} (lock ${lockPath})`);
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock PGlite data directory ${dataDir} (lock ${lockPath})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Prisma adapter factory over a PGlite instance. With `closeOnDispose`, disposing the
 * adapter also closes PGlite: the Prisma CLI needs that, because pglite-prisma-adapter's
 * dispose() is a no-op and an open PGlite keeps `prisma migrate deploy` from exiting.
 */
export function pgliteAdapterFactory(db: PGlite, options: { closeOnDispose?: boolean } = {}): SqlMigrationAwareDriverAdapterFactory {
  const factory = options.closeOnDispose ? new ClosingPGliteFactory(db) : new PrismaPGlite(db);
  // pglite-prisma-adapter 0.6.1 is typed against @prisma/driver-adapter-utils 6.10 (ArgType
  // was a string union then); at run time it already reads 6.19's { scalarType, arity, dbType }.
  return factory as unknown as SqlMigrationAwareDriverAdapterFactory;
}

class ClosingPGliteFactory extends PrismaPGlite {
  readonly #db: PGlite;
  constructor(db: PGlite) {
    super(db);
    this.#db = db;
  }
  override async connect(): ReturnType<PrismaPGlite['connect']> {
    const adapter = await super.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      if (!this.#db.closed) await this.#db.close();
    };
    return adapter;
  }
}

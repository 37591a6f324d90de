/**
 * Real databases for tests, one fresh set per test file:
 * - PostgreSQL: a new database `dh_test_<random>` on 127.0.0.1:5432 (user postgres, trust
 *   auth; override the admin URL with TEST_PG_ADMIN_URL), migrated, dropped afterwards;
 * - PGlite: in memory (memory://) or in a temporary directory, migrated.
 *
 * Typical use, running one suite against both:
 *
 *   describe.each(DB_KINDS)('%s', (kind) => {
 *     const t = useTestDatabase(kind);
 *     beforeEach(() => truncateAll(t.db));
 *     it('…', async () => { new PrismaCallStore(t.db.prisma) … });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database, type DatabaseKind, type OpenDatabaseOptions } from '../../src/platform/db/database.js';
import type { StoreLogger } from '../../src/platform/store-logger.js';

export const DB_KINDS: readonly DatabaseKind[] = ['postgres', 'pglite'];

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A silent pino logger (set TEST_LOG_LEVEL=debug to see the store's logs). */
export const testLogger: StoreLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A URL to the same server as PG_ADMIN_URL but another database / host / port. */
export function pgUrl(database: string, hostPort?: { host: string; port: number }): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = '/' + database;
  if (hostPort) {
    url.hostname = hostPort.host;
    url.port = String(hostPort.port);
  }
  return url.toString();
}

/** host and port of PG_ADMIN_URL (for the TCP proxy). */
export function pgServer(): { host: string; port: number } {
  const url = new URL(PG_ADMIN_URL);
  return { host: url.hostname, port: Number(url.port || 5432) };
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface PgTestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing whatever is still connected to it. */
  drop(): Promise<void>;
}

/** Creates an empty database dh_test_<random> (not migrated). */
export async function createPgTestDatabase(): Promise<PgTestDatabase> {
  const name = `dh_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: pgUrl(name),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

/** A temporary directory for a PGlite data dir; rm() removes it. */
export async function createTempDir(prefix = 'dh-pglite-'): Promise<{ path: string; rm(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, rm: () => rm(path, { recursive: true, force: true }) };
}

export interface TestDatabase {
  kind: DatabaseKind;
  /** The opened, migrated database. */
  db: Database;
  /** PostgreSQL: the test database's URL. */
  url?: string;
  /** PGlite: the data dir (memory:// unless asked for a directory). */
  dataDir?: string;
  /** Closes the database and drops / removes it. */
  dispose(): Promise<void>;
}

export interface OpenTestDatabaseOptions {
  /** PGlite only: persist in a fresh temp directory instead of memory://. */
  onDisk?: boolean;
  /** Extra openDatabase options (e.g. migrate: false). */
  open?: Partial<OpenDatabaseOptions>;
}

/** A fresh, migrated database of the given kind. */
export async function openTestDatabase(kind: DatabaseKind, options: OpenTestDatabaseOptions = {}): Promise<TestDatabase> {
  if (kind === 'postgres') {
    const created = await createPgTestDatabase();
    try {
      const db = await openDatabase({ logger: testLogger, ...options.open, url: created.url });
      return {
        kind,
        db,
        url: created.url,
        async dispose() {
          await db.close();
          await created.drop();
        },
      };
    } catch (err) {
      await created.drop();
      throw err;
    }
  }
  const dir = options.onDisk ? await createTempDir() : null;
  const dataDir = dir?.path ?? 'memory://';
  const db = await openDatabase({ logger: testLogger, ...options.open, url: undefined, dataDir });
  return {
    kind,
    db,
    dataDir,
    async dispose() {
      await db.close();
      await dir?.rm();
    },
  };
}

/**
 * Registers beforeAll/afterAll in the current describe block: one fresh database for the
 * block. Read `.db` inside hooks and tests (it is set once beforeAll has run).
 */
export function useTestDatabase(kind: DatabaseKind, options: OpenTestDatabaseOptions = {}): { readonly db: Database; readonly test: TestDatabase } {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await openTestDatabase(kind, options);
  });
  afterAll(async () => {
    await current?.dispose();
    current = undefined;
  });
  return {
    get db() {
      if (!current) throw new Error('test database not open yet (use it inside hooks / tests)');
      return current.db;
    },
    get test() {
      if (!current) throw new Error('test database not open yet (use it inside hooks / tests)');
      return current;
    },
  };
}

/** Empties the application tables (not _prisma_migrations). */
export async function truncateAll(db: Database): Promise<void> {
  await db.prisma.$executeRawUnsafe('TRUNCATE TABLE "call_log_entries", "discipline_records"');
}

/**
 * A database of `kind` for the whole service to run on more than once (a restart keeps its rows):
 * a fresh PostgreSQL database or PGlite directory, removed by `defer`'s cleanup.
 */
export async function keptDatabase(kind: DatabaseKind, defer: (cleanup: () => Promise<void>) => void): Promise<{ databaseUrl: string } | { dataDir: string }> {
  if (kind === 'postgres') {
    const db = await createPgTestDatabase();
    defer(() => db.drop());
    return { databaseUrl: db.url };
  }
  const dir = await createTempDir();
  defer(() => dir.rm());
  return { dataDir: dir.path };
}

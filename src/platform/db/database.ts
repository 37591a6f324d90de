/**
 * Opens the service's database: real PostgreSQL when a URL is given (DATABASE_URL),
 * otherwise embedded PGlite persisted in a directory. Pending migrations are applied
 * before the Prisma client is handed out (see ./migrate.ts).
 */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import { createPgPool, DEFAULT_PGLITE_DIR, openPglite, pgAdapterFactory, pgliteAdapterFactory, type PgPoolOptions } from './adapters.js';
import type { StoreLogger } from '../store-logger.js';
import { applyMigrations, pgliteSession, pgSession, type MigrationResult } from './migrate.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when set (non-empty) PostgreSQL is used, else PGlite. */
  url?: string | undefined;
  /** PGlite data directory (created if missing); default ./data/pglite; `memory://` for in-memory. */
  dataDir?: string | undefined;
  logger: StoreLogger;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Override the migrations directory (default: the repository's prisma/migrations). */
  migrationsDir?: string;
  /** pg pool tuning (PostgreSQL only). */
  pool?: PgPoolOptions;
}

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** What the boot migration did (null when migrate: false). */
  migrations: MigrationResult | null;
  /** Disconnects Prisma and closes the pool / PGlite. Idempotent. */
  close(): Promise<void>;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPgliteDatabase(options.dataDir ?? DEFAULT_PGLITE_DIR, options);
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const { logger } = options;
  const pool = createPgPool(url, options.pool);
  // Without a listener, an idle client's error (server restarted, network cut) would crash the process.
  const onPoolError = (err: Error) => logger.warn({ err: err.message }, 'PostgreSQL connection error');
  pool.on('error', onPoolError);
  try {
    const migrations = options.migrate === false ? null : await migratePostgres(pool, options);
    const prisma = new PrismaClient({ adapter: pgAdapterFactory(pool, { onError: onPoolError }), errorFormat: 'minimal' });
    return {
      prisma,
      kind: 'postgres',
      migrations,
      close: once(async () => {
        await prisma.$disconnect();
        await pool.end();
      }),
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

async function migratePostgres(pool: pg.Pool, options: OpenDatabaseOptions): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    return await applyMigrations(pgSession(client), { logger: options.logger, migrationsDir: options.migrationsDir });
  } finally {
    client.release();
  }
}

async function openPgliteDatabase(dataDir: string, options: OpenDatabaseOptions): Promise<Database> {
  const db: PGlite = await openPglite(dataDir);
  try {
    const migrations =
      options.migrate === false ? null : await applyMigrations(pgliteSession(db), { logger: options.logger, migrationsDir: options.migrationsDir });
    const prisma = new PrismaClient({ adapter: pgliteAdapterFactory(db), errorFormat: 'minimal' });
    return {
      prisma,
      kind: 'pglite',
      migrations,
      close: once(async () => {
        await prisma.$disconnect();
        // An open PGlite keeps the process alive (its timers) and must be closed to flush.
        if (!db.closed) await db.close();
      }),
    };
  } catch (err) {
    if (!db.closed) await db.close().catch(() => undefined);
    throw err;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

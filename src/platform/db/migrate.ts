/**
 * Applies prisma/migrations/<name>/migration.sql at boot, without the Prisma CLI, without
 * a network and without spawning anything, keeping Prisma's own `_prisma_migrations`
 * bookkeeping so `prisma migrate status/deploy` agree with what this did (and vice versa).
 *
 * Why not the CLI's `migrate deploy`: it is a devDependency, has no programmatic API, and
 * spawning it at boot would cost seconds of WebAssembly schema-engine start-up. The SQL
 * files are the source of truth either way.
 *
 * Semantics (mirroring `prisma migrate deploy`):
 * - migrations are the sub-directories holding a migration.sql, applied in name order;
 * - a migration counts as applied when a row with its name has finished_at set and
 *   rolled_back_at null; the checksum is the sha256 (hex) of the file's bytes;
 * - a row with neither finished_at nor rolled_back_at is a failed migration left by
 *   the CLI: we refuse to go on (like Prisma's P3009) until it is resolved;
 * - each migration runs in its own transaction together with its bookkeeping row, so a
 *   failure leaves nothing behind and the error names the migration;
 * - the whole run holds Prisma's advisory lock (72707369), so concurrent boots and a
 *   concurrent `prisma migrate deploy` serialise.
 * Migration files must therefore not contain their own BEGIN/COMMIT nor statements that
 * cannot run inside a transaction (CREATE INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE on
 * old servers).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { findUp } from '../find-up.js';
import type { StoreLogger } from '../store-logger.js';

/** Same key as Prisma's schema engine uses for `pg_advisory_lock`. */
export const PRISMA_MIGRATION_LOCK_KEY = 72707369;

/** One database session (a single connection) the migrator runs on. */
export interface MigrationSession {
  /** One statement with positional ($1…) parameters. */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A script of one or more statements, no parameters (simple query protocol). */
  exec(script: string): Promise<void>;
}

export interface LocalMigration {
  name: string;
  path: string;
  sql: string;
  /** sha256 hex of the file's bytes, as Prisma records it. */
  checksum: string;
}

export interface MigrationResult {
  /** Names applied by this run, in order. */
  applied: string[];
  /** How many local migrations were already applied. */
  alreadyApplied: number;
  durationMs: number;
}

export class MigrationError extends Error {
  constructor(
    readonly migrationName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

/** Prisma's table definition, byte for byte what its schema engine creates. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * The repository's prisma/migrations, found by walking up from this module, so it works
 * from src/ (tsx, vitest) and from the compiled dist/src/ alike.
 */
export function defaultMigrationsDir(): string {
  const dir = findUp(import.meta.url, join('prisma', 'migrations'));
  if (!dir) throw new Error('prisma/migrations not found above ' + dirname(fileURLToPath(import.meta.url)));
  return dir;
}

export function checksumOf(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Local migrations in application order. */
export async function readMigrations(migrationsDir: string = defaultMigrationsDir()): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const migrations: LocalMigration[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = join(migrationsDir, entry.name, 'migration.sql');
    if (!existsSync(path)) continue;
    const bytes = await readFile(path);
    migrations.push({ name: entry.name, path: resolve(path), sql: bytes.toString('utf8'), checksum: checksumOf(bytes) });
  }
  // Prisma sorts migration directory names as plain strings.
  return migrations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface ApplyMigrationsOptions {
  logger: StoreLogger;
  migrationsDir?: string;
}

/** Applies pending migrations on `session`; idempotent. Throws MigrationError on failure. */
export async function applyMigrations(session: MigrationSession, options: ApplyMigrationsOptions): Promise<MigrationResult> {
  const started = performance.now();
  const { logger } = options;
  const local = await readMigrations(options.migrationsDir);

  await session.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATION_LOCK_KEY]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await session.query<MigrationRow>(
      'SELECT id, checksum, migration_name, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at ASC',
    );

    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed.length > 0) {
      const name = failed[0]!.migration_name;
      throw new MigrationError(
        name,
        `Migration "${name}" is recorded as failed in _prisma_migrations; fix the database, then run ` +
          `\`npx prisma migrate resolve --rolled-back ${name}\` (or --applied) before starting again`,
      );
    }

    const applied = new Map<string, MigrationRow>();
    for (const row of rows) if (row.finished_at !== null && row.rolled_back_at === null) applied.set(row.migration_name, row);

    const localNames = new Set(local.map((m) => m.name));
    for (const name of applied.keys()) {
      if (!localNames.has(name)) logger.warn({ migration: name }, 'migration applied to the database is missing from prisma/migrations');
    }

    const result: string[] = [];
    for (const migration of local) {
      const row = applied.get(migration.name);
      if (row) {
        if (row.checksum !== migration.checksum) {
          logger.warn({ migration: migration.name }, 'migration.sql was modified after it was applied (checksum differs)');
        }
        continue;
      }
      const t0 = performance.now();
      await session.exec('BEGIN');
      try {
        await session.exec(migration.sql);
        await session.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await session.exec('COMMIT');
      } catch (err) {
        await session.exec('ROLLBACK').catch(() => undefined);
        const reason = err instanceof Error ? err.message : String(err);
        throw new MigrationError(migration.name, `Migration "${migration.name}" failed and was rolled back: ${reason}`, { cause: err });
      }
      logger.info({ migration: migration.name, ms: Math.round(performance.now() - t0) }, 'migration applied');
      result.push(migration.name);
    }
    return { applied: result, alreadyApplied: local.length - result.length, durationMs: performance.now() - started };
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}

/** A session over one checked-out pg client (release it yourself). */
export function pgSession(client: pg.PoolClient | pg.Client): MigrationSession {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async exec(script: string) {
      await client.query(script); // no parameters: simple protocol, multi-statement allowed
    },
  };
}

/** A session over a PGlite instance (PGlite is a single connection). */
export function pgliteSession(db: PGlite): MigrationSession {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(script: string) {
      await db.exec(script);
    },
  };
}

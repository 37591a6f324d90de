import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool } from '../../../../src/platform/db/adapters.js';
import { openDatabase } from '../../../../src/platform/db/database.js';
import {
  applyMigrations,
  checksumOf,
  defaultMigrationsDir,
  MigrationError,
  pgliteSession,
  pgSession,
  readMigrations,
  type MigrationSession,
} from '../../../../src/platform/db/migrate.js';
import { openPglite } from '../../../../src/platform/db/adapters.js';
import { createPgTestDatabase, createTempDir, DB_KINDS, testLogger, type PgTestDatabase } from '../../../support/db.js';

const run = promisify(execFile);

interface Row {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
  logs: string | null;
}

/** A raw session on a fresh, empty database of the given kind. */
async function emptySession(kind: (typeof DB_KINDS)[number]): Promise<{ session: MigrationSession; dispose(): Promise<void> }> {
  if (kind === 'postgres') {
    const created = await createPgTestDatabase();
    const client = new pg.Client({ connectionString: created.url });
    await client.connect();
    return {
      session: pgSession(client),
      async dispose() {
        await client.end();
        await created.drop();
      },
    };
  }
  const db = await openPglite('memory://');
  return { session: pgliteSession(db), dispose: () => db.close() };
}

describe.each(DB_KINDS)('migrations on %s', (kind) => {
  let env: Awaited<ReturnType<typeof emptySession>>;
  const dirs: { rm(): Promise<void> }[] = [];
  beforeAll(async () => {
    env = await emptySession(kind);
  });
  afterAll(async () => {
    await env.dispose();
    for (const d of dirs) await d.rm();
  });

  it('applies every migration once, recorded in _prisma_migrations like Prisma does', async () => {
    const local = await readMigrations();
    expect(local.length).toBeGreaterThan(0);
    const first = await applyMigrations(env.session, { logger: testLogger });
    expect(first.applied).toEqual(local.map((m) => m.name));

    const rows = await env.session.query<Row>('SELECT * FROM "_prisma_migrations" ORDER BY started_at');
    expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      const file = await readFile(join(defaultMigrationsDir(), row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(checksumOf(file));
      expect(row.checksum).toBe(local[i]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(new Date(row.finished_at!).getTime()).toBeGreaterThanOrEqual(new Date(row.started_at).getTime());
    }

    const tables = await env.session.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['_prisma_migrations', 'api_tokens', 'audit_log_entries', 'call_log_entries', 'discipline_record_events', 'discipline_records', 'duty_log_versions', 'duty_officers', 'handovers', 'pbx_log_positions', 'roster_month_events', 'roster_months', 'roster_shift_officers', 'roster_shifts', 'roster_swap_requests', 'sessions', 'users', 'watch_gaps', 'watch_heartbeats', 'webhook_deliveries']);
  });

  it('is idempotent', async () => {
    const again = await applyMigrations(env.session, { logger: testLogger });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe((await readMigrations()).length);
    const [count] = await env.session.query<{ n: number }>('SELECT count(*)::int AS n FROM "_prisma_migrations"');
    expect(count?.n).toBe((await readMigrations()).length);
  });

  it('rolls a failing migration back entirely and names it', async () => {
    const dir = await createTempDir('dh-migrations-');
    dirs.push(dir);
    await cp(defaultMigrationsDir(), dir.path, { recursive: true });
    await mkdir(join(dir.path, '29991231000000_broken'));
    await writeFile(
      join(dir.path, '29991231000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" ("id" INTEGER);\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n',
    );

    const error = await applyMigrations(env.session, { logger: testLogger, migrationsDir: dir.path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migrationName).toBe('29991231000000_broken');
    expect((error as Error).message).toMatch(/Migration "29991231000000_broken" failed and was rolled back: .*no_such_table/);

    const half = await env.session.query<{ t: string | null }>(`SELECT to_regclass('public.half_done')::text AS t`);
    expect(half[0]?.t).toBeNull();
    const rows = await env.session.query<Row>(`SELECT * FROM "_prisma_migrations" WHERE migration_name = '29991231000000_broken'`);
    expect(rows).toEqual([]);
    // The session is usable afterwards (not left in an aborted transaction).
    expect(await env.session.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('refuses to go on over a migration the CLI recorded as failed', async () => {
    await env.session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
      ['00000000-0000-4000-8000-000000000001', 'f'.repeat(64), '29990101000000_crashed'],
    );
    try {
      await expect(applyMigrations(env.session, { logger: testLogger })).rejects.toThrow(
        /"29990101000000_crashed" is recorded as failed.*prisma migrate resolve/,
      );
    } finally {
      await env.session.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = '29990101000000_crashed'`);
    }
  });
});

describe('migrations on postgres: concurrency and the Prisma CLI', () => {
  let created: PgTestDatabase | undefined;
  afterAll(async () => {
    await created?.drop();
  });

  it('two services booting at once apply each migration once (advisory lock)', async () => {
    created = await createPgTestDatabase();
    const pools = [createPgPool(created.url), createPgPool(created.url)];
    try {
      const results = await Promise.all(
        pools.map(async (pool) => {
          const client = await pool.connect();
          try {
            return await applyMigrations(pgSession(client), { logger: testLogger });
          } finally {
            client.release();
          }
        }),
      );
      const local = await readMigrations();
      expect(results.flatMap((r) => r.applied).sort()).toEqual(local.map((m) => m.name).sort());
      const { rows } = await pools[0]!.query('SELECT count(*)::int AS n FROM "_prisma_migrations"');
      expect(rows[0].n).toBe(local.length);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('`prisma migrate status` agrees with what openDatabase applied', { timeout: 120_000 }, async () => {
    const db = await openDatabase({ url: created!.url, logger: testLogger });
    await db.close();
    const { stdout } = await run('npx', ['prisma', 'migrate', 'status'], {
      env: { ...process.env, DATABASE_URL: created!.url },
      timeout: 100_000,
    });
    expect(stdout).toMatch(/Database schema is up to date!/);
  });

  it('openDatabase finds nothing to do after `prisma migrate deploy`', { timeout: 120_000 }, async () => {
    const fresh = await createPgTestDatabase();
    try {
      const { stdout } = await run('npx', ['prisma', 'migrate', 'deploy'], {
        env: { ...process.env, DATABASE_URL: fresh.url },
        timeout: 100_000,
      });
      expect(stdout).toMatch(/All migrations have been successfully applied/);
      const db = await openDatabase({ url: fresh.url, logger: testLogger });
      try {
        expect(db.migrations?.applied).toEqual([]);
        expect(db.migrations?.alreadyApplied).toBe((await readMigrations()).length);
      } finally {
        await db.close();
      }
    } finally {
      await fresh.drop();
    }
  });
});

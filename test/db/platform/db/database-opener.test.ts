/** The background opener against real PostgreSQL: a broken migration is not retried. */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/platform/db/database.js';
import { DatabaseOpener } from '../../../../src/platform/db/database-opener.js';
import { MigrationError, defaultMigrationsDir } from '../../../../src/platform/db/migrate.js';
import { createPgTestDatabase, createTempDir, testLogger, type PgTestDatabase } from '../../../support/db.js';

describe('DatabaseOpener on PostgreSQL', () => {
  let database: PgTestDatabase;
  let migrations: { path: string; rm(): Promise<void> };

  beforeAll(async () => {
    database = await createPgTestDatabase();
    migrations = await createTempDir('dh-migrations-');
    await cp(defaultMigrationsDir(), migrations.path, { recursive: true });
    await mkdir(join(migrations.path, '29990101000000_broken'));
    await writeFile(join(migrations.path, '29990101000000_broken', 'migration.sql'), 'ALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n');
  });
  afterAll(async () => {
    await database?.drop();
    await migrations?.rm();
  });

  it('stops after one attempt on a broken migration, with the migration named in the error', async () => {
    const opener = new DatabaseOpener({
      kind: 'postgres',
      open: () => openDatabase({ url: database.url, logger: testLogger, migrationsDir: migrations.path }),
      stores: () => ({}),
      logger: testLogger,
      retry: { initialDelayMs: 10, maxDelayMs: 10 },
    });
    opener.start();
    const err = await opener.failed;
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).migrationName).toBe('29990101000000_broken');
    expect(opener.status()).toMatchObject({ state: 'failed', attempts: 1 });
    expect(() => opener.stores()).toThrow(/^database not available: Migration "29990101000000_broken" failed and was rolled back: .*no_such_table/);
    await opener.close();
  });
});

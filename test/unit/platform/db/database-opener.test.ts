import { describe, expect, it, vi } from 'vitest';
import type { Database } from '../../../../src/platform/db/database.js';
import { DatabaseOpener, isBrokenMigration } from '../../../../src/platform/db/database-opener.js';
import { DatabaseUnavailableError } from '../../../../src/platform/db/database-unavailable-error.js';
import type { StoreLogger } from '../../../../src/platform/store-logger.js';
import { MigrationError } from '../../../../src/platform/db/migrate.js';

const RETRY = { initialDelayMs: 1, maxDelayMs: 5, jitter: 0 };

function recordingLogger() {
  const entries: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void entries.push({ level, obj, msg });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as StoreLogger, entries };
}

function fakeDatabase(): Database & { closed: number } {
  const db = { prisma: {} as Database['prisma'], kind: 'postgres' as const, migrations: null, closed: 0, close: async () => void db.closed++ };
  return db;
}

const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** An opener whose attempts follow `script` (an error to throw, or 'open'; the last step repeats). */
function setup(script: Array<Error | 'open'>, { holdOpen = Promise.resolve(), retry = RETRY } = {}) {
  const db = fakeDatabase();
  const log = recordingLogger();
  let attempt = 0;
  const opener = new DatabaseOpener({
    kind: 'postgres',
    open: async () => {
      const step = script[Math.min(attempt++, script.length - 1)]!;
      if (step !== 'open') throw step;
      await holdOpen;
      return db;
    },
    stores: (opened) => ({ opened }),
    logger: log.logger,
    retry,
  });
  return { opener, db, log, attempts: () => attempt };
}

describe('DatabaseOpener', () => {
  it('throws DatabaseUnavailableError with the reason until open, warns once per failed attempt, then hands out the stores', async () => {
    let letOpen!: () => void;
    const { opener, db, log } = setup([refused(), refused(), 'open'], { holdOpen: new Promise<void>((resolve) => (letOpen = resolve)) });
    expect(() => opener.stores()).toThrow(new DatabaseUnavailableError('database not available yet: connecting'));
    opener.start();
    await vi.waitFor(() => expect(opener.status().attempts).toBe(3));
    expect(opener.status().state).toBe('connecting');
    expect(() => opener.stores()).toThrow(DatabaseUnavailableError);
    expect(() => opener.stores()).toThrow(/^database not available yet: connect ECONNREFUSED 127\.0\.0\.1:5432$/);
    letOpen();
    await opener.opened;

    expect(opener.stores()).toEqual({ opened: db });
    expect(opener.status()).toEqual({ kind: 'postgres', state: 'open', attempts: 3, lastError: null });
    const warnings = log.entries.filter((e) => e.level === 'warn');
    expect(warnings.map((w) => w.obj.attempt)).toEqual([1, 2]);
    expect(warnings.every((w) => /ECONNREFUSED/.test(String(w.obj.err)))).toBe(true);
    expect(log.entries.filter((e) => e.level === 'info').map((e) => e.msg)).toEqual(['database open']);
    await opener.close();
    expect(db.closed).toBe(1);
    expect(() => opener.stores()).toThrow(/shutting down/);
  });

  it('stops retrying on a broken migration, resolves failed with it and answers with the reason', async () => {
    const broken = new MigrationError('20260101_add', 'Migration "20260101_add" failed and was rolled back: syntax error', { cause: sqlError('42601', 'syntax error') });
    const { opener, log, attempts } = setup([broken, 'open']);
    opener.start();
    expect(await opener.failed).toBe(broken);
    expect(opener.status()).toMatchObject({ state: 'failed', attempts: 1 });
    expect(attempts()).toBe(1);
    expect(() => opener.stores()).toThrow(/^database not available: Migration "20260101_add" failed/);
    expect(log.entries.filter((e) => e.level === 'error')).toHaveLength(1);
    await opener.close();
  });

  it('retries a migration cut short by a lost connection', async () => {
    const cut = new MigrationError('20260101_add', 'Migration "20260101_add" failed and was rolled back: Connection terminated unexpectedly', {
      cause: new Error('Connection terminated unexpectedly'),
    });
    const { opener } = setup([cut, 'open']);
    opener.start();
    await opener.opened;
    expect(opener.status()).toMatchObject({ state: 'open', attempts: 2 });
    await opener.close();
  });

  it('close() during a backoff delay ends it at once and makes no further attempt', async () => {
    const { opener, attempts, log } = setup([refused()], { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 } });
    opener.start();
    await vi.waitFor(() => expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1)); // now waiting 60 s
    await opener.close(); // would time the test out if it waited for the delay
    expect(opener.status()).toMatchObject({ state: 'closed', attempts: 1 });
    expect(attempts()).toBe(1);
  });

  it('tells broken migrations from connection failures', () => {
    const migration = (cause?: unknown) => new MigrationError('m', 'failed', cause === undefined ? {} : { cause });
    expect(isBrokenMigration(migration(sqlError('42P07', 'relation already exists')))).toBe(true);
    expect(isBrokenMigration(migration(sqlError('23505', 'duplicate key')))).toBe(true);
    expect(isBrokenMigration(migration())).toBe(true); // recorded as failed by an earlier run
    expect(isBrokenMigration(migration(sqlError('57P01', 'terminating connection due to administrator command')))).toBe(false);
    expect(isBrokenMigration(migration(sqlError('08006', 'connection failure')))).toBe(false);
    expect(isBrokenMigration(migration(refused()))).toBe(false);
    expect(isBrokenMigration(migration(new Error('Connection terminated unexpectedly')))).toBe(false);
    expect(isBrokenMigration(sqlError('42601', 'not a migration error'))).toBe(false);
  });
});

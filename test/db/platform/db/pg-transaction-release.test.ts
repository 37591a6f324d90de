import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../../src/discipline/prisma-discipline-store.js';
import { openDatabase, type Database } from '../../../../src/platform/db/database.js';
import { createPgTestDatabase, pgServer, pgUrl, testLogger, type PgTestDatabase } from '../../../support/db.js';
import { startTcpProxy, type TcpProxy } from '../../../support/tcp-proxy.js';
import { disciplineInput, snapshot } from '../../../support/store-contract.js';

/**
 * Prisma 6.19's client engine ends a transaction by sending COMMIT / ROLLBACK and only then
 * asking @prisma/adapter-pg to release the pooled connection; when that statement fails
 * (the connection died) the release never happens. Each such loss takes a pool slot for good:
 * once they are all gone every write waits for a connection forever, and pool.end() (so the
 * service's shutdown) never returns. src/platform/db/pg-transaction-release-fix.ts releases it.
 *
 * The pool has one connection, so a single lost slot shows: the next write cannot get one.
 */
describe('a PostgreSQL connection lost inside a write transaction', () => {
  let created: PgTestDatabase;
  let proxy: TcpProxy;
  let db: Database;

  /** Closes the database, or says it could not within `ms`. */
  const closeWithin = (ms: number) =>
    Promise.race([
      db.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve(`still waiting after ${ms} ms`), ms).unref()),
    ]);

  beforeAll(async () => {
    created = await createPgTestDatabase();
    proxy = await startTcpProxy(pgServer());
  });
  beforeEach(async () => {
    db = await openDatabase({
      url: pgUrl(created.name, { host: '127.0.0.1', port: proxy.port }),
      logger: testLogger,
      pool: { max: 1, connectionTimeoutMillis: 2_000 },
    });
  });
  afterEach(async () => {
    proxy.restore();
    await closeWithin(1_000);
  });
  afterAll(async () => {
    await proxy?.close();
    await created?.drop();
  });

  // createManyAndReturn (discipline records) runs in a transaction: INSERT, then COMMIT.
  it.each([
    ['COMMIT', 'while sending COMMIT'],
    ['INSERT', 'at the INSERT (Prisma then sends ROLLBACK on the dead connection)'],
  ])('%s: cut %s, the pool slot comes back and the next writes succeed', async (marker) => {
    const discipline = new PrismaDisciplineStore(db.prisma);
    const calls = new PrismaCallStore(db.prisma);
    const trap = proxy.cutWhenClientSends(marker);

    await expect(discipline.recordOnce(disciplineInput(`lost-at-${marker}`))).rejects.toThrow();
    expect(trap.fired).toBe(1);
    proxy.restore();

    // Without the fix the only connection is still checked out: these time out after 2 s.
    await expect(discipline.recordOnce(disciplineInput(`after-${marker}`))).resolves.toMatchObject({ created: true });
    await expect(calls.save(snapshot(`after-${marker}`))).resolves.toMatchObject({ pbxCallId: `after-${marker}` });
  });

  it('close() returns after such losses (pool.end waits for every checked-out connection)', async () => {
    const trap = proxy.cutWhenClientSends('COMMIT');
    await expect(new PrismaDisciplineStore(db.prisma).recordOnce(disciplineInput('lost-before-close'))).rejects.toThrow();
    expect(trap.fired).toBe(1);
    expect(await closeWithin(5_000)).toBe('closed');
  });
});

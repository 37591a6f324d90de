import { describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { DB_KINDS, testLogger, truncateAll, useTestDatabase } from '../../support/db.js';
import { snapshot, storeContract } from '../../support/store-contract.js';

describe.each(DB_KINDS)('Prisma stores on %s', (kind) => {
  const t = useTestDatabase(kind);
  const fixture = () => ({ calls: new PrismaCallStore(t.db.prisma), discipline: new PrismaDisciplineStore(t.db.prisma) });

  storeContract(fixture, () => truncateAll(t.db));

  it('saving a newer snapshot keeps what the officer completed', async () => {
    const { calls } = fixture();
    const first = await calls.save(snapshot('c-officer'));
    await t.db.prisma.callLogEntry.update({
      where: { id: first.id },
      data: { callerUnit: '市应急局', content: '报告道路积水', handling: '已转交' },
    });
    const second = await calls.save(snapshot('c-officer', { outcome: 'answered', endedAt: new Date('2026-03-02T08:05:00Z') }));
    expect(second).toMatchObject({ id: first.id, callerUnit: '市应急局', content: '报告道路积水', handling: '已转交', outcome: 'answered' });
  });

  it('stores instants as UTC whatever the database TimeZone is', async () => {
    let db = t.db;
    let reopened: Database | undefined;
    if (kind === 'postgres') {
      // New sessions of this database now default to Shanghai time (as on a server set up in
      // China); openDatabase's pool must still run its sessions in UTC.
      await t.db.prisma.$executeRawUnsafe(`ALTER DATABASE "${new URL(t.test.url!).pathname.slice(1)}" SET timezone = 'Asia/Shanghai'`);
      reopened = db = await openDatabase({ url: t.test.url, logger: testLogger });
    }
    try {
      const [session] = await db.prisma.$queryRawUnsafe<{ tz: string }[]>(`SELECT current_setting('TimeZone') AS tz`);
      expect(session?.tz).toBe('UTC');
      const calls = new PrismaCallStore(db.prisma);
      const offeredAt = new Date('2026-06-01T23:30:00.250Z');
      const saved = await calls.save(snapshot('c-tz', { offeredAt }));
      expect(saved.offeredAt.toISOString()).toBe(offeredAt.toISOString());
      const [row] = await db.prisma.$queryRawUnsafe<{ utc: string }[]>(
        `SELECT to_char(offered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS utc FROM call_log_entries WHERE pbx_call_id = 'c-tz'`,
      );
      expect(row?.utc).toBe('2026-06-01T23:30:00.250');
      // created_at comes from the server's now(): it must read back as the current instant.
      expect(Math.abs(saved.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    } finally {
      await reopened?.close();
    }
  });
});

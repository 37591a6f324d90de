import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSnapshot } from '../../../../src/core/call/call-model.js';
import { PrismaCallStore } from '../../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../../src/discipline/prisma-discipline-store.js';
import { callSink, registerCallWrites } from '../../../../src/calls/call-writes.js';
import { registerDisciplineWrites } from '../../../../src/discipline/discipline-writes.js';
import { openDatabase, type Database } from '../../../../src/platform/db/database.js';
import { WriteQueue } from '../../../../src/platform/outbox/write-queue.js';
import { createPgTestDatabase, DB_KINDS, pgServer, pgUrl, testLogger, truncateAll, useTestDatabase, type PgTestDatabase } from '../../../support/db.js';
import { eventually } from '../../../support/poll.js';
import { startTcpProxy, type TcpProxy } from '../../../support/tcp-proxy.js';
import { disciplineInput, snapshot } from '../../../support/store-contract.js';

const RETRY = { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 };

/** The write queue with the call and discipline kinds over Prisma stores, and the tracker's sink over it. */
function writeQueue(db: Database) {
  const queue = new WriteQueue({ logger: testLogger, retry: RETRY });
  const sink = callSink(registerCallWrites(queue, new PrismaCallStore(db.prisma)), registerDisciplineWrites(queue, new PrismaDisciplineStore(db.prisma)));
  return { queue, sink };
}

/** Three snapshots per call, as the tracker would send them. */
function callVersions(id: string, minute: number): CallSnapshot[] {
  const offeredAt = new Date(Date.UTC(2026, 2, 2, 8, minute));
  return [
    snapshot(id, { offeredAt, outcome: 'in-progress', ringCount: null }),
    snapshot(id, { offeredAt, outcome: 'in-progress', ringCount: 2 }),
    snapshot(id, { offeredAt, outcome: 'absence', ringCount: 3, endedAt: new Date(offeredAt.getTime() + 16_000) }),
  ];
}

describe.each(DB_KINDS)('WriteQueue on %s', (kind) => {
  const t = useTestDatabase(kind);

  it('stores every call once with its latest snapshot, and every discipline record', async () => {
    await truncateAll(t.db);
    const { queue, sink } = writeQueue(t.db);
    for (let i = 0; i < 30; i++) {
      const [a, b, c] = callVersions(`wq-${i}`, i);
      sink.saveCall(a!);
      sink.saveCall(b!);
      if (i % 3 === 0) sink.recordDiscipline(disciplineInput(`wq-${i}`));
      sink.saveCall(c!);
    }
    await queue.onIdle();
    expect(queue.stats()).toMatchObject({ pending: 0, failing: false, retries: 0 });

    const rows = await t.db.prisma.callLogEntry.findMany();
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.outcome === 'absence' && r.ringCount === 3)).toBe(true);
    expect(await t.db.prisma.disciplineRecord.count()).toBe(10);
    await queue.close({ drainTimeoutMs: 1000 });
  });
});

describe('WriteQueue while PostgreSQL is unreachable', () => {
  let created: PgTestDatabase;
  let proxy: TcpProxy;
  let db: Database;
  let direct: pg.Pool;

  beforeAll(async () => {
    created = await createPgTestDatabase();
    proxy = await startTcpProxy(pgServer());
    db = await openDatabase({
      url: pgUrl(created.name, { host: '127.0.0.1', port: proxy.port }),
      logger: testLogger,
      pool: { connectionTimeoutMillis: 1_000 },
    });
    direct = new pg.Pool({ connectionString: created.url, max: 2 });
  });
  afterAll(async () => {
    await db?.close();
    await direct?.end();
    await proxy?.close();
    await created?.drop();
  });

  it('reports failing, loses nothing, and lands every call exactly once after the database is back', async () => {
    const { queue, sink } = writeQueue(db);
    const latest = new Map<string, CallSnapshot>();
    const save = (s: CallSnapshot) => {
      sink.saveCall(s);
      latest.set(s.pbxCallId, s);
    };

    // Writes in flight when the connection is cut.
    for (let i = 0; i < 40; i++) {
      for (const s of callVersions(`out-${i}`, i)) save(s);
      if (i % 4 === 0) sink.recordDiscipline(disciplineInput(`out-${i}`));
    }
    await eventually('the first writes', () => queue.stats().written > 0, 10_000);
    expect(queue.stats().pending).toBeGreaterThan(0);
    proxy.cut();

    await eventually('failing', () => queue.stats().failing, 10_000);
    // More calls while the database is down.
    for (let i = 40; i < 60; i++) {
      for (const s of callVersions(`out-${i}`, i)) save(s);
      if (i % 4 === 0) sink.recordDiscipline(disciplineInput(`out-${i}`));
    }
    await new Promise((r) => setTimeout(r, 500));
    const during = queue.stats();
    expect(during.failing).toBe(true);
    expect(during.pending).toBeGreaterThan(0);
    expect(during.retries).toBeGreaterThan(0);
    expect(during.lastError).toBeTruthy();

    proxy.restore();
    await Promise.race([
      queue.onIdle(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('queue did not drain after restore')), 20_000)),
    ]);
    expect(queue.stats()).toMatchObject({ pending: 0, failing: false });

    // Checked over a direct connection, not through the proxy.
    const calls = await direct.query<{ pbx_call_id: string; outcome: string; ring_count: number | null; ended_at: Date | null }>(
      'SELECT pbx_call_id, outcome, ring_count, ended_at FROM call_log_entries',
    );
    expect(calls.rows).toHaveLength(60);
    expect(new Set(calls.rows.map((r) => r.pbx_call_id)).size).toBe(60);
    for (const row of calls.rows) {
      const want = latest.get(row.pbx_call_id)!;
      expect({ outcome: row.outcome, ringCount: row.ring_count, endedAt: row.ended_at?.toISOString() }).toEqual({
        outcome: want.outcome,
        ringCount: want.ringCount,
        endedAt: want.endedAt?.toISOString(),
      });
    }
    const discipline = await direct.query<{ n: number }>('SELECT count(*)::int AS n FROM discipline_records');
    expect(discipline.rows[0]!.n).toBe(15);
    const closed = await queue.close({ drainTimeoutMs: 1000 });
    expect(closed.drained).toBe(true);
  });

  it('close() gives back what could not be written while the database stays down', async () => {
    const { queue, sink } = writeQueue(db);
    proxy.cut();
    try {
      sink.saveCall(snapshot('stuck-1'));
      sink.recordDiscipline(disciplineInput('stuck-1'));
      await eventually('failing', () => queue.stats().failing, 10_000);
      const closed = await queue.close({ drainTimeoutMs: 300 });
      expect(closed.drained).toBe(false);
      expect(closed.unwritten).toMatchObject([
        { kind: 'call', payload: { pbxCallId: 'stuck-1' } },
        { kind: 'discipline', payload: { subject: { kind: 'call', id: 'stuck-1' } } },
      ]);
      expect(closed.unwritten).toHaveLength(2);
    } finally {
      proxy.restore();
    }
  });

  it('openDatabase fails fast, not hangs, when the server is unreachable', async () => {
    proxy.cut();
    try {
      const started = Date.now();
      await expect(
        openDatabase({ url: pgUrl(created.name, { host: '127.0.0.1', port: proxy.port }), logger: testLogger, pool: { connectionTimeoutMillis: 1_000 } }),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      proxy.restore();
    }
  });
});

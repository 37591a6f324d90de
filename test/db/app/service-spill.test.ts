/**
 * Shutdown while the database is down: what the write queue could not store goes to a spill
 * file, and the next start stores it and deletes the file. A corrupt spill file is set aside.
 * Spill files released versions wrote (version 1, test/fixtures/spill) still replay.
 */
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SpillStore } from '../../../src/platform/outbox/spill-store.js';
import { createPgTestDatabase, createTempDir, DB_KINDS, pgServer, pgUrl, testLogger, type PgTestDatabase } from '../../support/db.js';
import { recordedCall, startFakePbx, type FakePbx } from '../../support/fake-pbx.js';
import { eventually } from '../../support/poll.js';
import { startTestService, type CallJson, type RecordJson } from '../../support/service-harness.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { snapshot } from '../../support/store-contract.js';
import { useCleanups } from '../../support/cleanups.js';

const { defer, started } = useCleanups();

async function spillFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

describe('service stopped while PostgreSQL is unreachable', () => {
  it('keeps the unstored call in a spill file; the next start stores it exactly once and deletes the file', async () => {
    const database: PgTestDatabase = await createPgTestDatabase();
    defer(() => database.drop());
    const proxy: TcpProxy = await startTcpProxy(pgServer());
    defer(() => proxy.close());
    const pbx: FakePbx = await startFakePbx();
    defer(() => pbx.close());
    const spillDir = await createTempDir('dh-spill-');
    defer(() => spillDir.rm());
    const direct = new pg.Pool({ connectionString: database.url, max: 1 });
    defer(() => direct.end());
    const options = { pbx, databaseUrl: pgUrl(database.name, { host: '127.0.0.1', port: proxy.port }), spillDir: spillDir.path };
    const call = recordedCall('no-answer');

    // First run: the database is up at start, then cut off before the call.
    const first = await started(startTestService(options));
    await eventually('the first service open and connected', () => first.service.database.status().state === 'open' && first.service.pbx.state === 'connected');
    proxy.cut();
    expect(pbx.play(call)).toBe(1);
    await eventually('the call closed and its writes failing', () => {
      const w = first.service.writes.stats();
      return first.service.tracker.activeCalls === 0 && w.pending >= 2 && w.failing;
    });
    await first.service.stop({ drainTimeoutMs: 300 });

    const files = await spillFiles(spillDir.path);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^unwritten-\d{8}T\d{6}\.\d{3}Z\.json$/);
    const spilled = JSON.parse(await readFile(join(spillDir.path, files[0]!), 'utf8')) as {
      version: number;
      writes: { kind: string; payload: { pbxCallId?: string; outcome?: string; subject?: { id: string } }; facts?: string[] }[];
    };
    expect(spilled.version).toBe(2);
    expect(spilled.writes.map(({ kind, payload, facts }) => [kind, payload.pbxCallId ?? payload.subject?.id, payload.outcome ?? null, facts])).toEqual([
      ['call', call.pbxCallId, 'absence', ['call.logged', 'call.updated', 'call.ended']],
      ['discipline', call.pbxCallId, null, ['record.completed']],
    ]);
    const before = await direct.query('SELECT 1 FROM call_log_entries WHERE pbx_call_id = $1', [call.pbxCallId]);
    expect(before.rowCount).toBe(0);

    // Second run on the same database, now reachable, and the same spill directory.
    proxy.restore();
    const second = await started(startTestService(options));
    expect(second.service.spilled.files).toBe(1);
    await eventually('the spill file deleted', async () => (await spillFiles(spillDir.path)).length === 0);

    const calls = await second.callsFor(call.pbxCallId);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ outcome: 'absence', ringCount: 3 });
    expect(await second.recordsFor(call.pbxCallId)).toHaveLength(1);
    const rows = await direct.query<{ n: number }>('SELECT count(*)::int AS n FROM call_log_entries WHERE pbx_call_id = $1', [call.pbxCallId]);
    expect(rows.rows[0]!.n).toBe(1);
  });
});

describe('service started with a corrupt spill file (PGlite)', () => {
  it('sets the corrupt file aside as .corrupt, re-queues the good one and runs', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const spillDir = await createTempDir('dh-spill-');
    defer(() => spillDir.rm());
    const good = await new SpillStore(spillDir.path, testLogger, { spillCodecs: () => new Map() }).write([{ kind: 'call', payload: snapshot('spilled-1') }], new Date('2026-11-20T08:00:00Z'));
    const corrupt = join(spillDir.path, 'unwritten-20261121T080000.000Z.json');
    await writeFile(corrupt, '{"format":"duty-hotline/unwritten-writes","version":1,"calls":[{"pbxCallId":');

    const sut = await started(startTestService({ pbx, dataDir: 'memory://', spillDir: spillDir.path }));
    expect(sut.service.spilled.files).toBe(1);
    await eventually('the good spill file stored and deleted', async () => !(await spillFiles(spillDir.path)).includes(basename(good!)));

    expect(await spillFiles(spillDir.path)).toEqual(['unwritten-20261121T080000.000Z.json.corrupt']);
    expect(await sut.callsFor('spilled-1')).toHaveLength(1);
    expect((await sut.health()).database.state).toBe('open');
  });
});

describe.each(DB_KINDS)('service started with the spill files released versions wrote (version 1) on %s', (kind) => {
  it('stores their calls and records exactly once and deletes the files', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const spillDir = await createTempDir('dh-spill-');
    defer(() => spillDir.rm());
    const fixtures = ['unwritten-20261123T143000.000Z.json', 'unwritten-20261201T215000.000Z.json', 'unwritten-20261201T224400.000Z.json'];
    for (const name of fixtures) await copyFile(new URL(`../../fixtures/spill/${name}`, import.meta.url), join(spillDir.path, name));
    let database: { databaseUrl: string } | { dataDir: string } = { dataDir: 'memory://' };
    if (kind === 'postgres') {
      const created = await createPgTestDatabase();
      defer(() => created.drop());
      database = { databaseUrl: created.url };
    }

    // The files hold calls of two offices: each is read by its own supervisor (the fake PBX plays nothing).
    const sut = await started(startTestService({ offices: [{ id: 'default', pbx }, { id: 'east', pbx }], ...database, spillDir: spillDir.path }));
    expect(sut.service.spilled.files).toBe(3);
    await sut.service.spilled.landed;
    expect(await spillFiles(spillDir.path)).toEqual([]);

    const calls = await sut.everyOffice<CallJson>('/calls?limit=1000');
    expect(calls.map((c) => [c.officeId, c.pbxCallId, c.direction, c.outcome, c.reachedNobody, c.ringCount, c.endedAt, c.timeline.length]).sort()).toEqual([
      ['default', '1795425973.0', 'inbound', 'answered', false, 2, '2026-11-23T09:26:16.151Z', 8],
      ['default', '1795425976.2', 'inbound', 'absence', false, 3, '2026-11-23T09:26:22.692Z', 10],
      ['default', '1795425983.6', 'inbound', 'unreachable', true, null, '2026-11-23T09:26:23.575Z', 5],
      ['east', '1795425976.2', 'inbound', 'absence', true, 3, '2026-11-23T09:26:22.692Z', 10],
      ['east', '1795425983.7', 'inbound', 'abandoned', false, 2, '2026-11-23T09:26:25.461Z', 7],
    ]);
    const records = await sut.everyOffice<RecordJson>('/discipline-records?limit=1000');
    expect(records.map((r) => [r.officeId, r.subject, r.type, r.occurredAt, r.evidence.length]).sort()).toEqual([
      ['default', { kind: 'call', id: '1795425976.2' }, 'absence', '2026-11-23T09:26:19.687Z', 10],
      ['east', { kind: 'call', id: '1795425976.2' }, 'absence', '2026-11-23T09:26:19.687Z', 10],
    ]);
  });
});

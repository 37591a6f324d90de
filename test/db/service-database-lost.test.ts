/**
 * The database lost after the service opened it (PostgreSQL behind a TCP proxy that is cut):
 * the API answers 503 DATABASE_UNAVAILABLE with the reason, not 500, and 200 again once the
 * connection is back; a call played meanwhile is stored once when it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgTestDatabase, createTempDir, pgServer, pgUrl, type PgTestDatabase } from '../support/db.js';
import { recordedCall, startFakePbx, type FakePbx } from '../support/fake-pbx.js';
import { eventually } from '../support/poll.js';
import { startTestService, type ErrorJson, type TestService } from '../support/service-harness.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

describe('database lost after start-up', () => {
  let database: PgTestDatabase;
  let proxy: TcpProxy;
  let pbx: FakePbx;
  let spillDir: { path: string; rm(): Promise<void> };
  let sut: TestService | undefined;

  beforeAll(async () => {
    database = await createPgTestDatabase();
    proxy = await startTcpProxy(pgServer());
    pbx = await startFakePbx();
    spillDir = await createTempDir('dh-spill-');
    sut = await startTestService({ pbx, databaseUrl: pgUrl(database.name, { host: '127.0.0.1', port: proxy.port }), spillDir: spillDir.path });
    await sut.service.ami.waitUntilConnected(10_000);
    await sut.service.database.opened;
  });
  afterAll(async () => {
    proxy?.restore();
    await sut?.service.stop({ drainTimeoutMs: 1_000 });
    await pbx?.close();
    await proxy?.close();
    await database?.drop();
    await spillDir?.rm();
  });

  const paths = ['/calls', '/discipline-records', '/calls/00000000-0000-4000-8000-000000000000'];

  it('answers 503 DATABASE_UNAVAILABLE naming the lost connection on every route, then 200 once it is back, and stores the call played meanwhile once', async () => {
    expect((await sut!.get('/calls')).status).toBe(200);
    proxy.cut();

    for (const path of paths) {
      const res = await sut!.get<ErrorJson>(path);
      expect(res.status, path).toBe(503);
      expect(res.body.error, path).toBe('DATABASE_UNAVAILABLE');
      expect(res.body.message, path).toMatch(/^database not available: connection lost \(\S+\)$/);
    }

    const call = recordedCall('no-answer');
    pbx.play(call);
    await eventually('the call closed and its writes failing', () => sut!.service.tracker.activeCalls === 0 && sut!.service.writes.stats().failing);

    proxy.restore();
    await eventually('every queued write stored', () => sut!.service.writes.stats().pending === 0);
    for (const path of paths.slice(0, 2)) expect((await sut!.get(path)).status, path).toBe(200);
    expect(await sut!.callsFor(call.pbxCallId)).toHaveLength(1);
    expect(await sut!.recordsFor(call.pbxCallId)).toHaveLength(1);
  });
});

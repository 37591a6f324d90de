/**
 * The database lost after the service opened it (PostgreSQL behind a TCP proxy that is cut):
 * the API answers 503 DATABASE_UNAVAILABLE with the reason, not 500, and 200 again once the
 * connection is back; a call played meanwhile is stored once when it is.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { recordedCall } from '../../support/fake-pbx.js';
import { usePgBehindProxy } from '../../support/pg-behind-proxy.js';
import { eventually } from '../../support/poll.js';
import { startTestService, type ErrorJson } from '../../support/service-harness.js';

describe('database lost after start-up', () => {
  const env = usePgBehindProxy();

  beforeAll(async () => {
    env.sut = await startTestService({ pbx: env.pbx, databaseUrl: env.databaseUrl(), spillDir: env.spillDir.path });
    await env.sut.service.pbx.waitUntilConnected(10_000);
    await env.sut.service.database.opened;
  });

  const paths = ['/calls', '/discipline-records', '/calls/00000000-0000-4000-8000-000000000000'];

  it('answers 503 DATABASE_UNAVAILABLE naming the lost connection on every route, then 200 once it is back, and stores the call played meanwhile once', async () => {
    expect((await env.sut!.get('/calls')).status).toBe(200);
    env.proxy.cut();

    for (const path of paths) {
      const res = await env.sut!.get<ErrorJson>(path);
      expect(res.status, path).toBe(503);
      expect(res.body.error, path).toBe('DATABASE_UNAVAILABLE');
      expect(res.body.message, path).toMatch(/^database not available: connection lost \(\S+\)$/);
    }

    const call = recordedCall('no-answer');
    env.pbx.play(call);
    await eventually('the call closed and its writes failing', () => env.sut!.service.tracker.activeCalls === 0 && env.sut!.service.writes.stats().failing);

    env.proxy.restore();
    await eventually('every queued write stored', () => env.sut!.service.writes.stats().pending === 0);
    for (const path of paths.slice(0, 2)) expect((await env.sut!.get(path)).status, path).toBe(200);
    expect(await env.sut!.callsFor(call.pbxCallId)).toHaveLength(1);
    expect(await env.sut!.recordsFor(call.pbxCallId)).toHaveLength(1);
  });
});

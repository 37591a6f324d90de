/**
 * The whole service started while PostgreSQL is unreachable (behind a cut TCP proxy): it runs
 * anyway, logs the call the fake PBX plays into its write queue, answers 503 until the
 * database opens, then stores the call once.
 */
import { describe, expect, it } from 'vitest';
import { recordedCall } from '../../support/fake-pbx.js';
import { usePgBehindProxy } from '../../support/pg-behind-proxy.js';
import { eventually } from '../../support/poll.js';
import { startTestService, type ErrorJson } from '../../support/service-harness.js';
import type { HealthReport } from '../../../src/app/health-routes.js';

describe('service started while PostgreSQL is unreachable', () => {
  const env = usePgBehindProxy();

  it('starts, answers 503 with the reason until the database opens, then stores the queued call exactly once and turns healthy', async () => {
    const { proxy, pbx } = env;
    proxy.cut();
    const sut = (env.sut = await startTestService({ pbx, databaseUrl: env.databaseUrl(), spillDir: env.spillDir.path }));
    const { service } = sut;
    await service.pbx.waitUntilConnected(10_000);

    const call = recordedCall('no-answer');
    expect(pbx.play(call)).toBe(1);
    await eventually('the call closed and its writes queued and failing', () => {
      const w = service.writes.stats();
      return service.tracker.activeCalls === 0 && w.pending >= 2 && w.failing;
    });

    const health = await eventually('a failed open attempt in /healthz', async () => {
      const h = await sut.get<HealthReport>('/healthz');
      return h.body.database.openError !== null && h;
    });
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('degraded');
    expect(health.body.ami.state).toBe('connected');
    expect(health.body.database).toMatchObject({ kind: 'postgres', state: 'connecting', failing: true });
    expect(health.body.database.pendingWrites).toBeGreaterThanOrEqual(2);

    for (const path of ['/calls', '/discipline-records', '/calls/00000000-0000-4000-8000-000000000000']) {
      const res = await sut.get<ErrorJson>(path);
      expect(res.status, path).toBe(503);
      expect(res.body.error, path).toBe('DATABASE_UNAVAILABLE');
      expect(res.body.message, path).toMatch(/^database not available yet: \S/);
    }

    proxy.restore();
    await eventually('the database open', () => service.database.status().state === 'open');
    await eventually('every queued write stored', () => service.writes.stats().pending === 0);

    const calls = await sut.callsFor(call.pbxCallId);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ outcome: 'absence', ringCount: 3 });
    expect(await sut.recordsFor(call.pbxCallId)).toHaveLength(1);

    const healthy = await eventually('/healthz 200', async () => {
      const h = await sut.get<HealthReport>('/healthz');
      return h.status === 200 && h;
    });
    expect(healthy.body).toMatchObject({ status: 'ok', ami: { state: 'connected' }, database: { state: 'open', openError: null, pendingWrites: 0, failing: false } });
  });
});

import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmiClient, type AmiClientOptions } from '../../../../src/pbx/ami/ami-client.js';
import type { AmiFrame } from '../../../../src/pbx/ami/ami-frame.js';
import { FakeAmiServer } from '../../../support/fake-ami-server.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const waitFor = <T>(fn: () => T): Promise<T> => vi.waitFor(fn, { timeout: 3_000, interval: 5 });

function client(options: AmiClientOptions): AmiClient {
  const c = new AmiClient(options);
  cleanup.push(() => c.stop());
  return c;
}

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

describe('AmiClient: reconnect', () => {
  it('reconnects with growing, capped, jittered backoff after the PBX restarts, and delivers events again', async () => {
    const server = await FakeAmiServer.start();
    cleanup.push(() => server.close());
    const initialDelayMs = 20;
    const maxDelayMs = 80;
    const c = client({ ...server.clientOptions(), reconnect: { initialDelayMs, maxDelayMs }, connectTimeoutMs: 500 });
    const delays: number[] = [];
    const reasons: Error[] = [];
    const events: AmiFrame[] = [];
    c.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    c.on('disconnected', (r) => reasons.push(r));
    c.on('event', (f) => events.push(f));
    c.start();
    await c.waitUntilConnected(2_000);

    await server.close();
    await waitFor(() => expect(delays.length).toBeGreaterThanOrEqual(5));
    expect(c.state).not.toBe('connected');
    expect(reasons[0]?.message).toMatch(/closed by the server|ECONNRESET/);
    expect(reasons.slice(1).some((r) => /ECONNREFUSED/.test(r.message))).toBe(true);
    delays.forEach((d, i) => {
      const base = Math.min(maxDelayMs, initialDelayMs * 2 ** i);
      expect(d, `delay #${i}`).toBeGreaterThanOrEqual(base / 2);
      expect(d, `delay #${i}`).toBeLessThanOrEqual(base);
    });

    server.on('login', (s) => s.sendEvent({ Event: 'FullyBooted', Status: 'Fully Booted' }));
    await server.reopen();
    await c.waitUntilConnected(2_000);
    await waitFor(() => expect(events.map((e) => e.event)).toEqual(['FullyBooted']));
    expect(server.logins).toBe(2);
    expect(c.stats().reconnects).toBeGreaterThanOrEqual(5);
    expect(c.stats().logins).toBe(2);
    expect(c.lastError).toBeUndefined();

    // A good login resets the backoff: the next loss starts again at the initial delay.
    delays.length = 0;
    server.dropAll();
    await waitFor(() => expect(delays.length).toBeGreaterThanOrEqual(1));
    expect(delays[0]).toBeLessThanOrEqual(initialDelayMs);
    await c.waitUntilConnected(2_000);
    expect(server.logins).toBe(3);
  });

  it('keeps trying when the PBX is not up at start (ECONNREFUSED), and connects when it comes', async () => {
    const port = await freePort();
    const c = client({ host: '127.0.0.1', port, username: 'duty', secret: 'duty-secret', reconnect: { initialDelayMs: 10, maxDelayMs: 40 } });
    const reasons: Error[] = [];
    c.on('disconnected', (r) => reasons.push(r));
    c.start();
    await waitFor(() => expect(reasons.length).toBeGreaterThanOrEqual(3));
    expect(c.lastError?.message).toMatch(/ECONNREFUSED/);
    expect(c.stats().lastError).toMatch(/ECONNREFUSED/);

    const server = await FakeAmiServer.start({ port });
    cleanup.push(() => server.close());
    await c.waitUntilConnected(2_000);
    expect(c.state).toBe('connected');
  });

  it('stop() during backoff cancels the pending reconnect', async () => {
    const port = await freePort();
    const c = client({ host: '127.0.0.1', port, username: 'duty', secret: 'x', reconnect: { initialDelayMs: 30, maxDelayMs: 30 } });
    const reconnecting = vi.fn();
    c.on('reconnecting', reconnecting);
    c.start();
    await waitFor(() => expect(reconnecting).toHaveBeenCalled());
    await c.stop();
    const attempts = c.stats().reconnects;
    await new Promise((r) => setTimeout(r, 80));
    expect(c.stats().reconnects).toBe(attempts);
    expect(c.state).toBe('stopped');
  });
});

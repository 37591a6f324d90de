import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmiClient, type AmiClientOptions } from '../../../../src/pbx/ami/ami-client.js';
import type { AmiFrame } from '../../../../src/pbx/ami/ami-frame.js';
import { AmiActionError, AmiAuthError, AmiDisconnectedError, AmiNotConnectedError, AmiTimeoutError } from '../../../../src/pbx/ami/errors.js';
import { FakeAmiServer } from '../../../support/fake-ami-server.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function fakeServer(...args: Parameters<typeof FakeAmiServer.start>): Promise<FakeAmiServer> {
  const server = await FakeAmiServer.start(...args);
  cleanup.push(() => server.close());
  return server;
}

function client(server: FakeAmiServer, options: Partial<AmiClientOptions> = {}): AmiClient {
  const c = new AmiClient({
    ...server.clientOptions(),
    actionTimeoutMs: 1_000,
    connectTimeoutMs: 1_000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  cleanup.push(() => c.stop());
  return c;
}

async function connected(c: AmiClient): Promise<AmiClient> {
  c.start();
  await c.waitUntilConnected(2_000);
  return c;
}

const waitFor = <T>(fn: () => T): Promise<T> => vi.waitFor(fn, { timeout: 2_000, interval: 5 });

describe('AmiClient: login and events', () => {
  it('logs in with Events: on and delivers events', async () => {
    const server = await fakeServer();
    server.on('login', (s) => s.sendEvent({ Event: 'FullyBooted', Privilege: 'system,all', Status: 'Fully Booted' }));
    const c = client(server);
    const events: AmiFrame[] = [];
    c.on('event', (f) => events.push(f));
    const onConnected = vi.fn();
    c.on('connected', onConnected);
    expect(c.state).toBe('idle');

    await connected(c);

    expect(c.state).toBe('connected');
    expect(onConnected).toHaveBeenCalledOnce();
    expect(c.connectedSince).toBeInstanceOf(Date);
    expect(c.serverVersion).toBe('11.0.0');
    const [login] = [...server.sessions][0]?.actions ?? [];
    expect(login?.get('Username')).toBe('duty');
    expect(login?.get('Events')).toBe('on');
    await waitFor(() => expect(events.map((e) => e.event)).toEqual(['FullyBooted']));
    expect(c.stats()).toMatchObject({ state: 'connected', eventsReceived: 1, logins: 1, reconnects: 0, protocolErrors: 0, lastError: undefined });
  });

  it('wrong password: AmiAuthError, state auth-failed, keeps retrying, logs in once the PBX accepts it', async () => {
    const server = await fakeServer();
    const c = client(server, { secret: 'wrong', reconnect: { initialDelayMs: 10, maxDelayMs: 30 } });
    const authErrors: AmiAuthError[] = [];
    c.on('auth-error', (e) => authErrors.push(e));
    c.start();

    await waitFor(() => expect(authErrors.length).toBeGreaterThanOrEqual(1));
    expect(authErrors[0]).toBeInstanceOf(AmiAuthError);
    expect(authErrors[0]?.message).toBe(`AMI login as 'duty' rejected by 127.0.0.1:${server.port}: Authentication failed`);
    expect(c.state).toBe('auth-failed');
    expect(c.lastError).toBe(authErrors[0]);
    await expect(c.action('Ping')).rejects.toBeInstanceOf(AmiNotConnectedError);

    await waitFor(() => expect(server.loginFailures).toBeGreaterThanOrEqual(3));
    expect(c.state).toBe('auth-failed');

    server.setUser('duty', 'wrong');
    await c.waitUntilConnected(2_000);
    expect(c.state).toBe('connected');
    expect(c.lastError).toBeUndefined();
  });

  it('times out connecting when no greeting comes, and retries', async () => {
    const server = await fakeServer({ greeting: null });
    const c = client(server, { connectTimeoutMs: 50 });
    const reasons: Error[] = [];
    c.on('disconnected', (r) => reasons.push(r));
    c.start();
    await waitFor(() => expect(reasons.length).toBeGreaterThanOrEqual(2));
    expect(reasons[0]).toBeInstanceOf(AmiTimeoutError);
    expect(c.state === 'disconnected' || c.state === 'connecting').toBe(true);
    await expect(c.waitUntilConnected(30)).rejects.toThrow(/timed out after 30 ms \(last error: AMI connect to .* timed out/);
  });
});

describe('AmiClient: actions', () => {
  it('correlates answers by ActionID, even out of order', async () => {
    const server = await fakeServer();
    server.handle('Getvar', (a, s) => {
      const delay = a.get('Variable') === 'SLOW' ? 30 : 0;
      setTimeout(() => s.respond(a, [['Response', 'Success'], ['Variable', a.get('Variable') ?? ''], ['Value', `v-${a.get('Variable')}`]]), delay);
    });
    const c = await connected(client(server));
    const [slow, fast] = await Promise.all([c.action('Getvar', { Variable: 'SLOW' }), c.action('Getvar', { Variable: 'FAST' })]);
    expect(slow.frame.get('Value')).toBe('v-SLOW');
    expect(fast.frame.get('Value')).toBe('v-FAST');
    expect(slow.actionId).not.toBe(fast.actionId);
    const ping = await c.action('Ping');
    expect(ping).toMatchObject({ action: 'Ping', response: 'Success', events: [], listComplete: undefined });
    expect(ping.frame.get('Ping')).toBe('Pong');
  });

  it('rejects Response: Error with AmiActionError carrying the message', async () => {
    const server = await fakeServer();
    const c = await connected(client(server));
    const err = await c.action('NoSuchAction').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmiActionError);
    expect((err as AmiActionError).message).toBe('AMI action NoSuchAction failed: Invalid/unknown command');
  });

  it('collects an event list up to EventList: Complete; other events still go out', async () => {
    const server = await fakeServer();
    server.handle('CoreShowChannels', (a, s) => {
      const id: [string, string] = ['ActionID', a.actionId ?? ''];
      s.respond(a, [['Response', 'Success'], ['EventList', 'start'], ['Message', 'Channels will follow']]);
      s.sendEvent([['Event', 'CoreShowChannel'], id, ['Channel', 'PJSIP/desk-1'], ['Linkedid', '1.1']]);
      s.sendEvent([['Event', 'Newchannel'], ['Channel', 'PJSIP/other-2']]);
      s.sendEvent([['Event', 'CoreShowChannel'], id, ['Channel', 'Local/100@duty-1;1'], ['Linkedid', '1.1']]);
      s.sendEvent([['Event', 'CoreShowChannelsComplete'], id, ['EventList', 'Complete'], ['ListItems', '2']]);
    });
    const c = await connected(client(server));
    const live: AmiFrame[] = [];
    c.on('event', (f) => live.push(f));
    const res = await c.action('CoreShowChannels');
    expect(res.events.map((e) => e.get('Channel'))).toEqual(['PJSIP/desk-1', 'Local/100@duty-1;1']);
    expect(res.listComplete?.get('ListItems')).toBe('2');
    expect(live.map((e) => e.event)).toEqual(['Newchannel']);
  });

  it('times out an unanswered action with AmiTimeoutError and keeps working; a late answer is a protocol error', async () => {
    const server = await fakeServer();
    const late: Array<() => void> = [];
    server.handle('Status', (a, s) => late.push(() => s.respond(a, [['Response', 'Success']])));
    const c = await connected(client(server, { actionTimeoutMs: 50 }));
    const protocolErrors = vi.fn();
    c.on('protocol-error', protocolErrors);
    const started = Date.now();
    await expect(c.action('Status')).rejects.toBeInstanceOf(AmiTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    await expect(c.action('Status', {}, { timeoutMs: 10 })).rejects.toThrow(/AMI action Status \(ActionID .*\) timed out after 10 ms/);
    late.forEach((send) => send());
    await waitFor(() => expect(protocolErrors).toHaveBeenCalledTimes(2));
    expect(protocolErrors.mock.calls[0]?.[0]).toMatchObject({ kind: 'unexpected-response' });
    await expect(c.action('Ping')).resolves.toMatchObject({ response: 'Success' });
    expect(c.state).toBe('connected');
  });

  it('fails fast when not connected: before start, while reconnecting, after stop', async () => {
    const server = await fakeServer();
    const c = client(server);
    await expect(c.action('Ping')).rejects.toThrow("AMI action Ping not sent: client is idle, not connected");
    await connected(c);
    await server.close();
    await waitFor(() => expect(c.state).toBe('disconnected'));
    const started = Date.now();
    const err = await c.action('Ping').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmiNotConnectedError);
    expect(Date.now() - started).toBeLessThan(20);
    await c.stop();
    await expect(c.action('Ping')).rejects.toThrow(/client is stopped/);
  });

  it('rejects every pending action when the server drops the connection', async () => {
    const server = await fakeServer();
    server.handle('Status', () => undefined);
    server.handle('Hangup', (_a, s) => s.drop());
    const c = await connected(client(server));
    const disconnected = vi.fn();
    c.on('disconnected', disconnected);
    const pending = [c.action('Status'), c.action('Status'), c.action('Hangup', { Channel: 'PJSIP/desk-1' })];
    const results = await Promise.allSettled(pending);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AmiDisconnectedError);
    }
    expect(String((results[0] as PromiseRejectedResult).reason.message)).toMatch(/AMI action Status lost: connection to 127\.0\.0\.1:\d+ closed/);
    expect(disconnected).toHaveBeenCalledOnce();
  });

  it('rejects a field with CR/LF (header injection) without sending anything', async () => {
    const server = await fakeServer();
    const c = await connected(client(server));
    await expect(c.action('Setvar', { Variable: 'X', Value: '1\r\n\r\nAction: Originate' })).rejects.toBeInstanceOf(TypeError);
    await c.action('Ping');
    expect([...server.sessions][0]?.actions.map((a) => a.name)).toEqual(['Login', 'Ping']);
  });
});

describe('AmiClient: stop and keepalive', () => {
  it('stop() logs off, resolves when closed, and does not reconnect', async () => {
    const server = await fakeServer();
    server.handle('Status', () => undefined);
    const c = await connected(client(server));
    const [session] = [...server.sessions];
    const protocolErrors = vi.fn();
    c.on('protocol-error', protocolErrors);
    const pending = c.action('Status');
    await c.stop();
    expect(session?.actions.map((a) => a.name)).toEqual(['Login', 'Status', 'Logoff']);
    expect(c.state).toBe('stopped');
    await expect(pending).rejects.toThrow(/AMI client stopped/);
    await waitFor(() => expect(server.sessions.size).toBe(0));
    const connections = server.connections;
    await new Promise((r) => setTimeout(r, 80));
    expect(server.connections).toBe(connections);
    expect(protocolErrors).not.toHaveBeenCalled();
  });

  it('drops a session whose keepalive Ping goes unanswered, then reconnects', async () => {
    const server = await fakeServer();
    server.handle('Ping', () => undefined);
    const c = client(server, { pingIntervalMs: 20, actionTimeoutMs: 40 });
    const reasons: Error[] = [];
    c.on('disconnected', (r) => reasons.push(r));
    await connected(c);
    await waitFor(() => expect(server.logins).toBeGreaterThanOrEqual(2));
    expect(reasons[0]?.message).toBe('AMI keepalive Ping timed out after 40 ms');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmiClient, type AmiClientOptions } from '../../../../src/pbx/ami/ami-client.js';
import type { AmiFrame } from '../../../../src/pbx/ami/ami-frame.js';
import type { AmiProtocolError } from '../../../../src/pbx/ami/errors.js';
import { FakeAmiServer, type FakeAmiSession } from '../../../support/fake-ami-server.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const waitFor = <T>(fn: () => T): Promise<T> => vi.waitFor(fn, { timeout: 3_000, interval: 5 });

/** A logged-in client, its fake server session, and what it delivered. */
async function setup(options: Partial<AmiClientOptions> = {}) {
  const server = await FakeAmiServer.start();
  cleanup.push(() => server.close());
  const c = new AmiClient({ ...server.clientOptions(), reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, ...options });
  cleanup.push(() => c.stop());
  const events: AmiFrame[] = [];
  const protocolErrors: AmiProtocolError[] = [];
  c.on('event', (f) => events.push(f));
  c.on('protocol-error', (e) => protocolErrors.push(e));
  const sessionP = new Promise<FakeAmiSession>((resolve) => server.once('login', resolve));
  c.start();
  await c.waitUntilConnected(2_000);
  return { server, client: c, session: await sessionP, events, protocolErrors };
}

describe('AmiClient: hostile bytes from the server', () => {
  it('survives a malformed frame, a duplicate-header UserEvent and garbage, and delivers the valid event after them', async () => {
    const { client, session, events, protocolErrors } = await setup();
    session.write('this line has no colon\r\n\r\n');
    session.write('Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: DutyDial\r\nUserEvent: Injected\r\n\r\n');
    session.write(Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]));
    session.write(':\r\n\r\nEvent: Hangup\r\nUniqueid: 1.1\r\nCause: 16\r\n\r\n');

    await waitFor(() => expect(events.map((e) => e.event)).toEqual(['UserEvent', 'Hangup']));
    expect(events[0]?.getAll('UserEvent')).toEqual(['DutyDial', 'Injected']);
    expect(events[1]?.get('Cause')).toBe('16');
    expect(protocolErrors.map((e) => e.kind)).toEqual(['malformed-line', 'malformed-line', 'malformed-line']);
    expect(client.state).toBe('connected');
    expect(client.stats().protocolErrors).toBe(3);
  });

  it('discards an oversized frame and delivers the next one', async () => {
    const { client, session, events, protocolErrors } = await setup({ maxFrameBytes: 1_024 });
    session.write(`Event: Huge\r\nData: ${'z'.repeat(10_000)}\r\n\r\nEvent: Newchannel\r\nUniqueid: 2.1\r\n\r\n`);
    await waitFor(() => expect(events.map((e) => e.event)).toEqual(['Newchannel']));
    expect(protocolErrors.map((e) => e.kind)).toEqual(['frame-too-large']);
    await expect(client.action('Ping')).resolves.toMatchObject({ response: 'Success' });
  });

  it('drops an endless line without newline as one oversized frame (the parser bounds its memory), stays connected, reads on', async () => {
    const { client, session, events, protocolErrors } = await setup({ maxFrameBytes: 4_096 });
    const chunk = Buffer.alloc(256 * 1024, 'A');
    for (let i = 0; i < 40; i++) session.write(chunk); // 10 MiB
    session.write('\r\n\r\nEvent: Alive\r\n\r\n');
    await waitFor(() => expect(events.map((e) => e.event)).toEqual(['Alive']));
    expect(protocolErrors.map((e) => e.kind)).toEqual(['frame-too-large']);
    expect(client.state).toBe('connected');
  });

  it('does not let an unterminated Response: Follows swallow later events', async () => {
    const { session, events, protocolErrors } = await setup();
    session.write('Response: Follows\r\nPrivilege: Command\r\nno end marker\r\n\r\nEvent: Newchannel\r\n\r\nEvent: Hangup\r\n\r\n');
    await waitFor(() => expect(events.map((e) => e.event)).toEqual(['Newchannel', 'Hangup']));
    expect(protocolErrors.map((e) => e.kind)).toEqual(['unterminated-follows', 'unexpected-response']);
  });

  it('reports a frame with neither Event nor Response', async () => {
    const { session, events, protocolErrors } = await setup();
    session.write('Foo: bar\r\n\r\nEvent: Ok\r\n\r\n');
    await waitFor(() => expect(events.map((e) => e.event)).toEqual(['Ok']));
    expect(protocolErrors.map((e) => e.kind)).toEqual(['unknown-frame']);
  });
});

describe('AmiClient: listeners that throw', () => {
  it('isolates a throwing or rejecting event listener from the parser and the other listeners', async () => {
    const { client, session, events } = await setup();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    cleanup.push(async () => void process.off('unhandledRejection', unhandled));
    client.prependListener('event', (f) => {
      if (f.event === 'Boom') throw new Error('listener bug');
    });
    client.prependListener('event', async (f) => {
      if (f.event === 'AsyncBoom') throw new Error('async listener bug');
    });
    session.write('Event: Boom\r\n\r\nEvent: AsyncBoom\r\n\r\nEvent: After\r\n\r\n');
    await waitFor(() => expect(events.map((e) => e.event)).toEqual(['Boom', 'AsyncBoom', 'After']));
    await waitFor(() => expect(client.stats().listenerErrors).toBe(2));
    expect(unhandled).not.toHaveBeenCalled();
    expect(client.state).toBe('connected');
  });

  it('isolates a throwing connected/disconnected listener', async () => {
    const { server, client } = await setup();
    client.on('disconnected', () => {
      throw new Error('bad disconnected listener');
    });
    client.on('connected', () => {
      throw new Error('bad connected listener');
    });
    server.dropAll();
    await waitFor(() => expect(server.logins).toBe(2));
    await client.waitUntilConnected(2_000);
    expect(client.stats().listenerErrors).toBe(2);
  });
});

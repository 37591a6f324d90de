import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/platform/clock.js';

/** A connected loopback pair: what `server` writes, `client` reads. */
async function socketPair(): Promise<{ server: net.Socket; client: net.Socket; close: () => void }> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const server = await accepted;
  return {
    server,
    client,
    close: () => {
      client.destroy();
      server.destroy();
      listener.close();
    },
  };
}

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('systemClock', () => {
  let close = () => {};
  afterEach(() => close());

  it('runs a scheduled function after socket data that arrived before its time, even when the event loop was blocked past it', async () => {
    const pair = await socketPair();
    close = pair.close;
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      pair.client.on('data', () => order.push('data'));
      systemClock.schedule(new Date(Date.now() + 5), () => {
        order.push('deadline');
        resolve();
      });
    });
    pair.server.write('Event: DialEnd\r\n\r\n'); // in the kernel's buffer before the deadline
    blockEventLoop(50); // both are ready when the loop resumes; Node runs due timers first
    await done;
    expect(order).toEqual(['data', 'deadline']);
  });

  it('does not run a cancelled function', async () => {
    let ran = false;
    const at = new Date(Date.now() + 1);
    const cancel = systemClock.schedule(at, () => (ran = true));
    const later = new Promise((resolve) => systemClock.schedule(at, () => resolve(undefined)));
    blockEventLoop(5); // due by now, cancelled before the loop gets to it
    cancel();
    await later;
    expect(ran).toBe(false);
  });
});

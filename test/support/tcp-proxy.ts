/**
 * A tiny TCP proxy for "the database went away" tests: clients connect to the proxy, which
 * pipes to the target. cut() destroys every open connection and refuses new ones (they are
 * accepted and reset at once, like a server going down); restore() forwards again. freeze()
 * holds back what the target sends while every connection stays open (a server that stops
 * talking); thaw() delivers what was held and forwards again.
 */
import net from 'node:net';

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** Connections currently piped through. */
  readonly open: number;
  /** True while cut. */
  readonly isCut: boolean;
  cut(): void;
  /**
   * Cuts (as cut()) the moment a client sends bytes containing `marker`, before they reach the
   * target: "the connection died while sending COMMIT". Returns how many times it fired so far.
   */
  cutWhenClientSends(marker: string): { readonly fired: number };
  restore(): void;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let cut = false;
  let trap: { marker: Buffer; fired: number } | undefined;
  let frozen = false;
  const held: Array<{ client: net.Socket; chunk: Buffer }> = [];

  const cutAll = () => {
    cut = true;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
  };

  const server = net.createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const teardown = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', teardown).on('close', teardown);
    upstream.on('error', teardown).on('close', teardown);
    client.on('data', (chunk: Buffer) => {
      if (trap && chunk.includes(trap.marker)) {
        trap.fired++;
        trap = undefined; // once per cutWhenClientSends()
        cutAll();
        return;
      }
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('data', (chunk: Buffer) => {
      if (frozen) held.push({ client, chunk });
      else client.write(chunk);
    });
    upstream.on('end', () => client.end());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no TCP address');

  return {
    port: address.port,
    get open() {
      return sockets.size / 2;
    },
    get isCut() {
      return cut;
    },
    cut: cutAll,
    cutWhenClientSends(marker) {
      const armed = { marker: Buffer.from(marker), fired: 0 };
      trap = armed;
      return {
        get fired() {
          return armed.fired;
        },
      };
    },
    restore() {
      cut = false;
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const { client, chunk } of held.splice(0)) if (!client.destroyed) client.write(chunk);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

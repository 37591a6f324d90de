/**
 * For whole-service tests that cut PostgreSQL off: a fresh database reached through a TCP proxy
 * (tcp-proxy.ts), a fake PBX and a spill folder, made before the file's tests and removed after
 * them, together with the service a test starts on them (`sut`, stopped first).
 *
 *   const env = usePgBehindProxy();
 *   env.sut = await startTestService({ pbx: env.pbx, databaseUrl: env.databaseUrl(), spillDir: env.spillDir.path });
 */
import { afterAll, beforeAll } from 'vitest';
import { createPgTestDatabase, createTempDir, pgServer, pgUrl, type PgTestDatabase } from './db.js';
import { startFakePbx, type FakePbx } from './fake-pbx.js';
import type { TestService } from './service-harness.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface PgBehindProxy {
  database: PgTestDatabase;
  proxy: TcpProxy;
  pbx: FakePbx;
  spillDir: { path: string; rm(): Promise<void> };
  /** The service under test, if started; stopped (1 s drain) before the rest is removed. */
  sut: TestService | undefined;
  /** The database's URL through the proxy. */
  databaseUrl(): string;
}

export function usePgBehindProxy(): PgBehindProxy {
  const env = { sut: undefined } as PgBehindProxy;
  beforeAll(async () => {
    env.database = await createPgTestDatabase(); // empty: the service migrates it once it can connect
    env.proxy = await startTcpProxy(pgServer());
    env.pbx = await startFakePbx();
    env.spillDir = await createTempDir('dh-spill-');
    env.databaseUrl = () => pgUrl(env.database.name, { host: '127.0.0.1', port: env.proxy.port });
  });
  afterAll(async () => {
    env.proxy?.restore();
    await env.sut?.service.stop({ drainTimeoutMs: 1_000 });
    await env.pbx?.close();
    await env.proxy?.close();
    await env.database?.drop();
    await env.spillDir?.rm();
  });
  return env;
}

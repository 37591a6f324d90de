/**
 * The whole service (src/app/service.ts) on a PostgreSQL database already loaded, serving the
 * built web console (web/dist) at /console/, for the browser to measure against it (as
 * bench/console.ts runs it): no PBX (the AMI is a closed port, the service keeps trying), a spill
 * directory of its own, silent logs, and a supervisor of office "default" who signs in with a
 * password. The duty-log deadline sweep the open database starts (over the last week's answered
 * calls) has run before it resolves, so nothing of the service's own is still reading the calls.
 */
import pino from 'pino';
import { startService, type RunningService } from '../../src/app/service.js';
import { defaultConsoleDir } from '../../src/app/web-console.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { testHasher } from './access-api.js';
import { createTempDir } from './db.js';

export interface ConsoleService {
  service: RunningService;
  /** Where it listens, e.g. http://127.0.0.1:40123 (the console at /console/). */
  url: string;
  /** The supervisor to sign in as (display name 王主任). */
  supervisor: { name: string; password: string };
  /** Stops the service and removes its spill directory (the database is the caller's). */
  stop(): Promise<void>;
}

export async function startConsoleService(databaseUrl: string, options: { config?: Record<string, unknown> } = {}): Promise<ConsoleService> {
  if (!defaultConsoleDir()) throw new Error('the web console is not built: npm run build:web');
  const spill = await createTempDir('dh-console-spill-');
  let service: RunningService | undefined;
  try {
    // DATABASE_URL from the environment would override the database given here.
    const config = loadConfig({
      env: {},
      overrides: { 'database.url': databaseUrl, 'http.host': '127.0.0.1', 'http.port': 0, 'ami.port': 1, 'database.spillDir': spill.path, 'log.level': 'silent', ...options.config },
    });
    service = await startService(config, { logger: pino({ level: 'silent' }) });
    await service.database.opened;
    await service.deadlines.sweep();
    const supervisor = { name: `console.supervisor.${process.pid}`, password: 'console-supervisor-password' };
    await service.access.stores.users.create({ name: supervisor.name, displayName: '王主任', role: 'supervisor', officeId: 'default', passwordHash: await testHasher.hash(supervisor.password) });
    const running = service;
    return {
      service: running,
      url: running.url,
      supervisor,
      stop: async () => {
        await running.stop({ drainTimeoutMs: 2_000 });
        await spill.rm();
      },
    };
  } catch (err) {
    await service?.stop({ drainTimeoutMs: 0 }).catch(() => {});
    await spill.rm();
    throw err;
  }
}

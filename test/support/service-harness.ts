/**
 * The whole service (src/service.ts) in-process for database-side tests: AMI from a fake
 * PBX (fake-pbx.ts), the database given by URL (PostgreSQL) or data dir (PGlite), a spill
 * directory, fast retries and the short ring cadence the captures were recorded with.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import type { HealthReport } from '../../src/app/health-routes.js';
import { createLogger } from '../../src/platform/logger.js';
import { startService, type RunningService } from '../../src/app/service.js';
import type { FakePbx } from './fake-pbx.js';
import type { CallJson, RecordJson } from './http.js';

export interface TestServiceOptions {
  pbx: FakePbx;
  /** PostgreSQL URL (DATABASE_URL); without it, PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  spillDir: string;
  /** The host's clock (default: the system's). */
  clock?: Clock;
  /** schedule.calendarOverrides (default: the config's, ./data/calendar-overrides.json). */
  calendarOverrides?: string;
  /** Log lines go here (default: silent unless DUTY_TEST_LOG names a level). */
  logger?: Logger;
}

export interface Reply<T> {
  status: number;
  body: T;
}

export type { CallJson, RecordJson };
export interface ErrorJson {
  error: string;
  message: string;
}

export interface TestService {
  service: RunningService;
  get<T>(path: string): Promise<Reply<T>>;
  health(): Promise<Reply<HealthReport>>;
  /** Entries of GET /calls?limit=1000 for this PBX call (the API must answer 200). */
  callsFor(pbxCallId: string): Promise<CallJson[]>;
  recordsFor(pbxCallId: string): Promise<RecordJson[]>;
}

export async function startTestService(options: TestServiceOptions): Promise<TestService> {
  const config = loadConfig({
    env: { ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}), DUTY_SPILL_DIR: options.spillDir },
    overrides: {
      ...(options.dataDir ? { 'database.dataDir': options.dataDir } : {}),
      ...(options.calendarOverrides ? { 'schedule.calendarOverrides': options.calendarOverrides } : {}),
      'database.openRetryInitialMs': 50,
      'database.openRetryMaxMs': 250,
      'ami.port': options.pbx.ami.port,
      'ami.reconnectInitialMs': 50,
      'ami.reconnectMaxMs': 500,
      'http.port': 0,
      // The captures were made with a 1 s ring (200 ms on, 800 ms off).
      'rings.threshold': 3,
      'rings.onMs': 200,
      'rings.offMs': 800,
      'rings.decisionGraceMs': 200,
    },
  });
  const service = await startService(config, {
    logger: options.logger ?? createLogger(process.env.DUTY_TEST_LOG ?? 'silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const get = async <T>(path: string): Promise<Reply<T>> => {
    const res = await service.http.inject({ method: 'GET', url: path });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const list = async <T>(path: string): Promise<T[]> => {
    const res = await get<{ items: T[] }>(path);
    if (res.status !== 200) throw new Error(`GET ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.items;
  };
  return {
    service,
    get,
    health: () => get<HealthReport>('/healthz'),
    callsFor: async (pbxCallId) => (await list<CallJson>('/calls?limit=1000')).filter((c) => c.pbxCallId === pbxCallId),
    recordsFor: async (pbxCallId) => (await list<RecordJson>('/discipline-records?limit=1000')).filter((r) => r.subject.kind === 'call' && r.subject.id === pbxCallId),
  };
}

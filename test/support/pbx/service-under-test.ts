/**
 * The real service (src/service.ts) started in-process against the sandbox Asterisk,
 * on a fresh PostgreSQL database or a fresh PGlite directory, with a short ring cadence.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import type { HealthReport } from '../../../src/app/health-routes.js';
import { createLogger } from '../../../src/platform/logger.js';
import { startService, type RunningService } from '../../../src/app/service.js';
import { createPgTestDatabase } from '../db.js';
import type { CallJson, RecordJson } from '../http.js';
import { eventually } from '../poll.js';
import { pbxSettings } from './sandbox.js';

export type DatabaseKind = 'postgres' | 'pglite';

/** Test cadence: a ring every second (200 ms on, 800 ms off); three rings = 3 s. */
export const TEST_RINGS = { threshold: 3, onMs: 200, offMs: 800 } as const;
export const RING_MS = TEST_RINGS.onMs + TEST_RINGS.offMs;

export type { CallJson, RecordJson };

/** The record's evidence runs to the end of the call (completed when the call ended). */
export const evidenceComplete = (r: RecordJson) => r.evidence.at(-1)?.what.startsWith('call ended') === true;

export interface ServiceUnderTest {
  service: RunningService;
  get<T>(path: string): Promise<T>;
  /** Poll the API until a call from `callerNumber` satisfies `done` (the PBX sets the pace). */
  waitForCall(callerNumber: string, done: (call: CallJson) => boolean, timeoutMs?: number): Promise<CallJson>;
  /** Poll the API until a call satisfies `found` (e.g. by callerName, or pbxCallId). */
  waitForCallWhere(what: string, found: (call: CallJson) => boolean, timeoutMs?: number): Promise<CallJson>;
  recordsFor(pbxCallId: string): Promise<RecordJson[]>;
  /** Poll until the call's discipline record exists and satisfies `done`. */
  waitForRecord(pbxCallId: string, done?: (record: RecordJson) => boolean, timeoutMs?: number): Promise<RecordJson>;
  health(): Promise<HealthReport>;
  stop(): Promise<void>;
}

/** The service on the host's real clock: its ring deadlines follow the PBX's (faked) clock by itself (src/pbx/pbx-clock.ts). */
export async function startServiceUnderTest(kind: DatabaseKind, configOverrides: Record<string, unknown> = {}): Promise<ServiceUnderTest> {
  const pbx = pbxSettings();
  let cleanup: () => Promise<void>;
  const overrides: Record<string, unknown> = {
    'ami.port': pbx.amiPort,
    'ami.username': pbx.amiUser,
    'ami.secret': pbx.amiSecret,
    'ami.reconnectInitialMs': 100,
    'ami.reconnectMaxMs': 1000,
    'http.port': 0,
    'rings.threshold': TEST_RINGS.threshold,
    'rings.onMs': TEST_RINGS.onMs,
    'rings.offMs': TEST_RINGS.offMs,
    'rings.decisionGraceMs': 200,
    ...configOverrides,
  };
  if (kind === 'postgres') {
    const db = await createPgTestDatabase();
    overrides['database.url'] = db.url;
    cleanup = () => db.drop();
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'dh-pglite-'));
    overrides['database.dataDir'] = dir;
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  const config = loadConfig({ overrides });
  const service = await startService(config, { logger: createLogger(process.env.DUTY_TEST_LOG ?? 'silent') });
  await service.pbx.waitUntilConnected(10_000);
  // The database opens in the background (migrations on a fresh one): until then the API answers 503.
  await service.database.opened;

  const get = async <T>(path: string): Promise<T> => {
    const res = await service.http.inject({ method: 'GET', url: path });
    if (res.statusCode >= 400 && path !== '/healthz') throw new Error(`GET ${path} → ${res.statusCode}: ${res.body}`);
    return res.json<T>();
  };
  const recordsFor = async (pbxCallId: string) =>
    (await get<{ items: RecordJson[] }>('/discipline-records?limit=1000')).items.filter((r) => r.subject.kind === 'call' && r.subject.id === pbxCallId);

  const waitForCallWhere = (what: string, found: (call: CallJson) => boolean, timeoutMs = 30_000) =>
    eventually(what, async () => (await get<{ items: CallJson[] }>('/calls?limit=1000')).items.find(found), timeoutMs);

  return {
    service,
    get,
    recordsFor,
    waitForCall: (callerNumber, done, timeoutMs = 30_000) => waitForCallWhere(`a call from ${callerNumber}`, (c) => c.callerNumber === callerNumber && done(c), timeoutMs),
    waitForCallWhere,
    waitForRecord: (pbxCallId, done = () => true, timeoutMs = 30_000) =>
      eventually(`a discipline record for ${pbxCallId}`, async () => (await recordsFor(pbxCallId)).find(done), timeoutMs),
    health: () => get<HealthReport>('/healthz'),
    async stop() {
      await service.stop();
      await cleanup();
    },
  };
}

let counter = 0;
/** A caller number no other test uses, so each call is found by its caller. */
export function uniqueCaller(): string {
  counter += 1;
  return `139${String(Date.now() % 1e6).padStart(6, '0')}${String(counter).padStart(2, '0')}`;
}

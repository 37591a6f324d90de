/**
 * The whole service (src/app/service.ts) in-process, for the db and pbx layers alike: its
 * database a fresh PostgreSQL database or PGlite directory (or one given, to share between two
 * runs), its PBX the scripted AMI server playing real captures (fake-pbx.ts) or the sandbox
 * Asterisk, one per office; fast retries and the short ring cadence the captures and the sandbox use.
 */
import type { Logger } from 'pino';
import type { HealthReport } from '../../src/app/health-routes.js';
import { startService, type RunningService } from '../../src/app/service.js';
import type { DatabaseKind } from '../../src/platform/db/database.js';
import type { Clock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { createLogger } from '../../src/platform/logger.js';
import { createPgTestDatabase, createTempDir } from './db.js';
import type { FakePbx } from './fake-pbx.js';
import type { CallJson, RecordJson } from './http.js';
import { pbxSettings } from './pbx/sandbox.js';
import { eventually } from './poll.js';
import { testHasher } from './access-api.js';
import type { Role } from '../../src/core/access/roles.js';
import { newSecret } from '../../src/access/secret-token.js';

/** Test cadence (the captures were recorded with it, the sandbox runs it): a ring a second (200 ms on, 800 ms off); three rings = 3 s. */
export const TEST_RINGS = { threshold: 3, onMs: 200, offMs: 800 } as const;
export const RING_MS = TEST_RINGS.onMs + TEST_RINGS.offMs;

export type { CallJson, RecordJson };
export type { DatabaseKind };
export interface ErrorJson {
  error: string;
  message: string;
}
export interface Reply<T> {
  status: number;
  body: T;
}

/** The scripted AMI server, or the sandbox Asterisk (scripts/pbx.sh). */
export type TestPbx = FakePbx | 'sandbox';

export interface TestServiceOptions {
  /** A fresh database of this kind, dropped by stop(); or give databaseUrl / dataDir instead (kept). */
  kind?: DatabaseKind;
  databaseUrl?: string;
  dataDir?: string;
  /** The single office's PBX; or `offices`, each with its own. */
  pbx?: TestPbx;
  offices?: { id: string; name?: string; pbx: TestPbx }[];
  /** Default: a fresh directory, removed by stop(). */
  spillDir?: string;
  /** The host's clock (default: the system's). */
  clock?: Clock;
  /** schedule.calendarOverrides (default: the config's, ./data/calendar-overrides.json). */
  calendarOverrides?: string;
  /** Config settings by dotted path, applied last. */
  config?: Record<string, unknown>;
  /** Log lines go here (default: silent unless DUTY_TEST_LOG names a level). */
  logger?: Logger;
}

export interface TestService {
  service: RunningService;
  /** GET through the API as a supervisor of `office` (default: the path's office= parameter, else the first office): status and body, whatever the status. */
  get<T>(path: string, options?: { office?: string }): Promise<Reply<T>>;
  /** GET through the API as get() does; a status of 400 or more throws naming it. */
  json<T>(path: string, options?: { office?: string }): Promise<T>;
  /** A list route's items over every office, each read by that office's supervisor. */
  everyOffice<T>(path: string): Promise<T[]>;
  /** /healthz's body (200 or 503). */
  health(): Promise<HealthReport>;
  /** The Authorization header the harness reads with, as `office`'s supervisor (default: the first office). */
  authorization(office?: string): Promise<string>;
  /** Entries of GET /calls (every page) for this PBX call (the API must answer 200). */
  callsFor(pbxCallId: string): Promise<CallJson[]>;
  /** Records about this call (GET /discipline-records?limit=1000). */
  recordsFor(pbxCallId: string): Promise<RecordJson[]>;
  /** Poll the API until a call from `callerNumber` satisfies `done` (the PBX sets the pace). */
  waitForCall(callerNumber: string, done: (call: CallJson) => boolean, timeoutMs?: number): Promise<CallJson>;
  /** Poll the API until a call satisfies `found` (by callerName, pbxCallId…). */
  waitForCallWhere(what: string, found: (call: CallJson) => boolean, timeoutMs?: number): Promise<CallJson>;
  /** Poll until the call's discipline record exists and satisfies `done`. */
  waitForRecord(pbxCallId: string, done?: (record: RecordJson) => boolean, timeoutMs?: number): Promise<RecordJson>;
  /** Stops the service (writes drained up to drainTimeoutMs, default 10 s) and removes what the harness made. */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}

/** The record's evidence runs to the end of the call (completed when the call ended). */
export const evidenceComplete = (r: RecordJson) => r.evidence.at(-1)?.what.startsWith('call ended') === true;

export async function startTestService(options: TestServiceOptions): Promise<TestService> {
  const cleanups: (() => Promise<void>)[] = [];
  const settings: Record<string, unknown> = {
    'database.openRetryInitialMs': 50,
    'database.openRetryMaxMs': 250,
    'http.port': 0,
    'rings.threshold': TEST_RINGS.threshold,
    'rings.onMs': TEST_RINGS.onMs,
    'rings.offMs': TEST_RINGS.offMs,
    'rings.decisionGraceMs': 200,
  };
  try {
    if (options.databaseUrl) settings['database.url'] = options.databaseUrl;
    else if (options.dataDir) settings['database.dataDir'] = options.dataDir;
    else if ((options.kind ?? 'postgres') === 'postgres') {
      const db = await createPgTestDatabase();
      cleanups.push(() => db.drop());
      settings['database.url'] = db.url;
    } else {
      const dir = await createTempDir();
      cleanups.push(() => dir.rm());
      settings['database.dataDir'] = dir.path;
    }
    if (options.spillDir) settings['database.spillDir'] = options.spillDir;
    else {
      const dir = await createTempDir('dh-spill-');
      cleanups.push(() => dir.rm());
      settings['database.spillDir'] = dir.path;
    }
    if (options.calendarOverrides) settings['schedule.calendarOverrides'] = options.calendarOverrides;
    if (options.offices) settings.offices = options.offices.map((o) => ({ id: o.id, name: o.name ?? '', ami: amiOf(o.pbx) }));
    else if (options.pbx) settings.ami = amiOf(options.pbx);
    else throw new Error('startTestService: give pbx or offices');
    Object.assign(settings, options.config);
    // DATABASE_URL from the environment would override the database chosen here.
    const config = loadConfig({ env: {}, overrides: settings });
    const service = await startService(config, {
      logger: options.logger ?? createLogger(process.env.DUTY_TEST_LOG ?? 'silent'),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const sandbox = options.offices ? options.offices.some((o) => o.pbx === 'sandbox') : options.pbx === 'sandbox';
    // Against the real PBX a call placed at once must be heard and stored.
    if (sandbox) await Promise.all([...service.offices.map((o) => o.pbx.waitUntilConnected(10_000)), service.database.opened]);
    return harness(service, async (drainTimeoutMs) => {
      await service.stop({ drainTimeoutMs });
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw err;
  }
}

function amiOf(pbx: TestPbx): Record<string, unknown> {
  const reconnect = { reconnectInitialMs: 50, reconnectMaxMs: 500 };
  if (pbx !== 'sandbox') return { port: pbx.ami.port, ...reconnect };
  const s = pbxSettings();
  return { host: s.host, port: s.amiPort, username: s.amiUser, secret: s.amiSecret, ...reconnect };
}

/**
 * The harness reads as a supervisor of each office ("harness-<office>"), by API token. Its user
 * and token are written once the database is open; a request before that carries the token
 * anyway, and the access check answers what the database lets it (503 while it is down).
 */
function supervisorsOf(service: RunningService): { authorizationOf: (officeId: string) => Promise<string> } {
  const tokens = new Map(service.offices.map((o) => [o.id, newSecret('token')]));
  const store = async () => {
    const { users, tokens: tokenStore } = service.access.stores;
    for (const [officeId, token] of tokens) {
      const name = `harness-${officeId}`.toLowerCase();
      // A database kept from an earlier run (a restart test) has the user already.
      const user = (await users.findByName(name)) ?? (await users.create({ name, displayName: name, role: 'supervisor', officeId, passwordHash: HARNESS_PASSWORD_HASH }));
      if (!(await tokenStore.find(token.id))) await tokenStore.create({ id: token.id, userId: user.id, name: 'service harness', secretHash: token.hash, createdAt: new Date() });
    }
  };
  // Written once the database opens; tried again on the next request should that fail (the database lost meanwhile).
  let stored: Promise<void> | undefined;
  const ensure = () => (stored ??= store().catch((err: unknown) => {
    stored = undefined;
    throw err;
  }));
  void service.database.opened.then(ensure).catch(() => {});
  return {
    authorizationOf: async (officeId) => {
      // Not waiting while the database is not open: the request is to see what the API answers then.
      if (service.database.status().state === 'open') await ensure().catch(() => {});
      const token = tokens.get(officeId);
      if (!token) throw new Error(`the service has no office ${officeId}`);
      return `Bearer ${token.secret}`;
    },
  };
}

/** An Authorization header of a user of `role` added now to `officeId` (default: "default"); the database must be open. */
export async function authorizationAs(sut: TestService, role: Role, name: string, officeId = 'default'): Promise<string> {
  const { users, tokens } = sut.service.access.stores;
  const user = (await users.findByName(name)) ?? (await users.create({ name, displayName: name, role, officeId, passwordHash: HARNESS_PASSWORD_HASH }));
  const token = newSecret('token');
  await tokens.create({ id: token.id, userId: user.id, name: 'test', secretHash: token.hash, createdAt: new Date() });
  return `Bearer ${token.secret}`;
}

/** The harness's users never sign in with a password: any well-formed hash will do. */
const HARNESS_PASSWORD_HASH = await testHasher.hash('harness users sign in with tokens only');

function harness(service: RunningService, stop: (drainTimeoutMs: number) => Promise<void>): TestService {
  const supervisors = supervisorsOf(service);
  const officeIds = service.offices.map((o) => o.id);
  const get = async <T>(path: string, options: { office?: string } = {}): Promise<Reply<T>> => {
    const office = options.office ?? new URL(path, 'http://x').searchParams.get('office') ?? officeIds[0]!;
    const res = await service.http.inject({ method: 'GET', url: path, headers: { authorization: await supervisors.authorizationOf(office) } });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const json = async <T>(path: string, options: { office?: string } = {}): Promise<T> => {
    const res = await get<T>(path, options);
    if (res.status >= 400) throw new Error(`GET ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** A list route's items over every office (each read by that office's supervisor). */
  const everyOffice = async <T>(path: string): Promise<T[]> => (await Promise.all(officeIds.map((office) => json<{ items: T[] }>(path, { office })))).flatMap((r) => r.items);
  /** Every page of a list route, of every office (a rebuild from the sandbox's whole CEL file can store thousands of rows). */
  const allPages = async <T>(path: string): Promise<T[]> => {
    const ofOffice = async (office: string) => {
      const items: T[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = (await json<{ items: T[] }>(`${path}?limit=1000&offset=${offset}`, { office })).items;
        items.push(...page);
        if (page.length < 1000) return items;
      }
    };
    return (await Promise.all(officeIds.map(ofOffice))).flat();
  };
  const calls = () => allPages<CallJson>('/calls');
  const recordsFor = async (pbxCallId: string) => (await allPages<RecordJson>('/discipline-records')).filter((r) => r.subject.kind === 'call' && r.subject.id === pbxCallId);
  const waitForCallWhere = (what: string, found: (call: CallJson) => boolean, timeoutMs = 30_000) =>
    eventually(what, async () => (await calls()).find(found), timeoutMs);
  let stopped: Promise<void> | undefined;
  return {
    service,
    get,
    json,
    everyOffice,
    health: async () => (await get<HealthReport>('/healthz')).body,
    authorization: (office) => supervisors.authorizationOf(office ?? officeIds[0]!),
    callsFor: async (pbxCallId) => (await calls()).filter((c) => c.pbxCallId === pbxCallId),
    recordsFor,
    waitForCall: (callerNumber, done, timeoutMs) => waitForCallWhere(`a call from ${callerNumber}`, (c) => c.callerNumber === callerNumber && done(c), timeoutMs),
    waitForCallWhere,
    waitForRecord: (pbxCallId, done = () => true, timeoutMs = 30_000) =>
      eventually(`a discipline record for ${pbxCallId}`, async () => (await recordsFor(pbxCallId)).find(done), timeoutMs),
    stop: ({ drainTimeoutMs = 10_000 } = {}) => (stopped ??= stop(drainTimeoutMs)),
  };
}

let counter = 0;
/** A caller number no other test uses, so each call is found by its caller. */
export function uniqueCaller(): string {
  counter += 1;
  return `139${String(Date.now() % 1e6).padStart(6, '0')}${String(counter).padStart(2, '0')}`;
}

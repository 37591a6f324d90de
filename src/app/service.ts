/**
 * Wires the parts into the running service: PBX port → tracker → write queue → database,
 * and the HTTP API over the same stores. Only composition here; behaviour lives in the parts.
 *
 * The database is opened in the background: the service starts, listens to AMI and queues its
 * writes while the database is down; the stores answer DatabaseUnavailableError until it is
 * open. Writes still unstored at shutdown go to a spill file, re-queued at the next start.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CallTracker } from '../calls/call-tracker.js';
import { callSink, registerCallWrites, type CallFacts } from '../calls/call-writes.js';
import type { CallStore } from '../calls/call-store.js';
import { PrismaCallStore } from '../calls/prisma-call-store.js';
import { closeUnfinishedCalls } from '../calls/unfinished-calls.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config/config-schema.js';
import { registerDisciplineWrites, type DisciplineFacts } from '../discipline/discipline-writes.js';
import type { DisciplineStore } from '../discipline/discipline-store.js';
import { PrismaDisciplineStore } from '../discipline/prisma-discipline-store.js';
import { app } from './http-app.js';
import { CallService } from '../calls/call-service.js';
import { DisciplineService } from '../discipline/discipline-service.js';
import { serverOptions } from '../platform/http/server-options.js';
import type { HealthReport } from './health-routes.js';
import type { PbxPort } from '../pbx/pbx-port.js';
import { AsteriskPort } from '../pbx/asterisk/asterisk-port.js';
import { ringToneMismatch } from '../pbx/asterisk/pbx-queries.js';
import { DEFAULT_OFFICE_ID } from '../core/office.js';
import { describeAttempts } from '../core/call/call-rules.js';
import { UnreachedCalls } from '../calls/unreached-calls.js';
import type { Schedule } from '../core/schedule/schedule-model.js';
import { startCalendarWarnings } from '../schedule/calendar-warnings.js';
import { endpointRoles } from '../schedule/endpoint-roles.js';
import { loadScheduleFile } from '../schedule/schedule-file.js';
import { openDatabase } from '../platform/db/database.js';
import { DatabaseOpener, type DatabaseStatus } from '../platform/db/database-opener.js';
import { deferred } from '../platform/db/deferred-store.js';
import { EventBus } from '../platform/events/event-bus.js';
import { SpillStore } from '../platform/outbox/spill-store.js';
import { requeueSpilledWrites, spillUnwritten, type RequeuedSpills } from '../platform/outbox/spilled-writes.js';
import { WriteQueue } from '../platform/outbox/write-queue.js';

/** How long after a hang-up of a call it does not follow the service asks the PBX which calls are live. */
const UNFOLLOWED_SWEEP_DELAY_MS = 250;

export type ServiceFacts = CallFacts & DisciplineFacts;

export interface RunningService {
  http: FastifyInstance;
  /** Where the API listens, e.g. http://127.0.0.1:8080 */
  url: string;
  /** The PBX: its connection, its call events, its commands (live calls, placing a call). */
  pbx: PbxPort;
  writes: WriteQueue;
  /** Facts of the writes that landed, published once their row is committed. */
  facts: Pick<EventBus<ServiceFacts>, 'subscribe'>;
  tracker: CallTracker;
  /** State of the database; `opened` resolves once it is open. */
  database: Pick<DatabaseOpener<unknown>, 'status' | 'opened'>;
  /** Spill files of earlier shutdowns re-queued at start; `landed` once stored and deleted. */
  spilled: RequeuedSpills;
  /** Resolves with the error that keeps the service from working (a broken migration): stop then. */
  failed: Promise<Error>;
  /** Stops; writes not stored within drainTimeoutMs (default 10 s) go to a spill file. Idempotent. */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}

export interface ServiceOptions {
  logger: Logger;
  /** This host's clock; ring deadlines follow the PBX's clock as AMI timestamps show it. */
  clock?: Clock;
}

export async function startService(config: Config, { logger, clock: localClock = systemClock }: ServiceOptions): Promise<RunningService> {
  const dbLog = logger.child({ component: 'db' });
  const database = new DatabaseOpener({
    kind: config.database.url ? 'postgres' : 'pglite',
    open: () => openDatabase({ url: config.database.url || undefined, dataDir: config.database.dataDir, logger: dbLog }),
    stores: (db) => ({ calls: new PrismaCallStore(db.prisma), discipline: new PrismaDisciplineStore(db.prisma) }),
    logger: dbLog,
    retry: { initialDelayMs: config.database.openRetryInitialMs, maxDelayMs: config.database.openRetryMaxMs },
  });
  const calls = deferred<CallStore>(() => database.stores().calls);
  const discipline = deferred<DisciplineStore>(() => database.stores().discipline);
  const facts = new EventBus<ServiceFacts>(logger.child({ component: 'facts' }));
  const writes = new WriteQueue({ logger: logger.child({ component: 'writes' }), retry: { initialDelayMs: 200, maxDelayMs: 10_000 }, facts });
  const callWrites = registerCallWrites(writes, calls);
  const sink = callSink(callWrites, registerDisciplineWrites(writes, discipline));
  const spillLog = logger.child({ component: 'spill' });
  const spill = new SpillStore(config.database.spillDir, spillLog, writes);

  const amiLog = logger.child({ component: 'ami' });
  // Endpoint roles come from the schedule file, loaded below (the port asks only once started).
  const pbx: PbxPort = new AsteriskPort({
    host: config.ami.host,
    port: config.ami.port,
    username: config.ami.username,
    secret: config.ami.secret,
    actionTimeoutMs: config.ami.actionTimeoutMs,
    reconnect: { initialDelayMs: config.ami.reconnectInitialMs, maxDelayMs: config.ami.reconnectMaxMs },
    timeTimeoutMs: config.rings.deadlineCheckTimeoutMs,
    roleOf: (endpoint) => roles.roleOf(endpoint),
    localClock,
    logger: amiLog,
  });
  const clock = pbx.clock;
  const callsLog = logger.child({ component: 'calls' });
  const unreached = new UnreachedCalls();
  const tracker = new CallTracker({
    rules: { officeId: DEFAULT_OFFICE_ID, rules: { threshold: config.rings.threshold, cadence: { onMs: config.rings.onMs, offMs: config.rings.offMs } } },
    sink,
    clock,
    pbx,
    logger: callsLog,
    decisionGraceMs: config.rings.decisionGraceMs,
    onLost: (callId) => pbx.forget(callId),
    onUnreached: (call, attempts) => unreached.add(call, describeAttempts(attempts)),
  });
  const scheduleLog = logger.child({ component: 'schedule' });
  const schedule = await loadSchedule(config, scheduleLog);
  const roles = endpointRoles(config.endpoints, schedule);
  for (const conflict of roles.conflicts) scheduleLog.warn(conflict, 'endpoint role differs between the config (endpoints) and the schedule file; the schedule wins');
  // A call up before this service was listening is not followed; when one of its channels hangs
  // up, the PBX is asked again which calls are live, so its stored row is closed once it is gone.
  pbx.on('unfollowedHangup', () => sweepSoon());
  pbx.on('call', (event) => tracker.handle(event));
  let stopping: Promise<void> | undefined;
  // Calls an earlier run left unfinished (src/calls/unfinished-calls.ts) are closed after each
  // listing of the PBX's live calls, one sweep at a time. When AMI connects before the database is open, or
  // before the writes spilled by the last run are stored (a call with a save still queued is
  // never closed, so those calls would be skipped), the sweep waits for both; the live set it was
  // given stays valid meanwhile, since a call gone from the PBX does not come back.
  let sweeps = Promise.resolve();
  const closeUnfinished = async (live: ReadonlySet<string>): Promise<void> => {
    await Promise.all([database.opened, spilled.landed]);
    if (stopping) return;
    try {
      const closed = await closeUnfinishedCalls({
        officeId: DEFAULT_OFFICE_ID,
        store: calls,
        sink,
        live,
        ownCallIds: () => [...tracker.callIds(), ...callWrites.pendingCallIds(DEFAULT_OFFICE_ID)],
        watch: () => tracker.watch(),
        now: () => clock.now(),
        stopping: () => stopping !== undefined,
      });
      if (closed.length > 0) callsLog.info({ closed: closed.length, calls: closed.map((c) => c.pbxCallId) }, 'closed calls an earlier run left unfinished (end not observed)');
    } catch (err) {
      callsLog.warn({ err }, 'could not close calls an earlier run left unfinished; the next AMI connection tries again');
    }
  };
  const reconcileAndSweep = () =>
    reconcile(pbx, tracker, amiLog).then((live) => {
      if (live) sweeps = sweeps.then(() => closeUnfinished(live));
    });
  let cadenceWarning: string | undefined;
  const checkCadence = async () => {
    try {
      cadenceWarning = ringToneMismatch(config.rings.toneZone, config.rings, await pbx.ringTone(config.rings.toneZone));
    } catch (err) {
      amiLog.warn({ err }, 'could not read the ringing tone from the PBX (indication show)');
      return;
    }
    if (cadenceWarning) amiLog.warn({ toneZone: config.rings.toneZone }, cadenceWarning);
  };
  pbx.on('connected', () => {
    void reconcileAndSweep();
    void checkCadence();
  });
  // Nothing can be known of the live calls while the PBX cannot be heard: they end where it was last heard.
  pbx.on('disconnected', (reason) => {
    const lost = tracker.pbxLost(`AMI connection to the PBX lost (${reason.message})`);
    if (lost.length > 0) callsLog.warn({ calls: lost, lastHeard: pbx.lastHeard()?.toISOString() }, 'AMI connection lost with calls live: they end as interrupted, no ring counted past the last PBX event');
  });
  let sweepTimer: NodeJS.Timeout | undefined;
  const sweepSoon = () => {
    if (sweepTimer || stopping) return;
    // A call's channels hang up together: one listing for all of them.
    sweepTimer = setTimeout(() => {
      sweepTimer = undefined;
      if (pbx.state === 'connected') void reconcileAndSweep();
    }, UNFOLLOWED_SWEEP_DELAY_MS);
    sweepTimer.unref();
  };

  // From November on: next year's holiday calendar not imported yet (/healthz warnings, and the log).
  const calendarWarnings = await startCalendarWarnings(config, localClock, scheduleLog, schedule?.timezone);
  let warnings: string[] = [];
  const httpLog: FastifyBaseLogger = logger.child({ component: 'http' });
  const http = Fastify({ ...serverOptions, loggerInstance: httpLog });
  http.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/healthz')) {
      warnings = [...(await calendarWarnings.current()), ...(cadenceWarning ? [cadenceWarning] : []), ...unreached.warnings(clock.now())];
    }
  });
  let url: string;
  try {
    await http.register(app, { calls: new CallService(calls), discipline: new DisciplineService(discipline), health: () => healthReport(pbx, writes, tracker, database.status(), unreached, warnings) });
    url = await http.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    calendarWarnings.stop();
    await http.close();
    throw err;
  }
  logger.info({ url }, 'HTTP API listening');

  void database.opened.then(() => writes.retryNow());
  database.start();
  // Before AMI starts: live snapshots of the same calls, being newer, must win over these.
  const spilled = await requeueSpilledWrites(spill, writes, spillLog);
  pbx.start();

  const stop = ({ drainTimeoutMs = 10_000 }: { drainTimeoutMs?: number } = {}) =>
    (stopping ??= (async () => {
      clearTimeout(sweepTimer);
      calendarWarnings.stop();
      await http.close();
      await pbx.stop();
      tracker.close();
      const closed = await writes.close({ drainTimeoutMs });
      if (!closed.drained) await spillUnwritten(spill, closed.unwritten, spillLog);
      await database.close();
    })());

  return { http, url, pbx, writes, facts, tracker, database, spilled, failed: database.failed, stop };
}

/** The schedule file names the endpoints the dialplan rings; the service runs without it (the PBX routes, not us). */
async function loadSchedule(config: Config, log: Logger): Promise<Schedule | undefined> {
  try {
    return await loadScheduleFile(config.schedule.file);
  } catch (err) {
    log.warn({ err, file: config.schedule.file }, 'cannot read the schedule file: endpoint roles come from the config alone, holiday warnings use Asia/Shanghai');
    return undefined;
  }
}

/**
 * The calls the PBX has live, for the sweep of calls an earlier run left unfinished; undefined
 * when it could not be asked. (Calls this process followed ended when the connection was lost.)
 */
async function reconcile(pbx: PbxPort, tracker: CallTracker, log: Logger): Promise<Set<string> | undefined> {
  // A call whose events arrive while the listing is on its way is live, listed or not
  // (it may have started after Asterisk took the list).
  const seenMeanwhile = tracker.watch();
  try {
    const live = await pbx.liveCalls();
    for (const callId of seenMeanwhile()) live.add(callId);
    return live;
  } catch (err) {
    seenMeanwhile();
    log.warn({ err }, 'could not reconcile live calls after connecting');
    return undefined;
  }
}

function healthReport(pbx: PbxPort, writes: WriteQueue, tracker: CallTracker, database: DatabaseStatus, unreached: UnreachedCalls, warnings: string[]): HealthReport {
  const w = writes.stats();
  const a = pbx.stats();
  const ok = a.state === 'connected' && database.state === 'open' && !w.failing;
  return {
    status: ok ? 'ok' : 'degraded',
    ami: {
      state: a.state,
      connectedSince: a.connectedSince?.toISOString() ?? null,
      lastError: a.lastError ?? null,
      eventsReceived: a.eventsReceived,
      reconnects: a.reconnects,
      protocolErrors: a.protocolErrors,
    },
    database: {
      kind: database.kind,
      state: database.state,
      openAttempts: database.attempts,
      openError: database.lastError,
      pendingWrites: w.pending,
      failing: w.failing,
      lastError: w.lastError ?? null,
    },
    calls: { active: tracker.activeCalls, reachedNobody: { count: unreached.count, last: unreached.last } },
    warnings,
  };
}

/**
 * Wires the parts into the running service: AMI → translator → tracker → write queue → database,
 * and the HTTP API over the same stores. Only composition here; behaviour lives in the parts.
 *
 * The database is opened in the background: the service starts, listens to AMI and queues its
 * writes while the database is down; the stores answer DatabaseUnavailableError until it is
 * open. Writes still unstored at shutdown go to a spill file, re-queued at the next start.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CallTracker } from '../calls/call-tracker.js';
import { DeferredCallStore } from '../calls/deferred-call-store.js';
import { PrismaCallStore } from '../calls/prisma-call-store.js';
import { closeUnfinishedCalls } from '../calls/unfinished-calls.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config/config-schema.js';
import { DeferredDisciplineStore } from '../discipline/deferred-discipline-store.js';
import { PrismaDisciplineStore } from '../discipline/prisma-discipline-store.js';
import { app } from './http-app.js';
import { serverOptions } from '../platform/http/server-options.js';
import type { HealthReport } from './health-routes.js';
import { AmiClient } from '../pbx/ami/ami-client.js';
import { AmiTranslator, pbxTimeOf } from '../pbx/asterisk/ami-translator.js';
import { PbxClock } from '../pbx/asterisk/pbx-clock.js';
import { askPbxTime, listLiveCalls, readRingTone, ringToneMismatch } from '../pbx/asterisk/pbx-queries.js';
import { DEFAULT_OFFICE_ID } from '../core/office.js';
import { describeAttempts } from '../core/call/call-rules.js';
import { UnreachedCalls } from '../calls/unreached-calls.js';
import type { Schedule } from '../core/schedule/schedule-model.js';
import { startCalendarWarnings } from '../schedule/calendar-warnings.js';
import { endpointRoles } from '../schedule/endpoint-roles.js';
import { loadScheduleFile } from '../schedule/schedule-file.js';
import { openDatabase } from '../platform/db/database.js';
import { DatabaseOpener, type DatabaseStatus } from '../platform/db/database-opener.js';
import { SpillStore } from '../platform/outbox/spill-store.js';
import { requeueSpilledWrites, spillUnwritten, type RequeuedSpills } from '../platform/outbox/spilled-writes.js';
import { WriteQueue } from '../platform/outbox/write-queue.js';

/** How long after a hang-up of a call it does not follow the service asks the PBX which calls are live. */
const UNFOLLOWED_SWEEP_DELAY_MS = 250;

export interface RunningService {
  http: FastifyInstance;
  /** Where the API listens, e.g. http://127.0.0.1:8080 */
  url: string;
  ami: AmiClient;
  writes: WriteQueue;
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
  const calls = new DeferredCallStore(() => database.stores().calls);
  const discipline = new DeferredDisciplineStore(() => database.stores().discipline);
  const writes = new WriteQueue({ calls, discipline, logger: logger.child({ component: 'writes' }), retry: { initialDelayMs: 200, maxDelayMs: 10_000 } });
  const spillLog = logger.child({ component: 'spill' });
  const spill = new SpillStore(config.database.spillDir, spillLog);

  const amiLog = logger.child({ component: 'ami' });
  const clock = new PbxClock(localClock, (offsetMs) =>
    amiLog[Math.abs(offsetMs) > 60_000 ? 'warn' : 'info']({ offsetMs }, "the PBX's clock differs from this host's: ring timing follows the PBX"),
  );
  const callsLog = logger.child({ component: 'calls' });
  const unreached = new UnreachedCalls();
  const tracker = new CallTracker({
    rules: { officeId: DEFAULT_OFFICE_ID, rules: { threshold: config.rings.threshold, cadence: { onMs: config.rings.onMs, offMs: config.rings.offMs } } },
    sink: writes,
    clock,
    pbx: { time: () => askPbxTime(ami, config.rings.deadlineCheckTimeoutMs), lastHeard: () => clock.lastHeard() },
    logger: callsLog,
    decisionGraceMs: config.rings.decisionGraceMs,
    onLost: (callId) => translator.forget(callId),
    onUnreached: (call, attempts) => unreached.add(call, describeAttempts(attempts)),
  });
  const scheduleLog = logger.child({ component: 'schedule' });
  const schedule = await loadSchedule(config, scheduleLog);
  const roles = endpointRoles(config.endpoints, schedule);
  for (const conflict of roles.conflicts) scheduleLog.warn(conflict, 'endpoint role differs between the config (endpoints) and the schedule file; the schedule wins');
  // A call up before this service was listening is not followed; when one of its channels hangs
  // up, the PBX is asked again which calls are live, so its stored row is closed once it is gone.
  const translator = new AmiTranslator(roles.roleOf, () => clock.now(), () => sweepSoon());

  const ami = new AmiClient({
    host: config.ami.host,
    port: config.ami.port,
    username: config.ami.username,
    secret: config.ami.secret,
    actionTimeoutMs: config.ami.actionTimeoutMs,
    reconnect: { initialDelayMs: config.ami.reconnectInitialMs, maxDelayMs: config.ami.reconnectMaxMs },
    logger: amiLog,
  });
  ami.on('event', (frame) => {
    const pbxTime = pbxTimeOf(frame);
    if (pbxTime) clock.observe(pbxTime);
    for (const event of translator.translate(frame)) tracker.handle(event);
  });
  let stopping: Promise<void> | undefined;
  // Calls an earlier run left unfinished (src/calls/unfinished-calls.ts) are closed after each
  // CoreShowChannels, one sweep at a time. When AMI connects before the database is open, or
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
        sink: writes,
        live,
        ownCallIds: () => [...tracker.callIds(), ...writes.pendingCallIds()],
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
    reconcile(ami, tracker, amiLog).then((live) => {
      if (live) sweeps = sweeps.then(() => closeUnfinished(live));
    });
  let cadenceWarning: string | undefined;
  const checkCadence = async () => {
    try {
      cadenceWarning = ringToneMismatch(config.rings.toneZone, config.rings, await readRingTone(ami, config.rings.toneZone));
    } catch (err) {
      amiLog.warn({ err }, 'could not read the ringing tone from the PBX (indication show)');
      return;
    }
    if (cadenceWarning) amiLog.warn({ toneZone: config.rings.toneZone }, cadenceWarning);
  };
  ami.on('connected', () => {
    void reconcileAndSweep();
    void checkCadence();
  });
  // Nothing can be known of the live calls while the PBX cannot be heard: they end where it was last heard.
  ami.on('disconnected', (reason) => {
    translator.forgetAll();
    const lost = tracker.pbxLost(`AMI connection to the PBX lost (${reason.message})`);
    if (lost.length > 0) callsLog.warn({ calls: lost, lastHeard: clock.lastHeard()?.toISOString() }, 'AMI connection lost with calls live: they end as interrupted, no ring counted past the last PBX event');
  });
  let sweepTimer: NodeJS.Timeout | undefined;
  const sweepSoon = () => {
    if (sweepTimer || stopping) return;
    // A call's channels hang up together: one listing for all of them.
    sweepTimer = setTimeout(() => {
      sweepTimer = undefined;
      if (ami.state === 'connected') void reconcileAndSweep();
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
    await http.register(app, { calls, discipline, health: () => healthReport(ami, writes, tracker, database.status(), unreached, warnings) });
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
  ami.start();

  const stop = ({ drainTimeoutMs = 10_000 }: { drainTimeoutMs?: number } = {}) =>
    (stopping ??= (async () => {
      clearTimeout(sweepTimer);
      calendarWarnings.stop();
      await http.close();
      await ami.stop();
      tracker.close();
      const closed = await writes.close({ drainTimeoutMs });
      if (!closed.drained) await spillUnwritten(spill, closed.unwritten, spillLog);
      await database.close();
    })());

  return { http, url, ami, writes, tracker, database, spilled, failed: database.failed, stop };
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
 * The Linkedids the PBX has live, for the sweep of calls an earlier run left unfinished; undefined
 * when it could not be asked. (Calls this process followed ended when the connection was lost.)
 */
async function reconcile(ami: AmiClient, tracker: CallTracker, log: Logger): Promise<Set<string> | undefined> {
  // A call whose events arrive while the listing is on its way is live, listed or not
  // (it may have started after Asterisk took the list).
  const seenMeanwhile = tracker.watch();
  try {
    const live = await listLiveCalls(ami);
    for (const callId of seenMeanwhile()) live.add(callId);
    return live;
  } catch (err) {
    seenMeanwhile();
    log.warn({ err }, 'could not reconcile live calls after connecting');
    return undefined;
  }
}

function healthReport(ami: AmiClient, writes: WriteQueue, tracker: CallTracker, database: DatabaseStatus, unreached: UnreachedCalls, warnings: string[]): HealthReport {
  const w = writes.stats();
  const a = ami.stats();
  const ok = ami.state === 'connected' && database.state === 'open' && !w.failing;
  return {
    status: ok ? 'ok' : 'degraded',
    ami: {
      state: ami.state,
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

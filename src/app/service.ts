/**
 * Composes the running service: one runtime per office (its PBX port → tracker, src/app/
 * office-runtime.ts) over one database, one write path (write queue → stores, facts published
 * after each write lands) and one HTTP API. Only composition here; behaviour lives in the parts.
 *
 * The database is opened in the background: the service starts, listens to the PBXs and queues
 * its writes while the database is down; the stores answer DatabaseUnavailableError until it is
 * open. Writes still unstored at shutdown go to a spill file, re-queued at the next start.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CallService } from '../calls/call-service.js';
import type { CallStore } from '../calls/call-store.js';
import type { CallTracker } from '../calls/call-tracker.js';
import { callSink, registerCallWrites, type CallFacts } from '../calls/call-writes.js';
import { PrismaCallStore } from '../calls/prisma-call-store.js';
import { createAccess, type Access } from '../access/access.js';
import { accessSettingsOf } from '../access/access-settings.js';
import { deferredAccessStores } from '../access/access-store.js';
import { prismaAccessStores } from '../access/prisma-access-store.js';
import { viewerResolver } from '../access/viewer.js';
import { LiveRoster } from '../roster/live-roster.js';
import { createPrismaRosterStores } from '../roster/prisma-roster-store.js';
import { RosterService } from '../roster/roster-service.js';
import { deferredRosterStores } from '../roster/roster-store.js';
import { fileCalendarOverrideStore, loadHolidayCalendar } from '../schedule/calendar-override-store.js';
import type { DutyLogStore } from '../duty-log/duty-log-store.js';
import { DutyLogService } from '../duty-log/duty-log-service.js';
import { PrismaDutyLogStore } from '../duty-log/prisma-duty-log-store.js';
import { DeadlineSweep } from '../duty-log/deadline-sweep.js';
import { HandoverReminders, type HandoverFacts } from '../handover/handover-reminders.js';
import { HandoverService } from '../handover/handover-service.js';
import type { HandoverStore } from '../handover/handover-store.js';
import { PrismaHandoverStore } from '../handover/prisma-handover-store.js';
import { PrismaWatchStore } from '../watch/prisma-watch-store.js';
import { WatchLog } from '../watch/watch-log.js';
import type { WatchStore } from '../watch/watch-store.js';
import { MissedCallReportService } from '../reports/missed-call-report-service.js';
import { MonthlyTallyService } from '../reports/monthly-tally-service.js';
import { subsidyPolicyOf } from '../reports/subsidy-policy.js';
import { DisciplineService } from '../discipline/discipline-service.js';
import type { DisciplineStore } from '../discipline/discipline-store.js';
import { registerDisciplineWrites, type DisciplineFacts } from '../discipline/discipline-writes.js';
import { PrismaDisciplineStore } from '../discipline/prisma-discipline-store.js';
import { AsteriskPort, oneShotCommands } from '../pbx/asterisk/asterisk-port.js';
import { openCelLog } from '../pbx/asterisk/open-cel-log.js';
import type { PbxPort } from '../pbx/pbx-port.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config/config-schema.js';
import { officesOf } from '../platform/config/offices.js';
import type { OfficeId } from '../core/office.js';
import type { PhoneRole } from '../core/phone-role.js';
import { openDatabase } from '../platform/db/database.js';
import { DatabaseOpener } from '../platform/db/database-opener.js';
import { deferred } from '../platform/db/deferred-store.js';
import { AlertHub } from '../alerts/alert-hub.js';
import { defaultConsoleDir } from './web-console.js';
import type { WebhookDeliveryStore } from '../alerts/webhooks/webhook-delivery.js';
import { WebhookDispatcher } from '../alerts/webhooks/webhook-dispatcher.js';
import { PrismaWebhookDeliveryStore } from '../alerts/webhooks/prisma-webhook-delivery-store.js';
import { EventBus } from '../platform/events/event-bus.js';
import { serverOptions } from '../platform/http/server-options.js';
import { SpillStore } from '../platform/outbox/spill-store.js';
import { requeueSpilledWrites, spillUnwritten, type RequeuedSpills } from '../platform/outbox/spilled-writes.js';
import { WriteQueue } from '../platform/outbox/write-queue.js';
import { startCalendarWarnings } from '../schedule/calendar-warnings.js';
import { readRoutingDialplan } from '../schedule/route-command.js';
import { ScheduleService } from '../schedule/schedule-service.js';
import { healthReport } from './health-report.js';
import { app } from './http-app.js';
import { createOfficeRuntime, type OfficeRuntime } from './office-runtime.js';
import type { OfficeHealth } from './health-routes.js';
import { WATCH_GAP_LABELS, type WatchGap } from '../core/watch/watch-gap.js';

export type ServiceFacts = CallFacts & DisciplineFacts & HandoverFacts;

export interface RunningService {
  http: FastifyInstance;
  /** Where the API listens, e.g. http://127.0.0.1:8080 */
  url: string;
  /** One runtime per office, in config order. */
  offices: readonly OfficeRuntime[];
  /** The first office's PBX port and call tracker (a single-office config's only ones). */
  pbx: PbxPort;
  tracker: CallTracker;
  writes: WriteQueue;
  /** Facts of the writes that landed, published once their row is committed. */
  facts: Pick<EventBus<ServiceFacts>, 'subscribe'>;
  /** State of the database; `opened` resolves once it is open. */
  database: Pick<DatabaseOpener<unknown>, 'status' | 'opened'>;
  /** Access control: its stores (users, sessions, tokens, the audit trail) and checks. */
  access: Access;
  roster: RosterService;
  /** The duty log's deadlines, checked every dutyLog.sweepIntervalMs; `sweep()` checks now. */
  deadlines: Pick<DeadlineSweep, 'sweep'>;
  /** Spill files of earlier shutdowns re-queued at start; `landed` once stored and deleted. */
  spilled: RequeuedSpills;
  /** Resolves with the error that keeps the service from working (a broken migration): stop then. */
  failed: Promise<Error>;
  /** Stops; writes not stored within drainTimeoutMs (default 10 s) go to a spill file. Idempotent. */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}

export interface ServiceOptions {
  logger: Logger;
  /** This host's clock; ring deadlines follow each PBX's clock as its event timestamps show it. */
  clock?: Clock;
}

export async function startService(config: Config, { logger, clock: localClock = systemClock }: ServiceOptions): Promise<RunningService> {
  const dbLog = logger.child({ component: 'db' });
  const database = new DatabaseOpener({
    kind: config.database.url ? 'postgres' : 'pglite',
    open: () => openDatabase({ url: config.database.url || undefined, dataDir: config.database.dataDir, logger: dbLog }),
    stores: (db) => ({
      calls: new PrismaCallStore(db.prisma),
      discipline: new PrismaDisciplineStore(db.prisma),
      access: prismaAccessStores(db.prisma),
      roster: createPrismaRosterStores(db.prisma),
      dutyLog: new PrismaDutyLogStore(db.prisma),
      handovers: new PrismaHandoverStore(db.prisma),
      watch: new PrismaWatchStore(db.prisma),
      webhooks: new PrismaWebhookDeliveryStore(db.prisma),
    }),
    logger: dbLog,
    retry: { initialDelayMs: config.database.openRetryInitialMs, maxDelayMs: config.database.openRetryMaxMs },
  });
  const calls = deferred<CallStore>(() => database.stores().calls);
  const discipline = deferred<DisciplineStore>(() => database.stores().discipline);
  const dutyLogStore = deferred<DutyLogStore>(() => database.stores().dutyLog);
  const handoverStore = deferred<HandoverStore>(() => database.stores().handovers);
  const watchStore = deferred<WatchStore>(() => database.stores().watch);
  const webhookStore = deferred<WebhookDeliveryStore>(() => database.stores().webhooks);
  const rosterStores = deferredRosterStores(() => database.stores().roster);
  const access = createAccess({ stores: deferredAccessStores(() => database.stores().access), clock: localClock, settings: accessSettingsOf(config.access) });
  const facts = new EventBus<ServiceFacts>(logger.child({ component: 'facts' }));
  const writes = new WriteQueue({ logger: logger.child({ component: 'writes' }), retry: { initialDelayMs: 200, maxDelayMs: 10_000 }, facts });
  // A live absence is a missed-call alert: to the open views (server-sent events) and the webhooks.
  const alerts = new AlertHub(() => localClock.now());
  const webhooks = new WebhookDispatcher(
    {
      webhooks: config.alerts.webhooks,
      timeoutMs: config.alerts.webhookTimeoutMs,
      maxAttempts: config.alerts.webhookMaxAttempts,
      retry: { initialDelayMs: config.alerts.webhookRetryInitialMs, maxDelayMs: config.alerts.webhookRetryMaxMs },
      pollMs: config.alerts.webhookPollMs,
    },
    webhookStore,
    logger.child({ component: 'webhooks' }),
    () => localClock.now(),
  );
  facts.subscribe('record.raised', ({ record }) => {
    const alert = alerts.raised(record);
    if (alert) webhooks.alert(alert);
  });
  for (const fact of ['call.logged', 'call.updated', 'call.ended'] as const) {
    facts.subscribe(fact, ({ call }) => alerts.callChanged({ id: call.id, officeId: call.officeId, offeredAt: call.offeredAt }));
  }
  const callWrites = registerCallWrites(writes, calls);
  const sink = callSink(callWrites, registerDisciplineWrites(writes, discipline));
  const spillLog = logger.child({ component: 'spill' });
  const spill = new SpillStore(config.database.spillDir, spillLog, writes);
  let spilledLanded!: () => void;
  const spilledReady = new Promise<void>((resolve) => (spilledLanded = resolve));

  // The published roster of each office in memory: attribution at the N-th ring reads it, never the database.
  const liveRosters = new Map<string, LiveRoster>();
  const roster = new RosterService(rosterStores, (officeId) => void liveRosters.get(officeId)?.refresh());

  const officeConfigs = officesOf(config);
  const offices: OfficeRuntime[] = [];
  for (const office of officeConfigs) {
    offices.push(
      await createOfficeRuntime({
        office,
        rings: config.rings,
        dutyAt: (desk, at) => liveRosters.get(office.id)?.dutyAt(desk, at) ?? null,
        connect: (roleOf) =>
          new AsteriskPort({
            host: office.ami.host,
            port: office.ami.port,
            username: office.ami.username,
            secret: office.ami.secret,
            actionTimeoutMs: office.ami.actionTimeoutMs,
            reconnect: { initialDelayMs: office.ami.reconnectInitialMs, maxDelayMs: office.ami.reconnectMaxMs },
            timeTimeoutMs: config.rings.deadlineCheckTimeoutMs,
            roleOf,
            localClock,
            logger: logger.child({ office: office.id, component: 'ami' }),
          }),
        calls,
        records: discipline,
        sink,
        ...(office.cel && {
          callLog: (roleOf: (endpoint: string) => PhoneRole) =>
            openCelLog(office.cel!, roleOf, (err) => logger.warn({ err, office: office.id }, "the connection to the PBX's event log table was lost; the next read opens another")),
        }),
        logPositions: watchStore,
        rebuildIntervalMs: config.cel.rebuildIntervalMs,
        pendingCallIds: (officeId) => callWrites.pendingCallIds(officeId),
        storedCallsReady: Promise.all([database.opened, spilledReady]),
        logger,
      }),
    );
  }

  // What each office's PBX was not watched for: from here on (the database's writes wait for it to open).
  const watchLogs = offices.map((office) => {
    const watch = new WatchLog(office.id, watchStore, localClock, logger.child({ office: office.id, component: 'watch' }));
    office.pbx.on('connected', () => watch.connected());
    office.pbx.on('disconnected', () => watch.disconnected());
    return watch;
  });

  for (const office of offices) {
    // Around the PBX's time (ring deadlines are PBX times), reloaded when the PBX connects and its clock is known.
    const live = new LiveRoster(office.id, rosterStores, office.pbx.clock, logger.child({ office: office.id, component: 'roster' }));
    liveRosters.set(office.id, live);
    office.pbx.on('connected', () => {
      if (database.status().state === 'open') void live.refresh();
    });
  }

  // From November on: next year's holiday calendar not imported yet (/healthz warnings, and the log).
  const calendarWarnings = await startCalendarWarnings(config, localClock, logger.child({ component: 'schedule' }), offices[0]?.schedule?.timezone);
  const httpLog: FastifyBaseLogger = logger.child({ component: 'http' });
  const http = Fastify({ ...serverOptions, loggerInstance: httpLog, trustProxy: config.http.trustProxy });
  let calendar: string[] = [];
  http.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/healthz')) calendar = await calendarWarnings.current();
  });
  let url: string;
  const officeSchedule = officeScheduleOf(offices, config);
  // The office's time zone: its schedule's.
  const timezoneOf = (officeId: OfficeId) => offices.find((o) => o.id === officeId)?.schedule?.timezone ?? 'Asia/Shanghai';
  try {
    const callService = new CallService(calls, access.audit);
    const watchGaps = (officeId: OfficeId, from: Date, to: Date) => watchStore.listGaps(officeId, from, to);
    await http.register(app, {
      calls: callService,
      dutyLog: new DutyLogService(dutyLogStore, callService, access.audit, localClock),
      watchGaps,
      handovers: new HandoverService({ store: handoverStore, roster, calls, dutyLog: dutyLogStore, audit: access.audit, clock: localClock, policy: config.handover }),
      tally: new MonthlyTallyService({
        roster: rosterStores,
        calls,
        discipline,
        audit: access.audit,
        policy: subsidyPolicyOf(config.subsidy),
        timezoneOf,
      }),
      missedCalls: new MissedCallReportService({ roster: rosterStores, calls, watchGaps, audit: access.audit, timezoneOf, clock: localClock }),
      discipline: new DisciplineService(discipline, access.audit, localClock, (officeId, shiftId) => roster.attributionOfShift(officeId, shiftId)),
      roster: { roster, clock: localClock, officeSchedule },
      schedule: new ScheduleService({ officeSchedule, routingDialplan: () => readRoutingDialplan(config), clock: localClock }),
      dialplan: {
        config,
        clock: localClock,
        officeOf: (officeId) => {
          const office = officeConfigs.find((o) => o.id === officeId);
          return office ? { scheduleFile: office.scheduleFile, pbx: oneShotCommands(office.ami) } : null;
        },
      },
      alerts,
      webhookDeliveries: webhookStore,
      consoleDir: defaultConsoleDir(),
      access,
      viewerOf: viewerResolver((officeId, officerId) => roster.shiftsOf(officeId, officerId, localClock.now())),
      health: () => healthReport({ offices: offices.map((o, i) => ({ ...o.health(), notWatching: watchLogs[i]!.recent().map(notWatchingJson) })), database: database.status(), writes: writes.stats(), warnings: calendar }),
    });
    url = await http.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    calendarWarnings.stop();
    await http.close();
    throw err;
  }
  logger.info({ url, offices: offices.map((o) => o.id) }, 'HTTP API listening');

  let stopped = false;
  const deadlines = new DeadlineSweep({
    offices: offices.map((o) => ({
      id: o.id,
      now: () => o.pbx.clock.now(),
      timezone: timezoneOf(o.id),
      onDutyAt: (desk, at) => liveRosters.get(o.id)!.onDutyAt(desk, at),
    })),
    calls,
    dutyLog: dutyLogStore,
    discipline,
    policy: { completionGraceMs: config.dutyLog.completionGraceMs, incompleteType: config.dutyLog.incompleteRecordType, oralReportMs: config.dutyLog.oralReportMs, writtenReportMs: config.dutyLog.writtenReportMs },
    logger: logger.child({ component: 'duty-log' }),
  });
  const reminders = new HandoverReminders(
    offices.map((o) => ({ id: o.id, now: () => o.pbx.clock.now(), shiftsEnding: (from, to) => liveRosters.get(o.id)!.shiftsEnding(from, to) })),
    config.handover.reminderLeadMs,
    (fact) => facts.publish(fact),
    logger.child({ component: 'handover' }),
  );
  void database.opened.then(async () => {
    writes.retryNow();
    for (const watch of watchLogs) if (!stopped) void watch.start(config.watch.heartbeatMs);
    await Promise.all([...liveRosters.values()].map((live) => live.start()));
    // Calls the last run (or its spill files) left unstored are stored before their deadlines are judged.
    await spilledReady;
    if (!stopped) deadlines.start(config.dutyLog.sweepIntervalMs);
    if (!stopped) reminders.start(config.handover.checkIntervalMs);
    if (!stopped) webhooks.start();
  });
  database.start();
  // Before the PBXs are heard: live snapshots of the same calls, being newer, must win over these.
  const spilled = await requeueSpilledWrites(spill, writes, spillLog);
  void spilled.landed.then(spilledLanded);
  for (const office of offices) office.start();

  let stopping: Promise<void> | undefined;
  const stop = ({ drainTimeoutMs = 10_000 }: { drainTimeoutMs?: number } = {}) =>
    (stopping ??= (async () => {
      stopped = true;
      calendarWarnings.stop();
      deadlines.stop();
      reminders.stop();
      for (const live of liveRosters.values()) live.stop();
      await http.close();
      await Promise.all(watchLogs.map((w) => w.stop()));
      await Promise.all(offices.map((o) => o.stop()));
      const closed = await writes.close({ drainTimeoutMs });
      if (!closed.drained) await spillUnwritten(spill, closed.unwritten, spillLog);
      await webhooks.stop();
      await database.close();
    })());

  const first = offices[0]!;
  return { http, url, offices, pbx: first.pbx, tracker: first.tracker, writes, facts, database, access, roster, deadlines, spilled, failed: database.failed, stop };
}

/** An office's schedule (read at start) and the holiday calendar as it stands now (imports included). */
function officeScheduleOf(offices: readonly OfficeRuntime[], config: Config) {
  return async (officeId: string) => {
    const schedule = offices.find((o) => o.id === officeId)?.schedule;
    if (!schedule) return null;
    return { schedule, calendar: await loadHolidayCalendar(fileCalendarOverrideStore(config.schedule.calendarOverrides)) };
  };
}

/** A period not watched as /healthz shows it. */
function notWatchingJson(gap: WatchGap): OfficeHealth['notWatching'][number] {
  return { from: gap.from.toISOString(), to: gap.to?.toISOString() ?? null, reason: gap.reason, label: WATCH_GAP_LABELS[gap.reason] };
}

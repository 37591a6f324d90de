/**
 * One office's live side: its PBX port, its call tracker, and the sweeps that keep its stored
 * calls true to what its PBX has. The service composes one per office over the shared database,
 * write path and HTTP API; nothing here knows how the PBX is spoken to (src/pbx/).
 */
import type { Logger } from 'pino';
import { CallTracker, type CallSink } from '../calls/call-tracker.js';
import type { CallStore } from '../calls/call-store.js';
import { closeUnfinishedCalls } from '../calls/unfinished-calls.js';
import { UnreachedCalls } from '../calls/unreached-calls.js';
import { describeAttempts, type RulesContext } from '../core/call/call-rules.js';
import { CallRebuild } from '../calls/call-rebuild.js';
import type { OwnCalls } from '../calls/own-calls.js';
import type { DutyAttribution } from '../core/discipline/discipline-model.js';
import type { PhoneRole } from '../core/phone-role.js';
import type { OfficeId } from '../core/office.js';
import type { Schedule } from '../core/schedule/schedule-model.js';
import type { PbxCallLog, PbxPort } from '../pbx/pbx-port.js';
import type { DisciplineStore } from '../discipline/discipline-store.js';
import type { WatchStore } from '../watch/watch-store.js';
import type { Config } from '../platform/config/config-schema.js';
import type { OfficeConfig } from '../platform/config/offices.js';
import { endpointRoles } from '../schedule/endpoint-roles.js';
import { loadScheduleFile } from '../schedule/schedule-file.js';
import { ringToneMismatch } from '../calls/ring-tone-check.js';
import type { OfficeHealth } from './health-routes.js';

/** How long after a hang-up of a call it does not follow the office asks its PBX which calls are live. */
const UNFOLLOWED_SWEEP_DELAY_MS = 250;

export interface OfficeRuntimeOptions {
  office: OfficeConfig;
  rings: Config['rings'];
  /** Who the approved roster holds accountable for a desk at a moment (attribution); null: not known. */
  dutyAt?: (desk: string | null, at: Date) => DutyAttribution | null;
  /** Makes the office's PBX port; the roles say what each endpoint is for. */
  connect: (roleOf: (endpoint: string) => PhoneRole) => PbxPort;
  calls: Pick<CallStore, 'listOpen' | 'outcomesOf' | 'saveMany'>;
  /** Where rebuilt calls' records go. */
  records: Pick<DisciplineStore, 'recordMany'>;
  sink: CallSink;
  /** The office's PBX event log (CEL), if it has one: calls the service did not watch are rebuilt from it. */
  callLog?: (roleOf: (endpoint: string) => PhoneRole) => PbxCallLog;
  /** Where the rebuild keeps how far it read the log. */
  logPositions: Pick<WatchStore, 'logPosition' | 'setLogPosition'>;
  /** Besides after every PBX connection, how often the log is read. */
  rebuildIntervalMs: number;
  /** The office's calls with a save still queued (the write path knows them better than the database). */
  pendingCallIds: (officeId: OfficeId) => Iterable<string>;
  /** Resolves once stored calls can be read as they are (database open, spilled writes landed). */
  storedCallsReady: Promise<unknown>;
  logger: Logger;
}

export interface OfficeRuntime {
  readonly id: OfficeId;
  readonly name: string;
  readonly pbx: PbxPort;
  readonly tracker: CallTracker;
  /** The office's schedule file, if it could be read (the service runs without it: the PBX routes). */
  readonly schedule: Schedule | undefined;
  /** Rebuilds from the PBX's event log the calls not watched (none without a log). */
  readonly rebuild: CallRebuild | undefined;
  start(): void;
  stop(): Promise<void>;
  /** Its health, but for the watch log's periods (the service adds them). */
  health(): Omit<OfficeHealth, 'notWatching'>;
}

export async function createOfficeRuntime(options: OfficeRuntimeOptions): Promise<OfficeRuntime> {
  const { office, rings } = options;
  const log = options.logger.child({ office: office.id });
  const callsLog = log.child({ component: 'calls' });
  const pbxLog = log.child({ component: 'pbx' });
  const scheduleLog = log.child({ component: 'schedule' });

  const schedule = await loadSchedule(office.scheduleFile, scheduleLog);
  const roles = endpointRoles(office.endpoints, schedule);
  for (const conflict of roles.conflicts) scheduleLog.warn(conflict, 'endpoint role differs between the config (endpoints) and the schedule file; the schedule wins');
  const pbx = options.connect(roles.roleOf);

  const unreached = new UnreachedCalls();
  const rules: RulesContext = { officeId: office.id, rules: { threshold: rings.threshold, cadence: { onMs: rings.onMs, offMs: rings.offMs } }, ...(options.dutyAt && { dutyAt: options.dutyAt }) };
  const tracker = new CallTracker({
    rules,
    sink: options.sink,
    clock: pbx.clock,
    pbx,
    logger: callsLog,
    decisionGraceMs: rings.decisionGraceMs,
    onLost: (callId) => pbx.forget(callId),
    onUnreached: (call, attempts) => unreached.add(call, describeAttempts(attempts)),
  });
  pbx.on('call', (event) => tracker.handle(event));

  let stopping = false;
  // Calls an earlier run left unfinished (src/calls/unfinished-calls.ts) are closed after each
  // listing of live calls, one sweep at a time. When the PBX answers before the database is open,
  // or before the writes spilled by the last run are stored (a call with a save still queued is
  // never closed, so those calls would be skipped), the sweep waits for both; the live set it was
  // given stays valid meanwhile, since a call gone from the PBX does not come back.
  let sweeps = Promise.resolve();
  // The calls this process knows better than the database (src/calls/own-calls.ts): the sweep and the rebuild leave them.
  const ownCalls: OwnCalls = { ownCallIds: () => [...tracker.callIds(), ...options.pendingCallIds(office.id)], watch: () => tracker.watch() };
  const closeUnfinished = async (live: ReadonlySet<string>): Promise<void> => {
    await options.storedCallsReady;
    if (stopping) return;
    try {
      const closed = await closeUnfinishedCalls({
        officeId: office.id,
        store: options.calls,
        sink: options.sink,
        live,
        ...ownCalls,
        now: () => pbx.clock.now(),
        stopping: () => stopping,
      });
      if (closed.length > 0) callsLog.info({ closed: closed.length, calls: closed.map((c) => c.pbxCallId) }, 'closed calls an earlier run left unfinished (end not observed)');
    } catch (err) {
      callsLog.warn({ err }, 'could not close calls an earlier run left unfinished; the next PBX connection tries again');
    }
  };
  const callLog = options.callLog?.(roles.roleOf);
  const rebuild =
    callLog &&
    new CallRebuild({
      officeId: office.id,
      log: callLog,
      positions: options.logPositions,
      calls: options.calls,
      records: options.records,
      rules,
      ...ownCalls,
      now: () => pbx.clock.now(),
      logger: callsLog.child({ component: 'rebuild' }),
    });
  const rebuildNow = async (): Promise<void> => {
    if (!rebuild) return;
    await options.storedCallsReady;
    if (stopping) return;
    try {
      const report = await rebuild.run();
      if (report.rebuilt > 0) callsLog.info(report, "calls rebuilt from the PBX's event log");
    } catch (err) {
      callsLog.warn({ err }, "could not rebuild calls from the PBX's event log; the next run tries again");
    }
  };
  const rebuildTimer = rebuild ? setInterval(() => void rebuildNow(), options.rebuildIntervalMs) : undefined;
  rebuildTimer?.unref();
  const reconcileAndSweep = () =>
    liveCallsNow(pbx, tracker, pbxLog).then((live) => {
      if (live) sweeps = sweeps.then(() => closeUnfinished(live));
      sweeps = sweeps.then(rebuildNow);
    });

  let cadenceWarning: string | undefined;
  const checkCadence = async () => {
    try {
      cadenceWarning = ringToneMismatch(rings.toneZone, rings, await pbx.ringTone(rings.toneZone));
    } catch (err) {
      pbxLog.warn({ err }, "could not read the PBX's ringing tone");
      return;
    }
    if (cadenceWarning) pbxLog.warn({ toneZone: rings.toneZone }, cadenceWarning);
  };
  pbx.on('connected', () => {
    void reconcileAndSweep();
    void checkCadence();
  });
  // Nothing can be known of the live calls while the PBX cannot be heard: they end where it was last heard.
  pbx.on('disconnected', (reason) => {
    const lost = tracker.pbxLost(`AMI connection to the PBX lost (${reason.message})`);
    if (lost.length > 0) callsLog.warn({ calls: lost, lastHeard: pbx.lastHeard()?.toISOString() }, 'PBX connection lost with calls live: they end as interrupted, no ring counted past the last PBX event');
  });
  // A call up before this office was listened to is not followed; when one of its channels hangs
  // up, the PBX is asked again which calls are live, so its stored row is closed once it is gone.
  let sweepTimer: NodeJS.Timeout | undefined;
  pbx.on('unfollowedHangup', () => {
    if (sweepTimer || stopping) return;
    // A call's channels hang up together: one listing for all of them.
    sweepTimer = setTimeout(() => {
      sweepTimer = undefined;
      if (pbx.state === 'connected') void reconcileAndSweep();
    }, UNFOLLOWED_SWEEP_DELAY_MS);
    sweepTimer.unref();
  });

  return {
    id: office.id,
    name: office.name,
    pbx,
    tracker,
    schedule,
    rebuild,
    start: () => {
      pbx.start();
      // The log is Asterisk's own: calls missed while the service was down are rebuilt even while the PBX cannot be heard.
      void rebuildNow();
    },
    async stop() {
      stopping = true;
      clearTimeout(sweepTimer);
      clearInterval(rebuildTimer);
      await pbx.stop();
      await callLog?.close?.();
      tracker.close();
    },
    health() {
      const s = pbx.stats();
      return {
        id: office.id,
        name: office.name,
        status: s.state === 'connected' ? 'ok' : 'degraded',
        ami: {
          state: s.state,
          connectedSince: s.connectedSince?.toISOString() ?? null,
          lastError: s.lastError ?? null,
          eventsReceived: s.eventsReceived,
          reconnects: s.reconnects,
          protocolErrors: s.protocolErrors,
        },
        calls: { active: tracker.activeCalls, reachedNobody: { count: unreached.count, last: unreached.last } },
        warnings: [...(cadenceWarning ? [cadenceWarning] : []), ...unreached.warnings(pbx.clock.now())],
      };
    },
  };
}

/** The schedule file names the endpoints the dialplan rings; the office runs without it (the PBX routes, not us). */
async function loadSchedule(file: string, log: Logger): Promise<Schedule | undefined> {
  try {
    return await loadScheduleFile(file);
  } catch (err) {
    log.warn({ err, file }, 'cannot read the schedule file: endpoint roles come from the config alone, holiday warnings use Asia/Shanghai');
    return undefined;
  }
}

/**
 * The ids of the calls the PBX has live, for the sweep of calls an earlier run left unfinished;
 * undefined when it could not be asked. (Calls this process followed ended when the connection was lost.)
 */
async function liveCallsNow(pbx: PbxPort, tracker: CallTracker, log: Logger): Promise<Set<string> | undefined> {
  // A call whose events arrive while the listing is on its way is live, listed or not
  // (it may have started after the PBX took the list).
  const seenMeanwhile = tracker.watch();
  try {
    const live = await pbx.liveCalls();
    for (const callId of seenMeanwhile()) live.add(callId);
    return live;
  } catch (err) {
    seenMeanwhile();
    log.warn({ err }, 'could not list the live calls after connecting');
    return undefined;
  }
}

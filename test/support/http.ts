/**
 * The API plugin (src/app/http-app.ts) over given call and discipline stores, composed as
 * src/app/service.ts composes it, access control included, on a bare Fastify for inject(). Its
 * users live in in-memory access stores, its roster in in-memory roster stores: one user per
 * role, each with an API token. A request goes as the supervisor unless it carries its own
 * `authorization` or `cookie` header (`as('auditor')`, NO_CREDENTIALS, a session cookie).
 */
import { AlertHub } from '../../src/alerts/alert-hub.js';
import { MemoryWebhookDeliveryStore } from '../../src/alerts/webhooks/memory-webhook-delivery-store.js';
import type { WebhookDeliveryStore } from '../../src/alerts/webhooks/webhook-delivery.js';
import Fastify, { type FastifyInstance, type InjectOptions, type RouteOptions } from 'fastify';
import { createAccess, type Access } from '../../src/access/access.js';
import type { AccessStores, UserRecord } from '../../src/access/access-store.js';
import { memoryAccessStores } from '../../src/access/memory-access-store.js';
import { viewerResolver } from '../../src/access/viewer.js';
import { app } from '../../src/app/http-app.js';
import type { HealthReport } from '../../src/app/health-routes.js';
import type { CallRecord } from '../../src/calls/call-record.js';
import { CallService } from '../../src/calls/call-service.js';
import type { CallStore } from '../../src/calls/call-store.js';
import type { Role } from '../../src/core/access/roles.js';
import type { Schedule } from '../../src/core/schedule/schedule-model.js';
import type { DialplanStateDeps } from '../../src/dialplan/dialplan-state.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import type { HolidayCalendar } from '../../src/schedule/holiday-calendar.js';
import type { RoutingDialplan } from '../../src/schedule/route-command.js';
import { ScheduleService } from '../../src/schedule/schedule-service.js';
import type { DisciplineRecord, DisciplineRecordWithHistory, RecordHistoryEntry } from '../../src/discipline/discipline-record.js';
import { MonthlyTallyService } from '../../src/reports/monthly-tally-service.js';
import { MissedCallReportService, type WatchGaps } from '../../src/reports/missed-call-report-service.js';
import { DEFAULT_SUBSIDY_POLICY, type SubsidyPolicy } from '../../src/core/tally/subsidy-rules.js';
import { DutyLogService } from '../../src/duty-log/duty-log-service.js';
import type { DutyLogStore } from '../../src/duty-log/duty-log-store.js';
import { MemoryDutyLogStore } from '../../src/duty-log/memory-duty-log-store.js';
import { DisciplineService } from '../../src/discipline/discipline-service.js';
import type { HandoverPolicy } from '../../src/core/handover/handover.js';
import { HandoverService } from '../../src/handover/handover-service.js';
import type { HandoverStore } from '../../src/handover/handover-store.js';
import { MemoryHandoverStore } from '../../src/handover/memory-handover-store.js';
import { MemoryWatchStore } from '../../src/watch/memory-watch-store.js';
import type { WatchStore } from '../../src/watch/watch-store.js';
import type { DisciplineStore } from '../../src/discipline/discipline-store.js';
import { systemClock, type Clock } from '../../src/platform/clock.js';
import { serverOptions } from '../../src/platform/http/server-options.js';
import { createMemoryRosterStores } from '../../src/roster/memory-roster-store.js';
import { RosterService } from '../../src/roster/roster-service.js';
import type { RosterStores, ShiftRecord } from '../../src/roster/roster-store.js';
import type { DutyAttribution } from '../../src/core/discipline/discipline-model.js';
import { addUser, issueToken, testHasher } from './access-api.js';

/** A record as the API sends it: dates become ISO strings. */
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type CallJson = Json<CallRecord> & { rebuilt: boolean };
export type RecordJson = Omit<Json<DisciplineRecord>, 'duty'> & { duty: DutyJson | null };
export interface DutyJson {
  noOneRostered: boolean;
  shiftId: string | null;
  shift: string | null;
  officerIds: string[];
  officers: string[];
  leaderId: string | null;
  leader: string | null;
}
/** A record with its history, as GET /discipline-records/:id and the review routes send it. */
export type RecordWithHistoryJson = Omit<Json<DisciplineRecordWithHistory>, 'history' | 'duty'> & { duty: DutyJson | null; pbxCallId: string | null; history: Array<Json<RecordHistoryEntry>> };

const connected = { state: 'connected', connectedSince: '2026-11-23T00:00:00.000Z', lastError: null, eventsReceived: 0, reconnects: 0, protocolErrors: 0 };
export const healthyReport: HealthReport = {
  status: 'ok',
  ami: connected,
  database: { kind: 'memory', state: 'open', openAttempts: 1, openError: null, pendingWrites: 0, failing: false, lastError: null },
  calls: { active: 0, reachedNobody: { count: 0, last: null } },
  warnings: [],
  offices: [{ id: 'default', name: '', status: 'ok', ami: connected, calls: { active: 0, reachedNobody: { count: 0, last: null } }, warnings: [], notWatching: [] }],
};

/** An `authorization` header no credential matches: the request is anonymous (401). */
export const NO_CREDENTIALS = { authorization: '' } as const;

export interface ApiStores {
  calls: CallStore;
  discipline: DisciplineStore;
  health?: () => HealthReport;
  /** The clock the services stamp changes with (a record's review, the roster); the system's by default. */
  clock?: Pick<Clock, 'now'>;
  /** Default: fresh in-memory stores. */
  access?: AccessStores;
  dutyLog?: DutyLogStore;
  handovers?: HandoverStore;
  /** Default: an empty in-memory watch log. */
  watch?: WatchStore;
  /** Default: the config's (reminder an hour before, 30 min to acknowledge). */
  handoverPolicy?: HandoverPolicy;
  /** The monthly tally's subsidy policy (default: the placeholder one). */
  subsidy?: SubsidyPolicy;
  roster?: RosterStores;
  /** The default office's schedule and calendar for roster imports (default: none, the import is a 409). */
  officeSchedule?: { schedule: Schedule; calendar: HolidayCalendar };
  /** The generated dialplan /schedule/coverage reads (default: none). */
  routingDialplan?: () => Promise<RoutingDialplan>;
  /** What GET /dialplan compares (default: no office configured, a 409). */
  dialplan?: DialplanStateDeps;
  /** The not-watching periods the missed-call report sees (default: those of `watch`). */
  missedCalls?: { watchGaps: WatchGaps };
  /** Live alerts (default: a hub of its own, `api.alerts`) and the webhook delivery log (default: in memory). */
  alerts?: AlertHub;
  webhookDeliveries?: WebhookDeliveryStore;
  /** The built web console to serve at /console/ (default: none). */
  consoleDir?: string | null;
}

export interface TestApiExtras {
  access: Access;
  alerts: AlertHub;
  roster: RosterService;
  rosterStores: RosterStores;
  /** The user of each role the API was built with (all of office "default"); the duty officer is the roster's officer `officerId`. */
  users: Record<Role, UserRecord>;
  /** The roster officer the duty-officer user is (李四). */
  officerId: string;
  /** Every route the API registered, "METHOD /url" → declared permission (HEAD routes left out). */
  declared: Record<string, unknown>;
  /** Headers acting as that role's user. */
  as(role: Role): { authorization: string };
  /** Headers acting as a user added now (e.g. another office's supervisor, another officer). */
  asNew(name: string, role: Role, extra?: { officeId?: string; officerId?: string }): Promise<{ authorization: string }>;
}
export type TestApi = FastifyInstance & TestApiExtras;

const ROLE_NAMES: Record<Role, string> = { supervisor: 'test-supervisor', 'duty-officer': 'test-officer', ops: 'test-ops', auditor: 'test-auditor' };

export async function buildApi(deps: ApiStores): Promise<TestApi> {
  const clock = deps.clock ?? { now: () => new Date() };
  const accessStores = deps.access ?? memoryAccessStores();
  const rosterStores = deps.roster ?? createMemoryRosterStores();
  const access = createAccess({ stores: accessStores, clock: { now: () => clock.now(), schedule: systemClock.schedule }, hasher: testHasher });
  const roster = new RosterService(rosterStores);
  const officer = await rosterStores.officers.create({ officeId: 'default', name: '李四', phone: null, section: '综合科' }, { by: 'test', at: new Date('2026-01-01T00:00:00Z') });
  const users = {} as Record<Role, UserRecord>;
  const headers = {} as Record<Role, { authorization: string }>;
  for (const role of Object.keys(ROLE_NAMES) as Role[]) {
    users[role] = await addUser(accessStores, ROLE_NAMES[role], role, role === 'duty-officer' ? { officerId: officer.id } : {});
    headers[role] = await issueToken(accessStores, users[role]);
  }

  const fastify = Fastify({ ...serverOptions, logger: false });
  // Read once all hooks have run (the docs' own onRoute hook declares its routes public after this one sees them).
  const routes: RouteOptions[] = [];
  fastify.addHook('onRoute', (route) => void routes.push(route));
  const calls = new CallService(deps.calls, access.audit);
  const dutyLog = deps.dutyLog ?? new MemoryDutyLogStore();
  const watch = deps.watch ?? new MemoryWatchStore();
  const watchGaps: WatchGaps = deps.missedCalls?.watchGaps ?? ((officeId, from, to) => watch.listGaps(officeId, from, to));
  const alerts = deps.alerts ?? new AlertHub(() => clock.now());
  const officeSchedule = async (officeId: string) => (officeId === 'default' ? (deps.officeSchedule ?? null) : null);
  await fastify.register(app, {
    alerts,
    webhookDeliveries: deps.webhookDeliveries ?? new MemoryWebhookDeliveryStore(),
    consoleDir: deps.consoleDir ?? null,
    calls,
    dutyLog: new DutyLogService(dutyLog, calls, access.audit, clock),
    watchGaps,
    handovers: new HandoverService({
      store: deps.handovers ?? new MemoryHandoverStore(),
      roster,
      calls: deps.calls,
      dutyLog,
      audit: access.audit,
      clock,
      policy: deps.handoverPolicy ?? { reminderLeadMs: 3600_000, acknowledgeGraceMs: 1_800_000 },
    }),
    tally: new MonthlyTallyService({ roster: rosterStores, calls: deps.calls, discipline: deps.discipline, audit: access.audit, policy: deps.subsidy ?? DEFAULT_SUBSIDY_POLICY, timezoneOf: () => 'Asia/Shanghai' }),
    missedCalls: new MissedCallReportService({ roster: rosterStores, calls: deps.calls, watchGaps, audit: access.audit, timezoneOf: () => 'Asia/Shanghai', clock }),
    discipline: new DisciplineService(deps.discipline, access.audit, clock, (officeId, shiftId) => roster.attributionOfShift(officeId, shiftId)),
    roster: { roster, clock, officeSchedule },
    schedule: new ScheduleService({ officeSchedule, routingDialplan: deps.routingDialplan ?? (async () => ({ searched: ['(none in this test)'] })), clock }),
    dialplan: deps.dialplan ?? { config: loadConfig({ env: {} }), clock, officeOf: () => null },
    access,
    viewerOf: viewerResolver((officeId, officerId) => roster.shiftsOf(officeId, officerId, clock.now())),
    health: deps.health ?? (() => healthyReport),
  });
  await fastify.ready();
  const declared: Record<string, unknown> = {};
  for (const route of routes) for (const method of [route.method].flat()) if (method !== 'HEAD') declared[`${method} ${route.url}`] = route.config?.permission;

  // As the supervisor, unless the request says otherwise.
  const inject = fastify.inject.bind(fastify) as (options: InjectOptions | string) => ReturnType<FastifyInstance['inject']>;
  const asSupervisor = (options: InjectOptions | string): InjectOptions => {
    const o = typeof options === 'string' ? { url: options } : options;
    const given = (o.headers ?? {}) as Record<string, string>;
    // A request with its own credential (a token, a session cookie) goes as it says.
    return 'authorization' in given || 'cookie' in given ? o : { ...o, headers: { ...headers.supervisor, ...given } };
  };
  const extras: TestApiExtras = {
    access,
    alerts,
    roster,
    rosterStores,
    users,
    officerId: officer.id,
    declared,
    as: (role) => headers[role],
    asNew: async (name, role, extra = {}) => issueToken(accessStores, await addUser(accessStores, name, role, extra)),
  };
  return Object.assign(fastify, extras, { inject: (options: InjectOptions | string) => inject(asSupervisor(options)) }) as unknown as TestApi;
}

/** Duty office clerk and duty director, as the roster's rules see them. */
const CLERK = { id: 'test-clerk', officerId: null, dutyDirector: false };
const DIRECTOR = { id: 'test-director', officerId: null, dutyDirector: true };

export interface TestShift {
  startsAt: string;
  endsAt: string;
  officerIds: string[];
  leaderId?: string | null;
  desk?: string;
}

/**
 * Publishes a month's roster of office "default" with these shifts (all of one month: the
 * month of the first), through the roster's real lifecycle: open, revise, submit, approve, publish.
 */
export async function publishRoster(roster: RosterService, shifts: readonly TestShift[], publishedAt = new Date('2026-01-01T00:00:00Z')): Promise<ShiftRecord[]> {
  const date = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const month = date(shifts[0]!.startsAt).slice(0, 7);
  await roster.openMonth('default', month, CLERK, publishedAt);
  const planned = shifts.map((s) => ({
    officeId: 'default',
    date: date(s.startsAt),
    periodLabel: `${s.startsAt.slice(11, 16)}Z`,
    startsAt: new Date(s.startsAt),
    endsAt: new Date(s.endsAt),
    deskEndpoint: s.desk ?? 'desk',
    officerIds: s.officerIds,
    leaderId: s.leaderId ?? null,
  }));
  const { shifts: stored } = await roster.reviseShifts('default', month, planned, CLERK, publishedAt);
  await roster.submit('default', month, CLERK, publishedAt);
  await roster.approve('default', month, DIRECTOR, publishedAt);
  await roster.publish('default', month, DIRECTOR, publishedAt, { holidays: [], timezone: 'Asia/Shanghai' });
  return stored;
}

/** A record's attribution to these officers on that shift. */
export const attributedTo = (shiftId: string, officerIds: string[], officers: string[] = officerIds): DutyAttribution => ({
  shiftId,
  shiftLabel: `shift ${shiftId}`,
  officerIds,
  officers,
  leaderId: null,
  leader: null,
});

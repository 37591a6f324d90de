import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { fastifySSE } from '@fastify/sse';
import type { FastifyPluginAsync } from 'fastify';
import type { Access } from '../access/access.js';
import { accessPlugin } from '../access/access-plugin.js';
import { registerSecurityHeaders } from '../access/security-headers.js';
import { userRoutes } from '../access/user-routes.js';
import type { ViewerOf } from '../access/viewer.js';
import type { AlertHub } from '../alerts/alert-hub.js';
import { alertRoutes } from '../alerts/alert-routes.js';
import type { WebhookDeliveryStore } from '../alerts/webhooks/webhook-delivery.js';
import { webhookRoutes } from '../alerts/webhooks/webhook-routes.js';
import { callExportRoutes } from '../calls/call-export-routes.js';
import { callRoutes } from '../calls/call-routes.js';
import type { CallService } from '../calls/call-service.js';
import { dialplanRoutes } from '../dialplan/dialplan-routes.js';
import type { DialplanStateDeps } from '../dialplan/dialplan-state.js';
import { disciplineRoutes } from '../discipline/discipline-routes.js';
import type { DisciplineService } from '../discipline/discipline-service.js';
import { dutyLogRoutes } from '../duty-log/duty-log-routes.js';
import type { DutyLogService } from '../duty-log/duty-log-service.js';
import { handoverRoutes } from '../handover/handover-routes.js';
import type { HandoverService } from '../handover/handover-service.js';
import type { OfficeId } from '../core/office.js';
import type { WatchGap } from '../core/watch/watch-gap.js';
import { watchRoutes } from '../watch/watch-routes.js';
import { installErrorHandler } from '../platform/http/errors.js';
import { installAccessControl } from '../platform/http/permissions.js';
import { rosterRoutes, type RosterRouteDeps } from '../roster/roster-routes.js';
import type { MissedCallReportService } from '../reports/missed-call-report-service.js';
import { missedCallRoutes } from '../reports/missed-call-routes.js';
import type { MonthlyTallyService } from '../reports/monthly-tally-service.js';
import { reportRoutes } from '../reports/report-routes.js';
import { tallyExportRoutes } from '../reports/tally-export-routes.js';
import { scheduleRoutes } from '../schedule/schedule-routes.js';
import type { ScheduleService } from '../schedule/schedule-service.js';
import { registerApiDocs } from './api-docs.js';
import { healthRoutes, type HealthReport } from './health-routes.js';
import { registerWebConsole } from './web-console.js';

const API_VERSION = '0.2.0';

/** What the API serves: routes → services → stores; the stores stay behind the services. */
export interface AppDeps {
  calls: CallService;
  discipline: DisciplineService;
  dutyLog: DutyLogService;
  handovers: HandoverService;
  /** The periods duty-hotline was not watching an office's PBX (src/watch/). */
  watchGaps: (officeId: OfficeId, from: Date, to: Date) => Promise<WatchGap[]>;
  tally: MonthlyTallyService;
  missedCalls: MissedCallReportService;
  roster: RosterRouteDeps;
  /** The schedule, who covers a moment, the holiday calendar (src/schedule/). */
  schedule: ScheduleService;
  /** The generated dialplan against the live PBX (src/dialplan/). */
  dialplan: DialplanStateDeps;
  health: () => HealthReport;
  /** Live missed-call alerts (server-sent events) and the webhook delivery log (src/alerts/). */
  alerts: AlertHub;
  webhookDeliveries: Pick<WebhookDeliveryStore, 'list'>;
  /** The built web console (web/dist), served at /console/; null: not built. */
  consoleDir: string | null;
  access: Access;
  /** Who reads or changes duty records on a request, and what they may read (src/access/viewer.ts). */
  viewerOf: ViewerOf;
}

/**
 * The HTTP API as a Fastify plugin; src/app/service.ts boots it, tests inject() into it
 * (test/support/http.ts buildApi). Every route declares its permission (installAccessControl
 * refuses to start otherwise) and every request passes the access check (src/access/) before
 * its handler: no credential → 401, a permission the role lacks → 403 naming it. Every error
 * answer comes from the catalogue (platform/http/errors).
 */
export const app: FastifyPluginAsync<AppDeps> = async (fastify, deps) => {
  const api = fastify.withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandler(api);
  await registerSecurityHeaders(api, { https: deps.access.settings.cookie.secure });
  await registerApiDocs(api, API_VERSION);
  // Public files, declared so before the access check sees their routes (as the docs are).
  await registerWebConsole(api, deps.consoleDir);
  installAccessControl(api, deps.access.check);
  await api.register(accessPlugin, { access: deps.access });
  await api.register(userRoutes, { access: deps.access, officerExists: async (officeId, id) => (await deps.roster.roster.getOfficer(officeId, id)) !== null });
  await api.register(healthRoutes, { health: deps.health });
  await api.register(callRoutes, { calls: deps.calls, viewerOf: deps.viewerOf });
  await api.register(disciplineRoutes, { discipline: deps.discipline, viewerOf: deps.viewerOf });
  await api.register(dutyLogRoutes, { dutyLog: deps.dutyLog, viewerOf: deps.viewerOf });
  await api.register(handoverRoutes, { handovers: deps.handovers, viewerOf: deps.viewerOf });
  await api.register(callExportRoutes, { calls: deps.calls, viewerOf: deps.viewerOf });
  await api.register(rosterRoutes, deps.roster);
  await api.register(reportRoutes, { tally: deps.tally, viewerOf: deps.viewerOf });
  await api.register(missedCallRoutes, { missedCalls: deps.missedCalls, viewerOf: deps.viewerOf });
  await api.register(tallyExportRoutes, { tally: deps.tally, viewerOf: deps.viewerOf, audit: deps.access.audit });
  await api.register(scheduleRoutes, { schedule: deps.schedule, clock: deps.roster.clock });
  await api.register(dialplanRoutes, { dialplan: deps.dialplan });
  await api.register(watchRoutes, { gaps: deps.watchGaps, viewerOf: deps.viewerOf });
  await api.register(fastifySSE, { heartbeatInterval: 15_000 });
  await api.register(alertRoutes, { hub: deps.alerts, viewerOf: deps.viewerOf, audit: deps.access.audit });
  await api.register(webhookRoutes, { deliveries: deps.webhookDeliveries, viewerOf: deps.viewerOf });
};

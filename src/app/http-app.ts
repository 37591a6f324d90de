import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { callRoutes } from '../calls/call-routes.js';
import type { CallService } from '../calls/call-service.js';
import { disciplineRoutes, type ActorOf } from '../discipline/discipline-routes.js';
import type { DisciplineService } from '../discipline/discipline-service.js';
import { installErrorHandler } from '../platform/http/errors.js';
import { installAccessControl } from '../platform/http/permissions.js';
import { registerApiDocs } from './api-docs.js';
import { healthRoutes, type HealthReport } from './health-routes.js';

const API_VERSION = '0.1.0';

/** What the API serves: routes → services → stores; the stores stay behind the services. */
export interface AppDeps {
  calls: CallService;
  discipline: DisciplineService;
  health: () => HealthReport;
  /** Who is acting on a request (src/discipline/discipline-routes.ts); none until access control is wired: changes are refused. */
  actorOf?: ActorOf;
}

/**
 * The HTTP API as a Fastify plugin; src/app/service.ts boots it, tests inject() into it
 * (test/support/http.ts buildApi). Every route declares its permission (installAccessControl
 * refuses to start otherwise); every error answer comes from the catalogue (platform/http/errors).
 */
export const app: FastifyPluginAsync<AppDeps> = async (fastify, deps) => {
  const api = fastify.withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandler(api);
  await registerApiDocs(api, API_VERSION);
  installAccessControl(api);
  await api.register(healthRoutes, { health: deps.health });
  await api.register(callRoutes, { calls: deps.calls });
  await api.register(disciplineRoutes, { discipline: deps.discipline, ...(deps.actorOf && { actorOf: deps.actorOf }) });
};

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { callRoutes } from '../calls/call-routes.js';
import type { CallStore } from '../calls/call-store.js';
import { disciplineRoutes } from '../discipline/discipline-routes.js';
import type { DisciplineStore } from '../discipline/discipline-store.js';
import { installErrorHandler } from '../platform/http/errors.js';
import { healthRoutes, type HealthReport } from './health-routes.js';

export interface AppDeps {
  calls: CallStore;
  discipline: DisciplineStore;
  health: () => HealthReport;
}

/** The HTTP API as a Fastify plugin; src/server.ts boots it, tests inject() into it. */
export const app: FastifyPluginAsync<AppDeps> = async (fastify, deps) => {
  const api = fastify.withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandler(api);
  await api.register(healthRoutes, { health: deps.health });
  await api.register(callRoutes, { calls: deps.calls });
  await api.register(disciplineRoutes, { discipline: deps.discipline });
};

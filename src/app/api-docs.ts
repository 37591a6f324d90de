/**
 * The OpenAPI description of the API, generated from the route schemas (@fastify/swagger), and
 * a browsable page of it at /docs (@fastify/swagger-ui). Register before the routes it describes.
 * The documentation routes are public: they show the API's shape, never a duty record.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const DOCS_PREFIX = '/docs';

export async function registerApiDocs(app: FastifyInstance, version: string): Promise<void> {
  // Runs before the check that every route declares who may use it (hooks run in the order added).
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) route.config = { ...route.config, permission: 'public' };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'duty-hotline API (值班电话集成服务)',
        description: 'Call log (值班记录), discipline records (离岗 / 失误) and health of the duty-phone service. Each operation names the permission it needs (x-permission).',
        version,
      },
    },
    // Each operation says who may use it, from its route config.
    transform: ({ schema, route }) => ({ schema: { ...schema, ...(route.config?.permission ? { 'x-permission': route.config.permission } : {}) } as typeof schema, url: route.url }),
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}

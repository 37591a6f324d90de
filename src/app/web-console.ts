/**
 * The web console (web/, built into web/dist by `npm run build:web`, which `npm ci` runs) served
 * by the service itself at /console/, and / sends the browser there. Its files are public: they
 * hold no duty record; every number the console shows comes from the API, which checks each
 * request. A checkout whose console was not built answers /console/ with 503 saying how to build it.
 */
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { findUp } from '../platform/find-up.js';

export const CONSOLE_PREFIX = '/console';

/** web/dist of the repository, found by walking up from this module (src/ under tsx, dist/src/ compiled); null when not built. */
export function defaultConsoleDir(): string | null {
  const index = findUp(import.meta.url, join('web', 'dist', 'index.html'));
  return index && dirname(index);
}

export async function registerWebConsole(app: FastifyInstance, dir: string | null): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.url === '/' || route.url === CONSOLE_PREFIX || route.url.startsWith(`${CONSOLE_PREFIX}/`)) route.config = { ...route.config, permission: 'public' };
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`));
  if (!dir) {
    app.get(`${CONSOLE_PREFIX}/*`, { schema: { hide: true } }, async (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('控制台尚未构建 (the web console is not built): run `npm run build:web`, then restart'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: dir, prefix: `${CONSOLE_PREFIX}/`, redirect: true, schemaHide: true, maxAge: '1h', immutable: false });
}

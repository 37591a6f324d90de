/**
 * Who may use a route. Every route declares, in its Fastify route config, the one permission it
 * needs (`config: { permission: 'calls:read' }`) or that it is open to anyone (`'public'`); the
 * API refuses to start with a route that declares neither (requireDeclaredAccess). The one
 * access check run on every request (installAccessControl) compares the declaration with the
 * caller; src/access/ supplies it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PERMISSIONS, type Permission } from '../../core/access/roles.js';

/**
 * The closed list of permissions, and each role's, live in src/core/access/roles.ts: one list,
 * which the roles are defined against. Add a permission there.
 */
export { PERMISSIONS, type Permission } from '../../core/access/roles.js';

/** Marks a route anyone may use, with no credentials (liveness probes). */
export const PUBLIC = 'public';
export type RouteAccess = Permission | typeof PUBLIC;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may use the route: a permission, or 'public'. Every route of the API declares one. */
    permission?: RouteAccess;
  }
}

const ACCESS: ReadonlySet<string> = new Set<string>([...PERMISSIONS, PUBLIC]);

export function isRouteAccess(value: unknown): value is RouteAccess {
  return typeof value === 'string' && ACCESS.has(value);
}

/**
 * Makes every route registered on `app` (and in the plugins it registers afterwards) declare
 * who may use it: a route without `config.permission`, or with one not in PERMISSIONS, stops
 * the API from starting, naming the route.
 */
export function requireDeclaredAccess(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const declared: unknown = route.config?.permission;
    if (isRouteAccess(declared)) return;
    const methods = [route.method].flat().join(',');
    const problem = declared === undefined ? 'declares no permission' : `declares an unknown permission ${JSON.stringify(declared)}`;
    throw new Error(`route ${methods} ${route.url} ${problem}: add config: { permission: ${[...ACCESS].map((a) => `'${a}'`).join(' | ')} }`);
  });
}

/**
 * The access check, run before every request's handler (and before its schema validation): who
 * the caller is (UNAUTHORIZED when unknown), then whether they hold `access` (FORBIDDEN naming
 * it), both from the error catalogue; 'public' routes pass. Access control (src/access/, which
 * this layer does not import) supplies it: `installAccessControl(app, access.check)`.
 */
export type AccessCheck = (request: FastifyRequest, access: RouteAccess | undefined) => Promise<void>;

/** The check of an API without access control: lets everything through (tests of the routes alone). */
export const checkNothing: AccessCheck = async () => {};

/** Declared access required at startup, and `check` run on every request. */
export function installAccessControl(app: FastifyInstance, check: AccessCheck = checkNothing): void {
  requireDeclaredAccess(app);
  app.addHook('onRequest', async (request) => {
    await check(request, request.routeOptions.config.permission);
  });
}

/**
 * Who may use a route. Every route declares, in its Fastify route config, the one permission it
 * needs (`config: { permission: 'calls:read' }`) or that it is open to anyone (`'public'`); the
 * API refuses to start with a route that declares neither (requireDeclaredAccess). Checking
 * the declaration against the caller is access control's job (the next issue): checkAccess is
 * the one place it goes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The closed list of permissions. Some are declared ahead of the routes that will need them. */
export const PERMISSIONS = [
  /** read the call log (值班记录) */
  'calls:read',
  /** read discipline records (离岗 / 失误) */
  'records:read',
  /** review discipline records: confirm, dismiss, annotate (record lifecycle) */
  'records:review',
  /** the service's health in detail, beyond the public /healthz probe */
  'health:read',
  /** edit the duty roster: shifts, swaps, leader on duty */
  'roster:manage',
  /** render, check and apply the dialplan */
  'dialplan:manage',
  /** read the audit trail (who read or changed which duty record) */
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

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
 * The access check, run before every request's handler (and before its schema validation).
 * It checks nothing yet: access control (the next issue) goes here, and only here — who the
 * caller is (UNAUTHORIZED when unknown), then whether they hold `access` (FORBIDDEN), both from
 * the error catalogue; 'public' routes pass.
 */
export async function checkAccess(_request: FastifyRequest, _access: RouteAccess | undefined): Promise<void> {}

/** Declared access required at startup, and checked on every request. */
export function installAccessControl(app: FastifyInstance): void {
  requireDeclaredAccess(app);
  app.addHook('onRequest', async (request) => {
    await checkAccess(request, request.routeOptions.config.permission);
  });
}

/**
 * Access control on the HTTP side: who makes a request (an API token in `Authorization: Bearer`,
 * else the session cookie) and whether they hold the permission the route declares. `check` is
 * the body of the API's single access check (installAccessControl in
 * src/platform/http/permissions.ts): 'public' routes pass; no or a bad credential is 401
 * UNAUTHORIZED; a permission the role lacks is 403 FORBIDDEN naming it (and an audit entry).
 * It runs in onRequest, before the cookie plugin's own parsing, so it reads the Cookie header itself.
 */
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Permission } from '../core/access/roles.js';
import { ApiError } from '../platform/http/errors.js';
import { PUBLIC, type RouteAccess } from '../platform/http/permissions.js';
import type { AccessService, Principal } from './access-service.js';
import type { AccessSettings } from './access-settings.js';
import type { AuditTrail, Reader } from './audit-trail.js';

const principals = new WeakMap<FastifyRequest, Principal>();

/** The principal the access check found for this request; throws when none was (a route declared public, or the check not installed). */
export function principalOf(request: FastifyRequest): Principal {
  const found = principals.get(request);
  if (!found) throw new Error(`no principal for ${request.method} ${request.url}: the route is public or the access check is not installed`);
  return found;
}

/** The principal of this request, if the check found one. */
export const maybePrincipalOf = (request: FastifyRequest): Principal | undefined => principals.get(request);

/** The request's reader, for the audit trail. */
export function readerOf(request: FastifyRequest): Reader {
  const { user } = principalOf(request);
  return { userId: user.id, userName: user.name, role: user.role, officeId: user.officeId, address: request.ip ?? null };
}

/** The route as declared, for the audit trail: "GET /calls/:id". */
export const routeOf = (request: FastifyRequest): string => `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export class AccessControl {
  constructor(
    private readonly service: AccessService,
    private readonly settings: AccessSettings,
    private readonly audit?: AuditTrail,
  ) {}

  /**
   * Who makes the request: the API token of `Authorization: Bearer <token>` (when that header is
   * there, it alone counts), else the session cookie. UNAUTHORIZED when neither names a live
   * credential.
   */
  authenticate = async (request: FastifyRequest): Promise<Principal> => {
    const known = principals.get(request);
    if (known) return known;
    const found = await this.#credential(request);
    if (!found) throw new ApiError('UNAUTHORIZED');
    principals.set(request, found);
    return found;
  };

  /** A check that the request's principal holds `permission`: FORBIDDEN naming it otherwise (recorded in the audit trail). */
  authorize =
    (permission: Permission) =>
    async (request: FastifyRequest): Promise<Principal> => {
      const who = await this.authenticate(request);
      if (who.permissions.has(permission)) return who;
      await this.audit?.record(readerOf(request), { action: 'access.denied', route: routeOf(request), ids: [], query: { permission } });
      throw new ApiError('FORBIDDEN', permission);
    };

  /**
   * The access check of every request: a 'public' route passes (with its principal when the
   * request has a valid credential); any other — an unknown route too — needs a principal, and
   * a declared permission that principal's role holds.
   */
  check = async (request: FastifyRequest, access: RouteAccess | undefined): Promise<void> => {
    if (access === PUBLIC) {
      const who = await this.#credential(request).catch(() => null);
      if (who) principals.set(request, who);
      return;
    }
    if (access === undefined) {
      await this.authenticate(request);
      return;
    }
    await this.authorize(access)(request);
  };

  async #credential(request: FastifyRequest): Promise<Principal | null> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const m = BEARER.exec(authorization);
      return m ? this.service.fromToken(m[1]!) : null;
    }
    const header = request.headers.cookie;
    if (!header) return null;
    const value = fastifyCookie.parse(header)[this.settings.cookie.name];
    return value ? this.service.fromSession(value) : null;
  }
}

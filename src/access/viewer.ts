/**
 * Who reads or changes duty records on a request, as the services need them: the user, their
 * read scope (src/core/access/roles.ts: a duty officer's own shifts come from the roster), and
 * what the audit trail records of the request (reader, route, query).
 */
import type { FastifyRequest } from 'fastify';
import { readScopeOf, type ReadScope, type ShiftInterval } from '../core/access/roles.js';
import type { OfficeId } from '../core/office.js';
import { principalOf, readerOf, routeOf } from './access-control.js';
import type { AccessUser } from './access-service.js';
import type { Reader } from './audit-trail.js';

export interface Viewer {
  user: AccessUser;
  scope: ReadScope;
  reader: Reader;
  /** The route as declared ("GET /calls/:id") and the query it was asked with, for the audit trail. */
  route: string;
  query: Readonly<Record<string, unknown>>;
}

/** The shifts an officer is accountable for on the published rosters (after approved swaps). */
export type ShiftsOf = (officeId: OfficeId, officerId: string) => Promise<ShiftInterval[]>;

export type ViewerOf = (request: FastifyRequest) => Promise<Viewer>;

/** The viewer of a request the access check let through (a route with a permission, never a public one). */
export function viewerResolver(shiftsOf: ShiftsOf): ViewerOf {
  return async (request) => {
    const { user } = principalOf(request);
    const shifts = user.role === 'duty-officer' && user.officerId !== null ? await shiftsOf(user.officeId, user.officerId) : [];
    const query = request.query && typeof request.query === 'object' ? (request.query as Record<string, unknown>) : {};
    return { user, scope: readScopeOf(user, shifts), reader: readerOf(request), route: routeOf(request), query };
  };
}

/**
 * Persistence of access control: users, their sessions and API tokens, and the audit log.
 * Prisma stores (prisma-access-store.ts) and in-memory twins (memory-access-store.ts) with the
 * same semantics (test/support/access-store-contract.ts). Secrets are stored as SHA-256 hashes,
 * passwords as scrypt hashes: nothing here can sign anyone in.
 */
import { deferred } from '../platform/db/deferred-store.js';
import type { OfficeId } from '../core/office.js';
import type { Role } from '../core/access/roles.js';

export interface UserRecord {
  id: string;
  /** The sign-in name, normalized (normalizeUserName): unique across the install. */
  name: string;
  displayName: string;
  role: Role;
  officeId: OfficeId;
  /** The roster's officer this user is (src/core/roster), if any: a duty officer reads their shifts' records. */
  officerId: string | null;
  /** An inactive user cannot sign in, and their sessions and tokens stop working. */
  active: boolean;
  /** PHC string (password-hash.ts). */
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  name: string;
  displayName: string;
  role: Role;
  officeId: OfficeId;
  officerId?: string | null;
  passwordHash: string;
}

/** A user of that name exists already. */
export class UserNameTakenError extends Error {
  override name = 'UserNameTakenError';
  constructor(readonly userName: string) {
    super(`a user named "${userName}" exists already`);
  }
}

export interface UserStore {
  /** Throws UserNameTakenError when the name is taken. */
  create(user: NewUser): Promise<UserRecord>;
  /** Creates the user only when there is no user at all (the first supervisor); null when there is one. Safe against a concurrent call. */
  createFirst(user: NewUser): Promise<UserRecord | null>;
  get(id: string): Promise<UserRecord | null>;
  /** By normalized name. */
  findByName(name: string): Promise<UserRecord | null>;
  count(): Promise<number>;
  /** Every user, by name. */
  list(): Promise<UserRecord[]>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  setActive(id: string, active: boolean): Promise<void>;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** SHA-256 (hex) of the cookie's value. */
  secretHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** Where it was signed in from, and with what. */
  address: string | null;
  userAgent: string | null;
}

export type NewSession = Omit<SessionRecord, 'lastSeenAt'>;

export interface SessionStore {
  /** lastSeenAt starts at createdAt. */
  create(session: NewSession): Promise<SessionRecord>;
  /** The session with its user; null for an unknown (or malformed) id. */
  find(id: string): Promise<{ session: SessionRecord; user: UserRecord } | null>;
  touch(id: string, at: Date): Promise<void>;
  /** Whether there was such a session. */
  delete(id: string): Promise<boolean>;
  /** Removes the sessions idle since before `idleBefore` or created before `createdBefore`; how many. */
  deleteExpired(limits: { idleBefore: Date; createdBefore: Date }): Promise<number>;
  /** Removes every session of the user (deactivated, password changed); how many. */
  deleteForUser(userId: string): Promise<number>;
}

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  /** SHA-256 (hex) of the token. */
  secretHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type NewApiToken = Pick<ApiTokenRecord, 'id' | 'userId' | 'name' | 'secretHash' | 'createdAt'>;

export interface ApiTokenStore {
  create(token: NewApiToken): Promise<ApiTokenRecord>;
  /** The token with its user (revoked ones too: the caller refuses them); null for an unknown id. */
  find(id: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | null>;
  /** The user's tokens, newest first (then id), revoked ones included. */
  listForUser(userId: string): Promise<ApiTokenRecord[]>;
  /** The user's tokens not revoked. */
  countActive(userId: string): Promise<number>;
  markUsed(id: string, at: Date): Promise<void>;
  /** Revokes the user's token (already revoked: left as it was); null when the user has no token of that id. */
  revoke(id: string, userId: string, at: Date): Promise<ApiTokenRecord | null>;
}

/** What an audit entry says was done. */
export const AUDIT_ACTIONS = [
  'calls.list',
  'calls.get',
  'calls.export',
  'records.list',
  'records.get',
  'records.object',
  'records.confirm',
  'records.waive',
  'records.raise',
  'audit.list',
  'session.create',
  'session.delete',
  'tokens.create',
  'tokens.revoke',
  'access.denied',
  'duty-log.edit',
  'reports.tally',
  'reports.tally.export',
  'reports.missed-calls',
  'reports.missed-calls.export',
  'handover.read',
  'handover.list',
  'handover.write',
  'handover.acknowledge',
  'users.create',
  'users.disable',
  'users.enable',
  'alerts.list',
  'alerts.stream',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A query parameter as the request gave it. */
export type AuditQueryValue = string | number | boolean;

export interface AuditEntry {
  id: string;
  at: Date;
  /** Who: the user, and their name, role and office when they did it. */
  userId: string;
  userName: string;
  role: Role;
  officeId: OfficeId;
  action: AuditAction;
  /** What: the route ("GET /calls/:id"), the ids read or acted on, and the query it was asked with. */
  route: string;
  ids: string[];
  query: Record<string, AuditQueryValue>;
  /** From which address (the request's, as Fastify resolves it). */
  address: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/**
 * Text as the audit log keeps it: NUL and lone surrogates (which PostgreSQL's text and jsonb
 * refuse, and a query string may carry) become U+FFFD, so whatever a request sent can be logged.
 */
export function auditSafe(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD');
}

/** The entry as it is stored: every text auditSafe. */
export function auditSafeEntry(entry: NewAuditEntry): NewAuditEntry {
  const query: Record<string, AuditQueryValue> = {};
  for (const [key, value] of Object.entries(entry.query)) query[auditSafe(key)] = typeof value === 'string' ? auditSafe(value) : value;
  return {
    ...entry,
    userName: auditSafe(entry.userName),
    route: auditSafe(entry.route),
    ids: entry.ids.map(auditSafe),
    query,
    address: entry.address === null ? null : auditSafe(entry.address),
  };
}

export interface AuditLogQuery {
  from?: Date; // at >= from
  to?: Date; // at < to
  /** The user's id or name. */
  user?: string;
  officeId?: OfficeId;
  action?: AuditAction;
  limit: number;
  offset: number;
}

export interface AuditStore {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first; entries of the same instant latest written first. */
  list(query: AuditLogQuery): Promise<AuditEntry[]>;
}

export interface AccessStores {
  users: UserStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  audit: AuditStore;
}

/**
 * The access stores of a database opened later (src/app/service.ts opens it in the background):
 * each call goes to `current()`'s store, DATABASE_UNAVAILABLE until the database is open.
 */
export function deferredAccessStores(current: () => AccessStores): AccessStores {
  return {
    users: deferred<UserStore>(() => current().users),
    sessions: deferred<SessionStore>(() => current().sessions),
    tokens: deferred<ApiTokenStore>(() => current().tokens),
    audit: deferred<AuditStore>(() => current().audit),
  };
}

import type {
  ApiToken as ApiTokenRow,
  AuditLogEntry as AuditLogEntryRow,
  Prisma,
  PrismaClient,
  Session as SessionRow,
  User as UserRow,
} from '../generated/prisma/client.js';
import { isUuid } from '../platform/db/json-mapping.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import type { Role } from '../core/access/roles.js';
import { normalizeUserName } from '../core/access/credential-rules.js';
import {
  auditSafe,
  auditSafeEntry,
  UserNameTakenError,
  type AccessStores,
  type ApiTokenRecord,
  type ApiTokenStore,
  type AuditAction,
  type AuditEntry,
  type AuditLogQuery,
  type AuditQueryValue,
  type AuditStore,
  type NewApiToken,
  type NewAuditEntry,
  type NewSession,
  type NewUser,
  type SessionRecord,
  type SessionStore,
  type UserRecord,
  type UserStore,
} from './access-store.js';

/** The access stores on one Prisma client (PostgreSQL / PGlite). No Prisma type leaves this file. */
export function prismaAccessStores(prisma: PrismaClient): AccessStores {
  return { users: new PrismaUserStore(prisma), sessions: new PrismaSessionStore(prisma), tokens: new PrismaApiTokenStore(prisma), audit: new PrismaAuditStore(prisma) };
}

function userData(user: NewUser) {
  return {
    name: user.name,
    displayName: user.displayName,
    role: user.role,
    officeId: user.officeId,
    officerId: user.officerId ?? null,
    passwordHash: user.passwordHash,
  };
}

export class PrismaUserStore implements UserStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(user: NewUser): Promise<UserRecord> {
    try {
      return toUser(await this.prisma.user.create({ data: userData(user) }));
    } catch (err) {
      if (isUniqueViolation(err)) throw new UserNameTakenError(user.name);
      throw err;
    }
  }

  /** The table is locked against writes for the check and the insert: two concurrent calls make one user. */
  async createFirst(user: NewUser): Promise<UserRecord | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`LOCK TABLE "users" IN SHARE ROW EXCLUSIVE MODE`;
      if ((await tx.user.count()) > 0) return null;
      return toUser(await tx.user.create({ data: userData(user) }));
    });
  }

  async get(id: string): Promise<UserRecord | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.user.findUnique({ where: { id } });
    return row ? toUser(row) : null;
  }

  async findByName(name: string): Promise<UserRecord | null> {
    const row = await this.prisma.user.findUnique({ where: { name } });
    return row ? toUser(row) : null;
  }

  count(): Promise<number> {
    return this.prisma.user.count();
  }

  async list(): Promise<UserRecord[]> {
    return (await this.prisma.user.findMany({ orderBy: [{ name: 'asc' }] })).map(toUser);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    if (isUuid(id)) await this.prisma.user.updateMany({ where: { id }, data: { passwordHash } });
  }

  async setActive(id: string, active: boolean): Promise<void> {
    if (isUuid(id)) await this.prisma.user.updateMany({ where: { id }, data: { active } });
  }
}

export class PrismaSessionStore implements SessionStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(session: NewSession): Promise<SessionRecord> {
    return toSession(await this.prisma.session.create({ data: { ...session, lastSeenAt: session.createdAt } }));
  }

  async find(id: string): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.session.findUnique({ where: { id }, include: { user: true } });
    return row ? { session: toSession(row), user: toUser(row.user) } : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    if (isUuid(id)) await this.prisma.session.updateMany({ where: { id }, data: { lastSeenAt: at } });
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.prisma.session.deleteMany({ where: { id } })).count > 0;
  }

  async deleteExpired({ idleBefore, createdBefore }: { idleBefore: Date; createdBefore: Date }): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({ where: { OR: [{ lastSeenAt: { lt: idleBefore } }, { createdAt: { lt: createdBefore } }] } });
    return count;
  }

  async deleteForUser(userId: string): Promise<number> {
    if (!isUuid(userId)) return 0;
    return (await this.prisma.session.deleteMany({ where: { userId } })).count;
  }
}

export class PrismaApiTokenStore implements ApiTokenStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(token: NewApiToken): Promise<ApiTokenRecord> {
    return toToken(await this.prisma.apiToken.create({ data: token }));
  }

  async find(id: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.apiToken.findUnique({ where: { id }, include: { user: true } });
    return row ? { token: toToken(row), user: toUser(row.user) } : null;
  }

  async listForUser(userId: string): Promise<ApiTokenRecord[]> {
    if (!isUuid(userId)) return [];
    const rows = await this.prisma.apiToken.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return rows.map(toToken);
  }

  async countActive(userId: string): Promise<number> {
    if (!isUuid(userId)) return 0;
    return this.prisma.apiToken.count({ where: { userId, revokedAt: null } });
  }

  async markUsed(id: string, at: Date): Promise<void> {
    if (isUuid(id)) await this.prisma.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }

  async revoke(id: string, userId: string, at: Date): Promise<ApiTokenRecord | null> {
    if (!isUuid(id) || !isUuid(userId)) return null;
    await this.prisma.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: at } });
    const row = await this.prisma.apiToken.findFirst({ where: { id, userId } });
    return row ? toToken(row) : null;
  }
}

export class PrismaAuditStore implements AuditStore {
  constructor(private readonly prisma: PrismaClient) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const safe = auditSafeEntry(entry);
    const row = await this.prisma.auditLogEntry.create({
      data: { ...safe, ids: [...safe.ids], query: { ...safe.query } satisfies Prisma.InputJsonObject },
    });
    return toAuditEntry(row);
  }

  async list(query: AuditLogQuery): Promise<AuditEntry[]> {
    const user = query.user;
    const rows = await this.prisma.auditLogEntry.findMany({
      where: {
        ...(query.from || query.to ? { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {}),
        ...(query.officeId ? { officeId: query.officeId } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(user !== undefined ? { OR: [...(isUuid(user) ? [{ userId: user.toLowerCase() }] : []), { userName: auditSafe(normalizeUserName(user)) }] } : {}),
      },
      orderBy: [{ at: 'desc' }, { seq: 'desc' }],
      take: query.limit,
      skip: query.offset,
    });
    return rows.map(toAuditEntry);
  }
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    role: row.role as Role,
    officeId: row.officeId,
    officerId: row.officerId,
    active: row.active,
    passwordHash: row.passwordHash,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.userId,
    secretHash: row.secretHash,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    address: row.address,
    userAgent: row.userAgent,
  };
}

function toToken(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    secretHash: row.secretHash,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

function toAuditEntry(row: AuditLogEntryRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    userId: row.userId,
    userName: row.userName,
    role: row.role as Role,
    officeId: row.officeId,
    action: row.action as AuditAction,
    route: row.route,
    ids: Array.isArray(row.ids) ? row.ids.map(String) : [],
    query: queryFromJson(row.query),
    address: row.address,
  };
}

function queryFromJson(value: unknown): Record<string, AuditQueryValue> {
  const out: Record<string, AuditQueryValue> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
  return out;
}

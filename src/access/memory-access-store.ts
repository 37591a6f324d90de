import { randomUUID } from 'node:crypto';
import { normalizeUserName } from '../core/access/credential-rules.js';
import { isUuid } from '../platform/db/json-mapping.js';
import {
  auditSafe,
  auditSafeEntry,
  UserNameTakenError,
  type AccessStores,
  type ApiTokenRecord,
  type ApiTokenStore,
  type AuditEntry,
  type AuditLogQuery,
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

/**
 * In-memory access stores with the same semantics as the Prisma ones (test/support/access-store-contract.ts):
 * unique user names, sessions and tokens belong to an existing user (removed with it), ids that
 * are no UUID find nothing, lists ordered as the database orders them. Returns copies.
 */
export function memoryAccessStores(): AccessStores {
  const users = new MemoryUserStore();
  return { users, sessions: new MemorySessionStore(users), tokens: new MemoryApiTokenStore(users), audit: new MemoryAuditStore() };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const clone = <T>(value: T): T => structuredClone(value);

export class MemoryUserStore implements UserStore {
  readonly rows = new Map<string, UserRecord>();

  async create(user: NewUser): Promise<UserRecord> {
    if ([...this.rows.values()].some((u) => u.name === user.name)) throw new UserNameTakenError(user.name);
    const now = new Date();
    const row: UserRecord = {
      id: randomUUID(),
      name: user.name,
      displayName: user.displayName,
      role: user.role,
      officeId: user.officeId,
      officerId: user.officerId ?? null,
      active: true,
      passwordHash: user.passwordHash,
      createdAt: now,
      updatedAt: now,
    };
    this.rows.set(row.id, row);
    return clone(row);
  }

  async createFirst(user: NewUser): Promise<UserRecord | null> {
    return this.rows.size > 0 ? null : this.create(user);
  }

  async get(id: string): Promise<UserRecord | null> {
    const row = this.rows.get(id.toLowerCase());
    return row && isUuid(id) ? clone(row) : null;
  }

  async findByName(name: string): Promise<UserRecord | null> {
    const row = [...this.rows.values()].find((u) => u.name === name);
    return row ? clone(row) : null;
  }

  async count(): Promise<number> {
    return this.rows.size;
  }

  async list(): Promise<UserRecord[]> {
    return [...this.rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(clone);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    this.#update(id, { passwordHash });
  }

  async setActive(id: string, active: boolean): Promise<void> {
    this.#update(id, { active });
  }

  #update(id: string, change: Partial<UserRecord>): void {
    const row = this.rows.get(id.toLowerCase());
    if (row) this.rows.set(row.id, { ...row, ...change, updatedAt: new Date() });
  }

  /** The stored user, or an error like a foreign key violation. */
  require(userId: string): UserRecord {
    const row = this.rows.get(userId.toLowerCase());
    if (!row) throw new Error(`no user ${userId} (foreign key violation)`);
    return row;
  }
}

export class MemorySessionStore implements SessionStore {
  readonly #rows = new Map<string, SessionRecord>();

  constructor(private readonly users: MemoryUserStore) {}

  async create(session: NewSession): Promise<SessionRecord> {
    this.users.require(session.userId);
    const row: SessionRecord = { ...session, id: session.id.toLowerCase(), lastSeenAt: session.createdAt };
    this.#rows.set(row.id, row);
    return clone(row);
  }

  async find(id: string): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    const row = this.#live(id);
    return row ? { session: clone(row), user: clone(this.users.require(row.userId)) } : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    const row = this.#live(id);
    if (row) row.lastSeenAt = at;
  }

  async delete(id: string): Promise<boolean> {
    const row = this.#live(id);
    return row ? this.#rows.delete(row.id) : false;
  }

  async deleteExpired({ idleBefore, createdBefore }: { idleBefore: Date; createdBefore: Date }): Promise<number> {
    let n = 0;
    for (const row of [...this.#rows.values()]) {
      if (row.lastSeenAt.getTime() < idleBefore.getTime() || row.createdAt.getTime() < createdBefore.getTime()) n += Number(this.#rows.delete(row.id));
    }
    return n;
  }

  async deleteForUser(userId: string): Promise<number> {
    let n = 0;
    for (const row of [...this.#rows.values()]) if (row.userId === userId.toLowerCase()) n += Number(this.#rows.delete(row.id));
    return n;
  }

  /** A session whose user is still there (a deleted user takes its sessions along, as ON DELETE CASCADE does). */
  #live(id: string): SessionRecord | undefined {
    if (!isUuid(id)) return undefined;
    const row = this.#rows.get(id.toLowerCase());
    return row && this.users.rows.has(row.userId) ? row : undefined;
  }
}

export class MemoryApiTokenStore implements ApiTokenStore {
  readonly #rows = new Map<string, ApiTokenRecord>();

  constructor(private readonly users: MemoryUserStore) {}

  async create(token: NewApiToken): Promise<ApiTokenRecord> {
    this.users.require(token.userId);
    const row: ApiTokenRecord = { ...token, id: token.id.toLowerCase(), lastUsedAt: null, revokedAt: null };
    this.#rows.set(row.id, row);
    return clone(row);
  }

  async find(id: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | null> {
    const row = this.#live(id);
    return row ? { token: clone(row), user: clone(this.users.require(row.userId)) } : null;
  }

  async listForUser(userId: string): Promise<ApiTokenRecord[]> {
    return [...this.#rows.values()]
      .filter((t) => t.userId === userId.toLowerCase() && this.users.rows.has(t.userId))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || byId(a, b))
      .map(clone);
  }

  async countActive(userId: string): Promise<number> {
    return (await this.listForUser(userId)).filter((t) => t.revokedAt === null).length;
  }

  async markUsed(id: string, at: Date): Promise<void> {
    const row = this.#live(id);
    if (row) row.lastUsedAt = at;
  }

  async revoke(id: string, userId: string, at: Date): Promise<ApiTokenRecord | null> {
    const row = this.#live(id);
    if (!row || row.userId !== userId.toLowerCase()) return null;
    row.revokedAt ??= at;
    return clone(row);
  }

  #live(id: string): ApiTokenRecord | undefined {
    if (!isUuid(id)) return undefined;
    const row = this.#rows.get(id.toLowerCase());
    return row && this.users.rows.has(row.userId) ? row : undefined;
  }
}

export class MemoryAuditStore implements AuditStore {
  readonly #rows: AuditEntry[] = [];

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const row: AuditEntry = { ...clone(auditSafeEntry(entry)), id: randomUUID() };
    this.#rows.push(row);
    return clone(row);
  }

  async list(query: AuditLogQuery): Promise<AuditEntry[]> {
    const user = query.user;
    const name = user === undefined ? undefined : auditSafe(normalizeUserName(user));
    return this.#rows
      .filter(
        (e) =>
          (!query.from || e.at.getTime() >= query.from.getTime()) &&
          (!query.to || e.at.getTime() < query.to.getTime()) &&
          (!query.officeId || e.officeId === query.officeId) &&
          (!query.action || e.action === query.action) &&
          (user === undefined || e.userName === name || (isUuid(user) && e.userId === user.toLowerCase())),
      )
      .map((e, seq) => ({ e, seq }))
      .sort((a, b) => b.e.at.getTime() - a.e.at.getTime() || b.seq - a.seq)
      .map(({ e }) => e)
      .slice(query.offset, query.offset + query.limit)
      .map(clone);
  }

  /** Test helper: how many entries are stored. */
  get size(): number {
    return this.#rows.length;
  }
}

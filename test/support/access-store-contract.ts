/**
 * The access store contract, run against PostgreSQL and PGlite (test/db/access/access-stores.test.ts)
 * and against the in-memory twins (test/unit/access/memory-access-store.test.ts): same semantics everywhere.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserNameTakenError, type AccessStores, type NewAuditEntry, type NewUser } from '../../src/access/access-store.js';
import type { Database } from '../../src/platform/db/database.js';

export function newUser(name: string, overrides: Partial<NewUser> = {}): NewUser {
  return { name, displayName: name.toUpperCase(), role: 'duty-officer', officeId: 'default', officerId: null, passwordHash: '$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA', ...overrides };
}

export function auditEntry(user: { id: string; name: string }, overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    at: new Date('2026-11-23T02:00:00.000Z'),
    userId: user.id,
    userName: user.name,
    role: 'supervisor',
    officeId: 'default',
    action: 'calls.list',
    route: 'GET /calls',
    ids: [],
    query: {},
    address: '127.0.0.1',
    ...overrides,
  };
}

/** Empties the access tables. */
export async function truncateAccess(db: Database): Promise<void> {
  await db.prisma.$executeRawUnsafe('TRUNCATE TABLE "audit_log_entries", "api_tokens", "sessions", "users"');
}

const at = (iso: string) => new Date(iso);

/** Registers the contract tests; `fixture()` is read in each test, `reset()` runs before each. */
export function accessStoreContract(fixture: () => AccessStores, reset: () => Promise<void>): void {
  beforeEach(reset);

  describe('UserStore', () => {
    it('creates a user, active, with every field, found by id and by name', async () => {
      const { users } = fixture();
      const created = await users.create(newUser('zhang.san', { role: 'supervisor', officeId: 'city', officerId: 'officer-7', displayName: '张三' }));
      expect(created).toMatchObject({ name: 'zhang.san', displayName: '张三', role: 'supervisor', officeId: 'city', officerId: 'officer-7', active: true });
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await users.get(created.id)).toEqual(created);
      expect(await users.get(created.id.toUpperCase())).toEqual(created);
      expect(await users.findByName('zhang.san')).toEqual(created);
      expect(await users.findByName('ZHANG.SAN')).toBeNull(); // the caller normalizes
      expect(await users.get(randomUUID())).toBeNull();
      expect(await users.get('not-a-uuid')).toBeNull();
      expect(await users.count()).toBe(1);
    });

    it('names are unique across the install (whatever the office)', async () => {
      const { users } = fixture();
      await users.create(newUser('li.si', { officeId: 'city' }));
      const again = users.create(newUser('li.si', { officeId: 'county' }));
      await expect(again).rejects.toBeInstanceOf(UserNameTakenError);
      await expect(again).rejects.toThrow('a user named "li.si" exists already');
      expect(await users.count()).toBe(1);
    });

    it('createFirst creates only the first user, also when called concurrently', async () => {
      const { users } = fixture();
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => users.createFirst(newUser(`first-${i}`, { role: 'supervisor' }))));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await users.count()).toBe(1);
      expect(await users.createFirst(newUser('late', { role: 'supervisor' }))).toBeNull();
    });

    it('lists by name; password hash and active can change', async () => {
      const { users } = fixture();
      const b = await users.create(newUser('bbb'));
      await users.create(newUser('aaa'));
      expect((await users.list()).map((u) => u.name)).toEqual(['aaa', 'bbb']);
      await users.setPasswordHash(b.id, '$scrypt$new');
      await users.setActive(b.id, false);
      expect(await users.get(b.id)).toMatchObject({ passwordHash: '$scrypt$new', active: false });
      await users.setActive('not-a-uuid', false);
      await users.setPasswordHash(randomUUID(), 'x');
    });
  });

  describe('SessionStore', () => {
    it('creates a session (last seen = created), finds it with its user, touches and deletes it', async () => {
      const { users, sessions } = fixture();
      const user = await users.create(newUser('wang.wu'));
      const id = randomUUID();
      const created = await sessions.create({ id, userId: user.id, secretHash: 'a'.repeat(64), createdAt: at('2026-11-23T00:00:00.123Z'), address: '10.0.0.9', userAgent: 'curl/8' });
      expect(created).toEqual({ id, userId: user.id, secretHash: 'a'.repeat(64), createdAt: at('2026-11-23T00:00:00.123Z'), lastSeenAt: at('2026-11-23T00:00:00.123Z'), address: '10.0.0.9', userAgent: 'curl/8' });
      expect(await sessions.find(id)).toEqual({ session: created, user });
      await sessions.touch(id, at('2026-11-23T00:05:00Z'));
      expect((await sessions.find(id))?.session.lastSeenAt).toEqual(at('2026-11-23T00:05:00Z'));
      expect(await sessions.delete(id)).toBe(true);
      expect(await sessions.delete(id)).toBe(false);
      expect(await sessions.find(id)).toBeNull();
      expect(await sessions.find('not-a-uuid')).toBeNull();
      expect(await sessions.delete('not-a-uuid')).toBe(false);
    });

    it('a session belongs to an existing user', async () => {
      const { sessions } = fixture();
      await expect(sessions.create({ id: randomUUID(), userId: randomUUID(), secretHash: 'a'.repeat(64), createdAt: at('2026-11-23T00:00:00Z'), address: null, userAgent: null })).rejects.toThrow();
    });

    it('deleteExpired removes the idle and the too old; deleteForUser all of a user', async () => {
      const { users, sessions } = fixture();
      const user = await users.create(newUser('zhao.liu'));
      const other = await users.create(newUser('sun.qi'));
      const make = async (createdAt: string, lastSeenAt: string, userId = user.id) => {
        const id = randomUUID();
        await sessions.create({ id, userId, secretHash: 'b'.repeat(64), createdAt: at(createdAt), address: null, userAgent: null });
        await sessions.touch(id, at(lastSeenAt));
        return id;
      };
      const fresh = await make('2026-11-23T08:00:00Z', '2026-11-23T09:50:00Z');
      const idle = await make('2026-11-23T08:00:00Z', '2026-11-23T09:00:00Z');
      const old = await make('2026-11-22T20:00:00Z', '2026-11-23T09:55:00Z');
      const others = await make('2026-11-23T08:00:00Z', '2026-11-23T09:50:00Z', other.id);
      expect(await sessions.deleteExpired({ idleBefore: at('2026-11-23T09:30:00Z'), createdBefore: at('2026-11-22T22:00:00Z') })).toBe(2);
      expect(await sessions.find(fresh)).not.toBeNull();
      expect(await sessions.find(idle)).toBeNull();
      expect(await sessions.find(old)).toBeNull();
      expect(await sessions.deleteForUser(user.id)).toBe(1);
      expect(await sessions.find(fresh)).toBeNull();
      expect(await sessions.find(others)).not.toBeNull();
      expect(await sessions.deleteForUser('not-a-uuid')).toBe(0);
    });
  });

  describe('ApiTokenStore', () => {
    it('creates named tokens, lists a user’s newest first, marks use, revokes once', async () => {
      const { users, tokens } = fixture();
      const user = await users.create(newUser('zhou.ba'));
      const other = await users.create(newUser('wu.jiu'));
      const first = randomUUID();
      const second = randomUUID();
      const created = await tokens.create({ id: first, userId: user.id, name: 'nightly export', secretHash: 'c'.repeat(64), createdAt: at('2026-11-23T01:00:00Z') });
      expect(created).toEqual({ id: first, userId: user.id, name: 'nightly export', secretHash: 'c'.repeat(64), createdAt: at('2026-11-23T01:00:00Z'), lastUsedAt: null, revokedAt: null });
      await tokens.create({ id: second, userId: user.id, name: 'monitor', secretHash: 'd'.repeat(64), createdAt: at('2026-11-23T02:00:00Z') });
      await tokens.create({ id: randomUUID(), userId: other.id, name: 'theirs', secretHash: 'e'.repeat(64), createdAt: at('2026-11-23T03:00:00Z') });
      expect((await tokens.listForUser(user.id)).map((t) => t.name)).toEqual(['monitor', 'nightly export']);
      expect(await tokens.countActive(user.id)).toBe(2);
      expect(await tokens.find(first)).toEqual({ token: created, user });

      await tokens.markUsed(first, at('2026-11-23T04:00:00Z'));
      expect((await tokens.find(first))?.token.lastUsedAt).toEqual(at('2026-11-23T04:00:00Z'));

      expect(await tokens.revoke(first, other.id, at('2026-11-23T05:00:00Z'))).toBeNull(); // not theirs
      const revoked = await tokens.revoke(first, user.id, at('2026-11-23T05:00:00Z'));
      expect(revoked).toMatchObject({ id: first, revokedAt: at('2026-11-23T05:00:00Z') });
      const again = await tokens.revoke(first, user.id, at('2026-11-23T06:00:00Z'));
      expect(again?.revokedAt).toEqual(at('2026-11-23T05:00:00Z'));
      expect(await tokens.countActive(user.id)).toBe(1);
      expect((await tokens.find(first))?.token.revokedAt).toEqual(at('2026-11-23T05:00:00Z'));
      expect(await tokens.listForUser(user.id)).toHaveLength(2);

      expect(await tokens.revoke(randomUUID(), user.id, at('2026-11-23T05:00:00Z'))).toBeNull();
      expect(await tokens.revoke('not-a-uuid', user.id, at('2026-11-23T05:00:00Z'))).toBeNull();
      expect(await tokens.find('not-a-uuid')).toBeNull();
      expect(await tokens.listForUser('not-a-uuid')).toEqual([]);
    });

    it('a token belongs to an existing user', async () => {
      const { tokens } = fixture();
      await expect(tokens.create({ id: randomUUID(), userId: randomUUID(), name: 'x', secretHash: 'f'.repeat(64), createdAt: at('2026-11-23T00:00:00Z') })).rejects.toThrow();
    });
  });

  describe('AuditStore', () => {
    it('appends entries with every field and lists them newest first, filtered and paged', async () => {
      const { audit } = fixture();
      const zhang = { id: randomUUID(), name: 'zhang.san' };
      const li = { id: randomUUID(), name: 'li.si' };
      const e1 = await audit.append(auditEntry(zhang, { at: at('2026-11-23T01:00:00Z'), action: 'calls.get', route: 'GET /calls/:id', ids: ['c1'], query: {} }));
      expect(e1).toEqual({ ...auditEntry(zhang, { at: at('2026-11-23T01:00:00Z'), action: 'calls.get', route: 'GET /calls/:id', ids: ['c1'], query: {} }), id: e1.id });
      expect(e1.id).toMatch(/^[0-9a-f-]{36}$/);
      await audit.append(auditEntry(li, { at: at('2026-11-23T02:00:00Z'), ids: ['c1', 'c2'], query: { limit: 100, offset: 0, outcome: 'absence', reachedNobody: true } }));
      await audit.append(auditEntry(zhang, { at: at('2026-11-23T03:00:00Z'), action: 'records.list', officeId: 'county' }));
      await audit.append(auditEntry(li, { at: at('2026-11-23T04:00:00Z'), action: 'access.denied', address: null }));

      const actions = async (q: Partial<Parameters<AccessStores['audit']['list']>[0]> = {}) => (await audit.list({ limit: 100, offset: 0, ...q })).map((e) => `${e.userName}:${e.action}`);
      expect(await actions()).toEqual(['li.si:access.denied', 'zhang.san:records.list', 'li.si:calls.list', 'zhang.san:calls.get']);
      expect(await actions({ limit: 2, offset: 1 })).toEqual(['zhang.san:records.list', 'li.si:calls.list']);
      expect(await actions({ from: at('2026-11-23T02:00:00Z'), to: at('2026-11-23T04:00:00Z') })).toEqual(['zhang.san:records.list', 'li.si:calls.list']);
      expect(await actions({ user: 'zhang.san' })).toEqual(['zhang.san:records.list', 'zhang.san:calls.get']);
      expect(await actions({ user: 'Zhang.San' })).toEqual(['zhang.san:records.list', 'zhang.san:calls.get']);
      expect(await actions({ user: li.id })).toEqual(['li.si:access.denied', 'li.si:calls.list']);
      expect(await actions({ user: li.id.toUpperCase() })).toEqual(['li.si:access.denied', 'li.si:calls.list']);
      expect(await actions({ user: 'nobody' })).toEqual([]);
      expect(await actions({ officeId: 'county' })).toEqual(['zhang.san:records.list']);
      expect(await actions({ action: 'calls.list' })).toEqual(['li.si:calls.list']);
      const [withQuery] = await audit.list({ limit: 1, offset: 0, action: 'calls.list' });
      expect(withQuery).toMatchObject({ ids: ['c1', 'c2'], query: { limit: 100, offset: 0, outcome: 'absence', reachedNobody: true }, address: '127.0.0.1' });
    });

    it('entries of the same instant list latest written first', async () => {
      const { audit } = fixture();
      const user = { id: randomUUID(), name: 'same.ms' };
      for (let i = 0; i < 12; i++) await audit.append(auditEntry(user, { ids: [`r${i}`] }));
      const listed = await audit.list({ limit: 100, offset: 0 });
      expect(listed.map((e) => e.ids[0])).toEqual(Array.from({ length: 12 }, (_, i) => `r${11 - i}`));
      expect((await audit.list({ limit: 3, offset: 3 })).map((e) => e.ids[0])).toEqual(['r8', 'r7', 'r6']);
    });

    it('keeps whatever a request sent: NUL and lone surrogates become U+FFFD, other text as it was', async () => {
      const { audit } = fixture();
      const odd = { id: randomUUID(), name: 'odd' };
      const entry = await audit.append(auditEntry(odd, { ids: ['a\u0000b'], query: { user: 'x\u0000y', q: '\uD800z', rtl: '\u202Eabc', cjk: '值班' }, route: 'GET /audit-log' }));
      expect(entry.ids).toEqual(['a\uFFFDb']);
      expect(entry.query).toEqual({ user: 'x\uFFFDy', q: '\uFFFDz', rtl: '\u202Eabc', cjk: '值班' });
      const [stored] = await audit.list({ limit: 1, offset: 0 });
      expect(stored).toEqual(entry);
    });
  });
}

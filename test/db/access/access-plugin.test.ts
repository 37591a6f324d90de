/**
 * The access routes and the access check on a bare Fastify (test/support/access-api.ts), on the
 * memory stores, PostgreSQL and PGlite: sign-in → cookie → a 'calls:read' route (200 supervisor,
 * 403 ops naming the permission, 401 without credentials or with an expired session), API tokens
 * working until revoked, failed sign-ins rate-limited, the audit log, and bad input on every
 * write route answered 4xx naming the problem, never 500.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessSettings } from '../../../src/access/access-settings.js';
import type { AccessStores } from '../../../src/access/access-store.js';
import { memoryAccessStores } from '../../../src/access/memory-access-store.js';
import { PasswordHasher } from '../../../src/access/password-hash.js';
import { prismaAccessStores } from '../../../src/access/prisma-access-store.js';
import { FakeClock } from '../../support/fake-clock.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { addUser, buildAccessApi, errorOf, issueToken, PASSWORD, signIn, type AccessApi } from '../../support/access-api.js';
import { truncateAccess } from '../../support/access-store-contract.js';

const START = new Date('2026-11-23T02:00:00.000Z');
const MINUTE = 60_000;

describe.each(['memory', ...DB_KINDS] as const)('access control on %s', (kind) => {
  const t = kind === 'memory' ? null : useTestDatabase(kind);
  let stores: AccessStores;
  let clock: FakeClock;
  let api: AccessApi;
  const extraApps: AccessApi[] = [];

  beforeEach(async () => {
    if (t) await truncateAccess(t.db);
    stores = t ? prismaAccessStores(t.db.prisma) : memoryAccessStores();
    clock = new FakeClock(START);
    api = await buildAccessApi({ stores, clock });
    await addUser(stores, 'supervisor.wang', 'supervisor');
    await addUser(stores, 'ops.li', 'ops');
    await addUser(stores, 'auditor.zhao', 'auditor');
    await addUser(stores, 'officer.sun', 'duty-officer', { officerId: 'officer-1' });
  });
  afterEach(async () => {
    await api.app.close();
    for (const extra of extraApps.splice(0)) await extra.app.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers });

  describe('the access check', () => {
    it('every access route declares its permission', () => {
      expect(api.declared).toMatchObject({
        'POST /session': 'public',
        'GET /session': 'session:own',
        'DELETE /session': 'session:own',
        'POST /tokens': 'tokens:own',
        'GET /tokens': 'tokens:own',
        'DELETE /tokens/:id': 'tokens:own',
        'GET /audit-log': 'audit:read',
      });
    });

    it('sign-in sets an HttpOnly, SameSite=Strict session cookie and says who signed in', async () => {
      const { res } = await signIn(api.app, 'Supervisor.Wang ');
      const [cookie] = res.cookies;
      expect(cookie).toMatchObject({ name: 'dh_session', httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 12 * 3600 });
      expect(cookie!.secure).toBeUndefined();
      expect(cookie!.value).toMatch(/^dhs_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.json();
      expect(body).toEqual({
        user: { id: expect.any(String), name: 'supervisor.wang', displayName: 'supervisor.wang', role: 'supervisor', officeId: 'default', officerId: null },
        permissions: ['calls:read', 'records:read', 'duty-log:write', 'records:review', 'health:read', 'roster:read', 'roster:manage', 'swaps:request', 'roster:approve', 'schedule:read', 'reports:read', 'users:manage', 'session:own', 'tokens:own'],
        via: 'session',
        expiresAt: new Date(START.getTime() + 30 * MINUTE).toISOString(),
      });
      expect(res.body).not.toContain('scrypt');
    });

    it('the session cookie is Secure when configured', async () => {
      const secure = await buildAccessApi({ stores, clock, settings: accessSettings({ cookie: { secure: true } }) });
      extraApps.push(secure);
      const { res } = await signIn(secure.app, 'ops.li');
      expect(res.cookies[0]!.secure).toBe(true);
    });

    it("a 'calls:read' route: 200 for a supervisor, 403 for ops naming 'calls:read', 401 without credentials", async () => {
      const supervisor = await signIn(api.app, 'supervisor.wang');
      const ok = await get('/example/calls', { cookie: supervisor.cookie });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ items: [], reader: 'supervisor.wang' });

      const ops = await signIn(api.app, 'ops.li');
      expect(errorOf(await get('/example/calls', { cookie: ops.cookie }))).toEqual({ status: 403, error: 'FORBIDDEN', message: "permission 'calls:read' required" });

      expect(errorOf(await get('/example/calls'))).toEqual({ status: 401, error: 'UNAUTHORIZED', message: 'authentication required' });
      expect((await get('/example/calls', { cookie: (await signIn(api.app, 'officer.sun')).cookie })).statusCode).toBe(200);
      expect((await get('/example/calls', { cookie: (await signIn(api.app, 'auditor.zhao')).cookie })).statusCode).toBe(200);
    });

    it('a forged, tampered or foreign credential is 401', async () => {
      const { cookie } = await signIn(api.app, 'supervisor.wang');
      const tampered = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
      for (const headers of [
        { cookie: tampered },
        { cookie: 'dh_session=nonsense' },
        { cookie: `dh_session=dhs_${randomUUID().replaceAll('-', '')}_${'a'.repeat(43)}` },
        { cookie: 'other=1' },
        { authorization: 'Basic c3VwZXJ2aXNvcjpwdw==' },
        { authorization: `Bearer ${cookie.split('=')[1]}` }, // a session secret is no API token
        { authorization: 'Bearer', cookie }, // an Authorization header alone counts
      ]) {
        expect(errorOf(await get('/example/calls', headers as Record<string, string>)), JSON.stringify(headers)).toMatchObject({ status: 401, error: 'UNAUTHORIZED' });
      }
    });

    it('public routes pass without credentials; an unknown route needs them (401), then is a 404', async () => {
      expect((await get('/example/public')).json()).toEqual({ ok: true });
      expect(errorOf(await get('/no/such/route'))).toMatchObject({ status: 401, error: 'UNAUTHORIZED' });
      const { cookie } = await signIn(api.app, 'ops.li');
      expect(errorOf(await get('/no/such/route', { cookie }))).toMatchObject({ status: 404, error: 'NOT_FOUND' });
    });

    it('a session expires after 30 minutes idle (401), and is removed', async () => {
      const { cookie, res } = await signIn(api.app, 'supervisor.wang');
      const sessionId = (await stores.sessions.find(parseId(cookie)))!.session.id;
      clock.advanceTo(new Date(START.getTime() + 29 * MINUTE));
      expect((await get('/example/calls', { cookie })).statusCode).toBe(200);
      clock.advanceTo(new Date(START.getTime() + 58 * MINUTE));
      expect((await get('/example/calls', { cookie })).statusCode).toBe(200); // seen at 29 min: idle until 59
      clock.advanceTo(new Date(START.getTime() + 88 * MINUTE + 1));
      expect(errorOf(await get('/example/calls', { cookie }))).toMatchObject({ status: 401, error: 'UNAUTHORIZED' });
      expect(await stores.sessions.find(sessionId)).toBeNull();
      expect(res.statusCode).toBe(200);
    });

    it('a session expires 12 hours after sign-in however busy', async () => {
      const { cookie } = await signIn(api.app, 'supervisor.wang');
      for (let m = 20; m < 12 * 60; m += 20) {
        clock.advanceTo(new Date(START.getTime() + m * MINUTE));
        expect((await get('/example/calls', { cookie })).statusCode, `${m} min`).toBe(200);
      }
      const who = await get('/session', { cookie });
      expect(who.json().expiresAt).toBe(new Date(START.getTime() + 12 * 60 * MINUTE).toISOString());
      clock.advanceTo(new Date(START.getTime() + 12 * 60 * MINUTE));
      expect(errorOf(await get('/example/calls', { cookie }))).toMatchObject({ status: 401, error: 'UNAUTHORIZED' });
    });

    it('a disabled user cannot sign in, and their session stops working', async () => {
      const { cookie } = await signIn(api.app, 'officer.sun');
      const user = (await stores.users.findByName('officer.sun'))!;
      await stores.users.setActive(user.id, false);
      expect(errorOf(await get('/example/calls', { cookie }))).toMatchObject({ status: 401 });
      const res = await api.app.inject({ method: 'POST', url: '/session', payload: { name: 'officer.sun', password: PASSWORD } });
      expect(errorOf(res)).toEqual({ status: 401, error: 'SIGN_IN_FAILED', message: 'wrong name or password' });
    });
  });

  describe('sessions', () => {
    it('GET /session says who I am; DELETE /session signs out and clears the cookie', async () => {
      const { cookie } = await signIn(api.app, 'officer.sun');
      const who = await get('/session', { cookie });
      expect(who.statusCode).toBe(200);
      expect(who.headers['cache-control']).toBe('no-store');
      expect(who.json()).toMatchObject({ user: { name: 'officer.sun', role: 'duty-officer', officerId: 'officer-1' }, via: 'session' });
      expect(who.json().permissions).not.toContain('audit:read');

      const out = await api.app.inject({ method: 'DELETE', url: '/session', headers: { cookie } });
      expect(out.statusCode).toBe(204);
      expect(out.cookies[0]).toMatchObject({ name: 'dh_session', value: '' });
      expect(out.cookies[0]!.expires!.getTime()).toBeLessThan(Date.now());
      expect(errorOf(await get('/session', { cookie }))).toMatchObject({ status: 401 });
      expect(errorOf(await api.app.inject({ method: 'DELETE', url: '/session', headers: { cookie } }))).toMatchObject({ status: 401 });
    });

    it('wrong name or password: one answer, SIGN_IN_FAILED, naming neither', async () => {
      for (const payload of [
        { name: 'supervisor.wang', password: 'not the password' },
        { name: 'nobody.here', password: PASSWORD },
      ]) {
        expect(errorOf(await api.app.inject({ method: 'POST', url: '/session', payload }))).toEqual({ status: 401, error: 'SIGN_IN_FAILED', message: 'wrong name or password' });
      }
    });

    it('a hash made with older parameters is replaced at sign-in', async () => {
      const old = new PasswordHasher({ logN: 9, r: 8, p: 1 });
      const user = await addUser(stores, 'old.hash', 'auditor', { hasher: old });
      expect(user.passwordHash).toMatch(/^\$scrypt\$ln=9,/);
      await signIn(api.app, 'old.hash');
      const after = (await stores.users.get(user.id))!;
      expect(after.passwordHash).toMatch(/^\$scrypt\$ln=10,/);
      await signIn(api.app, 'old.hash'); // still the same password
    });
  });

  describe('failed sign-ins are rate-limited', () => {
    const attempt = (name: string, password: string, remoteAddress = '127.0.0.1') => api.app.inject({ method: 'POST', url: '/session', payload: { name, password }, remoteAddress });

    it('5 failures of a name from an address, then 429 for 15 minutes — even with the right password', async () => {
      for (let i = 0; i < 5; i++) expect((await attempt('supervisor.wang', `wrong-${i}`)).statusCode).toBe(401);
      const blocked = await attempt('supervisor.wang', PASSWORD);
      expect(errorOf(blocked)).toEqual({ status: 429, error: 'TOO_MANY_REQUESTS', message: 'too many failed sign-ins for this name from this address; retry in 15 minutes' });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(14 * 60);
      expect((await attempt('SUPERVISOR.WANG', PASSWORD)).statusCode).toBe(429); // the same name, normalized

      // Other names from the address, and the name from another address, are not blocked.
      expect((await attempt('ops.li', PASSWORD)).statusCode).toBe(200);
      expect((await attempt('supervisor.wang', PASSWORD, '10.1.2.3')).statusCode).toBe(200);
    });

    it('successful sign-ins do not count', async () => {
      for (let i = 0; i < 8; i++) expect((await attempt('ops.li', PASSWORD)).statusCode).toBe(200);
    });

    it('and every sign-in attempt from an address, failed or not, past attemptsPerMinute', async () => {
      const strict = await buildAccessApi({ stores, clock, settings: accessSettings({ signIn: { attemptsPerMinute: 3 } }) });
      extraApps.push(strict);
      for (let i = 0; i < 3; i++) expect((await strict.app.inject({ method: 'POST', url: '/session', payload: { name: `user${i}`, password: 'x' } })).statusCode).toBe(401);
      const res = await strict.app.inject({ method: 'POST', url: '/session', payload: { name: 'ops.li', password: PASSWORD } });
      expect(errorOf(res)).toMatchObject({ status: 429, error: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^too many sign-in attempts from this address; retry in /) });
      expect(res.headers['retry-after']).toBeDefined();
    });
  });

  describe('API tokens', () => {
    it('a token works as Bearer until revoked; it is shown once and listed without its secret', async () => {
      const { cookie } = await signIn(api.app, 'supervisor.wang');
      const created = await api.app.inject({ method: 'POST', url: '/tokens', headers: { cookie }, payload: { name: ' nightly export ' } });
      expect(created.statusCode).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      const body = created.json();
      expect(body).toEqual({ id: expect.any(String), name: 'nightly export', token: expect.stringMatching(/^dht_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/), createdAt: START.toISOString(), lastUsedAt: null, revokedAt: null });
      const bearer = { authorization: `Bearer ${body.token}` };

      clock.advanceTo(new Date(START.getTime() + 5 * MINUTE));
      expect((await get('/example/calls', bearer)).json()).toEqual({ items: [], reader: 'supervisor.wang' });
      const who = await get('/session', bearer);
      expect(who.json()).toMatchObject({ via: 'token', expiresAt: null });
      expect(errorOf(await api.app.inject({ method: 'DELETE', url: '/session', headers: bearer }))).toMatchObject({ status: 400, message: expect.stringContaining('API token, not a session') });

      const list = await get('/tokens', { cookie });
      expect(list.json()).toEqual({ items: [{ id: body.id, name: 'nightly export', createdAt: START.toISOString(), lastUsedAt: new Date(START.getTime() + 5 * MINUTE).toISOString(), revokedAt: null }] });
      expect(list.body).not.toContain(body.token);

      const revoked = await api.app.inject({ method: 'DELETE', url: `/tokens/${body.id}`, headers: { cookie } });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json()).toMatchObject({ id: body.id, revokedAt: new Date(START.getTime() + 5 * MINUTE).toISOString() });
      expect(errorOf(await get('/example/calls', bearer))).toMatchObject({ status: 401, error: 'UNAUTHORIZED' });
      // The session that made it goes on.
      expect((await get('/example/calls', { cookie })).statusCode).toBe(200);
    });

    it('a token issued straight into the stores works (how test harnesses act as a user)', async () => {
      const auditor = (await stores.users.findByName('auditor.zhao'))!;
      const headers = await issueToken(stores, auditor);
      expect((await get('/example/calls', headers)).json()).toEqual({ items: [], reader: 'auditor.zhao' });
      expect((await get('/audit-log', headers)).statusCode).toBe(200);
    });

    it("a token carries its user's role: an ops token is refused a 'calls:read' route", async () => {
      const { cookie } = await signIn(api.app, 'ops.li');
      const { token } = (await api.app.inject({ method: 'POST', url: '/tokens', headers: { cookie }, payload: { name: 'dialplan job' } })).json();
      expect(errorOf(await get('/example/calls', { authorization: `Bearer ${token}` }))).toEqual({ status: 403, error: 'FORBIDDEN', message: "permission 'calls:read' required" });
    });

    it("one revokes only one's own tokens: another's, an unknown or a malformed id is a 404", async () => {
      const owner = await signIn(api.app, 'supervisor.wang');
      const { id } = (await api.app.inject({ method: 'POST', url: '/tokens', headers: { cookie: owner.cookie }, payload: { name: 'mine' } })).json();
      const other = await signIn(api.app, 'auditor.zhao');
      for (const target of [id, randomUUID(), 'not-a-uuid', '%F0%9F%98%80', '..%2F..%2Fetc']) {
        const res = await api.app.inject({ method: 'DELETE', url: `/tokens/${target}`, headers: { cookie: other.cookie } });
        expect(errorOf(res), target).toMatchObject({ status: 404, error: 'NOT_FOUND', message: expect.stringMatching(/^API token .* not found$/) });
      }
      expect((await get('/tokens', { cookie: other.cookie })).json()).toEqual({ items: [] });
    });

    it('a user holds at most maxTokensPerUser tokens (409 naming the limit)', async () => {
      const limited = await buildAccessApi({ stores, clock, settings: accessSettings({ maxTokensPerUser: 2 }) });
      extraApps.push(limited);
      const { cookie } = await signIn(limited.app, 'auditor.zhao');
      for (let i = 0; i < 2; i++) expect((await limited.app.inject({ method: 'POST', url: '/tokens', headers: { cookie }, payload: { name: `t${i}` } })).statusCode).toBe(201);
      const third = await limited.app.inject({ method: 'POST', url: '/tokens', headers: { cookie }, payload: { name: 't3' } });
      expect(errorOf(third)).toMatchObject({ status: 409, error: 'CONFLICT', message: expect.stringContaining('holds 2 API tokens already') });
    });
  });

  describe('the audit log', () => {
    it('records every read with who, when, what and from where; only auditors read it, for their office', async () => {
      const supervisor = await signIn(api.app, 'supervisor.wang', PASSWORD, { remoteAddress: '10.0.0.7' });
      clock.advanceTo(new Date(START.getTime() + MINUTE));
      await api.app.inject({ method: 'GET', url: '/example/calls?outcome=absence', headers: { cookie: supervisor.cookie }, remoteAddress: '10.0.0.7' });
      const ops = await signIn(api.app, 'ops.li');
      await get('/example/calls', { cookie: ops.cookie });

      expect(errorOf(await get('/audit-log', { cookie: supervisor.cookie }))).toEqual({ status: 403, error: 'FORBIDDEN', message: "permission 'audit:read' required" });
      const auditor = await signIn(api.app, 'auditor.zhao');
      const res = await get('/audit-log', { cookie: auditor.cookie });
      expect(res.statusCode).toBe(200);
      const items = res.json().items as Array<Record<string, unknown>>;
      const supervisorId = (await stores.users.findByName('supervisor.wang'))!.id;
      expect(items.find((e) => e.action === 'calls.list' && e.userName === 'supervisor.wang')).toEqual({
        id: expect.any(String),
        at: new Date(START.getTime() + MINUTE).toISOString(),
        userId: supervisorId,
        userName: 'supervisor.wang',
        role: 'supervisor',
        officeId: 'default',
        action: 'calls.list',
        route: 'GET /example/calls',
        ids: ['call-1', 'call-2'],
        query: { outcome: 'absence' },
        address: '10.0.0.7',
      });
      expect(items.map((e) => `${e.userName}:${e.action}`)).toEqual(
        expect.arrayContaining(['supervisor.wang:session.create', 'ops.li:access.denied', 'auditor.zhao:session.create', 'supervisor.wang:access.denied']),
      );
      expect(items.find((e) => e.action === 'access.denied' && e.userName === 'ops.li')).toMatchObject({ route: 'GET /example/calls', query: { permission: 'calls:read' } });

      // Filters; and reading the audit log is in it too.
      const mine = await get('/audit-log?user=Supervisor.Wang&action=calls.list', { cookie: auditor.cookie });
      expect(mine.json().items.map((e: { action: string }) => e.action)).toEqual(['calls.list']);
      const byId = await get(`/audit-log?user=${supervisorId}&limit=1`, { cookie: auditor.cookie });
      expect(byId.json().items).toHaveLength(1);
      const reads = await get('/audit-log?action=audit.list', { cookie: auditor.cookie });
      expect(reads.json().items.length).toBeGreaterThanOrEqual(3);
      expect(reads.json().items[0]).toMatchObject({ userName: 'auditor.zhao', action: 'audit.list', route: 'GET /audit-log', query: { user: supervisorId, limit: 1, offset: 0 } });

      // An auditor of another office sees nothing of this one.
      await addUser(stores, 'auditor.county', 'auditor', { officeId: 'county' });
      const county = await signIn(api.app, 'auditor.county');
      const theirs = (await get('/audit-log', { cookie: county.cookie })).json().items as Array<{ officeId: string }>;
      expect(theirs.every((e) => e.officeId === 'county')).toBe(true);
    });

    it('from/to bound the entries', async () => {
      await signIn(api.app, 'supervisor.wang');
      clock.advanceTo(new Date(START.getTime() + 10 * MINUTE));
      const auditor = await signIn(api.app, 'auditor.zhao');
      const from = encodeURIComponent(new Date(START.getTime() + 5 * MINUTE).toISOString());
      const items = (await get(`/audit-log?from=${from}&action=session.create`, { cookie: auditor.cookie })).json().items as Array<{ userName: string }>;
      expect(items.map((e) => e.userName)).toEqual(['auditor.zhao']);
    });
  });

  describe('bad input on every write route: 4xx naming the problem, never 500', () => {
    const MB = 'x'.repeat(1_000_000);
    const raw = (method: 'POST' | 'DELETE', url: string, payload: string, headers: Record<string, string> = {}) =>
      api.app.inject({ method, url, payload, headers: { 'content-type': 'application/json', ...headers } });

    it.each<[string, string, number, RegExp]>([
      ['a number for a name', '{"name": 123, "password": "x"}', 400, /body\/name must be string/],
      ['a null password', '{"name": "ops.li", "password": null}', 400, /body\/password must be string/],
      ['no password', '{"name": "ops.li"}', 400, /body must have required property 'password'/],
      ['an unknown field', '{"name": "ops.li", "password": "x", "admin": true}', 400, /must NOT have additional properties/],
      ['an array', '[]', 400, /body must be object/],
      ['a string', '"ops.li"', 400, /body must be object/],
      ['malformed JSON', '{"name": ', 400, /JSON/],
      ['a 1 MB name', JSON.stringify({ name: MB, password: 'x' }), 400, /body\/name must NOT have more than 200 characters/],
      ['a 1 MB password', JSON.stringify({ name: 'ops.li', password: MB }), 400, /body\/password must NOT have more than 1024 characters/],
      ['a lone surrogate in the name', '{"name": "ops\\ud800li", "password": "x"}', 400, /body\/name contains a lone surrogate/],
      ['a lone surrogate in the password', '{"name": "ops.li", "password": "\\udc00"}', 400, /body\/password contains a lone surrogate/],
      ['NUL in the name', '{"name": "ops\\u0000li", "password": "x"}', 400, /body\/name contains a control character/],
      ['an RTL override in the name', '{"name": "ops\\u202eil", "password": "x"}', 400, /body\/name contains a bidirectional control character/],
      ['an empty name', '{"name": "", "password": "x"}', 400, /body\/name is empty/],
      ['an empty password', '{"name": "ops.li", "password": ""}', 400, /body\/password is empty/],
    ])('POST /session with %s', async (_what, payload, status, message) => {
      const res = await raw('POST', '/session', payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().message).toMatch(message);
      expect(res.json().error).toBe('BAD_REQUEST');
    });

    it('POST /session with another content type is 415, with a body past the limit 413', async () => {
      const form = await api.app.inject({ method: 'POST', url: '/session', payload: 'name=ops.li&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(errorOf(form)).toMatchObject({ status: 415, error: 'UNSUPPORTED_MEDIA_TYPE' });
      const huge = await raw('POST', '/session', JSON.stringify({ name: '值'.repeat(400_000), password: 'x' }));
      expect(errorOf(huge)).toMatchObject({ status: 413, error: 'PAYLOAD_TOO_LARGE' });
    });

    it.each<[string, string, RegExp]>([
      ['a number', '{"name": 7}', /body\/name must be string/],
      ['no name', '{}', /body must have required property 'name'/],
      ['an unknown field', '{"name": "x", "scope": "all"}', /must NOT have additional properties/],
      ['an empty name', '{"name": "  "}', /body\/name is empty/],
      ['a 1 MB name', JSON.stringify({ name: 'x'.repeat(1_000_000) }), /body\/name must NOT have more than 200 characters/],
      ['a 101-character name', JSON.stringify({ name: 'x'.repeat(101) }), /body\/name is longer than 100 characters/],
      ['a lone surrogate', '{"name": "a\\ud83db"}', /body\/name contains a lone surrogate/],
      ['NUL', '{"name": "a\\u0000b"}', /body\/name contains a control character/],
      ['a newline', '{"name": "a\\nb"}', /body\/name contains a control character/],
      ['an RTL mark', '{"name": "\\u200fexport"}', /body\/name contains a bidirectional control character/],
      ['an RTL isolate', '{"name": "export\\u2067x"}', /body\/name contains a bidirectional control character/],
    ])('POST /tokens with %s', async (_what, payload, message) => {
      const { cookie } = await signIn(api.app, 'supervisor.wang');
      const res = await raw('POST', '/tokens', payload, { cookie });
      expect(errorOf(res)).toMatchObject({ status: 400, error: 'BAD_REQUEST', message: expect.stringMatching(message) });
      expect((await get('/tokens', { cookie })).json().items).toEqual([]);
    });

    it('POST /tokens and DELETE /tokens/:id without credentials are 401 before the body is read', async () => {
      expect(errorOf(await raw('POST', '/tokens', '{"name": 7}'))).toMatchObject({ status: 401 });
      expect(errorOf(await raw('DELETE', `/tokens/${randomUUID()}`, ''))).toMatchObject({ status: 401 });
    });

    it("DELETE /tokens/:id with an over-long id is a 414 (Fastify's maxParamLength, 100)", async () => {
      const { cookie } = await signIn(api.app, 'supervisor.wang');
      const res = await api.app.inject({ method: 'DELETE', url: `/tokens/${'a'.repeat(101)}`, headers: { cookie } });
      expect(errorOf(res)).toMatchObject({ status: 414, error: 'URI_TOO_LONG' });
    });

    it.each<[string, RegExp]>([
      ['limit=0', /querystring\/limit must be >= 1/],
      ['limit=1e400', /limit/],
      ['offset=-1', /querystring\/offset must be >= 0/],
      ['from=yesterday', /querystring\/from must match format "date-time"/],
      ['from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z', /'from' .* must be before 'to'/],
      ['action=calls.delete', /querystring\/action must be equal to one of the allowed values/],
      ['user=', /querystring\/user must NOT have fewer than 1 characters/],
      [`user=${'u'.repeat(201)}`, /querystring\/user must NOT have more than 200 characters/],
      ['office=county', /must NOT have additional properties/],
    ])('GET /audit-log?%s is a 400 naming the parameter', async (query, message) => {
      const { cookie } = await signIn(api.app, 'auditor.zhao');
      const res = await get(`/audit-log?${query}`, { cookie });
      expect(errorOf(res)).toMatchObject({ status: 400, error: 'BAD_REQUEST', message: expect.stringMatching(message) });
    });

    it('GET /audit-log with NUL, a lone surrogate or an RTL override in user= answers (and is audited), never 500', async () => {
      const { cookie } = await signIn(api.app, 'auditor.zhao');
      for (const user of ['%00', '%ED%A0%80', '%E2%80%AE', '%F0%9F%98%80', '%FF']) {
        const res = await get(`/audit-log?user=${user}`, { cookie });
        expect(res.statusCode, `${user}: ${res.body}`).toBeLessThan(500);
      }
      const reads = (await get('/audit-log?action=audit.list&limit=10', { cookie })).json().items as Array<{ query: { user?: string } }>;
      expect(reads.map((e) => e.query.user).filter(Boolean)).toContain('\uFFFD');
    });
  });
});

/** The session id a cookie names. */
function parseId(cookie: string): string {
  const hex = /dhs_([0-9a-f]{32})_/.exec(cookie)![1]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Access control on a bare Fastify, as src/app/http-app.ts will compose it (the error handler,
 * installAccessControl with access.check, accessPlugin), plus example routes standing in for the
 * API's: GET /example/calls ('calls:read', audited as a read of calls) and GET /example/public
 * ('public'). Users are created straight in the stores; signIn() goes through POST /session.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createAccess, type Access } from '../../src/access/access.js';
import { readerOf, routeOf, principalOf } from '../../src/access/access-control.js';
import { accessPlugin } from '../../src/access/access-plugin.js';
import type { AccessSettings } from '../../src/access/access-settings.js';
import { DEFAULT_ACCESS_SETTINGS } from '../../src/access/access-settings.js';
import type { AccessStores, UserRecord } from '../../src/access/access-store.js';
import { PasswordHasher } from '../../src/access/password-hash.js';
import { newSecret } from '../../src/access/secret-token.js';
import type { Role } from '../../src/core/access/roles.js';
import { systemClock, type Clock } from '../../src/platform/clock.js';
import { installErrorHandler } from '../../src/platform/http/errors.js';
import { installAccessControl } from '../../src/platform/http/permissions.js';
import { serverOptions } from '../../src/platform/http/server-options.js';

/** Cheap scrypt parameters: tests sign in often. */
export const testHasher = new PasswordHasher({ logN: 10, r: 8, p: 1 });

export const PASSWORD = 'correct horse battery staple';

export interface AccessApi {
  app: FastifyInstance;
  access: Access;
  /** Every route the app registered, "METHOD /url" → declared permission. */
  declared: Record<string, unknown>;
}

export async function buildAccessApi(options: { stores: AccessStores; clock?: Clock; settings?: AccessSettings; hasher?: PasswordHasher }): Promise<AccessApi> {
  const access = createAccess({ stores: options.stores, clock: options.clock ?? systemClock, settings: options.settings ?? DEFAULT_ACCESS_SETTINGS, hasher: options.hasher ?? testHasher });
  const app = Fastify({ ...serverOptions, logger: false });
  const declared: Record<string, unknown> = {};
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') declared[`${method} ${route.url}`] = route.config?.permission;
  });
  await app.register(async (root) => {
    const api = root.withTypeProvider<TypeBoxTypeProvider>();
    installErrorHandler(api);
    installAccessControl(api, access.check);
    await api.register(accessPlugin, { access });
    api.get('/example/calls', { config: { permission: 'calls:read' } }, async (request) => {
      await access.audit.read(readerOf(request), { action: 'calls.list', route: routeOf(request), ids: ['call-1', 'call-2'], query: request.query as Record<string, unknown> });
      return { items: [], reader: principalOf(request).user.name };
    });
    api.get('/example/public', { config: { permission: 'public' } }, async () => ({ ok: true }));
  });
  await app.ready();
  return { app, access, declared };
}

export async function addUser(stores: AccessStores, name: string, role: Role, extra: { officeId?: string; officerId?: string; password?: string; hasher?: PasswordHasher } = {}): Promise<UserRecord> {
  return stores.users.create({
    name,
    displayName: name,
    role,
    officeId: extra.officeId ?? 'default',
    officerId: extra.officerId ?? null,
    passwordHash: await (extra.hasher ?? testHasher).hash(extra.password ?? PASSWORD),
  });
}

/** The request's `Cookie` header after a sign-in, and the answer. */
export async function signIn(app: FastifyInstance, name: string, password = PASSWORD, extra: Partial<InjectOptions> = {}): Promise<{ cookie: string; res: LightMyRequestResponse }> {
  const res = await app.inject({ method: 'POST', url: '/session', payload: { name, password }, ...extra } as InjectOptions);
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === DEFAULT_ACCESS_SETTINGS.cookie.name);
  expect(cookie).toBeDefined();
  return { cookie: `${cookie!.name}=${cookie!.value}`, res };
}

/** An error answer's body: { error, message }. */
export const errorOf = (res: LightMyRequestResponse) => ({ status: res.statusCode, ...res.json<{ error: string; message: string }>() });

/**
 * An API token for the user, written straight into the stores (no sign-in, no password hash):
 * the `authorization` header a test sends to act as that user, e.g. through the service harness.
 */
export async function issueToken(stores: AccessStores, user: { id: string }, name = 'test'): Promise<{ authorization: string }> {
  const { id, secret, hash } = newSecret('token');
  await stores.tokens.create({ id, userId: user.id, name, secretHash: hash, createdAt: new Date() });
  return { authorization: `Bearer ${secret}` };
}

/** Every route declares who may use it; the API does not start with one that does not. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { MemoryCallStore } from '../../../../src/calls/memory-call-store.js';
import { MemoryDisciplineStore } from '../../../../src/discipline/memory-discipline-store.js';
import { installAccessControl, isRouteAccess, PERMISSIONS, PUBLIC } from '../../../../src/platform/http/permissions.js';
import { buildApi } from '../../../support/http.js';

describe('permissions', () => {
  it('are a closed list, including those the next issues need', () => {
    expect([...PERMISSIONS].sort()).toEqual([
      'audit:read',
      'calendar:manage',
      'calls:read',
      'config:manage',
      'dialplan:manage',
      'duty-log:write',
      'health:read',
      'records:object',
      'records:read',
      'records:review',
      'reports:read',
      'roster:approve',
      'roster:manage',
      'roster:read',
      'schedule:read',
      'session:own',
      'swaps:request',
      'tokens:own',
      'users:manage',
    ]);
    expect(isRouteAccess('calls:read')).toBe(true);
    expect(isRouteAccess(PUBLIC)).toBe(true);
    expect(isRouteAccess('calls:write')).toBe(false);
    expect(isRouteAccess(undefined)).toBe(false);
  });
});

describe('route permission declarations', () => {
  it('every route the API registers declares a known permission, or public', async () => {
    const api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() });
    await api.close();
    const declared = api.declared;
    expect(Object.keys(declared).length).toBeGreaterThan(0);
    for (const [route, permission] of Object.entries(declared)) expect(isRouteAccess(permission), route).toBe(true);
    expect(declared).toMatchObject({
      'GET /healthz': 'public',
      'GET /calls': 'calls:read',
      'GET /calls/:id': 'calls:read',
      'GET /discipline-records': 'records:read',
    });
  });

  it.each([
    ['no permission', {}, /route GET \/undeclared declares no permission: add config: \{ permission: 'calls:read' \| .*'public' \}/],
    ['an unknown permission', { permission: 'calls:write' }, /route GET \/undeclared declares an unknown permission "calls:write"/],
  ])('a route with %s stops the API from starting, naming the route', async (_what, config, message) => {
    const fastify = Fastify({ logger: false });
    void fastify.register(async (api) => {
      installAccessControl(api);
      api.get('/declared', { config: { permission: 'calls:read' } }, async () => ({}));
      api.get('/undeclared', { config: config as never }, async () => ({}));
    });
    await expect(fastify.ready()).rejects.toThrow(message);
  });

  it('routes added in plugins registered after it are held to it too', async () => {
    const fastify = Fastify({ logger: false });
    void fastify.register(async (api) => {
      installAccessControl(api);
      await api.register(async (feature) => {
        feature.get('/nested', async () => ({}));
      });
    });
    await expect(fastify.ready()).rejects.toThrow(/route GET \/nested declares no permission/);
  });

  it('the access check lets every declared route through today (access control is the next issue)', async () => {
    const api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() });
    for (const url of ['/healthz', '/calls', '/discipline-records']) expect((await api.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    await api.close();
  });
});

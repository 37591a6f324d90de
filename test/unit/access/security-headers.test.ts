/** Security headers (@fastify/helmet) on every answer, errors included; HSTS only over HTTPS. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerSecurityHeaders } from '../../../src/access/security-headers.js';
import { installErrorHandler } from '../../../src/platform/http/errors.js';
import { serverOptions } from '../../../src/platform/http/server-options.js';

async function app(https: boolean) {
  const fastify = Fastify({ ...serverOptions, logger: false });
  await registerSecurityHeaders(fastify, { https });
  await fastify.register(async (api) => {
    installErrorHandler(api);
    api.get('/thing', async () => ({ ok: true }));
  });
  await fastify.ready();
  return fastify;
}

describe('security headers', () => {
  it('are on answers and on error answers', async () => {
    const fastify = await app(false);
    for (const url of ['/thing', '/missing']) {
      const res = await fastify.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['content-security-policy'], url).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
    await fastify.close();
  });

  it('HSTS when served over HTTPS', async () => {
    const fastify = await app(true);
    const res = await fastify.inject({ method: 'GET', url: '/thing' });
    expect(res.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    await fastify.close();
  });
});

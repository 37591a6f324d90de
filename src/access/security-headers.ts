/**
 * Security headers on every answer of the API (@fastify/helmet, i.e. helmet's defaults:
 * Content-Security-Policy, X-Content-Type-Options: nosniff, X-Frame-Options, Referrer-Policy,
 * Cross-Origin-* …). Register it on the root instance before the routes (it wraps itself with
 * fastify-plugin, so it applies to the whole app). HSTS only when the API is served over HTTPS
 * (the session cookie's `secure`): over plain HTTP it would be ignored, or worse, pin a name
 * that has no TLS yet; nor, then, CSP's upgrade-insecure-requests (the browser would ask for the
 * page's scripts over HTTPS). The /docs page (@fastify/swagger-ui) loads its scripts from 'self'
 * and works under this CSP.
 */
import { fastifyHelmet } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export async function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    hsts: options.https ? { maxAge: 180 * 24 * 3600, includeSubDomains: true } : false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: options.https ? [] : null } },
  });
}

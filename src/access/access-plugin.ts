/**
 * The access routes, a Fastify plugin (encapsulated: the cookie and rate-limit plugins it
 * registers serve its routes only):
 *
 *   POST   /session      public          sign in {name, password}: sets the session cookie
 *   GET    /session      session:own     who am I (user, permissions, how signed in, until when)
 *   DELETE /session      session:own     sign out: ends the session, clears the cookie
 *   POST   /tokens       tokens:own      a new API token {name}: its secret is in this answer only
 *   GET    /tokens       tokens:own      one's tokens (never their secrets)
 *   DELETE /tokens/:id   tokens:own      revoke one of one's tokens
 *   GET    /audit-log    audit:read      the audit trail of the auditor's office, newest first
 *
 * Failed sign-ins are limited per name and address (settings.signIn.maxFailures in
 * failureWindowMs, then 429 TOO_MANY_REQUESTS with Retry-After, even for the right password), and
 * all sign-in attempts per address (attemptsPerMinute: each costs a password hash), both with
 * @fastify/rate-limit's in-process store.
 */
import { fastifyCookie } from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { labelProblem, normalizeUserName, signInPasswordProblem, userNameProblem } from '../core/access/credential-rules.js';
import { PERMISSIONS, ROLES } from '../core/access/roles.js';
import { ApiError, badRequest, notFound } from '../platform/http/errors.js';
import { withIsoDates } from '../platform/http/json.js';
import { noBody } from '../platform/http/strict-body.js';
import { parsePage, parseRange } from '../platform/http/range.js';
import { DateTime, ErrorBody, Nullable, RangeQuery } from '../platform/http/schemas.js';
import type { Access } from './access.js';
import { principalOf, readerOf, routeOf } from './access-control.js';
import { TooManyTokensError, type Principal } from './access-service.js';
import { AUDIT_ACTIONS } from './access-store.js';

export const UserView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  displayName: Type.String(),
  role: Type.Enum([...ROLES]),
  officeId: Type.String(),
  officerId: Nullable(Type.String()),
});

const Who = Type.Object({
  user: UserView,
  permissions: Type.Array(Type.Enum([...PERMISSIONS])),
  via: Type.Enum(['session', 'token'], { description: 'session: the browser cookie; token: an API token (Authorization: Bearer)' }),
  // when the session ends unless used again (idle), or at the latest (absolute); null for a token
  expiresAt: Nullable(DateTime),
});

const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: DateTime,
  lastUsedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});

const AuditEntryView = Type.Object({
  id: Type.String(),
  at: DateTime,
  userId: Type.String(),
  userName: Type.String(),
  role: Type.String(),
  officeId: Type.String(),
  action: Type.String(),
  route: Type.String(),
  ids: Type.Array(Type.String()),
  query: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  address: Nullable(Type.String()),
});

const who = (p: Principal) => ({
  user: p.user,
  permissions: [...p.permissions],
  via: p.via.kind,
  expiresAt: p.via.kind === 'session' ? p.via.expiresAt.toISOString() : null,
});

/** Answers that carry a secret, or who one is, are never cached. */
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

const check = (field: string, problem: string | null) => {
  if (problem) throw badRequest(`${field} ${problem}`);
};

/**
 * The API's schema validation coerces types (Fastify's default: 123 → "123", null → ""): right
 * for a query string, wrong for a JSON body, where a number for a name is a mistake to name.
 * Run before validation on the routes with a body.
 */
const stringFields =
  (...fields: string[]) =>
  async (request: { body: unknown }): Promise<void> => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return; // the schema names it
    for (const field of fields) {
      const value = (body as Record<string, unknown>)[field];
      if (value !== undefined && typeof value !== 'string') throw badRequest(`body/${field} must be string`);
    }
  };

export const accessPlugin: FastifyPluginAsyncTypebox<{ access: Access }> = async (app, { access }) => {
  const { settings, service, audit } = access;
  await app.register(fastifyCookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new ApiError('TOO_MANY_REQUESTS', `too many sign-in attempts from this address; retry in ${context.after}`),
  });
  // Counts failures only: read before a sign-in is tried, incremented when it fails.
  const failures = app.createRateLimit({
    max: settings.signIn.maxFailures,
    timeWindow: settings.signIn.failureWindowMs,
    keyGenerator: (request) => `${request.ip}\u0000${normalizeUserName(String((request.body as { name?: unknown } | undefined)?.name ?? ''))}`,
  });
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'strict',
    secure: settings.cookie.secure,
    path: '/',
  } as const;

  app.post(
    '/session',
    {
      config: { permission: 'public', rateLimit: { max: settings.signIn.attemptsPerMinute, timeWindow: 60_000 } },
      preValidation: stringFields('name', 'password'),
      schema: {
        summary: 'Sign in: sets the session cookie (HttpOnly, SameSite=Strict)',
        body: Type.Object({ name: Type.String({ maxLength: 200 }), password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 200: Who, 400: ErrorBody, 401: ErrorBody, 415: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body;
      check('body/name', userNameProblem(name));
      check('body/password', signInPasswordProblem(password));
      const limit = await failures(request, { increment: false });
      if (!limit.isAllowed && limit.remaining === 0) {
        const minutes = Math.max(1, Math.ceil(limit.ttlInSeconds / 60));
        reply.header('retry-after', String(limit.ttlInSeconds));
        throw new ApiError('TOO_MANY_REQUESTS', `too many failed sign-ins for this name from this address; retry in ${minutes} minute${minutes === 1 ? '' : 's'}`);
      }
      const signedIn = await service.signIn(name, password, { address: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null });
      if (!signedIn) {
        await failures(request);
        request.log.warn({ name: normalizeUserName(name), address: request.ip }, 'sign-in failed');
        throw new ApiError('SIGN_IN_FAILED');
      }
      const { principal, secret, sessionId } = signedIn;
      const { user } = principal;
      await audit.record({ userId: user.id, userName: user.name, role: user.role, officeId: user.officeId, address: request.ip ?? null }, { action: 'session.create', route: routeOf(request), ids: [sessionId] });
      reply.setCookie(settings.cookie.name, secret, { ...cookieOptions, maxAge: Math.floor(settings.session.absoluteTimeoutMs / 1000) });
      noStore(reply);
      return who(principal);
    },
  );

  app.get(
    '/session',
    {
      config: { permission: 'session:own' },
      schema: { summary: 'Who am I', response: { 200: Who, 401: ErrorBody, 503: ErrorBody } },
    },
    async (request, reply) => {
      noStore(reply);
      return who(principalOf(request));
    },
  );

  app.delete(
    '/session',
    {
      config: { permission: 'session:own' },
      preValidation: noBody,
      schema: { summary: 'Sign out: ends this session and clears its cookie', response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody, 503: ErrorBody } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.via.kind !== 'session') throw badRequest('this request is signed in with an API token, not a session: revoke the token instead (DELETE /tokens/:id)');
      await service.signOut(principal);
      await audit.record(readerOf(request), { action: 'session.delete', route: routeOf(request), ids: [principal.via.sessionId] });
      reply.clearCookie(settings.cookie.name, cookieOptions);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/tokens',
    {
      config: { permission: 'tokens:own' },
      preValidation: stringFields('name'),
      schema: {
        summary: 'A new API token for scripts (Authorization: Bearer <token>); the token is shown in this answer only',
        body: Type.Object({ name: Type.String({ maxLength: 200, description: 'what the token is for, e.g. "nightly export"' }) }, { additionalProperties: false }),
        response: { 201: Type.Intersect([TokenView, Type.Object({ token: Type.String() })]), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 415: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      check('body/name', labelProblem(request.body.name));
      const principal = principalOf(request);
      const created = await service.createToken(principal, request.body.name).catch((err: unknown) => {
        throw err instanceof TooManyTokensError ? new ApiError('CONFLICT', err.message) : err;
      });
      await audit.record(readerOf(request), { action: 'tokens.create', route: routeOf(request), ids: [created.token.id] });
      noStore(reply);
      return reply.code(201).send({ ...withIsoDates(created.token), token: created.secret });
    },
  );

  app.get(
    '/tokens',
    {
      config: { permission: 'tokens:own' },
      schema: { summary: "One's API tokens, newest first (revoked ones too; never their secrets)", response: { 200: Type.Object({ items: Type.Array(TokenView) }), 401: ErrorBody, 403: ErrorBody, 503: ErrorBody } },
    },
    async (request) => ({ items: (await service.listTokens(principalOf(request))).map(withIsoDates) }),
  );

  app.delete(
    '/tokens/:id',
    {
      config: { permission: 'tokens:own' },
      preValidation: noBody,
      schema: {
        summary: 'Revoke one of your API tokens (it stops working at once)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: TokenView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const revoked = await service.revokeToken(principalOf(request), request.params.id);
      if (!revoked) throw notFound(`API token ${request.params.id}`);
      await audit.record(readerOf(request), { action: 'tokens.revoke', route: routeOf(request), ids: [revoked.id] });
      return withIsoDates(revoked);
    },
  );

  app.get(
    '/audit-log',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: "Who read or did what, when, from where: the auditor's office, newest first",
        querystring: Type.Object(
          {
            ...RangeQuery,
            user: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "the user's id or name" })),
            action: Type.Optional(Type.Enum([...AUDIT_ACTIONS])),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AuditEntryView) }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const { user, action } = request.query;
      const range = parseRange(request.query);
      const page = parsePage(request.query);
      const reader = readerOf(request);
      const items = await audit.list({ ...range, ...page, officeId: reader.officeId, ...(user !== undefined && { user }), ...(action && { action }) });
      await audit.record(reader, { action: 'audit.list', route: routeOf(request), ids: items.map((e) => e.id), query: request.query });
      return { items: items.map(withIsoDates) };
    },
  );
};

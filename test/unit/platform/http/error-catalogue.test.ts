/** One error catalogue for every route: each error answer is an entry, { error: <code>, message }, with the entry's status. */
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCallStore } from '../../../../src/calls/memory-call-store.js';
import { MemoryDisciplineStore } from '../../../../src/discipline/memory-discipline-store.js';
import { DatabaseUnavailableError } from '../../../../src/platform/db/database-unavailable-error.js';
import { ApiError, ERRORS, installErrorHandler, type ErrorCode } from '../../../../src/platform/http/errors.js';
import { serverOptions } from '../../../../src/platform/http/server-options.js';
import { buildApi } from '../../../support/http.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('the catalogue', () => {
  it('holds the codes the API answers with, each with an error status', () => {
    expect(Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e.status]))).toEqual({
      BAD_REQUEST: 400,
      UNAUTHORIZED: 401,
      SIGN_IN_FAILED: 401,
      FORBIDDEN: 403,
      NOT_YOURS: 403,
      NOT_FOUND: 404,
      UNKNOWN: 404,
      CONFLICT: 409,
      PAYLOAD_TOO_LARGE: 413,
      URI_TOO_LONG: 414,
      UNSUPPORTED_MEDIA_TYPE: 415,
      TOO_MANY_REQUESTS: 429,
      INTERNAL: 500,
      DATABASE_UNAVAILABLE: 503,
    });
  });

  it('an ApiError takes its status from the entry and fills its template', () => {
    const err = new ApiError('NOT_FOUND', 'call 42');
    expect([err.statusCode, err.code, err.message]).toEqual([404, 'NOT_FOUND', 'call 42 not found']);
    expect(new ApiError('FORBIDDEN', 'records:review').message).toBe("permission 'records:review' required");
    expect(new ApiError('UNAUTHORIZED').message).toBe('authentication required');
    expect(err).toBeInstanceOf(Error);
  });
});

describe('the one error handler', () => {
  let api: FastifyInstance;
  const logged: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log: FastifyBaseLogger = pino({ level: 'error' }, stream);
    api = Fastify({ ...serverOptions, loggerInstance: log, bodyLimit: 100 });
    await api.register(async (scope) => {
      installErrorHandler(scope);
      scope.get('/forbidden', async () => {
        throw new ApiError('FORBIDDEN', 'calls:read');
      });
      scope.get('/database', async () => {
        throw new DatabaseUnavailableError('database not available yet: connect ECONNREFUSED');
      });
      scope.get('/bug', async () => {
        throw new Error('secret detail: password=hunter2');
      });
      scope.get('/things/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 3 } } } } }, async () => ({}));
      scope.post('/things', async () => ({}));
    });
    await api.ready();
  });
  afterAll(async () => {
    await api?.close();
  });

  const answer = async (method: 'GET' | 'POST', url: string, extra: { payload?: string; headers?: Record<string, string> } = {}) => {
    const res = await api.inject({ method, url, ...extra });
    return { status: res.statusCode, body: res.json<{ error: ErrorCode; message: string }>() };
  };

  it.each<[string, 'GET' | 'POST', string, { payload?: string; headers?: Record<string, string> }, ErrorCode, RegExp]>([
    ['an ApiError, as it is', 'GET', '/forbidden', {}, 'FORBIDDEN', /^permission 'calls:read' required$/],
    ['a database not open, with the reason', 'GET', '/database', {}, 'DATABASE_UNAVAILABLE', /^database not available yet: connect ECONNREFUSED$/],
    ['a failed schema validation, naming the parameter', 'GET', '/things/toolong', {}, 'BAD_REQUEST', /params\/id must NOT have more than 3 characters/],
    ['an unknown route', 'GET', '/nope?x=1', {}, 'NOT_FOUND', /^route GET \/nope\?x=1 not found$/],
    ['a malformed URL (rejected before routing)', 'GET', '/things/%zz', {}, 'BAD_REQUEST', /not a valid url component/],
    ['malformed JSON', 'POST', '/things', { payload: '{', headers: { 'content-type': 'application/json' } }, 'BAD_REQUEST', /JSON/],
    ['a body over the limit', 'POST', '/things', { payload: JSON.stringify({ x: 'y'.repeat(200) }), headers: { 'content-type': 'application/json' } }, 'PAYLOAD_TOO_LARGE', /body/i],
    ['a body of an unknown type', 'POST', '/things', { payload: '<x/>', headers: { 'content-type': 'text/xml' } }, 'UNSUPPORTED_MEDIA_TYPE', /unsupported media type/i],
  ])('answers %s from the catalogue', async (_what, method, url, extra, code, message) => {
    const { status, body } = await answer(method, url, extra);
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(body.error).toBe(code);
    expect(status).toBe(ERRORS[code].status);
    expect(body.message).toMatch(message);
  });

  it('answers an unexpected error with a 500 INTERNAL naming a reference it logged, never the error', async () => {
    const { status, body } = await answer('GET', '/bug');
    expect(status).toBe(500);
    expect(body.error).toBe('INTERNAL');
    expect(body.message).toMatch(new RegExp(`^internal error; reference ${UUID.source}$`));
    expect(JSON.stringify(body)).not.toContain('hunter2');
    const errorId = UUID.exec(body.message)![0];
    const entry = logged.find((line) => line.errorId === errorId);
    expect(entry?.msg).toBe('request failed');
    expect(JSON.stringify(entry)).toContain('hunter2');
  });
});

describe('the API answers every error from the catalogue', () => {
  let api: FastifyInstance;
  beforeAll(async () => {
    api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() });
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each([
    ['/calls?limit=0', 'BAD_REQUEST'],
    ['/calls?bogus=1', 'BAD_REQUEST'],
    ['/calls?from=2026-11-03T00:00:00Z&to=2026-11-01T00:00:00Z', 'BAD_REQUEST'],
    ['/calls?offset=1e400', 'BAD_REQUEST'],
    [`/calls/${'x'.repeat(101)}`, 'URI_TOO_LONG'],
    ['/calls/%zz', 'BAD_REQUEST'],
    ['/calls/00000000-0000-4000-8000-000000000000', 'NOT_FOUND'],
    ['/discipline-records?status=lost', 'BAD_REQUEST'],
    ['/nope', 'NOT_FOUND'],
  ])('GET %s: %s', async (url, code) => {
    const res = await api.inject({ method: 'GET', url });
    expect(res.json()).toEqual({ error: code, message: expect.any(String) });
    expect(res.statusCode).toBe(ERRORS[code as ErrorCode].status);
  });
});

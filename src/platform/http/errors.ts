/**
 * The API's one error catalogue (in the manner of fastify's lib/errors.js): every 4xx and 5xx the
 * API sends is one of these codes, with its status and message template ("%s" filled in order).
 * The body is always { error: <code>, message }. The one exception is /healthz, whose 503 is its
 * health report (a degraded service, not a failed request).
 *
 * One handler (installErrorHandler, and serverOptions.frameworkErrors for what Fastify rejects
 * before routing) turns whatever a request threw into an entry: an ApiError as it is; schema
 * validation into BAD_REQUEST; DatabaseUnavailableError into DATABASE_UNAVAILABLE; Fastify's own
 * client errors into the entry for their status; anything else into INTERNAL, logged with an id
 * and never echoed.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseUnavailableError } from '../db/database-unavailable-error.js';

export const ERRORS = {
  BAD_REQUEST: { status: 400, message: '%s' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  /** A sign-in with a wrong name or password (or an inactive user's): one answer for all, naming neither. */
  SIGN_IN_FAILED: { status: 401, message: 'wrong name or password' },
  FORBIDDEN: { status: 403, message: "permission '%s' required" },
  /** The permission is held, but not for this one: another officer's record, another office. */
  NOT_YOURS: { status: 403, message: '%s' },
  NOT_FOUND: { status: 404, message: '%s not found' },
  /** An id the office does not have, said in a sentence ("office default has no officer …"). */
  UNKNOWN: { status: 404, message: '%s' },
  /** A request the resource's state does not allow (a record's lifecycle: confirming a waived record, an objection after the decision). */
  CONFLICT: { status: 409, message: '%s' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '%s' },
  URI_TOO_LONG: { status: 414, message: '%s' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '%s' },
  /** Too many attempts (repeated failed sign-ins): the message says when to retry, and so does Retry-After. */
  TOO_MANY_REQUESTS: { status: 429, message: '%s' },
  INTERNAL: { status: 500, message: 'internal error; reference %s' },
  DATABASE_UNAVAILABLE: { status: 503, message: '%s' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** One string per "%s" of the template. */
type TemplateArgs<T extends string> = T extends `${string}%s${infer Rest}` ? [string, ...TemplateArgs<Rest>] : [];
export type ErrorArgs<C extends ErrorCode> = TemplateArgs<(typeof ERRORS)[C]['message']>;

/** An error the API answers with as it is: a catalogue entry, its template filled. */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: C,
    ...args: ErrorArgs<C>
  ) {
    super(fill(ERRORS[code].message, args));
    this.name = 'ApiError';
    this.statusCode = ERRORS[code].status;
  }
}

function fill(template: string, args: readonly string[]): string {
  let i = 0;
  return template.replace(/%s/g, () => args[i++] ?? '');
}

export const notFound = (what: string) => new ApiError('NOT_FOUND', what);
export const badRequest = (message: string) => new ApiError('BAD_REQUEST', message);

/** The body every error response has. */
export function errorBody(err: ApiError): { error: ErrorCode; message: string } {
  return { error: err.code, message: err.message };
}

/** Fastify's own client errors (not schema validation): the entry for their status; any other 4xx is a BAD_REQUEST. */
function clientError(status: number, message: string): ApiError {
  switch (status) {
    case 413:
      return new ApiError('PAYLOAD_TOO_LARGE', message);
    case 414:
      return new ApiError('URI_TOO_LONG', message);
    case 415:
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', message);
    case 429:
      return new ApiError('TOO_MANY_REQUESTS', message);
    default:
      return new ApiError('BAD_REQUEST', message);
  }
}

/** The catalogue entry for what a request threw; an unexpected error is logged here with the id its answer names. */
export function toApiError(err: unknown, request: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DatabaseUnavailableError) return new ApiError('DATABASE_UNAVAILABLE', err.message);
  const fastifyError = err as Partial<FastifyError> | null;
  if (fastifyError?.validation) return new ApiError('BAD_REQUEST', String(fastifyError.message));
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return clientError(status, String(fastifyError?.message));
  const errorId = randomUUID();
  request.log.error({ err, errorId }, 'request failed');
  return new ApiError('INTERNAL', errorId);
}

/** Answers a failed request from the catalogue. */
export function replyWithError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(err, request);
  return reply.code(apiError.statusCode).send(errorBody(apiError));
}

/** The API's error handler and its 404 for unknown routes. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void replyWithError(notFound(`route ${request.method} ${request.url}`), request, reply);
  });
  app.setErrorHandler((err, request, reply) => replyWithError(err, request, reply));
}

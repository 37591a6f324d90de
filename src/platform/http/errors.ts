import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { DatabaseUnavailableError } from '../db/database-unavailable-error.js';

/** Errors the API reports to the client as they are (4xx). Anything else is a 5xx with an id. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);
export const badRequest = (message: string) => new ApiError(400, 'BAD_REQUEST', message);

export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` });
  });
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).send({ error: err.code, message: err.message });
    }
    if (err instanceof DatabaseUnavailableError) {
      return reply.code(503).send({ error: 'DATABASE_UNAVAILABLE', message: err.message });
    }
    if ('validation' in err && err.validation) {
      return reply.code(400).send({ error: 'BAD_REQUEST', message: err.message });
    }
    const status = err.statusCode ?? 500;
    if (status < 500) {
      return reply.code(status).send({ error: err.code ?? 'BAD_REQUEST', message: err.message });
    }
    const errorId = randomUUID();
    request.log.error({ err, errorId }, 'request failed');
    return reply.code(500).send({ error: 'INTERNAL', message: `internal error; reference ${errorId}` });
  });
}

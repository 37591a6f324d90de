import type { FastifyServerOptions } from 'fastify';
import { replyWithError } from './errors.js';

/**
 * Options for the Fastify instance the API plugin runs on. Unknown query parameters are
 * rejected (400) rather than silently dropped: a mistyped filter must not return everything.
 * What Fastify rejects before routing (a malformed URL, an over-long path parameter) is
 * answered from the same error catalogue as everything else.
 */
export const serverOptions = {
  ajv: { customOptions: { removeAdditional: false } },
  frameworkErrors: (error, request, reply) => void replyWithError(error, request, reply),
} satisfies FastifyServerOptions;

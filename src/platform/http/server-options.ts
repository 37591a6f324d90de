import type { FastifyServerOptions } from 'fastify';

/**
 * Options for the Fastify instance the API plugin runs on. Unknown query parameters are
 * rejected (400) rather than silently dropped: a mistyped filter must not return everything.
 */
export const serverOptions = {
  ajv: { customOptions: { removeAdditional: false } },
} satisfies FastifyServerOptions;

import type { FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import { badRequest } from './errors.js';

/**
 * The schema validator coerces types (42 would pass as the text "42", ["x"] as "x"): a body must
 * carry strings where the schema says string, refused before validation otherwise.
 */
export function strictBody(schema: TSchema) {
  return async (request: FastifyRequest) => {
    const problem = wrongType(schema, request.body, 'body');
    if (problem) throw badRequest(problem);
  };
}

function wrongType(schema: TSchema, value: unknown, path: string): string | null {
  if (value === undefined) return null;
  const s = schema as { type?: string; anyOf?: TSchema[]; properties?: { [name: string]: TSchema } };
  if (s.anyOf) {
    if (s.anyOf.some((branch) => wrongType(branch, value, path) === null)) return null;
    return `${path} must be ${s.anyOf.map((branch) => (branch as { type?: string }).type ?? 'another value').join(' or ')}`;
  }
  switch (s.type) {
    case 'string':
      return typeof value === 'string' ? null : `${path} must be string`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${path} must be boolean`;
    case 'integer':
    case 'number':
      return typeof value === 'number' ? null : `${path} must be ${s.type}`;
    case 'null':
      return value === null ? null : `${path} must be null`;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path} must be object`;
      for (const [name, property] of Object.entries(s.properties ?? {})) {
        const problem = wrongType(property, (value as { [name: string]: unknown })[name], `${path}/${name}`);
        if (problem) return problem;
      }
      return null;
    }
    default:
      return null;
  }
}

/** A route that takes no body refuses one (unknown input is never silently dropped). */
export async function noBody(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (body === undefined || body === null || body === '') return;
  if (typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body) && Object.keys(body).length === 0) return;
  throw badRequest('this route takes no body');
}

import { badRequest } from './errors.js';
import { MAX_LIMIT, MAX_OFFSET } from './schemas.js';

/** Turns validated from/to strings into dates and checks they make a range. */
export function parseRange(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const from = instant('from', query.from);
  const to = instant('to', query.to);
  if (from && to && from.getTime() >= to.getTime()) throw badRequest(`'from' (${query.from}) must be before 'to' (${query.to})`);
  return { ...(from && { from }), ...(to && { to }) };
}

/** The schema checked the format; a few strings it lets through are still no instant (a leap second, 23:59:60). */
function instant(name: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw badRequest(`'${name}' (${text}) is not a valid instant`);
  return at;
}

/**
 * The schema bounds limit and offset, but its number coercion lets "1e400" through as Infinity:
 * checked again here, so no unbounded number reaches a store.
 */
export function parsePage(query: { limit: number; offset: number }): { limit: number; offset: number } {
  const check = (name: string, value: number, min: number, max: number) => {
    if (!Number.isSafeInteger(value) || value < min || value > max) throw badRequest(`querystring/${name} must be a whole number from ${min} to ${max}`);
  };
  check('limit', query.limit, 1, MAX_LIMIT);
  check('offset', query.offset, 0, MAX_OFFSET);
  return { limit: query.limit, offset: query.offset };
}

import { badRequest } from './errors.js';

/** Turns validated from/to strings into dates and checks they make a range. */
export function parseRange(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from.getTime() >= to.getTime()) throw badRequest(`'from' (${query.from}) must be before 'to' (${query.to})`);
  return { ...(from && { from }), ...(to && { to }) };
}

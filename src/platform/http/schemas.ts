import Type from 'typebox';
import { Instant, Nullable } from '../json-schema.js';

export { Nullable };
export const DateTime = Instant;

export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

/** The error answers a route that reads or changes by id may give (the catalogue's, src/platform/http/errors.ts). */
export const ErrorAnswers = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody };

export const TimelineEntry = Type.Object({ at: DateTime, what: Type.String() });

/** Paging bounds: a page of at most MAX_LIMIT rows, starting at most MAX_OFFSET rows in (deeper: narrow the time range). */
export const MAX_LIMIT = 1000;
export const MAX_OFFSET = 10_000_000;

/** Shared list parameters: a time range and paging. Every number has a bound; past it the API answers 400 naming the parameter. */
export const RangeQuery = {
  from: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'inclusive lower bound (ISO-8601)' })),
  to: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'exclusive upper bound (ISO-8601)' })),
  limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 }),
};

/** An office id, as the config names offices. */
export const OfficeParam = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'office id (config offices[].id; "default" for a single office)' });

import type { TimeRange } from '../../core/time-range.js';

/** A Prisma filter of a timestamp column for [from, to). */
export const timeFilter = (range: TimeRange): { gte?: Date; lt?: Date } => ({ ...(range.from && { gte: range.from }), ...(range.to && { lt: range.to }) });

/** A time range of a query: from inclusive, to exclusive; either open. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

export function inRange(at: Date, range: TimeRange): boolean {
  const t = at.getTime();
  return (!range.from || t >= range.from.getTime()) && (!range.to || t < range.to.getTime());
}

/** Whether `at` falls in one of `ranges` (none: never). */
export const inAnyRange = (at: Date, ranges: readonly TimeRange[]): boolean => ranges.some((r) => inRange(at, r));

/** Conversions between the contract types and the JSON / text columns, shared by the Prisma stores. */
import type { CallDirection, CallOutcome, TimelineEntry } from '../../core/call/call-model.js';
import type { DisciplineStatus, DisciplineType, SubjectKind } from '../../core/discipline/discipline-model.js';

/** A plain JSON array of {at, what} objects (drops anything else the caller attached). */
export function timelineToJson(timeline: readonly TimelineEntry[]): { at: string; what: string }[] {
  return timeline.map((e) => ({ at: e.at, what: e.what }));
}

/** Reads a timeline back from JSON, tolerating malformed content (it is evidence, not control data). */
export function timelineFromJson(value: unknown): TimelineEntry[] {
  if (!Array.isArray(value)) return [];
  const out: TimelineEntry[] = [];
  for (const item of value) {
    if (item && typeof item === 'object') {
      const { at, what } = item as Record<string, unknown>;
      out.push({ at: typeof at === 'string' ? at : String(at), what: typeof what === 'string' ? what : String(what) });
    }
  }
  return out;
}

/**
 * Text columns hold values of the contract's unions (no CHECK constraint: a value added by a
 * newer version must not make writes fail forever in the write queue). Reads pass values through.
 */
export const asOutcome = (value: string): CallOutcome => value as CallOutcome;
export const asDirection = (value: string): CallDirection => value as CallDirection;
export const asSubjectKind = (value: string): SubjectKind => value as SubjectKind;
export const asDisciplineType = (value: string): DisciplineType => value as DisciplineType;
export const asDisciplineStatus = (value: string): DisciplineStatus => value as DisciplineStatus;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are UUIDs; anything else cannot exist (and would be a SQL error on a uuid column). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

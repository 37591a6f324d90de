import { deferred } from '../platform/db/deferred-store.js';
import type { OfficeId } from '../core/office.js';
import type { Officer, PlannedShift, RosterMonth, Shift, SwapRequest, SwapStatus, YearMonth } from '../core/roster/roster-model.js';

/** Who made a change, and when (passed in: stores read no clock). */
export interface Change {
  by: string;
  at: Date;
}

export interface OfficerRecord extends Officer {
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  /** The last time `active` changed, and who changed it; null while it never did. */
  activeChangedAt: Date | null;
  activeChangedBy: string | null;
}

export interface NewOfficer {
  officeId: OfficeId;
  name: string;
  phone: string | null;
  section: string | null;
}

export interface ShiftRecord extends Shift {
  /** The roster revision the shift belongs to. */
  revision: number;
  createdAt: Date;
  createdBy: string;
  /** When a later revision of the draft replaced it; null for the roster's current shifts. */
  supersededAt: Date | null;
  supersededBy: string | null;
}

/**
 * Officers of each office. Nothing is deleted: an officer leaving duty is made inactive.
 * Errors are RosterError: `officer-name-taken` (a name is unique in its office), `not-found`.
 */
export interface OfficerStore {
  create(officer: NewOfficer, change: Change): Promise<OfficerRecord>;
  get(officeId: OfficeId, id: string): Promise<OfficerRecord | null>;
  /** By name (code point order), then id. */
  list(officeId: OfficeId, options?: { activeOnly?: boolean }): Promise<OfficerRecord[]>;
  update(officeId: OfficeId, id: string, patch: Partial<Pick<Officer, 'name' | 'phone' | 'section'>>, change: Change): Promise<OfficerRecord>;
  setActive(officeId: OfficeId, id: string, active: boolean, change: Change): Promise<OfficerRecord>;
}

/**
 * Roster months, their history and shifts. A change is computed by src/core/roster (the roster
 * before → after) and stored only if the stored roster is still the one it was computed from
 * (status and revision), else `roster-changed`; its new history events are appended.
 */
export interface RosterStore {
  /** `roster-exists` when the office has a roster for that month already. */
  createMonth(roster: Omit<RosterMonth, 'id'>): Promise<RosterMonth>;
  getMonth(officeId: OfficeId, month: YearMonth): Promise<RosterMonth | null>;
  getMonthById(officeId: OfficeId, id: string): Promise<RosterMonth | null>;
  /** By month. */
  listMonths(officeId: OfficeId): Promise<RosterMonth[]>;
  /** Stores `next` (a submit, return, approve or publish of `current`). */
  saveTransition(current: RosterMonth, next: RosterMonth): Promise<RosterMonth>;
  /**
   * Stores `next` (a revise of `current`: revision + 1) with `shifts` as its shifts, all at once;
   * the previous revision's shifts are marked superseded. `unknown-officer` when a shift names an
   * officer id the office does not have.
   */
  saveRevision(current: RosterMonth, next: RosterMonth, shifts: readonly PlannedShift[]): Promise<{ roster: RosterMonth; shifts: ShiftRecord[] }>;
  /** The roster's current shifts, by start, desk, id. */
  listShifts(officeId: OfficeId, rosterMonthId: string): Promise<ShiftRecord[]>;
  /** Any shift of the office, superseded or not. */
  getShift(officeId: OfficeId, id: string): Promise<ShiftRecord | null>;
  /** Current shifts of published rosters overlapping [from, to), by start, desk, id. */
  listPublishedShifts(officeId: OfficeId, from: Date, to: Date): Promise<ShiftRecord[]>;
}

/** Swap requests. Changes are stored only if the stored status is still `current`'s, else `swap-changed`. */
export interface SwapStore {
  /** `unknown-shift` / `unknown-officer` when it names what the office does not have. */
  create(swap: Omit<SwapRequest, 'id'>): Promise<SwapRequest>;
  get(officeId: OfficeId, id: string): Promise<SwapRequest | null>;
  saveTransition(current: SwapRequest, next: SwapRequest): Promise<SwapRequest>;
  /** The office's swaps (of one status, when given), by requestedAt, id. */
  list(officeId: OfficeId, options?: { status?: SwapStatus }): Promise<SwapRequest[]>;
  /** Swaps whose shift or counterpart shift is one of `shiftIds`, by requestedAt, id. */
  listForShifts(officeId: OfficeId, shiftIds: readonly string[]): Promise<SwapRequest[]>;
}

export interface RosterStores {
  officers: OfficerStore;
  rosters: RosterStore;
  swaps: SwapStore;
}

/** Stores that forward to the database's once it is open (DatabaseUnavailableError until then). */
export function deferredRosterStores(current: () => RosterStores): RosterStores {
  return {
    officers: deferred<OfficerStore>(() => current().officers),
    rosters: deferred<RosterStore>(() => current().rosters),
    swaps: deferred<SwapStore>(() => current().swaps),
  };
}

/** The order every store lists in, whatever the database's collation. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
export const byName = (a: OfficerRecord, b: OfficerRecord): number => compareText(a.name, b.name) || compareText(a.id, b.id);
export const byStart = (a: ShiftRecord, b: ShiftRecord): number =>
  a.startsAt.getTime() - b.startsAt.getTime() || compareText(a.deskEndpoint, b.deskEndpoint) || compareText(a.id, b.id);
export const byRequest = (a: SwapRequest, b: SwapRequest): number => a.requestedAt.getTime() - b.requestedAt.getTime() || compareText(a.id, b.id);

/** When a swap last changed: the latest of its steps. */
export const swapChangedAt = (swap: Pick<SwapRequest, 'requestedAt' | 'answeredAt' | 'decidedAt'>): Date => swap.decidedAt ?? swap.answeredAt ?? swap.requestedAt;

/** The history events `next` adds to `current`; a store refuses anything but an append. */
export function appendedEvents(current: RosterMonth, next: RosterMonth): RosterMonth['history'] {
  const added = next.history.slice(current.history.length);
  if (next.id !== current.id || next.officeId !== current.officeId || added.length === 0) {
    throw new Error(`roster ${current.month}: the change to store is not an append to its history`);
  }
  return added;
}

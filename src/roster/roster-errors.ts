import type { RosterErrorCode } from '../core/roster/roster-lifecycle.js';
import type { SwapErrorCode } from '../core/roster/shift-swaps.js';
import type { OfficeId } from '../core/office.js';
import type { RosterMonth, SwapRequest, YearMonth } from '../core/roster/roster-model.js';

/** What the stores refuse: a conflict with what is stored. */
export type RosterStoreErrorCode =
  | 'not-found'
  | 'officer-name-taken'
  | 'roster-exists'
  /** The roster or swap changed since it was read (another change got there first): read it again. */
  | 'roster-changed'
  | 'swap-changed'
  | 'unknown-officer'
  | 'unknown-shift'
  /** RosterService: shifts given for a revision that overlap on a desk. */
  | 'shifts-overlap';

export type RosterFailureCode = RosterErrorCode | SwapErrorCode | RosterStoreErrorCode;

/** A roster change refused, by a rule (src/core/roster/) or by what is stored; `code` names it. */
export class RosterError extends Error {
  override readonly name = 'RosterError';
  constructor(
    readonly code: RosterFailureCode,
    message: string,
  ) {
    super(message);
  }
}

export const nameTaken = (officeId: OfficeId, name: string) => new RosterError('officer-name-taken', `office ${officeId} already has an officer named ${name}`);
export const officerNotFound = (officeId: OfficeId, id: string) => new RosterError('not-found', `office ${officeId} has no officer ${id}`);
export const rosterExists = (officeId: OfficeId, month: YearMonth) => new RosterError('roster-exists', `office ${officeId} has a roster for ${month} already`);
export const rosterChanged = (roster: RosterMonth) => new RosterError('roster-changed', `roster ${roster.month} changed since it was read: read it again`);
export const swapChanged = (swap: SwapRequest) => new RosterError('swap-changed', `swap request ${swap.id} changed since it was read: read it again`);
export const unknownOfficer = (officeId: OfficeId, id: string) => new RosterError('unknown-officer', `office ${officeId} has no officer ${id}`);
export const unknownShift = (officeId: OfficeId, id: string) => new RosterError('unknown-shift', `office ${officeId} has no shift ${id}`);

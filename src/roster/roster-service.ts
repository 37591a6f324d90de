/**
 * The roster's operations over its stores: open a month, import its shifts, move it through
 * submitted → approved → published, request and decide swaps, and who is on duty at a desk. The
 * rules are src/core/roster's; this reads what they need, stores what they return, and turns a
 * refusal into a RosterError (its code names it). Who may ask is the routes' check (their
 * permission, the actor's office); times and actors are passed in.
 */
import type { OfficeId } from '../core/office.js';
import { newRosterMonth, transitionRoster, type RosterCommand } from '../core/roster/roster-lifecycle.js';
import type { Officer, PlannedShift, RosterActor, RosterMonth, RuleError, Shift, SwapRequest, SwapStatus, YearMonth } from '../core/roster/roster-model.js';
import { deskOverlaps } from '../core/roster/roster-shifts.js';
import { newSwapRequest, transitionSwap, type SwapCommand, type SwapContext, type SwapInput } from '../core/roster/shift-swaps.js';
import { dutyAttribution, whoIsOnDuty, type NO_ONE_ROSTERED, type OnDuty } from '../core/roster/who-is-on-duty.js';
import type { DayCalendar, LocalDate, Schedule } from '../core/schedule/schedule-model.js';
import type { ShiftInterval } from '../core/access/roles.js';
import { effectiveDuty } from '../core/roster/shift-swaps.js';
import type { DutyAttribution } from '../core/discipline/discipline-model.js';
import { officerNotFound, RosterError, unknownOfficer, unknownShift, type RosterFailureCode } from './roster-errors.js';
import { importRoster, type ImportProblem, type RosterImportResult } from './roster-import.js';
import type { Change, NewOfficer, OfficerRecord, RosterStores, ShiftRecord } from './roster-store.js';

const refusal = (error: RuleError<RosterFailureCode>) => new RosterError(error.code, error.message);

export interface ImportTarget {
  schedule: Schedule;
  calendar: DayCalendar;
  /** Desk names the file may use → endpoint; default: the schedule's desk destinations. */
  desks?: ReadonlyMap<string, string>;
  /** Recorded in the roster's history ("import roster.xlsx: 62 shifts"). */
  fileName?: string;
}

export type ImportOutcome =
  | { ok: true; roster: RosterMonth; shifts: ShiftRecord[]; format: Extract<RosterImportResult, { ok: true }>['format']; encoding: Extract<RosterImportResult, { ok: true }>['encoding'] }
  | { ok: false; problems: ImportProblem[] };

export class RosterService {
  /** `changed`: told after a change of who is on duty (a publication, a swap approved, an officer renamed): the live rosters reload. */
  constructor(
    private readonly stores: RosterStores,
    private readonly changed: (officeId: OfficeId) => void = () => {},
  ) {}

  listOfficers(officeId: OfficeId): Promise<OfficerRecord[]> {
    return this.stores.officers.list(officeId);
  }

  getOfficer(officeId: OfficeId, id: string): Promise<OfficerRecord | null> {
    return this.stores.officers.get(officeId, id);
  }

  addOfficer(officer: NewOfficer, change: Change): Promise<OfficerRecord> {
    return this.stores.officers.create(officer, change);
  }

  /** Changes an officer's name, phone, section or whether they are active. */
  async updateOfficer(officeId: OfficeId, id: string, patch: Partial<Pick<Officer, 'name' | 'phone' | 'section' | 'active'>>, change: Change): Promise<OfficerRecord> {
    const { active, ...fields } = patch;
    let officer = await this.stores.officers.get(officeId, id);
    if (!officer) throw officerNotFound(officeId, id);
    if (Object.keys(fields).length > 0) officer = await this.stores.officers.update(officeId, id, fields, change);
    if (active !== undefined && active !== officer.active) officer = await this.stores.officers.setActive(officeId, id, active, change);
    if (fields.name !== undefined) this.changed(officeId);
    return officer;
  }

  listMonths(officeId: OfficeId): Promise<RosterMonth[]> {
    return this.stores.rosters.listMonths(officeId);
  }

  /** The month's current shifts (the month as getMonth read it). */
  listShifts(roster: Pick<RosterMonth, 'officeId' | 'id'>): Promise<ShiftRecord[]> {
    return this.stores.rosters.listShifts(roster.officeId, roster.id);
  }

  getShift(officeId: OfficeId, id: string): Promise<ShiftRecord | null> {
    return this.stores.rosters.getShift(officeId, id);
  }

  /**
   * Who the published roster holds accountable for shift `id` (after the swaps approved by its
   * last instant), as a record's attribution; null when it is no current shift of a published roster.
   */
  async attributionOfShift(officeId: OfficeId, id: string): Promise<DutyAttribution | null> {
    const shift = await this.stores.rosters.getShift(officeId, id);
    if (!shift || shift.supersededAt !== null) return null;
    if ((await this.stores.rosters.getMonthById(officeId, shift.rosterMonthId))?.status !== 'published') return null;
    return (await this.attributionsOfShifts(officeId, [shift])).get(shift.id) ?? null;
  }

  /** attributionOfShift for shifts already known to be published ones: two queries whatever their number. */
  async attributionsOfShifts(officeId: OfficeId, shifts: readonly Shift[]): Promise<Map<string, DutyAttribution>> {
    if (shifts.length === 0) return new Map();
    const [swaps, officers] = await Promise.all([this.stores.swaps.listForShifts(officeId, shifts.map((s) => s.id)), this.stores.officers.list(officeId)]);
    const names = new Map(officers.map((o) => [o.id, o.name]));
    const nameOf = (officerId: string) => names.get(officerId) ?? officerId;
    return new Map(shifts.map((shift) => [shift.id, dutyAttribution(shift, effectiveDuty(shift, swaps, new Date(shift.endsAt.getTime() - 1)), nameOf)]));
  }

  /** The current shifts of published rosters overlapping [from, to). */
  listPublishedShifts(officeId: OfficeId, from: Date, to: Date): Promise<ShiftRecord[]> {
    return this.stores.rosters.listPublishedShifts(officeId, from, to);
  }

  listSwaps(officeId: OfficeId, options: { status?: SwapStatus } = {}): Promise<SwapRequest[]> {
    return this.stores.swaps.list(officeId, options);
  }

  /**
   * The shifts of published rosters `officerId` is accountable for as of `at` (duty officer or
   * leader on duty, after the swaps approved by then), as instants: a duty officer reads the
   * calls and records of these.
   */
  async shiftsOf(officeId: OfficeId, officerId: string, at: Date): Promise<ShiftInterval[]> {
    const shifts = await this.stores.rosters.listPublishedShifts(officeId, new Date('1970-01-01T00:00:00Z'), new Date('9999-12-31T00:00:00Z'));
    const swaps = shifts.length === 0 ? [] : await this.stores.swaps.listForShifts(officeId, shifts.map((s) => s.id));
    return shifts
      .filter((shift) => {
        const duty = effectiveDuty(shift, swaps, at);
        return duty.officerIds.includes(officerId) || duty.leaderId === officerId;
      })
      .map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt }));
  }

  async openMonth(officeId: OfficeId, month: YearMonth, by: RosterActor, at: Date): Promise<RosterMonth> {
    const made = newRosterMonth({ officeId, month, by, at });
    if (!made.ok) throw refusal(made.error);
    return this.stores.rosters.createMonth(made.value);
  }

  async getMonth(officeId: OfficeId, month: YearMonth): Promise<RosterMonth> {
    const roster = await this.stores.rosters.getMonth(officeId, month);
    if (!roster) throw new RosterError('not-found', `office ${officeId} has no roster for ${month}`);
    return roster;
  }

  async #apply(officeId: OfficeId, month: YearMonth, command: RosterCommand): Promise<RosterMonth> {
    const current = await this.getMonth(officeId, month);
    const next = transitionRoster(current, command);
    if (!next.ok) throw refusal(next.error);
    return this.stores.rosters.saveTransition(current, next.value);
  }

  submit(officeId: OfficeId, month: YearMonth, by: RosterActor, at: Date): Promise<RosterMonth> {
    return this.#apply(officeId, month, { action: 'submit', by, at });
  }

  approve(officeId: OfficeId, month: YearMonth, by: RosterActor, at: Date): Promise<RosterMonth> {
    return this.#apply(officeId, month, { action: 'approve', by, at });
  }

  returnToDraft(officeId: OfficeId, month: YearMonth, by: RosterActor, at: Date, reason: string): Promise<RosterMonth> {
    return this.#apply(officeId, month, { action: 'return', by, at, reason });
  }

  /** `holidays`: statutory holiday dates around the month; `timezone`: the office's (its schedule's). Lateness is recorded on the roster. */
  async publish(officeId: OfficeId, month: YearMonth, by: RosterActor, at: Date, context: { holidays: readonly LocalDate[]; timezone: string }): Promise<RosterMonth> {
    const current = await this.getMonth(officeId, month);
    const shifts = await this.stores.rosters.listShifts(officeId, current.id);
    const next = transitionRoster(current, { action: 'publish', by, at, deadlines: { shiftDates: shifts.map((s) => s.date), ...context } });
    if (!next.ok) throw refusal(next.error);
    const published = await this.stores.rosters.saveTransition(current, next.value);
    this.changed(officeId);
    return published;
  }

  /** Replaces the draft's shifts (a new revision); the old ones are kept, superseded. */
  async reviseShifts(officeId: OfficeId, month: YearMonth, shifts: readonly PlannedShift[], by: RosterActor, at: Date, note: string | null = null): Promise<{ roster: RosterMonth; shifts: ShiftRecord[] }> {
    if (shifts.length === 0) throw new RosterError('no-shifts', 'a revision needs at least one shift');
    const overlap = deskOverlaps(shifts)[0];
    if (overlap) {
      const [a, b] = [shifts[overlap.other]!, shifts[overlap.index]!];
      throw new RosterError('shifts-overlap', `desk ${overlap.key} has two shifts at once: ${a.date} ${a.periodLabel} and ${b.date} ${b.periodLabel}`);
    }
    const current = await this.getMonth(officeId, month);
    const next = transitionRoster(current, { action: 'revise', by, at, note });
    if (!next.ok) throw refusal(next.error);
    return this.stores.rosters.saveRevision(current, next.value, shifts);
  }

  /** Imports a spreadsheet into the month's draft: every shift, or, for a file with problems, nothing (and the problems). */
  async importFile(officeId: OfficeId, month: YearMonth, bytes: Uint8Array, target: ImportTarget, by: RosterActor, at: Date): Promise<ImportOutcome> {
    const current = await this.getMonth(officeId, month);
    const allowed = transitionRoster(current, { action: 'revise', by, at });
    if (!allowed.ok) throw refusal(allowed.error);
    const officers = await this.stores.officers.list(officeId);
    const result = await importRoster(bytes, { officeId, month, schedule: target.schedule, calendar: target.calendar, officers, ...(target.desks ? { desks: target.desks } : {}) });
    if (!result.ok) return result;
    const note = `import ${target.fileName ?? `a ${result.format.toUpperCase()} file`}: ${result.shifts.length} shifts`;
    const stored = await this.reviseShifts(officeId, month, result.shifts, by, at, note);
    return { ok: true, ...stored, format: result.format, encoding: result.encoding };
  }

  async #swapContext(officeId: OfficeId, shiftId: string, counterpartShiftId: string | null, counterpartId: string): Promise<SwapContext> {
    const { rosters, officers, swaps } = this.stores;
    const shift = await rosters.getShift(officeId, shiftId);
    if (!shift) throw unknownShift(officeId, shiftId);
    const counterpartShift = counterpartShiftId === null ? null : await rosters.getShift(officeId, counterpartShiftId);
    if (counterpartShiftId !== null && !counterpartShift) throw unknownShift(officeId, counterpartShiftId);
    const counterpart = await officers.get(officeId, counterpartId);
    if (!counterpart) throw unknownOfficer(officeId, counterpartId);
    let published = true;
    for (const s of [shift, counterpartShift]) {
      if (!s) continue;
      const month = await rosters.getMonthById(officeId, s.rosterMonthId);
      if (month?.status !== 'published' || s.supersededAt !== null) published = false;
    }
    const touching = await swaps.listForShifts(officeId, [shift.id, ...(counterpartShift ? [counterpartShift.id] : [])]);
    return { shift, counterpartShift, counterpart, published, swaps: touching };
  }

  async requestSwap(input: SwapInput): Promise<SwapRequest> {
    const context = await this.#swapContext(input.officeId, input.shiftId, input.counterpartShiftId, input.counterpartId);
    const made = newSwapRequest(input, context);
    if (!made.ok) throw refusal(made.error);
    return this.stores.swaps.create(made.value);
  }

  async #swap(officeId: OfficeId, id: string, command: (current: SwapRequest) => Promise<SwapCommand>): Promise<SwapRequest> {
    const current = await this.stores.swaps.get(officeId, id);
    if (!current) throw new RosterError('not-found', `office ${officeId} has no swap request ${id}`);
    const next = transitionSwap(current, await command(current));
    if (!next.ok) throw refusal(next.error);
    return this.stores.swaps.saveTransition(current, next.value);
  }

  /** The counterpart agrees or declines. */
  answerSwap(officeId: OfficeId, id: string, answer: 'agree' | 'decline', by: RosterActor, at: Date): Promise<SwapRequest> {
    return this.#swap(officeId, id, async () => ({ action: answer, by, at }));
  }

  /** The duty director approves (the swap is checked against the shifts as they stand) or rejects. */
  async decideSwap(officeId: OfficeId, id: string, decision: 'approve' | 'reject', by: RosterActor, at: Date, note: string | null = null): Promise<SwapRequest> {
    const decided = await this.#swap(officeId, id, async (current) =>
      decision === 'reject'
        ? { action: 'reject', by, at, note }
        : { action: 'approve', by, at, note, context: await this.#swapContext(officeId, current.shiftId, current.counterpartShiftId, current.counterpartId) },
    );
    if (decided.status === 'approved') this.changed(officeId);
    return decided;
  }

  /** Who is accountable for `desk` at `at`, from the published rosters and the swaps approved by then. */
  async whoIsOnDuty(officeId: OfficeId, desk: string, at: Date): Promise<OnDuty | typeof NO_ONE_ROSTERED> {
    const shifts = await this.stores.rosters.listPublishedShifts(officeId, at, new Date(at.getTime() + 1));
    const swaps = shifts.length === 0 ? [] : await this.stores.swaps.listForShifts(officeId, shifts.map((s) => s.id));
    return whoIsOnDuty(shifts, swaps, desk, at);
  }
}

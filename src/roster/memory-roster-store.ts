import { randomUUID } from 'node:crypto';
import type { OfficeId } from '../core/office.js';
import type { Officer, PlannedShift, RosterMonth, SwapRequest, SwapStatus, YearMonth } from '../core/roster/roster-model.js';
import { nameTaken, officerNotFound, RosterError, rosterChanged, rosterExists, swapChanged, unknownOfficer, unknownShift } from './roster-errors.js';
import {
  appendedEvents,
  byName,
  byRequest,
  byStart,
  compareText,
  type Change,
  type NewOfficer,
  type OfficerRecord,
  type OfficerStore,
  type RosterStore,
  type RosterStores,
  type ShiftRecord,
  type SwapStore,
} from './roster-store.js';

/** In-memory roster stores with the Prisma stores' semantics (test/support/roster-store-contract.ts); they share one state, as tables do. */
export function createMemoryRosterStores(): RosterStores {
  const state = new MemoryRosterState();
  return { officers: new MemoryOfficerStore(state), rosters: new MemoryRosterStore(state), swaps: new MemorySwapStore(state) };
}

class MemoryRosterState {
  readonly officers = new Map<string, OfficerRecord>();
  readonly months = new Map<string, RosterMonth>();
  readonly shifts = new Map<string, ShiftRecord>();
  readonly swaps = new Map<string, SwapRequest>();

  officer(officeId: OfficeId, id: string): OfficerRecord | undefined {
    const o = this.officers.get(id);
    return o?.officeId === officeId ? o : undefined;
  }
}

const clone = <T>(value: T): T => structuredClone(value);

class MemoryOfficerStore implements OfficerStore {
  constructor(private readonly state: MemoryRosterState) {}

  #nameTaken(officeId: OfficeId, name: string, except?: string): boolean {
    for (const o of this.state.officers.values()) if (o.officeId === officeId && o.name === name && o.id !== except) return true;
    return false;
  }

  async create(officer: NewOfficer, change: Change): Promise<OfficerRecord> {
    if (this.#nameTaken(officer.officeId, officer.name)) throw nameTaken(officer.officeId, officer.name);
    const record: OfficerRecord = {
      id: randomUUID(),
      officeId: officer.officeId,
      name: officer.name,
      phone: officer.phone,
      section: officer.section,
      active: true,
      createdAt: change.at,
      createdBy: change.by,
      updatedAt: change.at,
      activeChangedAt: null,
      activeChangedBy: null,
    };
    this.state.officers.set(record.id, clone(record));
    return record;
  }

  async get(officeId: OfficeId, id: string): Promise<OfficerRecord | null> {
    const o = this.state.officer(officeId, id);
    return o ? clone(o) : null;
  }

  async list(officeId: OfficeId, options: { activeOnly?: boolean } = {}): Promise<OfficerRecord[]> {
    return [...this.state.officers.values()]
      .filter((o) => o.officeId === officeId && (!options.activeOnly || o.active))
      .sort(byName)
      .map(clone);
  }

  async update(officeId: OfficeId, id: string, patch: Partial<Pick<Officer, 'name' | 'phone' | 'section'>>, change: Change): Promise<OfficerRecord> {
    const o = this.state.officer(officeId, id);
    if (!o) throw officerNotFound(officeId, id);
    if (patch.name !== undefined && this.#nameTaken(officeId, patch.name, id)) throw nameTaken(officeId, patch.name);
    Object.assign(o, definedOnly(patch), { updatedAt: change.at });
    return clone(o);
  }

  async setActive(officeId: OfficeId, id: string, active: boolean, change: Change): Promise<OfficerRecord> {
    const o = this.state.officer(officeId, id);
    if (!o) throw officerNotFound(officeId, id);
    if (o.active !== active) Object.assign(o, { active, activeChangedAt: change.at, activeChangedBy: change.by, updatedAt: change.at });
    return clone(o);
  }
}

class MemoryRosterStore implements RosterStore {
  constructor(private readonly state: MemoryRosterState) {}

  async createMonth(roster: Omit<RosterMonth, 'id'>): Promise<RosterMonth> {
    for (const m of this.state.months.values()) if (m.officeId === roster.officeId && m.month === roster.month) throw rosterExists(roster.officeId, roster.month);
    const stored: RosterMonth = { ...clone(roster), id: randomUUID() };
    this.state.months.set(stored.id, stored);
    return clone(stored);
  }

  async getMonth(officeId: OfficeId, month: YearMonth): Promise<RosterMonth | null> {
    for (const m of this.state.months.values()) if (m.officeId === officeId && m.month === month) return clone(m);
    return null;
  }

  async getMonthById(officeId: OfficeId, id: string): Promise<RosterMonth | null> {
    const m = this.state.months.get(id);
    return m?.officeId === officeId ? clone(m) : null;
  }

  async listMonths(officeId: OfficeId): Promise<RosterMonth[]> {
    return [...this.state.months.values()]
      .filter((m) => m.officeId === officeId)
      .sort((a, b) => compareText(a.month, b.month))
      .map(clone);
  }

  #checkCurrent(current: RosterMonth, next: RosterMonth): RosterMonth {
    appendedEvents(current, next);
    const stored = this.state.months.get(current.id);
    if (!stored || stored.officeId !== current.officeId) throw new RosterError('not-found', `office ${current.officeId} has no roster ${current.id}`);
    if (stored.status !== current.status || stored.revision !== current.revision || stored.history.length !== current.history.length) throw rosterChanged(current);
    return stored;
  }

  async saveTransition(current: RosterMonth, next: RosterMonth): Promise<RosterMonth> {
    this.#checkCurrent(current, next);
    this.state.months.set(next.id, clone(next));
    return clone(next);
  }

  async saveRevision(current: RosterMonth, next: RosterMonth, shifts: readonly PlannedShift[]): Promise<{ roster: RosterMonth; shifts: ShiftRecord[] }> {
    this.#checkCurrent(current, next);
    for (const s of shifts) {
      if (s.officeId !== next.officeId) throw new Error(`a shift of office ${s.officeId} in a roster of office ${next.officeId}`);
      for (const id of [...s.officerIds, ...(s.leaderId ? [s.leaderId] : [])]) {
        if (!this.state.officer(next.officeId, id)) throw unknownOfficer(next.officeId, id);
      }
    }
    const event = next.history.at(-1)!;
    for (const s of this.state.shifts.values()) {
      if (s.officeId === next.officeId && s.rosterMonthId === next.id && s.supersededAt === null) Object.assign(s, { supersededAt: event.at, supersededBy: event.by });
    }
    const records: ShiftRecord[] = shifts.map((s) => ({
      officeId: s.officeId,
      date: s.date,
      periodLabel: s.periodLabel,
      startsAt: new Date(s.startsAt),
      endsAt: new Date(s.endsAt),
      deskEndpoint: s.deskEndpoint,
      officerIds: [...s.officerIds],
      leaderId: s.leaderId,
      id: randomUUID(),
      rosterMonthId: next.id,
      revision: next.revision,
      createdAt: event.at,
      createdBy: event.by,
      supersededAt: null,
      supersededBy: null,
    }));
    for (const r of records) this.state.shifts.set(r.id, clone(r));
    this.state.months.set(next.id, clone(next));
    return { roster: clone(next), shifts: records.sort(byStart) };
  }

  async listShifts(officeId: OfficeId, rosterMonthId: string): Promise<ShiftRecord[]> {
    return [...this.state.shifts.values()]
      .filter((s) => s.officeId === officeId && s.rosterMonthId === rosterMonthId && s.supersededAt === null)
      .sort(byStart)
      .map(clone);
  }

  async getShift(officeId: OfficeId, id: string): Promise<ShiftRecord | null> {
    const s = this.state.shifts.get(id);
    return s?.officeId === officeId ? clone(s) : null;
  }

  async listPublishedShifts(officeId: OfficeId, from: Date, to: Date): Promise<ShiftRecord[]> {
    return [...this.state.shifts.values()]
      .filter(
        (s) =>
          s.officeId === officeId &&
          s.supersededAt === null &&
          this.state.months.get(s.rosterMonthId)?.status === 'published' &&
          s.startsAt.getTime() < to.getTime() &&
          s.endsAt.getTime() > from.getTime(),
      )
      .sort(byStart)
      .map(clone);
  }
}

class MemorySwapStore implements SwapStore {
  constructor(private readonly state: MemoryRosterState) {}

  async create(swap: Omit<SwapRequest, 'id'>): Promise<SwapRequest> {
    for (const shiftId of [swap.shiftId, ...(swap.counterpartShiftId ? [swap.counterpartShiftId] : [])]) {
      if (this.state.shifts.get(shiftId)?.officeId !== swap.officeId) throw unknownShift(swap.officeId, shiftId);
    }
    for (const id of [swap.requesterId, swap.counterpartId]) if (!this.state.officer(swap.officeId, id)) throw unknownOfficer(swap.officeId, id);
    const stored: SwapRequest = { ...clone(swap), id: randomUUID() };
    this.state.swaps.set(stored.id, stored);
    return clone(stored);
  }

  async get(officeId: OfficeId, id: string): Promise<SwapRequest | null> {
    const s = this.state.swaps.get(id);
    return s?.officeId === officeId ? clone(s) : null;
  }

  async saveTransition(current: SwapRequest, next: SwapRequest): Promise<SwapRequest> {
    const stored = this.state.swaps.get(current.id);
    if (!stored || stored.officeId !== current.officeId) throw new RosterError('not-found', `office ${current.officeId} has no swap request ${current.id}`);
    if (stored.status !== current.status) throw swapChanged(current);
    this.state.swaps.set(next.id, clone(next));
    return clone(next);
  }

  async list(officeId: OfficeId, options: { status?: SwapStatus } = {}): Promise<SwapRequest[]> {
    return [...this.state.swaps.values()]
      .filter((s) => s.officeId === officeId && (!options.status || s.status === options.status))
      .sort(byRequest)
      .map(clone);
  }

  async listForShifts(officeId: OfficeId, shiftIds: readonly string[]): Promise<SwapRequest[]> {
    const ids = new Set(shiftIds);
    return [...this.state.swaps.values()]
      .filter((s) => s.officeId === officeId && (ids.has(s.shiftId) || (s.counterpartShiftId !== null && ids.has(s.counterpartShiftId))))
      .sort(byRequest)
      .map(clone);
  }
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaClient, type RosterMonth as MonthRow, type RosterMonthEvent as EventRow, type RosterShift as ShiftRow, type RosterShiftOfficer as ShiftOfficerRow } from '../generated/prisma/client.js';
import { isUuid } from '../platform/db/json-mapping.js';
import type { OfficeId } from '../core/office.js';
import type { PlannedShift, PublicationLateness, RosterAction, RosterMonth, RosterStatus, YearMonth } from '../core/roster/roster-model.js';
import { RosterError, rosterChanged, rosterExists, unknownOfficer } from './roster-errors.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { PrismaOfficerStore } from './prisma-officer-store.js';
import { PrismaSwapStore } from './prisma-swap-store.js';
import { appendedEvents, byStart, compareText, type RosterStore, type RosterStores, type ShiftRecord } from './roster-store.js';

type Tx = Prisma.TransactionClient;

/** The three roster stores on one database. */
export function createPrismaRosterStores(prisma: PrismaClient): RosterStores {
  return { officers: new PrismaOfficerStore(prisma), rosters: new PrismaRosterStore(prisma), swaps: new PrismaSwapStore(prisma) };
}
const withEvents = { events: { orderBy: { seq: 'asc' } } } as const;
const withOfficers = { officers: { orderBy: { position: 'asc' } } } as const;

/** Roster months (roster_months + roster_month_events) and shifts (roster_shifts + roster_shift_officers). No Prisma type leaves this file. */
export class PrismaRosterStore implements RosterStore {
  constructor(private readonly prisma: PrismaClient) {}

  async createMonth(roster: Omit<RosterMonth, 'id'>): Promise<RosterMonth> {
    const id = randomUUID();
    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.rosterMonth.create({ data: { id, ...monthColumns(roster) } });
        await tx.rosterMonthEvent.createMany({ data: roster.history.map((e) => ({ ...e, officeId: roster.officeId, rosterMonthId: id })) });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw rosterExists(roster.officeId, roster.month);
      throw err;
    }
    return (await this.getMonthById(roster.officeId, id))!;
  }

  async getMonth(officeId: OfficeId, month: YearMonth): Promise<RosterMonth | null> {
    const row = await this.prisma.rosterMonth.findUnique({ where: { officeId_month: { officeId, month } }, include: withEvents });
    return row ? toMonth(row) : null;
  }

  async getMonthById(officeId: OfficeId, id: string): Promise<RosterMonth | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.rosterMonth.findUnique({ where: { officeId_id: { officeId, id } }, include: withEvents });
    return row ? toMonth(row) : null;
  }

  async listMonths(officeId: OfficeId): Promise<RosterMonth[]> {
    const rows = await this.prisma.rosterMonth.findMany({ where: { officeId }, include: withEvents });
    return rows.map(toMonth).sort((a, b) => compareText(a.month, b.month));
  }

  /**
   * The month row is updated only if it still has `current`'s status and revision (a compare and
   * set), and the new events take the next seq numbers (a unique key): of two changes computed
   * from the same roster, one lands and the other is `roster-changed`.
   */
  async #save(tx: Tx, current: RosterMonth, next: RosterMonth): Promise<void> {
    const added = appendedEvents(current, next);
    const { count } = await tx.rosterMonth.updateMany({
      where: { officeId: current.officeId, id: current.id, status: current.status, revision: current.revision },
      data: { ...monthColumns(next), updatedAt: added.at(-1)!.at },
    });
    if (count === 0) {
      if (!(await tx.rosterMonth.findUnique({ where: { officeId_id: { officeId: current.officeId, id: current.id } } }))) {
        throw new RosterError('not-found', `office ${current.officeId} has no roster ${current.id}`);
      }
      throw rosterChanged(current);
    }
    await tx.rosterMonthEvent.createMany({ data: added.map((e) => ({ ...e, officeId: next.officeId, rosterMonthId: next.id })) });
  }

  async #transaction<T>(current: RosterMonth, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(work);
    } catch (err) {
      if (isUniqueViolation(err)) throw rosterChanged(current);
      throw err;
    }
  }

  async saveTransition(current: RosterMonth, next: RosterMonth): Promise<RosterMonth> {
    await this.#transaction(current, (tx) => this.#save(tx, current, next));
    return (await this.getMonthById(next.officeId, next.id))!;
  }

  async saveRevision(current: RosterMonth, next: RosterMonth, shifts: readonly PlannedShift[]): Promise<{ roster: RosterMonth; shifts: ShiftRecord[] }> {
    const officeId = next.officeId;
    const event = next.history.at(-1)!;
    const rows = shifts.map((s) => {
      if (s.officeId !== officeId) throw new Error(`a shift of office ${s.officeId} in a roster of office ${officeId}`);
      return { ...s, id: randomUUID() };
    });
    await this.#transaction(current, async (tx) => {
      await this.#save(tx, current, next);
      const named = [...new Set(rows.flatMap((s) => [...s.officerIds, ...(s.leaderId ? [s.leaderId] : [])]))];
      const known = new Set(
        (await tx.dutyOfficer.findMany({ where: { officeId, id: { in: named.filter(isUuid) } }, select: { id: true } })).map((o) => o.id),
      );
      const missing = named.find((id) => !known.has(id));
      if (missing !== undefined) throw unknownOfficer(officeId, missing);
      await tx.rosterShift.updateMany({ where: { officeId, rosterMonthId: next.id, supersededAt: null }, data: { supersededAt: event.at, supersededBy: event.by } });
      await tx.rosterShift.createMany({
        data: rows.map((s) => ({
          id: s.id,
          officeId,
          rosterMonthId: next.id,
          revision: next.revision,
          date: s.date,
          periodLabel: s.periodLabel,
          startsAt: s.startsAt,
          endsAt: s.endsAt,
          deskEndpoint: s.deskEndpoint,
          leaderId: s.leaderId,
          createdAt: event.at,
          createdBy: event.by,
        })),
      });
      await tx.rosterShiftOfficer.createMany({
        data: rows.flatMap((s) => s.officerIds.map((officerId, position) => ({ officeId, shiftId: s.id, officerId, position }))),
      });
    });
    return { roster: (await this.getMonthById(officeId, next.id))!, shifts: await this.listShifts(officeId, next.id) };
  }

  async listShifts(officeId: OfficeId, rosterMonthId: string): Promise<ShiftRecord[]> {
    if (!isUuid(rosterMonthId)) return [];
    const rows = await this.prisma.rosterShift.findMany({ where: { officeId, rosterMonthId, supersededAt: null }, include: withOfficers });
    return rows.map(toShift).sort(byStart);
  }

  async getShift(officeId: OfficeId, id: string): Promise<ShiftRecord | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.rosterShift.findUnique({ where: { officeId_id: { officeId, id } }, include: withOfficers });
    return row ? toShift(row) : null;
  }

  async listPublishedShifts(officeId: OfficeId, from: Date, to: Date): Promise<ShiftRecord[]> {
    const rows = await this.prisma.rosterShift.findMany({
      where: { officeId, supersededAt: null, startsAt: { lt: to }, endsAt: { gt: from }, rosterMonth: { status: 'published' } },
      include: withOfficers,
    });
    return rows.map(toShift).sort(byStart);
  }
}

function monthColumns(m: Omit<RosterMonth, 'id' | 'history'> & { history?: unknown }) {
  return {
    officeId: m.officeId,
    month: m.month,
    status: m.status,
    revision: m.revision,
    createdAt: m.createdAt,
    createdBy: m.createdBy,
    submittedAt: m.submittedAt,
    submittedBy: m.submittedBy,
    approvedAt: m.approvedAt,
    approvedBy: m.approvedBy,
    publishedAt: m.publishedAt,
    publishedBy: m.publishedBy,
    lateness: m.lateness === null ? Prisma.DbNull : (m.lateness as unknown as Prisma.InputJsonValue),
    updatedAt: m.createdAt,
  };
}

function toMonth(row: MonthRow & { events: EventRow[] }): RosterMonth {
  return {
    id: row.id,
    officeId: row.officeId,
    month: row.month,
    status: row.status as RosterStatus,
    revision: row.revision,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    submittedAt: row.submittedAt,
    submittedBy: row.submittedBy,
    approvedAt: row.approvedAt,
    approvedBy: row.approvedBy,
    publishedAt: row.publishedAt,
    publishedBy: row.publishedBy,
    lateness: (row.lateness ?? null) as PublicationLateness | null,
    history: row.events.map((e) => ({ seq: e.seq, action: e.action as RosterAction, status: e.status as RosterStatus, at: e.at, by: e.by, note: e.note })),
  };
}

function toShift(row: ShiftRow & { officers: ShiftOfficerRow[] }): ShiftRecord {
  return {
    id: row.id,
    officeId: row.officeId,
    rosterMonthId: row.rosterMonthId,
    revision: row.revision,
    date: row.date,
    periodLabel: row.periodLabel,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    deskEndpoint: row.deskEndpoint,
    officerIds: row.officers.map((o) => o.officerId),
    leaderId: row.leaderId,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    supersededAt: row.supersededAt,
    supersededBy: row.supersededBy,
  };
}

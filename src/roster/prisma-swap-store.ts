import type { PrismaClient, RosterSwapRequest as SwapRow } from '../generated/prisma/client.js';
import { isUuid } from '../platform/db/json-mapping.js';
import type { OfficeId } from '../core/office.js';
import type { SwapRequest, SwapStatus } from '../core/roster/roster-model.js';
import { RosterError, swapChanged, unknownOfficer, unknownShift } from './roster-errors.js';
import { byRequest, swapChangedAt, type SwapStore } from './roster-store.js';

/** Swap requests (roster_swap_requests). No Prisma type leaves this file. */
export class PrismaSwapStore implements SwapStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(swap: Omit<SwapRequest, 'id'>): Promise<SwapRequest> {
    const { officeId } = swap;
    const shiftIds = [swap.shiftId, ...(swap.counterpartShiftId ? [swap.counterpartShiftId] : [])];
    const shifts = new Set((await this.prisma.rosterShift.findMany({ where: { officeId, id: { in: shiftIds.filter(isUuid) } }, select: { id: true } })).map((s) => s.id));
    const missingShift = shiftIds.find((id) => !shifts.has(id));
    if (missingShift !== undefined) throw unknownShift(officeId, missingShift);
    const officerIds = [swap.requesterId, swap.counterpartId];
    const officers = new Set((await this.prisma.dutyOfficer.findMany({ where: { officeId, id: { in: officerIds.filter(isUuid) } }, select: { id: true } })).map((o) => o.id));
    const missingOfficer = officerIds.find((id) => !officers.has(id));
    if (missingOfficer !== undefined) throw unknownOfficer(officeId, missingOfficer);
    // Shifts and officers are never deleted, so what was just checked still holds at the insert.
    const row = await this.prisma.rosterSwapRequest.create({ data: { ...swap, updatedAt: swapChangedAt(swap) } });
    return toSwap(row);
  }

  async get(officeId: OfficeId, id: string): Promise<SwapRequest | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.rosterSwapRequest.findUnique({ where: { officeId_id: { officeId, id } } });
    return row ? toSwap(row) : null;
  }

  async saveTransition(current: SwapRequest, next: SwapRequest): Promise<SwapRequest> {
    if (next.id !== current.id || next.officeId !== current.officeId) throw new Error(`swap ${current.id}: the change to store is of another swap`);
    const { count } = await this.prisma.rosterSwapRequest.updateMany({
      where: { officeId: current.officeId, id: current.id, status: current.status },
      data: {
        status: next.status,
        answeredAt: next.answeredAt,
        answeredBy: next.answeredBy,
        decidedAt: next.decidedAt,
        decidedBy: next.decidedBy,
        decisionNote: next.decisionNote,
        updatedAt: swapChangedAt(next),
      },
    });
    if (count === 0) {
      if (!(await this.get(current.officeId, current.id))) throw new RosterError('not-found', `office ${current.officeId} has no swap request ${current.id}`);
      throw swapChanged(current);
    }
    return (await this.get(next.officeId, next.id))!;
  }

  async list(officeId: OfficeId, options: { status?: SwapStatus } = {}): Promise<SwapRequest[]> {
    const rows = await this.prisma.rosterSwapRequest.findMany({ where: { officeId, ...(options.status && { status: options.status }) } });
    return rows.map(toSwap).sort(byRequest);
  }

  async listForShifts(officeId: OfficeId, shiftIds: readonly string[]): Promise<SwapRequest[]> {
    const ids = shiftIds.filter(isUuid);
    if (ids.length === 0) return [];
    const rows = await this.prisma.rosterSwapRequest.findMany({
      where: { officeId, OR: [{ shiftId: { in: ids } }, { counterpartShiftId: { in: ids } }] },
    });
    return rows.map(toSwap).sort(byRequest);
  }
}

function toSwap(row: SwapRow): SwapRequest {
  return {
    id: row.id,
    officeId: row.officeId,
    shiftId: row.shiftId,
    requesterId: row.requesterId,
    counterpartId: row.counterpartId,
    counterpartShiftId: row.counterpartShiftId,
    reason: row.reason,
    status: row.status as SwapStatus,
    requestedAt: row.requestedAt,
    requestedBy: row.requestedBy,
    answeredAt: row.answeredAt,
    answeredBy: row.answeredBy,
    decidedAt: row.decidedAt,
    decidedBy: row.decidedBy,
    decisionNote: row.decisionNote,
  };
}

import type { Handover as Row, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { OPEN_ITEM_KINDS, type OpenItem } from '../core/handover/handover.js';
import type { OfficeId } from '../core/office.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import type { HandoverRecord, HandoverStore, NewHandover } from './handover-store.js';

/** Hand-overs in PostgreSQL / PGlite (handovers). No Prisma type leaves this file. */
export class PrismaHandoverStore implements HandoverStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(handover: NewHandover) {
    try {
      const row = await this.prisma.handover.create({ data: { ...handover, items: itemsJson(handover.items) } });
      return { created: true as const, handover: toRecord(row) };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.get(handover.officeId, handover.shiftId);
      if (!existing) throw err;
      return { created: false as const, existing };
    }
  }

  async get(officeId: OfficeId, shiftId: string) {
    const row = await this.prisma.handover.findUnique({ where: { officeId_shiftId: { officeId, shiftId } } });
    return row ? toRecord(row) : null;
  }

  async handedTo(officeId: OfficeId, shiftId: string) {
    const row = await this.prisma.handover.findFirst({ where: { officeId, nextShiftId: shiftId }, orderBy: { changeAt: 'desc' } });
    return row ? toRecord(row) : null;
  }

  async acknowledge(officeId: OfficeId, shiftId: string, ack: { by: string; at: Date; note: string | null }) {
    // Only while unacknowledged: two acknowledgements at once, one lands.
    const { count } = await this.prisma.handover.updateMany({ where: { officeId, shiftId, acknowledgedAt: null }, data: { acknowledgedBy: ack.by, acknowledgedAt: ack.at, acknowledgeNote: ack.note } });
    return count === 1 ? this.get(officeId, shiftId) : null;
  }

  async listForShifts(officeId: OfficeId, shiftIds: readonly string[]) {
    if (shiftIds.length === 0) return [];
    const rows = await this.prisma.handover.findMany({ where: { officeId, shiftId: { in: [...shiftIds] } }, orderBy: { changeAt: 'asc' } });
    return rows.map(toRecord);
  }
}

const itemsJson = (items: readonly OpenItem[]): Prisma.InputJsonValue => items.map((i) => ({ ...i, offeredAt: i.offeredAt.toISOString() }));

function toItems(json: Prisma.JsonValue): OpenItem[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((value) => {
    const item = value as Record<string, unknown> | null;
    if (!item || !(OPEN_ITEM_KINDS as readonly unknown[]).includes(item.kind)) return [];
    return [
      {
        kind: item.kind as OpenItem['kind'],
        callId: String(item.callId),
        pbxCallId: String(item.pbxCallId),
        offeredAt: new Date(String(item.offeredAt)),
        missing: Array.isArray(item.missing) ? item.missing.map(String) : [],
        content: typeof item.content === 'string' ? item.content : null,
      },
    ];
  });
}

function toRecord(row: Row): HandoverRecord {
  return {
    id: row.id,
    officeId: row.officeId,
    shiftId: row.shiftId,
    shiftLabel: row.shiftLabel,
    changeAt: row.changeAt,
    nextShiftId: row.nextShiftId,
    note: row.note,
    items: toItems(row.items),
    writtenBy: row.writtenBy,
    writtenAt: row.writtenAt,
    acknowledgedBy: row.acknowledgedBy,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgeNote: row.acknowledgeNote,
  };
}

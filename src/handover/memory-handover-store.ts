import type { OfficeId } from '../core/office.js';
import type { HandoverRecord, HandoverStore, NewHandover } from './handover-store.js';

/** Hand-overs in memory, for unit tests of the routes and services. */
export class MemoryHandoverStore implements HandoverStore {
  readonly #rows: HandoverRecord[] = [];

  async create(handover: NewHandover) {
    const existing = await this.get(handover.officeId, handover.shiftId);
    if (existing) return { created: false as const, existing };
    const row: HandoverRecord = { ...structuredClone(handover), id: crypto.randomUUID(), acknowledgedBy: null, acknowledgedAt: null, acknowledgeNote: null };
    this.#rows.push(row);
    return { created: true as const, handover: structuredClone(row) };
  }

  async get(officeId: OfficeId, shiftId: string) {
    return this.#find((h) => h.officeId === officeId && h.shiftId === shiftId);
  }

  async handedTo(officeId: OfficeId, shiftId: string) {
    return this.#find((h) => h.officeId === officeId && h.nextShiftId === shiftId);
  }

  async acknowledge(officeId: OfficeId, shiftId: string, ack: { by: string; at: Date; note: string | null }) {
    const row = this.#rows.find((h) => h.officeId === officeId && h.shiftId === shiftId && h.acknowledgedAt === null);
    if (!row) return null;
    Object.assign(row, { acknowledgedBy: ack.by, acknowledgedAt: ack.at, acknowledgeNote: ack.note });
    return structuredClone(row);
  }

  async listForShifts(officeId: OfficeId, shiftIds: readonly string[]) {
    const ids = new Set(shiftIds);
    return this.#rows.filter((h) => h.officeId === officeId && ids.has(h.shiftId)).map((h) => structuredClone(h));
  }

  #find(match: (h: HandoverRecord) => boolean): HandoverRecord | null {
    const row = this.#rows.find(match);
    return row ? structuredClone(row) : null;
  }
}

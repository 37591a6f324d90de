import type { OpenItem } from '../core/handover/handover.js';
import type { OfficeId } from '../core/office.js';

/** A hand-over as stored: the outgoing shift's note and the open items it handed to the next shift. */
export interface HandoverRecord {
  id: string;
  officeId: OfficeId;
  shiftId: string;
  shiftLabel: string;
  /** The outgoing shift's end. */
  changeAt: Date;
  nextShiftId: string | null;
  note: string;
  items: OpenItem[];
  writtenBy: string;
  writtenAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  acknowledgeNote: string | null;
}

export type NewHandover = Omit<HandoverRecord, 'id' | 'acknowledgedBy' | 'acknowledgedAt' | 'acknowledgeNote'>;

/**
 * Hand-overs: one per outgoing shift, written once, acknowledged once; nothing updated otherwise
 * or deleted. Prisma (prisma-handover-store.ts) and memory (memory-handover-store.ts), one contract.
 */
export interface HandoverStore {
  /** Stores it unless the shift has one already; then that one is the answer. */
  create(handover: NewHandover): Promise<{ created: true; handover: HandoverRecord } | { created: false; existing: HandoverRecord }>;
  get(officeId: OfficeId, shiftId: string): Promise<HandoverRecord | null>;
  /** The hand-over to `shiftId` (the one naming it as the next shift), if written. */
  handedTo(officeId: OfficeId, shiftId: string): Promise<HandoverRecord | null>;
  /** Sets the acknowledgement unless already set; null when there is no such hand-over or it was acknowledged already. */
  acknowledge(officeId: OfficeId, shiftId: string, ack: { by: string; at: Date; note: string | null }): Promise<HandoverRecord | null>;
  /** Of the shifts in `shiftIds`, their hand-overs. */
  listForShifts(officeId: OfficeId, shiftIds: readonly string[]): Promise<HandoverRecord[]>;
}

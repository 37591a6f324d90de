/**
 * Hand-overs between shifts (交接班) over the stores: the view of a shift's hand-over (what it
 * was handed, what it will hand on, where it stands), writing the note, acknowledging it, and
 * the office's list with the flagged ones. Who may: the officers the roster holds accountable for
 * the shift (after approved swaps) write its note, those of the next shift acknowledge it;
 * supervisors and auditors read every hand-over of their office, a duty officer those of their
 * own shifts and of the shifts handing over to them.
 */
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import type { CallStore } from '../calls/call-store.js';
import { pickFields } from '../core/duty-log/duty-log-entry.js';
import { FLAGGED_STATUSES, handoverStatus, mayWriteHandover, nextShiftOf, openItemsToHandOver, type CallEntry, type HandoverPolicy, type HandoverStatus, type OpenItem } from '../core/handover/handover.js';
import type { DutyAttribution } from '../core/discipline/discipline-model.js';
import { shiftLabel } from '../core/roster/who-is-on-duty.js';
import type { OfficeId } from '../core/office.js';
import type { Clock } from '../platform/clock.js';
import { ApiError, notFound } from '../platform/http/errors.js';
import type { ShiftRecord } from '../roster/roster-store.js';
import type { RosterService } from '../roster/roster-service.js';
import type { DutyLogStore } from '../duty-log/duty-log-store.js';
import type { HandoverRecord, HandoverStore } from './handover-store.js';

const PAGE = 1000;
const DAY_MS = 24 * 3600_000;

export interface ShiftOnDuty {
  shift: ShiftRecord;
  duty: DutyAttribution;
}

export interface HandoverView {
  shift: ShiftOnDuty;
  /** Who takes over; null: no shift follows on the desk (within 12 h). */
  next: ShiftOnDuty | null;
  status: HandoverStatus;
  /** The hand-over written at the end of this shift; null: not yet. */
  handover: HandoverRecord | null;
  /** What this shift was handed by the one before, as each item stands now. */
  handed: { from: HandoverRecord | null; open: OpenItem[] };
  /** What it would hand on if the note were written now (the written items once it is). */
  toHandOver: OpenItem[];
}

export interface HandoverServiceDeps {
  store: HandoverStore;
  roster: Pick<RosterService, 'getShift' | 'attributionOfShift' | 'attributionsOfShifts' | 'listPublishedShifts'>;
  calls: Pick<CallStore, 'list'>;
  dutyLog: Pick<DutyLogStore, 'latest'>;
  audit: Pick<AuditTrail, 'record'>;
  clock: Pick<Clock, 'now'>;
  policy: HandoverPolicy;
}

export class HandoverService {
  constructor(private readonly deps: HandoverServiceDeps) {}

  async view(shiftId: string, viewer: Viewer): Promise<HandoverView> {
    const shift = await this.#shift(viewer, shiftId);
    const next = await this.#next(shift.shift);
    this.#mayRead(viewer, shift, next);
    const view = await this.#view(shift, next);
    await this.deps.audit.record(viewer.reader, { action: 'handover.read', route: viewer.route, ids: [shiftId], query: {} });
    return view;
  }

  /** The outgoing officer's note; the open items are taken as they stand now. Written once. */
  async write(shiftId: string, note: string, viewer: Viewer): Promise<HandoverView> {
    const shift = await this.#shift(viewer, shiftId);
    if (!isOn(viewer, shift.duty)) throw new ApiError('NOT_YOURS', `the hand-over of shift ${shiftLabel(shift.shift)} is written by its officers (${shift.duty.officers.join('、')})`);
    const now = this.deps.clock.now();
    if (!mayWriteHandover(shift.shift.endsAt, now, this.deps.policy)) {
      throw new ApiError('CONFLICT', `shift ${shiftLabel(shift.shift)} hands over from ${new Date(shift.shift.endsAt.getTime() - this.deps.policy.reminderLeadMs).toISOString()} on (an hour before its end)`);
    }
    const next = await this.#next(shift.shift);
    const stored = await this.deps.store.create({
      officeId: shift.shift.officeId,
      shiftId,
      shiftLabel: shiftLabel(shift.shift),
      changeAt: shift.shift.endsAt,
      nextShiftId: next?.shift.id ?? null,
      note,
      items: await this.#toHandOver(shift.shift, await this.deps.store.handedTo(shift.shift.officeId, shiftId)),
      writtenBy: viewer.user.name,
      writtenAt: now,
    });
    if (!stored.created) throw new ApiError('CONFLICT', `shift ${shiftLabel(shift.shift)} was handed over already (by ${stored.existing.writtenBy} at ${stored.existing.writtenAt.toISOString()})`);
    await this.deps.audit.record(viewer.reader, { action: 'handover.write', route: viewer.route, ids: [shiftId], query: { items: stored.handover.items.length } });
    return this.#view(shift, next);
  }

  /** The incoming officer confirms they took over (接班确认). Once. */
  async acknowledge(shiftId: string, note: string | null, viewer: Viewer): Promise<HandoverView> {
    const shift = await this.#shift(viewer, shiftId);
    const next = await this.#next(shift.shift);
    const written = await this.deps.store.get(shift.shift.officeId, shiftId);
    if (!written) throw new ApiError('CONFLICT', `shift ${shiftLabel(shift.shift)} has not been handed over yet: nothing to acknowledge`);
    const incoming = written.nextShiftId === null ? null : written.nextShiftId === next?.shift.id ? next : await this.#shift(viewer, written.nextShiftId);
    if (!incoming || !isOn(viewer, incoming.duty)) throw new ApiError('NOT_YOURS', `the hand-over of shift ${shiftLabel(shift.shift)} is acknowledged by the officers of the next shift${incoming ? ` (${incoming.duty.officers.join('、')})` : ': none follows it'}`);
    const acknowledged = await this.deps.store.acknowledge(shift.shift.officeId, shiftId, { by: viewer.user.name, at: this.deps.clock.now(), note });
    if (!acknowledged) throw new ApiError('CONFLICT', `the hand-over of shift ${shiftLabel(shift.shift)} was acknowledged already`);
    await this.deps.audit.record(viewer.reader, { action: 'handover.acknowledge', route: viewer.route, ids: [shiftId], query: {} });
    return this.#view(shift, next);
  }

  /** The office's shifts ending in [from, to) with where their hand-over stands (supervisors and auditors). */
  async list(range: { from: Date; to: Date; flaggedOnly: boolean }, viewer: Viewer): Promise<{ shift: ShiftOnDuty; status: HandoverStatus; handover: HandoverRecord | null }[]> {
    if (viewer.scope.kind !== 'office') throw new ApiError('NOT_YOURS', "the office's hand-overs are listed for a supervisor or an auditor; a duty officer reads those of their own shifts");
    const officeId = viewer.scope.officeId;
    const shifts = (await this.deps.roster.listPublishedShifts(officeId, new Date(range.from.getTime() - DAY_MS), range.to)).filter(
      (s) => s.endsAt.getTime() >= range.from.getTime() && s.endsAt.getTime() < range.to.getTime(),
    );
    const written = new Map((await this.deps.store.listForShifts(officeId, shifts.map((s) => s.id))).map((h) => [h.shiftId, h]));
    const duties = await this.deps.roster.attributionsOfShifts(officeId, shifts);
    const now = this.deps.clock.now();
    const rows = [];
    for (const shift of shifts) {
      const handover = written.get(shift.id) ?? null;
      const status = handoverStatus(handover, shift.endsAt, now, this.deps.policy);
      if (range.flaggedOnly && !FLAGGED_STATUSES.has(status)) continue;
      const duty = duties.get(shift.id);
      if (duty) rows.push({ shift: { shift, duty }, status, handover });
    }
    await this.deps.audit.record(viewer.reader, { action: 'handover.list', route: viewer.route, ids: rows.map((r) => r.shift.shift.id), query: viewer.query });
    return rows;
  }

  async #view(shift: ShiftOnDuty, next: ShiftOnDuty | null): Promise<HandoverView> {
    const { officeId } = shift.shift;
    const handover = await this.deps.store.get(officeId, shift.shift.id);
    const from = await this.deps.store.handedTo(officeId, shift.shift.id);
    return {
      shift,
      next,
      status: handoverStatus(handover, shift.shift.endsAt, this.deps.clock.now(), this.deps.policy),
      handover,
      handed: { from, open: from ? openItemsToHandOver([], await this.#entries(officeId, from.items)) : [] },
      toHandOver: handover ? handover.items : await this.#toHandOver(shift.shift, from),
    };
  }

  /** The open items of the shift's own answered calls and of what it was handed, as they stand now. */
  async #toHandOver(shift: ShiftRecord, from: HandoverRecord | null): Promise<OpenItem[]> {
    const own: CallEntry[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.deps.calls.list({ officeId: shift.officeId, direction: 'inbound', outcome: 'answered', from: shift.startsAt, to: shift.endsAt, limit: PAGE, offset });
      const mine = page.filter((c) => (c.answeredBy ?? c.deskEndpoint) === shift.deskEndpoint);
      own.push(...(await this.#entries(shift.officeId, mine.map((c) => ({ callId: c.id, pbxCallId: c.pbxCallId, offeredAt: c.offeredAt })))));
      if (page.length < PAGE) break;
    }
    return openItemsToHandOver(own, from ? await this.#entries(shift.officeId, from.items) : []);
  }

  async #entries(officeId: OfficeId, calls: readonly Pick<CallEntry, 'callId' | 'pbxCallId' | 'offeredAt'>[]): Promise<CallEntry[]> {
    return Promise.all(
      calls.map(async (c) => {
        const latest = await this.deps.dutyLog.latest(officeId, c.pbxCallId);
        return { callId: c.callId, pbxCallId: c.pbxCallId, offeredAt: c.offeredAt, entry: latest ? pickFields(latest) : null };
      }),
    );
  }

  async #shift(viewer: Viewer, shiftId: string): Promise<ShiftOnDuty> {
    const officeId = viewer.user.officeId;
    const shift = await this.deps.roster.getShift(officeId, shiftId);
    const duty = shift ? await this.deps.roster.attributionOfShift(officeId, shiftId) : null;
    if (!shift || !duty) throw notFound(`shift ${shiftId} (of a published roster)`);
    return { shift, duty };
  }

  async #next(shift: ShiftRecord): Promise<ShiftOnDuty | null> {
    const around = await this.deps.roster.listPublishedShifts(shift.officeId, shift.endsAt, new Date(shift.endsAt.getTime() + DAY_MS));
    const next = nextShiftOf(shift, around);
    const duty = next ? await this.deps.roster.attributionOfShift(shift.officeId, next.id) : null;
    return next && duty ? { shift: next, duty } : null;
  }

  #mayRead(viewer: Viewer, shift: ShiftOnDuty, next: ShiftOnDuty | null): void {
    if (viewer.scope.kind === 'office' && viewer.scope.officeId === shift.shift.officeId) return;
    if (isOn(viewer, shift.duty) || (next && isOn(viewer, next.duty))) return;
    throw notFound(`shift ${shift.shift.id} (of a published roster)`);
  }
}

/** Whether the viewer is one of the officers (or the leader) accountable for the shift. */
const isOn = (viewer: Viewer, duty: DutyAttribution): boolean =>
  viewer.user.officerId !== null && (duty.officerIds.includes(viewer.user.officerId) || duty.leaderId === viewer.user.officerId);

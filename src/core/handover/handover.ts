/**
 * The hand-over between shifts (交接班, seed 002 §二(三)): at the end of a shift the outgoing
 * officer writes a note; what is still open — entries not completed, major incidents not closed —
 * goes onto the next shift's list, together with what the shift itself had been handed and is still
 * open; the incoming officer acknowledges. A reminder is due an hour before the change, and a
 * hand-over not acknowledged within the grace after the change is flagged. Pure: the caller
 * passes the shifts, the entries and the time.
 */
import { EMPTY_DUTY_LOG, missingFields, type DutyLogFields } from '../duty-log/duty-log-entry.js';
import type { Shift } from '../roster/roster-model.js';

export const OPEN_ITEM_KINDS = ['incomplete-entry', 'open-incident'] as const;
export type OpenItemKind = (typeof OPEN_ITEM_KINDS)[number];

export const OPEN_ITEM_LABELS: Readonly<Record<OpenItemKind, string>> = {
  'incomplete-entry': '值班记录未填写完整',
  'open-incident': '重大突发事件未办结',
};

/** Something the next shift takes over: a call whose entry is incomplete or whose incident is open. */
export interface OpenItem {
  kind: OpenItemKind;
  callId: string;
  pbxCallId: string;
  offeredAt: Date;
  /** What the entry lacks (incomplete-entry), empty for an open incident. */
  missing: string[];
  /** The entry's content as it stands, so the list reads without opening each call. */
  content: string | null;
}

/** An answered call of a shift (or one carried into it) with its entry as it stands now (null: none written). */
export interface CallEntry {
  callId: string;
  pbxCallId: string;
  offeredAt: Date;
  entry: DutyLogFields | null;
}

/** What of one call is still open, now. */
export function openItemsOf(call: CallEntry): OpenItem[] {
  const fields = call.entry;
  const missing = missingFields(fields ?? EMPTY_DUTY_LOG);
  const items: OpenItem[] = [];
  const content = fields?.content ?? null;
  if (missing.length > 0) items.push({ kind: 'incomplete-entry', callId: call.callId, pbxCallId: call.pbxCallId, offeredAt: call.offeredAt, missing, content });
  if (fields?.majorIncident && !fields.incidentClosed) items.push({ kind: 'open-incident', callId: call.callId, pbxCallId: call.pbxCallId, offeredAt: call.offeredAt, missing: [], content });
  return items;
}

/**
 * The open items a shift hands over: of the calls it answered and of those it was handed (each
 * looked at as its entry stands now: an item closed meanwhile is not carried on), once each, oldest first.
 */
export function openItemsToHandOver(own: readonly CallEntry[], handed: readonly CallEntry[]): OpenItem[] {
  const seen = new Set<string>();
  const items: OpenItem[] = [];
  for (const call of [...handed, ...own].sort((a, b) => a.offeredAt.getTime() - b.offeredAt.getTime() || (a.callId < b.callId ? -1 : 1))) {
    if (seen.has(call.callId)) continue;
    seen.add(call.callId);
    items.push(...openItemsOf(call));
  }
  return items;
}

/** How far after a shift's end the next one on its desk may start and still take it over (a day off between is no hand-over). */
const NEXT_SHIFT_WITHIN_MS = 12 * 3600_000;

/** The shift that takes over from `shift`: the earliest on the same desk starting at its end (or within 12 h after). */
export function nextShiftOf<S extends Pick<Shift, 'id' | 'deskEndpoint' | 'startsAt' | 'endsAt'>>(shift: S, shifts: readonly S[]): S | null {
  const end = shift.endsAt.getTime();
  return (
    shifts
      .filter((s) => s.id !== shift.id && s.deskEndpoint === shift.deskEndpoint && s.startsAt.getTime() >= end && s.startsAt.getTime() <= end + NEXT_SHIFT_WITHIN_MS)
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : 1))[0] ?? null
  );
}

export interface HandoverPolicy {
  /** How long before the change the reminder is due, and from when the note may be written (1 h). */
  reminderLeadMs: number;
  /** How long after the change the incoming officer has to acknowledge. */
  acknowledgeGraceMs: number;
}

export const HANDOVER_STATUSES = ['not-due', 'to-write', 'not-written', 'to-acknowledge', 'not-acknowledged', 'acknowledged'] as const;
export type HandoverStatus = (typeof HANDOVER_STATUSES)[number];

export const HANDOVER_STATUS_LABELS: Readonly<Record<HandoverStatus, string>> = {
  'not-due': '未到交班时间',
  'to-write': '待交班',
  'not-written': '逾期未交班',
  'to-acknowledge': '待接班确认',
  'not-acknowledged': '逾期未确认接班',
  acknowledged: '已交接',
};

/** The flagged statuses: a supervisor's attention is due. */
export const FLAGGED_STATUSES: ReadonlySet<HandoverStatus> = new Set(['not-written', 'not-acknowledged']);

/**
 * Where the hand-over of a shift ending at `changeAt` stands at `now`: before the reminder
 * nothing is due; then the note is to be written; once the change plus the grace has passed
 * without a note, or without the acknowledgement, it is flagged.
 */
export function handoverStatus(handover: { writtenAt: Date; acknowledgedAt: Date | null } | null, changeAt: Date, now: Date, policy: HandoverPolicy): HandoverStatus {
  const t = now.getTime();
  const late = t >= changeAt.getTime() + policy.acknowledgeGraceMs;
  if (!handover) {
    if (t < changeAt.getTime() - policy.reminderLeadMs) return 'not-due';
    return late ? 'not-written' : 'to-write';
  }
  if (handover.acknowledgedAt) return 'acknowledged';
  return late ? 'not-acknowledged' : 'to-acknowledge';
}

/** Whether the note of a shift ending at `changeAt` may be written at `now`: from the reminder on. */
export const mayWriteHandover = (changeAt: Date, now: Date, policy: HandoverPolicy): boolean => now.getTime() >= changeAt.getTime() - policy.reminderLeadMs;

/** The shifts whose reminder is due at `now` (within the lead before their end) and not yet sent. */
export function remindersDue<S extends Pick<Shift, 'id' | 'endsAt'>>(shifts: readonly S[], now: Date, policy: Pick<HandoverPolicy, 'reminderLeadMs'>, sent: ReadonlySet<string>): S[] {
  const t = now.getTime();
  return shifts.filter((s) => !sent.has(s.id) && t >= s.endsAt.getTime() - policy.reminderLeadMs && t < s.endsAt.getTime());
}

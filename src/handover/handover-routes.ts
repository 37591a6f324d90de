/**
 * Hand-overs between shifts (交接班):
 *
 *   GET  /shifts/:id/handover              calls:read      the shift's hand-over: what it was handed, what it hands on, where it stands
 *   PUT  /shifts/:id/handover              duty-log:write  the outgoing officer's note (from an hour before the change; once)
 *   POST /shifts/:id/handover/acknowledge  duty-log:write  the incoming officer's acknowledgement (once)
 *   GET  /handovers?from&to&flagged        reports:read    the office's shifts ending in the range, with their hand-over status
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ViewerOf } from '../access/viewer.js';
import { FLAGGED_STATUSES, HANDOVER_STATUS_LABELS, HANDOVER_STATUSES, OPEN_ITEM_KINDS, OPEN_ITEM_LABELS, type OpenItem } from '../core/handover/handover.js';
import { checkText, describeLifecycleError, MAX_TEXT_LENGTH } from '../core/discipline/record-lifecycle.js';
import { badRequest } from '../platform/http/errors.js';
import { withIsoDates } from '../platform/http/json.js';
import { parseRange } from '../platform/http/range.js';
import { DateTime, ErrorAnswers, Nullable } from '../platform/http/schemas.js';
import { strictBody } from '../platform/http/strict-body.js';
import type { HandoverRecord } from './handover-store.js';
import type { HandoverService, HandoverView, ShiftOnDuty } from './handover-service.js';

const Item = Type.Object({
  kind: Type.Enum([...OPEN_ITEM_KINDS]),
  label: Type.String(),
  callId: Type.String(),
  offeredAt: DateTime,
  missing: Type.Array(Type.String()),
  content: Nullable(Type.String()),
});

const Shift = Type.Object({
  shiftId: Type.String(),
  shift: Type.String({ description: 'date, period, desk' }),
  startsAt: DateTime,
  endsAt: DateTime,
  officerIds: Type.Array(Type.String()),
  officers: Type.Array(Type.String()),
  leader: Nullable(Type.String()),
});

const Written = Type.Object({
  note: Type.String(),
  items: Type.Array(Item),
  writtenBy: Type.String(),
  writtenAt: DateTime,
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(DateTime),
  acknowledgeNote: Nullable(Type.String()),
});

const Status = Type.Enum([...HANDOVER_STATUSES]);

const View = Type.Object({
  shift: Shift,
  next: Nullable(Shift),
  status: Status,
  statusLabel: Type.String(),
  flagged: Type.Boolean({ description: 'not written, or not acknowledged, by the change plus the grace' }),
  handover: Nullable(Written),
  handed: Type.Object({ from: Nullable(Type.Object({ shiftId: Type.String(), shift: Type.String(), note: Type.String(), writtenBy: Type.String() })), open: Type.Array(Item) }),
  toHandOver: Type.Array(Item, { description: 'what the shift hands on: as it stands now until the note is written, then as written' }),
});

const NoteBody = Type.Object({ note: Type.String({ maxLength: MAX_TEXT_LENGTH * 2, description: `交班记录 (at most ${MAX_TEXT_LENGTH} characters)` }) }, { additionalProperties: false });
const AckBody = Type.Object({ note: Type.Optional(Nullable(Type.String({ maxLength: MAX_TEXT_LENGTH * 2, description: '接班意见 (optional)' }))) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const ListQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', maxLength: 40, description: 'shifts ending at or after (ISO-8601)' }),
    to: Type.String({ format: 'date-time', maxLength: 40, description: 'shifts ending before (ISO-8601), at most 62 days after from' }),
    flagged: Type.Optional(Type.Boolean({ description: 'only the flagged: not written, or not acknowledged, in time' })),
  },
  { additionalProperties: false },
);

const MAX_LIST_DAYS = 62;

const itemJson = (item: OpenItem) => ({ kind: item.kind, label: OPEN_ITEM_LABELS[item.kind], callId: item.callId, offeredAt: item.offeredAt.toISOString(), missing: item.missing, content: item.content });
const shiftJson = ({ shift, duty }: ShiftOnDuty) => ({
  shiftId: shift.id,
  shift: `${shift.date} ${shift.periodLabel} ${shift.deskEndpoint}`,
  startsAt: shift.startsAt.toISOString(),
  endsAt: shift.endsAt.toISOString(),
  officerIds: duty.officerIds,
  officers: duty.officers,
  leader: duty.leader,
});
const writtenJson = (h: HandoverRecord) => {
  const { note, writtenBy, writtenAt, acknowledgedBy, acknowledgedAt, acknowledgeNote } = h;
  return { ...withIsoDates({ note, writtenBy, writtenAt, acknowledgedBy, acknowledgedAt, acknowledgeNote }), items: h.items.map(itemJson) };
};
const flagged = (status: HandoverView['status']) => FLAGGED_STATUSES.has(status);

const viewJson = (v: HandoverView) => ({
  shift: shiftJson(v.shift),
  next: v.next && shiftJson(v.next),
  status: v.status,
  statusLabel: HANDOVER_STATUS_LABELS[v.status],
  flagged: flagged(v.status),
  handover: v.handover && writtenJson(v.handover),
  handed: { from: v.handed.from && { shiftId: v.handed.from.shiftId, shift: v.handed.from.shiftLabel, note: v.handed.from.note, writtenBy: v.handed.from.writtenBy }, open: v.handed.open.map(itemJson) },
  toHandOver: v.toHandOver.map(itemJson),
});

function text(field: string, value: string): string {
  const checked = checkText(field, value);
  if (!checked.ok) throw badRequest(`body/${describeLifecycleError(checked.error)}`);
  return checked.value;
}

export const handoverRoutes: FastifyPluginAsyncTypebox<{ handovers: HandoverService; viewerOf: ViewerOf }> = async (app, { handovers, viewerOf }) => {
  app.get(
    '/shifts/:id/handover',
    { config: { permission: 'calls:read' }, schema: { summary: "A shift's hand-over (交接班): what it was handed, what it hands on, whether it was written and acknowledged", params: IdParams, response: { 200: View, ...ErrorAnswers } } },
    async (request) => viewJson(await handovers.view(request.params.id, await viewerOf(request))),
  );

  app.put(
    '/shifts/:id/handover',
    {
      config: { permission: 'duty-log:write' },
      bodyLimit: 64 * 1024,
      preValidation: strictBody(NoteBody),
      schema: { summary: "The outgoing officer's hand-over note (交班): from an hour before the shift ends; the open items go to the next shift. Once.", params: IdParams, body: NoteBody, response: { 200: View, ...ErrorAnswers } },
    },
    async (request) => viewJson(await handovers.write(request.params.id, text('note', request.body.note), await viewerOf(request))),
  );

  app.post(
    '/shifts/:id/handover/acknowledge',
    {
      config: { permission: 'duty-log:write' },
      bodyLimit: 64 * 1024,
      preValidation: strictBody(AckBody),
      schema: { summary: "The incoming officer's acknowledgement (接班确认) of the hand-over of shift :id. Once.", params: IdParams, body: AckBody, response: { 200: View, ...ErrorAnswers } },
    },
    async (request) => {
      const note = request.body.note;
      return viewJson(await handovers.acknowledge(request.params.id, note === undefined || note === null || note.trim() === '' ? null : text('note', note), await viewerOf(request)));
    },
  );

  app.get(
    '/handovers',
    {
      config: { permission: 'reports:read' },
      schema: {
        summary: "The office's hand-overs of the shifts ending in [from, to), flagged when not written or not acknowledged in time",
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ shift: Shift, status: Status, statusLabel: Type.String(), flagged: Type.Boolean(), handover: Nullable(Written) })) }), ...ErrorAnswers },
      },
    },
    async (request) => {
      const { from, to } = parseRange(request.query) as { from: Date; to: Date };
      if (to.getTime() - from.getTime() > MAX_LIST_DAYS * 24 * 3600_000) throw badRequest(`'to' may be at most ${MAX_LIST_DAYS} days after 'from'`);
      const rows = await handovers.list({ from, to, flaggedOnly: request.query.flagged === true }, await viewerOf(request));
      return { items: rows.map((r) => ({ shift: shiftJson(r.shift), status: r.status, statusLabel: HANDOVER_STATUS_LABELS[r.status], flagged: flagged(r.status), handover: r.handover && writtenJson(r.handover) })) };
    },
  );
};

/**
 * Live missed-call alerts for the duty-desk and supervisor views:
 *
 *   GET /alerts/stream   records:read   server-sent events: `missed-call` for each alert in the
 *                                       viewer's scope as it is raised; a client that reconnects
 *                                       with Last-Event-ID first gets the ones it missed; `call`
 *                                       (data: the call-log id) each time a call in the scope is stored
 *   GET /alerts?after    records:read   the alerts kept after the stream id `after` (all kept when absent)
 *
 * Both are reads of duty records: audited (the stream once, when it opens).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AuditTrail } from '../access/audit-trail.js';
import type { ViewerOf } from '../access/viewer.js';
import { mayReadRecord } from '../core/access/roles.js';
import { MISSED_CALL_ALERT, type MissedCallAlert } from '../core/alerts/missed-call-alert.js';
import { DateTime, ErrorAnswers, Nullable } from '../platform/http/schemas.js';
import type { AlertHub, HubAlert } from './alert-hub.js';

const Alert = Type.Object({
  streamId: Type.String({ description: 'the id the stream sent it with (Last-Event-ID)' }),
  kind: Type.Literal(MISSED_CALL_ALERT),
  id: Type.String({ description: "the absence record's id" }),
  officeId: Type.String(),
  callId: Type.String(),
  deskEndpoint: Nullable(Type.String()),
  occurredAt: DateTime,
  officers: Type.Array(Type.String()),
  shiftLabel: Nullable(Type.String()),
  leader: Nullable(Type.String()),
  reason: Type.String(),
});

export const alertJson = ({ streamId, alert }: HubAlert) => ({ streamId, ...alert, occurredAt: alert.occurredAt.toISOString() });

export const alertRoutes: FastifyPluginAsyncTypebox<{ hub: AlertHub; viewerOf: ViewerOf; audit: Pick<AuditTrail, 'read'> }> = async (app, { hub, viewerOf, audit }) => {
  const visible = (scope: Parameters<typeof mayReadRecord>[0]) => (a: { alert: MissedCallAlert }) => mayReadRecord(scope, a.alert);
  // Open streams never end by themselves: closing the API ends them (else it would wait for every browser).
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...streams]) close();
  });

  app.get(
    '/alerts',
    {
      config: { permission: 'records:read' },
      schema: {
        summary: 'Missed-call alerts (未接来电告警) this service raised lately, in your scope, oldest first',
        querystring: Type.Object({ after: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Alert) }), ...ErrorAnswers },
      },
    },
    async (request) => {
      const viewer = await viewerOf(request);
      const items = hub.since(request.query.after ?? null).filter(visible(viewer.scope));
      await audit.read(viewer.reader, { action: 'alerts.list', route: viewer.route, ids: items.map((a) => a.alert.id), query: viewer.query });
      return { items: items.map(alertJson) };
    },
  );

  app.get(
    '/alerts/stream',
    {
      sse: 'only',
      config: { permission: 'records:read' },
      schema: {
        summary: 'Missed-call alerts as server-sent events (event missed-call, data: the alert); Last-Event-ID catches up. Also event call (data: {id}) each time a call in your scope is logged, updated or ended: fetch it to follow the calls as they happen.',
        response: ErrorAnswers,
      },
    },
    async (request, reply) => {
      const viewer = await viewerOf(request);
      const mine = visible(viewer.scope);
      await audit.read(viewer.reader, { action: 'alerts.stream', route: viewer.route, ids: [], query: { lastEventId: reply.sse.lastEventId } });
      reply.sse.keepAlive();
      // Alerts raised while the missed ones are sent wait behind them, in order.
      const queue: HubAlert[] = [];
      let catchingUp = true;
      const send = (a: HubAlert) => reply.sse.send({ id: a.streamId, event: MISSED_CALL_ALERT, data: alertJson(a) });
      const unlisten = hub.listen((a) => {
        if (!mine(a)) return;
        if (catchingUp) queue.push(a);
        else void send(a).catch(() => undefined);
      });
      // No id: a pulse is not caught up on (Last-Event-ID stays the last alert's).
      const unlistenCalls = hub.listenCalls((c) => {
        if (mayReadRecord(viewer.scope, { officeId: c.officeId, occurredAt: c.offeredAt })) void reply.sse.send({ event: 'call', data: { id: c.id } }).catch(() => undefined);
      });
      const close = () => reply.sse.close();
      streams.add(close);
      reply.sse.onClose(() => {
        unlisten();
        unlistenCalls();
        streams.delete(close);
      });
      const missed = hub.since(reply.sse.lastEventId).filter(mine);
      const sent = new Set<string>();
      for (const a of missed) {
        sent.add(a.streamId);
        await send(a);
      }
      for (const a of queue) if (!sent.has(a.streamId)) await send(a);
      catchingUp = false;
      // A first message, so a client knows the stream is open (and EventSource fires onopen at once).
      await reply.sse.send({ event: 'ready', data: { missed: missed.length } });
    },
  );
};

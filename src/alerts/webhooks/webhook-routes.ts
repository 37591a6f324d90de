/**
 * The webhook delivery log (告警推送记录), for ops:
 *
 *   GET /webhook-deliveries?state&limit&offset   config:manage   the office's deliveries, newest first, each with its attempts
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ViewerOf } from '../../access/viewer.js';
import { parsePage } from '../../platform/http/range.js';
import { DateTime, ErrorAnswers, Nullable, RangeQuery } from '../../platform/http/schemas.js';
import { DELIVERY_STATES, type WebhookDelivery, type WebhookDeliveryStore } from './webhook-delivery.js';

const Delivery = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  url: Type.String(),
  alertId: Type.String(),
  event: Type.String(),
  state: Type.Enum([...DELIVERY_STATES]),
  attempts: Type.Array(Type.Object({ at: DateTime, status: Nullable(Type.Integer()), error: Nullable(Type.String()), ms: Type.Integer() })),
  nextAttemptAt: Nullable(DateTime),
  createdAt: DateTime,
  deliveredAt: Nullable(DateTime),
});

const deliveryJson = (d: WebhookDelivery) => ({
  id: d.id,
  webhookId: d.webhookId,
  url: d.url,
  alertId: d.alertId,
  event: d.event,
  state: d.state,
  attempts: d.attempts.map((a) => ({ ...a, at: a.at.toISOString() })),
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
});

export const webhookRoutes: FastifyPluginAsyncTypebox<{ deliveries: Pick<WebhookDeliveryStore, 'list'>; viewerOf: ViewerOf }> = async (app, { deliveries, viewerOf }) => {
  app.get(
    '/webhook-deliveries',
    {
      config: { permission: 'config:manage' },
      schema: {
        summary: "Webhook deliveries of your office's alerts, newest first, with every attempt (status, error, time taken)",
        querystring: Type.Object({ limit: RangeQuery.limit, offset: RangeQuery.offset, state: Type.Optional(Type.Enum([...DELIVERY_STATES])) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Delivery) }), ...ErrorAnswers },
      },
    },
    async (request) => {
      const viewer = await viewerOf(request);
      const items = await deliveries.list({ officeId: viewer.user.officeId, ...(request.query.state && { state: request.query.state }), ...parsePage(request.query) });
      return { items: items.map(deliveryJson) };
    },
  );
};

import { Prisma, type PrismaClient, type WebhookDelivery as Row } from '../../generated/prisma/client.js';
import { DELIVERY_STATES, type DeliveryAttempt, type DeliveryQuery, type DeliveryState, type NewDelivery, type WebhookDelivery, type WebhookDeliveryStore } from './webhook-delivery.js';

/** The delivery log in PostgreSQL / PGlite (webhook_deliveries). No Prisma type leaves this file. */
export class PrismaWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(private readonly prisma: PrismaClient) {}

  async add(delivery: NewDelivery) {
    const row = await this.prisma.webhookDelivery.upsert({
      where: { webhookId_alertId: { webhookId: delivery.webhookId, alertId: delivery.alertId } },
      create: { ...delivery, state: 'pending', nextAttemptAt: delivery.createdAt },
      update: {},
    });
    return toDelivery(row);
  }

  async due(now: Date, limit: number) {
    const rows = await this.prisma.webhookDelivery.findMany({ where: { state: 'pending', nextAttemptAt: { lte: now } }, orderBy: { nextAttemptAt: 'asc' }, take: limit });
    return rows.map(toDelivery);
  }

  async attempted(id: string, attempt: DeliveryAttempt, next: { state: DeliveryState; nextAttemptAt: Date | null; deliveredAt: Date | null }) {
    const entry = JSON.stringify([{ ...attempt, at: attempt.at.toISOString() }]);
    await this.prisma.$executeRaw`UPDATE "webhook_deliveries"
      SET "attempts" = "attempts" || ${entry}::jsonb, "state" = ${next.state}, "next_attempt_at" = ${next.nextAttemptAt}::timestamptz, "delivered_at" = ${next.deliveredAt}::timestamptz
      WHERE "id" = ${id}::uuid`;
  }

  async list({ officeId, state, limit, offset }: DeliveryQuery) {
    const where: Prisma.WebhookDeliveryWhereInput = { ...(officeId && { officeId }), ...(state && { state }) };
    const rows = await this.prisma.webhookDelivery.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: offset, take: limit });
    return rows.map(toDelivery);
  }
}

function toDelivery(row: Row): WebhookDelivery {
  const state: DeliveryState = (DELIVERY_STATES as readonly string[]).includes(row.state) ? (row.state as DeliveryState) : 'pending';
  const attempts = Array.isArray(row.attempts) ? (row.attempts as { at: string; status: number | null; error: string | null; ms: number }[]) : [];
  return {
    id: row.id,
    webhookId: row.webhookId,
    url: row.url,
    officeId: row.officeId,
    alertId: row.alertId,
    event: row.event,
    body: row.body,
    createdAt: row.createdAt,
    state,
    attempts: attempts.map((a) => ({ at: new Date(a.at), status: a.status, error: a.error, ms: a.ms })),
    nextAttemptAt: row.nextAttemptAt,
    deliveredAt: row.deliveredAt,
  };
}

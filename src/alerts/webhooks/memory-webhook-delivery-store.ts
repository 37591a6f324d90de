import { randomUUID } from 'node:crypto';
import type { DeliveryQuery, NewDelivery, WebhookDelivery, WebhookDeliveryStore } from './webhook-delivery.js';

/** The delivery log in memory: the twin of PrismaWebhookDeliveryStore for unit tests. */
export class MemoryWebhookDeliveryStore implements WebhookDeliveryStore {
  readonly #rows: WebhookDelivery[] = [];

  async add(delivery: NewDelivery) {
    const found = this.#rows.find((d) => d.webhookId === delivery.webhookId && d.alertId === delivery.alertId);
    if (found) return clone(found);
    const row: WebhookDelivery = { ...delivery, id: randomUUID(), state: 'pending', attempts: [], nextAttemptAt: delivery.createdAt, deliveredAt: null };
    this.#rows.push(row);
    return clone(row);
  }

  async due(now: Date, limit: number) {
    return this.#rows
      .filter((d) => d.state === 'pending' && d.nextAttemptAt !== null && d.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime())
      .slice(0, limit)
      .map(clone);
  }

  async attempted(id: string, attempt: WebhookDelivery['attempts'][number], next: Pick<WebhookDelivery, 'state' | 'nextAttemptAt' | 'deliveredAt'>) {
    const row = this.#rows.find((d) => d.id === id);
    if (!row) return;
    row.attempts.push({ ...attempt });
    Object.assign(row, next);
  }

  async list({ officeId, state, limit, offset }: DeliveryQuery) {
    return this.#rows
      .filter((d) => (!officeId || d.officeId === officeId) && (!state || d.state === state))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(offset, offset + limit)
      .map(clone);
  }
}

const clone = (d: WebhookDelivery): WebhookDelivery => ({ ...d, attempts: d.attempts.map((a) => ({ ...a })) });

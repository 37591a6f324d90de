/** A webhook delivery as the delivery log keeps it: one per webhook and alert, with every attempt. */
import type { OfficeId } from '../../core/office.js';

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface DeliveryAttempt {
  at: Date;
  /** The receiver's HTTP status; null when it could not be reached (then `error` says why). */
  status: number | null;
  error: string | null;
  ms: number;
}

export interface NewDelivery {
  webhookId: string;
  url: string;
  officeId: OfficeId;
  /** The alert's id: with webhookId it makes the delivery unique. */
  alertId: string;
  event: string;
  /** The exact body sent (and signed) on every attempt. */
  body: string;
  createdAt: Date;
}

export interface WebhookDelivery extends NewDelivery {
  id: string;
  /** pending: an attempt is due at nextAttemptAt; delivered: a 2xx came back; failed: the attempts ran out. */
  state: DeliveryState;
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

export interface DeliveryQuery {
  officeId?: OfficeId;
  state?: DeliveryState;
  limit: number;
  offset: number;
}

/**
 * The delivery log: Prisma (prisma-webhook-delivery-store.ts) and memory
 * (memory-webhook-delivery-store.ts), one contract.
 */
export interface WebhookDeliveryStore {
  /** Adds a pending delivery due at once; the existing one if this webhook already has the alert. */
  add(delivery: NewDelivery): Promise<WebhookDelivery>;
  /** Pending deliveries due at `now`, the longest due first. */
  due(now: Date, limit: number): Promise<WebhookDelivery[]>;
  /** Appends an attempt and sets what follows it. */
  attempted(id: string, attempt: DeliveryAttempt, next: { state: DeliveryState; nextAttemptAt: Date | null; deliveredAt: Date | null }): Promise<void>;
  /** Newest first. */
  list(query: DeliveryQuery): Promise<WebhookDelivery[]>;
}

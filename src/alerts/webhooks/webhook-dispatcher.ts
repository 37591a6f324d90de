/**
 * Webhooks (告警推送): each missed-call alert is POSTed as JSON to every webhook configured for
 * its office, signed (webhook-signature.ts), and retried with exponential backoff until a 2xx
 * comes back or the attempts run out. Every delivery and attempt is in the delivery log
 * (webhook_deliveries), which is also the queue: pending deliveries survive a restart and are
 * resumed. An alert whose delivery could not even be logged (the database down) is held in
 * memory and logged at the next poll.
 */
import type { Logger } from 'pino';
import type { MissedCallAlert } from '../../core/alerts/missed-call-alert.js';
import { checkRetryOptions, retryDelay, type RetryOptions } from '../../platform/outbox/retry-delay.js';
import { signature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';
import type { DeliveryAttempt, DeliveryState, NewDelivery, WebhookDelivery, WebhookDeliveryStore } from './webhook-delivery.js';

export interface WebhookTarget {
  id: string;
  url: string;
  secret: string;
  /** The offices whose alerts it gets; empty: every office's. */
  offices: string[];
}

export interface WebhookSettings {
  webhooks: WebhookTarget[];
  timeoutMs: number;
  maxAttempts: number;
  retry: RetryOptions;
  /** How often due deliveries are looked for (besides at once for a new alert). */
  pollMs: number;
}

/** What follows an attempt (pure): delivered on a 2xx, else another attempt after the backoff, or failed once they ran out. */
export function afterAttempt(
  attempts: number,
  status: number | null,
  now: Date,
  settings: { maxAttempts: number; retry: Required<RetryOptions> },
): { state: DeliveryState; nextAttemptAt: Date | null; deliveredAt: Date | null } {
  if (status !== null && status >= 200 && status < 300) return { state: 'delivered', nextAttemptAt: null, deliveredAt: now };
  if (attempts >= settings.maxAttempts) return { state: 'failed', nextAttemptAt: null, deliveredAt: null };
  return { state: 'pending', nextAttemptAt: new Date(now.getTime() + retryDelay(attempts, settings.retry)), deliveredAt: null };
}

/** The body a receiver gets: the alert, its dates as ISO-8601. */
export function alertBody(alert: MissedCallAlert): string {
  return JSON.stringify({ event: alert.kind, alert: { ...alert, occurredAt: alert.occurredAt.toISOString() } });
}

const CONCURRENCY = 4;

export class WebhookDispatcher {
  readonly #retry: Required<RetryOptions>;
  readonly #unlogged: NewDelivery[] = [];
  readonly #inFlight = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly store: WebhookDeliveryStore,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#retry = checkRetryOptions('webhook', settings.retry);
  }

  get configured(): boolean {
    return this.settings.webhooks.length > 0;
  }

  /** Looks for due deliveries now and every pollMs (pending ones of an earlier run first). */
  start(): void {
    if (!this.configured || this.#timer) return;
    this.#timer = setInterval(() => void this.run(), this.settings.pollMs);
    this.#timer.unref();
    void this.run();
  }

  /** Logs a delivery of the alert for each webhook of its office and sends them at once. */
  alert(alert: MissedCallAlert): void {
    const createdAt = this.now();
    for (const hook of this.settings.webhooks) {
      if (hook.offices.length > 0 && !hook.offices.includes(alert.officeId)) continue;
      this.#unlogged.push({ webhookId: hook.id, url: hook.url, officeId: alert.officeId, alertId: alert.id, event: alert.kind, body: alertBody(alert), createdAt });
    }
    void this.run();
  }

  /** One pass: log what is unlogged, then send what is due (joined if one is going; another follows). */
  run(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again && !this.#stopped);
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #pass(): Promise<void> {
    try {
      while (this.#unlogged.length > 0) {
        await this.store.add(this.#unlogged[0]!);
        this.#unlogged.shift();
      }
      const due = (await this.store.due(this.now(), 50)).filter((d) => !this.#inFlight.has(d.id));
      for (let i = 0; i < due.length; i += CONCURRENCY) await Promise.all(due.slice(i, i + CONCURRENCY).map((d) => this.#deliver(d)));
    } catch (err) {
      this.logger.warn({ err, unlogged: this.#unlogged.length }, 'webhook deliveries could not be read or logged; the next poll tries again');
    }
  }

  async #deliver(delivery: WebhookDelivery): Promise<void> {
    const hook = this.settings.webhooks.find((h) => h.id === delivery.webhookId);
    this.#inFlight.add(delivery.id);
    try {
      const attempt = hook ? await this.#post(hook, delivery) : { at: this.now(), status: null, error: `webhook ${delivery.webhookId} is no longer configured`, ms: 0 };
      const attempts = hook ? delivery.attempts.length + 1 : this.settings.maxAttempts;
      const next = afterAttempt(attempts, attempt.status, this.now(), { maxAttempts: this.settings.maxAttempts, retry: this.#retry });
      await this.store.attempted(delivery.id, attempt, next);
      const log = { delivery: delivery.id, webhook: delivery.webhookId, alert: delivery.alertId, attempt: attempts, status: attempt.status, error: attempt.error };
      if (next.state === 'delivered') this.logger.info(log, 'webhook delivered');
      else this.logger.warn({ ...log, nextAttemptAt: next.nextAttemptAt }, next.state === 'failed' ? 'webhook delivery failed: no attempts left' : 'webhook attempt failed; retrying');
    } finally {
      this.#inFlight.delete(delivery.id);
    }
  }

  async #post(hook: WebhookTarget, delivery: WebhookDelivery): Promise<DeliveryAttempt> {
    const at = this.now();
    const started = performance.now();
    const timestamp = Math.floor(at.getTime() / 1000);
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'duty-hotline',
          'x-duty-event': delivery.event,
          'x-duty-delivery': delivery.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signature(hook.secret, timestamp, delivery.body),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return { at, status: response.status, error: response.ok ? null : `HTTP ${response.status}`, ms: Math.round(performance.now() - started) };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const error = (err as Error).name === 'TimeoutError' ? `no answer within ${this.settings.timeoutMs} ms` : cause ? `${cause}` : (err as Error).message;
      return { at, status: null, error, ms: Math.round(performance.now() - started) };
    }
  }
}

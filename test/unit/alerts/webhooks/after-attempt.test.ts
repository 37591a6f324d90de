import { describe, expect, it } from 'vitest';
import { afterAttempt } from '../../../../src/alerts/webhooks/webhook-dispatcher.js';

const NOW = new Date('2026-12-03T02:00:00.000Z');
const settings = { maxAttempts: 4, retry: { initialDelayMs: 1000, maxDelayMs: 5000, jitter: 0 } };

describe('what follows a webhook attempt', () => {
  it('a 2xx: delivered, nothing more due', () => {
    expect(afterAttempt(1, 200, NOW, settings)).toEqual({ state: 'delivered', nextAttemptAt: null, deliveredAt: NOW });
    expect(afterAttempt(3, 204, NOW, settings)).toEqual({ state: 'delivered', nextAttemptAt: null, deliveredAt: NOW });
  });

  it('anything else: the next attempt after 1 s, 2 s, 4 s, then at most 5 s; failed once the attempts ran out', () => {
    expect(afterAttempt(1, 500, NOW, settings)).toEqual({ state: 'pending', nextAttemptAt: new Date('2026-12-03T02:00:01.000Z'), deliveredAt: null });
    expect(afterAttempt(2, null, NOW, settings).nextAttemptAt).toEqual(new Date('2026-12-03T02:00:02.000Z'));
    expect(afterAttempt(3, 302, NOW, settings).nextAttemptAt).toEqual(new Date('2026-12-03T02:00:04.000Z'));
    expect(afterAttempt(4, 503, NOW, settings)).toEqual({ state: 'failed', nextAttemptAt: null, deliveredAt: null });
    expect(afterAttempt(3, 404, NOW, { ...settings, maxAttempts: 10, retry: { ...settings.retry, initialDelayMs: 4000 } }).nextAttemptAt).toEqual(new Date('2026-12-03T02:00:05.000Z'));
  });
});

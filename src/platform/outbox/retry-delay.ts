/** Exponential backoff for database retries (the write queue's and the opener's). */
export interface RetryOptions {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** Cap of the exponential backoff. */
  maxDelayMs: number;
  /** ± fraction of random spread on each delay (default 0.2; 0 for deterministic tests). */
  jitter?: number;
}

export function checkRetryOptions(what: string, retry: RetryOptions): Required<RetryOptions> {
  const full = { jitter: 0.2, ...retry };
  if (!(full.initialDelayMs > 0) || !(full.maxDelayMs >= full.initialDelayMs)) {
    throw new RangeError(`${what} retry: need 0 < initialDelayMs <= maxDelayMs`);
  }
  return full;
}

/** Delay before the retry that follows the `failures`-th consecutive failure (1-based). */
export function retryDelay(failures: number, { initialDelayMs, maxDelayMs, jitter }: Required<RetryOptions>): number {
  const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failures - 1, 30));
  return Math.max(1, Math.round(base * (1 + jitter * (2 * Math.random() - 1))));
}

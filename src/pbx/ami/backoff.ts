/** Reconnect delays: exponential with "equal jitter" (half fixed, half random), capped. */
export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Delay before reconnect attempt number `failures + 1`; in [base/2, base], base = min(max, initial·2^failures). */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(Math.max(failures, 0), 30));
  return Math.round(base / 2 + (random() * base) / 2);
}

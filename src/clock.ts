/** Time as a dependency: the service uses the system clock, tests move a fake one. */
export interface Clock {
  now(): Date;
  /** Run fn at (or soon after) `at`; returns a cancel function. */
  schedule(at: Date, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  schedule(at, fn) {
    const timer = setTimeout(fn, Math.max(0, at.getTime() - Date.now()));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Time as a dependency: the service uses the system clock, tests move a fake one. */
export interface Clock {
  now(): Date;
  /** Run fn at (or soon after) `at`; returns a cancel function. */
  schedule(at: Date, fn: () => void): () => void;
}

/**
 * The host's clock. A scheduled function runs after the I/O that is ready when its timer fires:
 * Node runs due timers before reading sockets, so after the event loop was blocked (a PGlite
 * open, a GC pause) a ring deadline would otherwise be decided before the AMI events that
 * arrived in time for it (an answer at ring 2) were read.
 */
export const systemClock: Clock = {
  now: () => new Date(),
  schedule(at, fn) {
    let cancelled = false;
    const timer = setTimeout(() => setImmediate(() => cancelled || fn()), Math.max(0, at.getTime() - Date.now()));
    timer.unref();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  },
};

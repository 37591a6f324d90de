/**
 * The calls this process knows better than the database, for work that reads stored calls and
 * must not act on them: tracked or with a save queued before the read, with an event during it,
 * and with a save queued after it (a live save landing meanwhile makes the row read stale).
 * The unfinished-call sweep and the rebuild from the PBX's event log both read this way.
 */
export interface OwnCalls {
  /** Calls tracked, or with a save still queued. */
  ownCallIds: () => Iterable<string>;
  /** Collects the calls that get an event from now on (CallTracker.watch); the function returned stops and gives them. */
  watch: () => () => ReadonlySet<string>;
}

/** Runs `read`, and gives its result with this process's calls of before, during and after it. */
export async function readBesideOwnCalls<T>(own: OwnCalls, read: () => Promise<T>): Promise<{ result: T; own: Set<string> }> {
  const ids = new Set(own.ownCallIds());
  const stopWatching = own.watch();
  let result: T;
  try {
    result = await read();
  } finally {
    for (const id of stopWatching()) ids.add(id);
  }
  for (const id of own.ownCallIds()) ids.add(id);
  return { result, own: ids };
}

/** A process that follows no calls (the CLI). */
export const NO_OWN_CALLS: OwnCalls = { ownCallIds: () => [], watch: () => () => new Set() };

/**
 * The only path by which the service writes to the database. It knows no feature: each kind
 * of write is registered (write-kind.ts) with its lane, its target, how pending writes merge,
 * its handler and its spill codec.
 *
 * - write() returns at once; the work runs later through p-queue.
 * - Writes go through lanes (today: one for each call's log entry, one for each subject's
 *   discipline records). A lane has at most one write in flight, so its writes land in order
 *   and an older one can never overwrite a newer one.
 * - Pending (not yet started) writes of one lane to the same target merge (the kind's merge;
 *   today the latest wins), and so do the facts they carry.
 * - A failed write is retried with exponential backoff, forever: nothing is dropped while
 *   the database is down. Only the failing lane waits; other lanes go on, so one
 *   poisonous write cannot stall the rest. `stats().failing` is true while any write
 *   waits for a retry.
 * - Facts are published once the handler resolved (the write is committed): never before,
 *   never for a failed attempt. A subscriber's failure is logged and changes nothing here.
 * - requeue() takes writes left over by an earlier run (spill files) and tells when they
 *   have all landed; retryNow() cuts the backoff short once the database is known to be back.
 */
import PQueue from 'p-queue';
import type { StoreLogger } from '../store-logger.js';
import { checkRetryOptions, retryDelay, type RetryOptions } from './retry-delay.js';
import type { KindWriter, PendingWrite, SpillCodec, WriteKind } from './write-kind.js';

export type { RetryOptions } from './retry-delay.js';
export type { KindWriter, PendingWrite, WriteKind } from './write-kind.js';

/** Where the facts of stored writes go (an event bus). */
export interface FactSink<F> {
  publish(fact: F): void;
}

export interface WriteQueueOptions<F> {
  logger: StoreLogger;
  retry: RetryOptions;
  /** Writes in flight at once, across lanes (default 4). */
  concurrency?: number;
  /** Receives the facts of each stored write (WriteKind.facts). */
  facts?: FactSink<F>;
}

export interface WriteQueueStats {
  /** Writes accepted and not yet stored (queued, in flight or waiting for a retry). */
  pending: number;
  /** True while some write waits for a retry after failing. */
  failing: boolean;
  /** The last write error seen (kept after recovery, for diagnosis). */
  lastError?: string;
  /** Writes stored successfully. */
  written: number;
  /** Failed attempts that were (or will be) retried. */
  retries: number;
  /** Writes merged into a pending write of the same target. */
  coalesced: number;
}

export interface WriteQueueCloseResult {
  /** True when everything was stored before the drain timeout. */
  drained: boolean;
  /** What could not be stored in time (also logged at error level). */
  unwritten: PendingWrite[];
}

type Kind<F> = WriteKind<unknown, unknown, F>;

/** `landed`: called once the op (or one it was merged into) is stored. */
interface Op<F> {
  kind: Kind<F>;
  payload: unknown;
  target: string;
  facts: Set<string>;
  landed: Array<() => void>;
}

interface Lane<F> {
  kind: Kind<F>;
  name: string;
  /** Not started yet, in order; at most one per target. */
  ops: Op<F>[];
  /** The op being written, if any. */
  inFlight: Op<F> | null;
  /** The lane is scheduled: queued in p-queue, running, or waiting for a retry timer. */
  busy: boolean;
  /** Consecutive failures, for the backoff. */
  failures: number;
  retryTimer: NodeJS.Timeout | null;
}

export class WriteQueue<F = unknown> {
  readonly #log: StoreLogger;
  readonly #retry: Required<RetryOptions>;
  readonly #queue: PQueue;
  readonly #facts: FactSink<F> | undefined;
  readonly #kinds = new Map<string, Kind<F>>();
  readonly #lanes = new Map<string, Lane<F>>();
  readonly #failingLanes = new Set<string>();
  readonly #idleWaiters: (() => void)[] = [];
  #pending = 0;
  #written = 0;
  #retries = 0;
  #coalesced = 0;
  #lastError: string | undefined;
  #closing = false;
  /** After a drain timeout: no more retries are scheduled. */
  #stopped = false;

  constructor(options: WriteQueueOptions<F>) {
    this.#log = options.logger;
    this.#retry = checkRetryOptions('WriteQueue', options.retry);
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 4 });
    this.#facts = options.facts;
  }

  /** Registers a kind of write (once per name); returns what queues its writes. */
  register<P, R>(kind: WriteKind<P, R, F>): KindWriter<P> {
    if (this.#kinds.has(kind.name)) throw new Error(`write kind ${kind.name} is registered twice`);
    const registered = kind as unknown as Kind<F>;
    this.#kinds.set(kind.name, registered);
    return {
      kind: kind.name,
      write: (payload, facts = []) => {
        if (this.#rejectAfterClose(kind.name, payload)) return;
        this.#enqueue(registered, payload, facts, []);
      },
      pending: () => this.#pendingOf(registered) as P[],
    };
  }

  /** The spill codec of each registered kind, by name (for SpillStore). */
  spillCodecs(): ReadonlyMap<string, SpillCodec<unknown>> {
    return new Map([...this.#kinds].map(([name, kind]) => [name, kind.spill]));
  }

  /**
   * Queue writes an earlier run could not store. Resolves once every one of them is stored
   * (also when merged into a later write that is stored); stays pending if the queue is
   * closed first. Queue them before live writes of the same targets, so that the live ones,
   * being newer, win. Rejects, queueing nothing, when a kind is not registered.
   */
  requeue(writes: readonly PendingWrite[]): Promise<void> {
    if (this.#closing) return Promise.reject(new Error('requeue after the write queue was closed'));
    const unknown = [...new Set(writes.map((w) => w.kind).filter((name) => !this.#kinds.has(name)))];
    if (unknown.length > 0) return Promise.reject(new Error(`requeue of writes of unregistered kinds: ${unknown.join(', ')}`));
    const landed = writes.map((w) => new Promise<void>((resolve) => this.#enqueue(this.#kinds.get(w.kind)!, w.payload, w.facts ?? [], [resolve])));
    return Promise.all(landed).then(() => undefined);
  }

  /** Retry at once the writes waiting out a backoff delay (the database is back). */
  retryNow(): void {
    if (this.#stopped) return;
    for (const [key, lane] of this.#lanes) {
      if (lane.retryTimer) {
        clearTimeout(lane.retryTimer);
        this.#retryLane(key, lane);
      }
    }
  }

  stats(): WriteQueueStats {
    return {
      pending: this.#pending,
      failing: this.#failingLanes.size > 0,
      ...(this.#lastError !== undefined ? { lastError: this.#lastError } : {}),
      written: this.#written,
      retries: this.#retries,
      coalesced: this.#coalesced,
    };
  }

  /** Resolves when nothing is pending (waits through outages: retries never give up). */
  onIdle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops accepting writes and waits up to drainTimeoutMs for pending ones; writes waiting
   * for a retry are retried at once. What is still unwritten afterwards is logged at error
   * level with its content and returned.
   */
  async close({ drainTimeoutMs }: { drainTimeoutMs: number }): Promise<WriteQueueCloseResult> {
    this.#closing = true;
    this.retryNow();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.onIdle().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), drainTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (drained) return { drained, unwritten: [] };

    this.#stopped = true;
    const unwritten: PendingWrite[] = [];
    for (const lane of this.#lanes.values()) {
      if (lane.retryTimer) clearTimeout(lane.retryTimer);
      lane.retryTimer = null;
      for (const op of unstored(lane)) unwritten.push({ kind: lane.kind.name, payload: op.payload, ...(op.facts.size > 0 ? { facts: [...op.facts] } : {}) });
    }
    this.#queue.clear();
    this.#log.error(
      { pending: this.#pending, lastError: this.#lastError, unwritten },
      'write queue closed with unwritten records (database unavailable); they are in this log entry',
    );
    return { drained, unwritten };
  }

  #enqueue(kind: Kind<F>, payload: unknown, facts: Iterable<string>, landed: Array<() => void>): void {
    const copy = structuredClone(payload);
    const name = kind.lane(copy);
    const key = JSON.stringify([kind.name, name]);
    const lane = this.#lane(key, kind, name);
    const target = kind.target(copy);
    const queued = lane.ops.find((op) => op.target === target);
    if (queued) {
      queued.payload = kind.merge(queued.payload, copy);
      for (const fact of facts) queued.facts.add(fact);
      queued.landed.push(...landed);
      this.#coalesced++;
    } else {
      lane.ops.push({ kind, payload: copy, target, facts: new Set(facts), landed });
      this.#pending++;
    }
    this.#schedule(key, lane);
  }

  #pendingOf(kind: Kind<F>): unknown[] {
    const payloads: unknown[] = [];
    for (const lane of this.#lanes.values()) {
      if (lane.kind !== kind) continue;
      for (const op of unstored(lane)) payloads.push(structuredClone(op.payload));
    }
    return payloads;
  }

  #rejectAfterClose(kind: string, payload: unknown): boolean {
    if (!this.#closing) return false;
    // Not thrown: the caller is an event handler. The payload is logged so it is not lost.
    this.#log.error({ kind, payload }, `${kind} write after the write queue was closed; not stored`);
    return true;
  }

  #lane(key: string, kind: Kind<F>, name: string): Lane<F> {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { kind, name, ops: [], inFlight: null, busy: false, failures: 0, retryTimer: null };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  #schedule(key: string, lane: Lane<F>): void {
    if (lane.busy || lane.ops.length === 0) return;
    lane.busy = true;
    void this.#queue.add(() => this.#runOne(key, lane));
  }

  /** Writes the lane's next op; never throws. */
  async #runOne(key: string, lane: Lane<F>): Promise<void> {
    if (this.#stopped) return;
    const op = lane.ops.shift();
    if (!op) {
      lane.busy = false;
      return;
    }
    lane.inFlight = op;
    let result: unknown;
    try {
      result = await lane.kind.handle(op.payload);
    } catch (err) {
      lane.inFlight = null;
      if (this.#stopped) return;
      this.#onFailure(key, lane, op, err);
      return;
    }
    lane.inFlight = null;
    this.#written++;
    this.#publish(lane.kind, op, result);
    for (const landed of op.landed) landed();
    this.#done(1);
    if (lane.failures > 0) {
      lane.failures = 0;
      this.#failingLanes.delete(key);
      if (this.#failingLanes.size === 0) this.#log.info({ retries: this.#retries }, 'database writes recovered');
    }
    if (this.#stopped) return;
    if (lane.ops.length > 0) {
      void this.#queue.add(() => this.#runOne(key, lane));
    } else {
      lane.busy = false;
      this.#lanes.delete(key);
    }
  }

  #publish(kind: Kind<F>, op: Op<F>, result: unknown): void {
    if (!this.#facts || !kind.facts) return;
    let facts: readonly F[];
    try {
      facts = kind.facts(op.payload, result, op.facts);
    } catch (err) {
      this.#log.error({ kind: kind.name, err: errorSummary(err) }, 'the facts of a stored write could not be made; none published for it');
      return;
    }
    for (const fact of facts) {
      try {
        this.#facts.publish(fact);
      } catch (err) {
        this.#log.error({ kind: kind.name, err: errorSummary(err) }, 'publishing a fact failed; the write is stored');
      }
    }
  }

  #onFailure(key: string, lane: Lane<F>, op: Op<F>, err: unknown): void {
    const message = errorSummary(err);
    this.#lastError = message;
    this.#retries++;
    lane.failures++;
    const newer = lane.ops.find((o) => o.target === op.target);
    if (newer) {
      // A later write to the same target arrived meanwhile: the two merge, and the failed one is not retried on its own.
      newer.payload = lane.kind.merge(op.payload, newer.payload);
      newer.facts = new Set([...op.facts, ...newer.facts]);
      newer.landed.push(...op.landed);
      this.#coalesced++;
      this.#done(1);
    } else {
      lane.ops.unshift(op);
    }
    if (!this.#failingLanes.has(key)) {
      if (this.#failingLanes.size === 0) this.#log.warn({ err: message, kind: lane.kind.name, lane: lane.name }, 'database writes failing; retrying until they succeed');
      this.#failingLanes.add(key);
    }
    const delay = retryDelay(lane.failures, this.#retry);
    this.#log.debug({ kind: lane.kind.name, lane: lane.name, attempt: lane.failures, delayMs: delay, err: message }, 'write failed; will retry');
    if (this.#closing) {
      // Draining: keep trying, without waiting longer than the first step.
      lane.retryTimer = setTimeout(() => this.#retryLane(key, lane), this.#retry.initialDelayMs);
    } else {
      lane.retryTimer = setTimeout(() => this.#retryLane(key, lane), delay);
    }
  }

  #retryLane(key: string, lane: Lane<F>): void {
    lane.retryTimer = null;
    if (this.#stopped) return;
    void this.#queue.add(() => this.#runOne(key, lane));
  }

  #done(count: number): void {
    this.#pending -= count;
    if (this.#pending === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}

/**
 * A lane's writes not stored yet, in order: the one in flight, unless a queued one to the same
 * target takes it in (the two merged, as they would be if it failed).
 */
function unstored<F>(lane: Lane<F>): Op<F>[] {
  const { inFlight } = lane;
  if (!inFlight) return lane.ops;
  const newer = lane.ops.find((o) => o.target === inFlight.target);
  if (!newer) return [inFlight, ...lane.ops];
  const merged: Op<F> = { ...newer, payload: lane.kind.merge(inFlight.payload, newer.payload), facts: new Set([...inFlight.facts, ...newer.facts]) };
  return lane.ops.map((o) => (o === newer ? merged : o));
}

/** One line for logs and /healthz: Prisma messages span several lines; its error code helps. */
export function errorSummary(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  const code = err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  return code && !line.includes(code) ? `${code}: ${line}` : line;
}

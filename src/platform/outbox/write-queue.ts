/**
 * The only path by which the call tracker writes to the database.
 *
 * - saveCall / recordDiscipline return at once; the work runs later through p-queue.
 * - Writes go through lanes: one for each call's log entry, one for each call's discipline
 *   records. A lane has at most one write in flight, so a call's saves land in order and an
 *   older snapshot can never overwrite a newer one.
 * - Pending (not yet started) writes to the same target are coalesced, the latest wins: a
 *   call's snapshots; a call's discipline record of one type (made at the N-th ring, then
 *   again with its evidence completed when the call ends; recordOnce keeps the longer evidence).
 * - A failed write is retried with exponential backoff, forever: nothing is dropped while
 *   the database is down. Only the failing lane waits; other lanes go on, so one
 *   poisonous write cannot stall the rest. `stats().failing` is true while any write
 *   waits for a retry.
 * - A call's discipline record may land before its call row (separate lanes): the schema
 *   has no foreign key between them.
 * - requeue() takes writes left over by an earlier run (spill files) and tells when they
 *   have all landed; retryNow() cuts the backoff short once the database is known to be back.
 */
import PQueue from 'p-queue';
import type { CallSnapshot } from '../../core/call/call-model.js';
import type { CallStore } from '../../calls/call-store.js';
import type { DisciplineInput } from '../../core/discipline/discipline-model.js';
import type { DisciplineStore } from '../../discipline/discipline-store.js';
import type { StoreLogger } from '../store-logger.js';
import { checkRetryOptions, retryDelay, type RetryOptions } from './retry-delay.js';

export type { RetryOptions } from './retry-delay.js';

export interface WriteQueueOptions {
  calls: CallStore;
  discipline: DisciplineStore;
  logger: StoreLogger;
  retry: RetryOptions;
  /** Writes in flight at once, across calls (default 4). */
  concurrency?: number;
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
  /** Saves merged into a pending save of the same call. */
  coalesced: number;
}

/** Writes not stored (yet): what close() gives back and requeue() takes. */
export interface PendingWrites {
  calls: CallSnapshot[];
  discipline: DisciplineInput[];
}

export interface WriteQueueCloseResult {
  /** True when everything was stored before the drain timeout. */
  drained: boolean;
  /** What could not be stored in time (also logged at error level). */
  unwritten: PendingWrites;
}

/** What the call tracker needs from the queue (its `sink`). */
export interface WriteSink {
  saveCall(call: CallSnapshot): void;
  recordDiscipline(record: DisciplineInput): void;
}

/** `landed`: called once the op (or, for a call, a newer snapshot that replaced it) is stored. */
type Write = { kind: 'call'; snapshot: CallSnapshot } | { kind: 'discipline'; input: DisciplineInput };
type Op = Write & { landed: Array<() => void> };

/** Whether two writes of one lane go to the same row (then the later replaces the earlier). */
function sameTarget(a: Write, b: Write): boolean {
  if (a.kind === 'call' || b.kind === 'call') return a.kind === b.kind;
  return a.input.type === b.input.type;
}

interface Lane {
  pbxCallId: string;
  /** Not started yet, in order; a call lane holds at most one op (saves coalesce into it). */
  ops: Op[];
  /** The op being written, if any. */
  inFlight: Op | null;
  /** The lane is scheduled: queued in p-queue, running, or waiting for a retry timer. */
  busy: boolean;
  /** Consecutive failures, for the backoff. */
  failures: number;
  retryTimer: NodeJS.Timeout | null;
}

export class WriteQueue implements WriteSink {
  readonly #calls: CallStore;
  readonly #discipline: DisciplineStore;
  readonly #log: StoreLogger;
  readonly #retry: Required<RetryOptions>;
  readonly #queue: PQueue;
  readonly #lanes = new Map<string, Lane>();
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

  constructor(options: WriteQueueOptions) {
    this.#calls = options.calls;
    this.#discipline = options.discipline;
    this.#log = options.logger;
    this.#retry = checkRetryOptions('WriteQueue', options.retry);
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 4 });
  }

  /** Queue an insert-or-update of the call's log entry. Returns at once. */
  saveCall(snapshot: CallSnapshot): void {
    if (this.#rejectAfterClose('saveCall', snapshot)) return;
    this.#saveCall(snapshot, []);
  }

  /** Queue a discipline record (created once per call and type). Returns at once. */
  recordDiscipline(input: DisciplineInput): void {
    if (this.#rejectAfterClose('recordDiscipline', input)) return;
    this.#recordDiscipline(input, []);
  }

  /**
   * Queue writes an earlier run could not store. Resolves once every one of them is stored
   * (a call also counts once a newer snapshot of it that replaced it is stored); stays
   * pending if the queue is closed first. Queue them before live events of the same calls,
   * so that the live snapshots, being newer, win.
   */
  requeue(writes: PendingWrites): Promise<void> {
    if (this.#closing) return Promise.reject(new Error('requeue after the write queue was closed'));
    const landed: Promise<void>[] = [];
    for (const snapshot of writes.calls) landed.push(new Promise((resolve) => this.#saveCall(snapshot, [resolve])));
    for (const input of writes.discipline) landed.push(new Promise((resolve) => this.#recordDiscipline(input, [resolve])));
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

  /** Calls with a save of their log entry not stored yet (queued, in flight or waiting for a retry). */
  pendingCallIds(): Set<string> {
    const ids = new Set<string>();
    for (const lane of this.#lanes.values()) {
      if (lane.inFlight?.kind === 'call' || lane.ops.some((op) => op.kind === 'call')) ids.add(lane.pbxCallId);
    }
    return ids;
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
    if (drained) return { drained, unwritten: { calls: [], discipline: [] } };

    this.#stopped = true;
    const unwritten: PendingWrites = { calls: [], discipline: [] };
    for (const lane of this.#lanes.values()) {
      if (lane.retryTimer) clearTimeout(lane.retryTimer);
      lane.retryTimer = null;
      const { inFlight } = lane;
      // An op in flight that a queued one replaces is not kept twice.
      const ops = inFlight && !lane.ops.some((o) => sameTarget(o, inFlight)) ? [inFlight, ...lane.ops] : lane.ops;
      for (const op of ops) {
        if (op.kind === 'call') unwritten.calls.push(op.snapshot);
        else unwritten.discipline.push(op.input);
      }
    }
    this.#queue.clear();
    this.#log.error(
      { pending: this.#pending, lastError: this.#lastError, unwritten },
      'write queue closed with unwritten records (database unavailable); they are in this log entry',
    );
    return { drained, unwritten };
  }

  #saveCall(snapshot: CallSnapshot, landed: Array<() => void>): void {
    this.#enqueue(`call:${snapshot.officeId}:${snapshot.pbxCallId}`, snapshot.pbxCallId, { kind: 'call', snapshot: structuredClone(snapshot) }, landed);
  }

  #recordDiscipline(input: DisciplineInput, landed: Array<() => void>): void {
    this.#enqueue(`discipline:${input.officeId}:${input.subject.kind}:${input.subject.id}`, input.subject.id, { kind: 'discipline', input: structuredClone(input) }, landed);
  }

  #enqueue(key: string, pbxCallId: string, write: Write, landed: Array<() => void>): void {
    const lane = this.#lane(key, pbxCallId);
    const queued = lane.ops.find((op) => sameTarget(op, write));
    if (queued) {
      Object.assign(queued, write); // the latest wins
      queued.landed.push(...landed);
      this.#coalesced++;
    } else {
      lane.ops.push({ ...write, landed });
      this.#pending++;
    }
    this.#schedule(key, lane);
  }

  #rejectAfterClose(what: string, payload: CallSnapshot | DisciplineInput): boolean {
    if (!this.#closing) return false;
    // Not thrown: the caller is an event handler. The payload is logged so it is not lost.
    this.#log.error({ payload }, `${what} after the write queue was closed; not stored`);
    return true;
  }

  #lane(key: string, pbxCallId: string): Lane {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { pbxCallId, ops: [], inFlight: null, busy: false, failures: 0, retryTimer: null };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  #schedule(key: string, lane: Lane): void {
    if (lane.busy || lane.ops.length === 0) return;
    lane.busy = true;
    void this.#queue.add(() => this.#runOne(key, lane));
  }

  /** Writes the lane's next op; never throws. */
  async #runOne(key: string, lane: Lane): Promise<void> {
    if (this.#stopped) return;
    const op = lane.ops.shift();
    if (!op) {
      lane.busy = false;
      return;
    }
    lane.inFlight = op;
    try {
      if (op.kind === 'call') await this.#calls.save(op.snapshot);
      else await this.#discipline.recordOnce(op.input);
    } catch (err) {
      lane.inFlight = null;
      if (this.#stopped) return;
      this.#onFailure(key, lane, op, err);
      return;
    }
    lane.inFlight = null;
    this.#written++;
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

  #onFailure(key: string, lane: Lane, op: Op, err: unknown): void {
    const message = errorSummary(err);
    this.#lastError = message;
    this.#retries++;
    lane.failures++;
    const newer = lane.ops.find((o) => sameTarget(o, op));
    if (newer) {
      // A newer write to the same row arrived meanwhile: it replaces the failed one.
      newer.landed.push(...op.landed);
      this.#coalesced++;
      this.#done(1);
    } else {
      lane.ops.unshift(op);
    }
    if (!this.#failingLanes.has(key)) {
      if (this.#failingLanes.size === 0) this.#log.warn({ err: message, pbxCallId: lane.pbxCallId }, 'database writes failing; retrying until they succeed');
      this.#failingLanes.add(key);
    }
    const delay = retryDelay(lane.failures, this.#retry);
    this.#log.debug({ pbxCallId: lane.pbxCallId, kind: op.kind, attempt: lane.failures, delayMs: delay, err: message }, 'write failed; will retry');
    if (this.#closing) {
      // Draining: keep trying, without waiting longer than the first step.
      lane.retryTimer = setTimeout(() => this.#retryLane(key, lane), this.#retry.initialDelayMs);
    } else {
      lane.retryTimer = setTimeout(() => this.#retryLane(key, lane), delay);
    }
  }

  #retryLane(key: string, lane: Lane): void {
    lane.retryTimer = null;
    if (this.#stopped) return;
    void this.#queue.add(() => this.#runOne(key, lane));
  }

  #done(count: number): void {
    this.#pending -= count;
    if (this.#pending === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
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

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallRecord } from '../../../../src/calls/call-record.js';
import type { CallSnapshot } from '../../../../src/core/call/call-model.js';
import { MemoryCallStore } from '../../../../src/calls/memory-call-store.js';
import type { DisciplineRecord } from '../../../../src/discipline/discipline-record.js';
import type { DisciplineInput } from '../../../../src/core/discipline/discipline-model.js';
import { MemoryDisciplineStore } from '../../../../src/discipline/memory-discipline-store.js';
import type { StoreLogger } from '../../../../src/platform/store-logger.js';
import { errorSummary, WriteQueue, type RetryOptions } from '../../../../src/platform/outbox/write-queue.js';
import { disciplineInput, snapshot } from '../../../support/store-contract.js';

const RETRY: RetryOptions = { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 };

function recordingLogger() {
  const entries: { level: string; obj: unknown; msg?: string }[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => void entries.push({ level, obj, msg });
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as StoreLogger;
  return { logger, entries };
}


function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A memory call store whose saves can be held, failed, and observed. */
class ScriptedCallStore extends MemoryCallStore {
  readonly attempts: CallSnapshot[] = [];
  /** Called before each save; may throw or await to hold it. */
  before: (s: CallSnapshot, attempt: number) => Promise<void> | void = () => {};
  inFlight = new Map<string, number>();
  maxInFlightPerCall = 0;
  maxInFlight = 0;

  override async save(s: CallSnapshot): Promise<CallRecord> {
    this.attempts.push(structuredClone(s));
    const n = (this.inFlight.get(s.pbxCallId) ?? 0) + 1;
    this.inFlight.set(s.pbxCallId, n);
    this.maxInFlightPerCall = Math.max(this.maxInFlightPerCall, n);
    this.maxInFlight = Math.max(this.maxInFlight, [...this.inFlight.values()].reduce((a, b) => a + b, 0));
    try {
      await this.before(s, this.attempts.length);
      return await super.save(s);
    } finally {
      this.inFlight.set(s.pbxCallId, this.inFlight.get(s.pbxCallId)! - 1);
    }
  }
}

class ScriptedDisciplineStore extends MemoryDisciplineStore {
  readonly attempts: DisciplineInput[] = [];
  before: (i: DisciplineInput) => Promise<void> | void = () => {};
  override async recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }> {
    this.attempts.push(structuredClone(input));
    await this.before(input);
    return super.recordOnce(input);
  }
}

function setup(retry: RetryOptions = RETRY, concurrency?: number) {
  const calls = new ScriptedCallStore();
  const discipline = new ScriptedDisciplineStore();
  const log = recordingLogger();
  const queue = new WriteQueue({ calls, discipline, logger: log.logger, retry, ...(concurrency ? { concurrency } : {}) });
  return { calls, discipline, queue, log };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('WriteQueue', () => {
  it('returns at once and never waits for the store', async () => {
    const { calls, queue } = setup();
    const gate = deferred();
    calls.before = () => gate.promise;
    const started = performance.now();
    expect(queue.saveCall(snapshot('a'))).toBeUndefined();
    expect(queue.recordDiscipline(disciplineInput('a'))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(20);
    expect(queue.stats().pending).toBe(2);
    gate.resolve();
    await queue.onIdle();
    expect(queue.stats()).toMatchObject({ pending: 0, written: 2, failing: false, retries: 0 });
  });

  it('copies what it is given (later mutation by the caller does not leak in)', async () => {
    const { calls, queue } = setup();
    const s = snapshot('copy');
    queue.saveCall(s);
    s.outcome = 'busy';
    s.timeline.push({ at: 'x', what: 'mutated' });
    await queue.onIdle();
    expect(calls.attempts[0]).toMatchObject({ outcome: 'in-progress', timeline: [{ what: 'offered' }] });
  });

  it('coalesces pending saves of one call: the latest snapshot wins', async () => {
    const { calls, queue } = setup();
    const gate = deferred();
    calls.before = (s) => (s.ringCount === 1 ? gate.promise : undefined);
    queue.saveCall(snapshot('c', { ringCount: 1 })); // in flight, held
    await vi.waitFor(() => expect(calls.attempts).toHaveLength(1));
    queue.saveCall(snapshot('c', { ringCount: 2 }));
    queue.saveCall(snapshot('c', { ringCount: 3 }));
    queue.saveCall(snapshot('c', { ringCount: 4, outcome: 'absence' }));
    expect(queue.stats()).toMatchObject({ pending: 2, coalesced: 2 });
    gate.resolve();
    await queue.onIdle();
    expect(calls.attempts.map((a) => a.ringCount)).toEqual([1, 4]);
    expect((await calls.list({ limit: 10, offset: 0 }))[0]).toMatchObject({ ringCount: 4, outcome: 'absence' });
  });

  it('coalesces a pending discipline record of one call and type (the latest, completed evidence wins); other types stay', async () => {
    const { discipline, queue } = setup();
    const gate = deferred();
    discipline.before = () => gate.promise;
    const decided = disciplineInput('d', { type: 'absence' });
    const completed = { ...decided, evidence: [...decided.evidence, { at: '2026-03-02T08:00:30.000Z', what: 'call ended' }] };
    queue.recordDiscipline(disciplineInput('d', { type: 'mistake' })); // in flight, held
    await vi.waitFor(() => expect(discipline.attempts).toHaveLength(1));
    queue.recordDiscipline(decided);
    queue.recordDiscipline(completed);
    expect(queue.stats()).toMatchObject({ pending: 2, coalesced: 1 });
    gate.resolve();
    await queue.onIdle();
    expect(discipline.attempts.map((a) => [a.type, a.evidence.length])).toEqual([
      ['mistake', 2],
      ['absence', 3],
    ]);
    expect(discipline.size).toBe(2);
  });

  it('keeps one write per call in flight and each call’s saves in order, while calls run in parallel', async () => {
    const { calls, queue } = setup(RETRY, 4);
    calls.before = () => new Promise((r) => setTimeout(r, Math.random() * 5));
    const last = new Map<string, number>();
    for (let round = 0; round < 6; round++) {
      for (let c = 0; c < 8; c++) {
        queue.saveCall(snapshot(`call-${c}`, { ringCount: round }));
        last.set(`call-${c}`, round);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await queue.onIdle();
    expect(calls.maxInFlightPerCall).toBe(1);
    expect(calls.maxInFlight).toBeGreaterThan(1);
    expect(calls.maxInFlight).toBeLessThanOrEqual(4);
    for (const [id, round] of last) {
      const seen = calls.attempts.filter((a) => a.pbxCallId === id).map((a) => a.ringCount!);
      expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never goes back
      expect(seen.at(-1)).toBe(round);
    }
    expect(calls.size).toBe(8);
  });

  it('retries a failing store with exponential backoff until it succeeds, reporting failing meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { calls, queue, log } = setup({ initialDelayMs: 100, maxDelayMs: 400, jitter: 0 });
    const times: number[] = [];
    calls.before = () => {
      times.push(Date.now());
      if (times.length <= 5) throw new Error(`connection refused #${times.length}`);
    };
    queue.saveCall(snapshot('r'));
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.stats()).toMatchObject({ pending: 1, failing: true, retries: 1, lastError: 'connection refused #1', written: 0 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(queue.stats()).toMatchObject({ pending: 0, failing: false, retries: 5, written: 1, lastError: 'connection refused #5' });
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([100, 200, 400, 400, 400]);
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
    expect(log.entries.filter((e) => e.level === 'info' && e.msg === 'database writes recovered')).toHaveLength(1);
    expect(calls.size).toBe(1);
  });

  it('a newer snapshot replaces a failed save instead of the failed one being retried', async () => {
    const { calls, queue } = setup();
    const gate = deferred();
    calls.before = async (s) => {
      if (s.ringCount === 1) {
        await gate.promise;
        throw new Error('boom');
      }
    };
    queue.saveCall(snapshot('s', { ringCount: 1 }));
    await vi.waitFor(() => expect(calls.attempts).toHaveLength(1));
    queue.saveCall(snapshot('s', { ringCount: 2 }));
    gate.resolve();
    await queue.onIdle();
    expect(calls.attempts.map((a) => a.ringCount)).toEqual([1, 2]);
    expect(queue.stats()).toMatchObject({ pending: 0, written: 1, retries: 1, failing: false });
  });

  it('a write that keeps failing holds up neither other calls nor its own discipline record', async () => {
    const { calls, discipline, queue } = setup();
    calls.before = (s) => {
      if (s.pbxCallId === 'poison') throw new Error('value too long');
    };
    queue.saveCall(snapshot('poison'));
    queue.recordDiscipline(disciplineInput('poison'));
    for (let i = 0; i < 5; i++) queue.saveCall(snapshot(`ok-${i}`));
    await vi.waitFor(() => expect(queue.stats().written).toBe(6));
    expect(queue.stats()).toMatchObject({ pending: 1, failing: true, lastError: 'value too long' });
    expect(calls.size).toBe(5);
    expect(discipline.size).toBe(1);
    await queue.close({ drainTimeoutMs: 30 });
  });

  it('close() drains, retrying waiting writes at once', async () => {
    const { calls, queue } = setup({ initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 });
    let fail = true;
    calls.before = () => {
      if (fail) throw new Error('down');
    };
    queue.saveCall(snapshot('late'));
    await vi.waitFor(() => expect(queue.stats().failing).toBe(true));
    fail = false;
    const started = Date.now();
    const result = await queue.close({ drainTimeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result).toEqual({ drained: true, unwritten: { calls: [], discipline: [] } });
    expect(calls.size).toBe(1);
  });

  it('close() returns and logs what could not be written in time', async () => {
    const { calls, discipline, queue, log } = setup();
    calls.before = () => {
      throw new Error('down');
    };
    discipline.before = () => {
      throw new Error('down');
    };
    queue.saveCall(snapshot('lost?', { ringCount: 1 }));
    queue.saveCall(snapshot('lost?', { ringCount: 2 }));
    queue.recordDiscipline(disciplineInput('lost?'));
    const result = await queue.close({ drainTimeoutMs: 50 });
    expect(result.drained).toBe(false);
    expect(result.unwritten.calls.map((c) => c.ringCount)).toEqual([2]);
    expect(result.unwritten.discipline).toHaveLength(1);
    const error = log.entries.find((e) => e.level === 'error');
    expect(error?.obj).toMatchObject({ unwritten: result.unwritten });
    const attempts = calls.attempts.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.attempts.length).toBe(attempts); // no retries after close gave up
  });

  it('after close, writes are refused with the payload logged', async () => {
    const { calls, queue, log } = setup();
    await queue.close({ drainTimeoutMs: 10 });
    queue.saveCall(snapshot('after'));
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.attempts).toHaveLength(0);
    expect(log.entries.find((e) => e.level === 'error')?.obj).toMatchObject({ payload: { pbxCallId: 'after' } });
  });

  it('pendingCallIds names the calls with a save not stored yet (queued, in flight or failing), not those with only a discipline record', async () => {
    const { calls, queue } = setup();
    const gate = deferred();
    let down = true;
    calls.before = (s) => {
      if (s.pbxCallId === 'held') return gate.promise;
      if (s.pbxCallId === 'failing' && down) throw new Error('down');
    };
    queue.saveCall(snapshot('held'));
    queue.saveCall(snapshot('failing'));
    queue.saveCall(snapshot('stored'));
    queue.recordDiscipline(disciplineInput('record-only'));
    await vi.waitFor(() => expect(queue.stats().failing).toBe(true));
    await vi.waitFor(() => expect(queue.pendingCallIds()).not.toContain('stored'));
    expect([...queue.pendingCallIds()].sort()).toEqual(['failing', 'held']);
    down = false;
    gate.resolve();
    await queue.onIdle();
    expect(queue.pendingCallIds().size).toBe(0);
  });

  it('onIdle resolves at once when nothing is pending', async () => {
    const { queue } = setup();
    await expect(queue.onIdle()).resolves.toBeUndefined();
  });

  it('rejects a nonsensical retry configuration', () => {
    expect(() => setup({ initialDelayMs: 0, maxDelayMs: 10 })).toThrow(RangeError);
    expect(() => setup({ initialDelayMs: 100, maxDelayMs: 10 })).toThrow(RangeError);
  });

  it('errorSummary makes one line and keeps an error code', () => {
    const err = Object.assign(new Error('\nInvalid `prisma.x.upsert()` invocation:\n\n\nServer has closed the connection.'), { code: 'P1017' });
    expect(errorSummary(err)).toBe('P1017: Invalid `prisma.x.upsert()` invocation: Server has closed the connection.');
    expect(errorSummary('plain')).toBe('plain');
  });
});


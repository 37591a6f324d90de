import Type from 'typebox';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallRecord } from '../../../../src/calls/call-record.js';
import { callSink, registerCallWrites } from '../../../../src/calls/call-writes.js';
import type { CallSnapshot } from '../../../../src/core/call/call-model.js';
import { MemoryCallStore } from '../../../../src/calls/memory-call-store.js';
import type { DisciplineRecord } from '../../../../src/discipline/discipline-record.js';
import type { DisciplineInput } from '../../../../src/core/discipline/discipline-model.js';
import { registerDisciplineWrites } from '../../../../src/discipline/discipline-writes.js';
import { MemoryDisciplineStore } from '../../../../src/discipline/memory-discipline-store.js';
import type { StoreLogger } from '../../../../src/platform/store-logger.js';
import { spillCodec, type WriteKind } from '../../../../src/platform/outbox/write-kind.js';
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

/** A kind that knows no feature: notes on topics (the lane), by id (the target), whose pending texts merge by joining them. */
interface Note {
  topic: string;
  id: string;
  text: string;
}
interface NoteFact {
  name: 'noted';
  id: string;
  text: string;
  carried: string[];
}
function noteKind(overrides: Partial<WriteKind<Note, Note, NoteFact>> = {}) {
  const stored = new Map<string, string>();
  const attempts: Note[] = [];
  const kind = {
    before: (_n: Note): Promise<void> | void => undefined,
  };
  const spec: WriteKind<Note, Note, NoteFact> = {
    name: 'note',
    lane: (n) => n.topic,
    target: (n) => n.id,
    merge: (pending, incoming) => ({ ...incoming, text: `${pending.text}+${incoming.text}` }),
    handle: async (n) => {
      attempts.push(structuredClone(n));
      await kind.before(n);
      stored.set(n.id, n.text);
      return n;
    },
    facts: (_n, stored, carried) => [{ name: 'noted', id: stored.id, text: stored.text, carried: [...carried] }],
    spill: spillCodec(Type.Object({ topic: Type.String(), id: Type.String(), text: Type.String() }), (json) => json),
    ...overrides,
  };
  return { spec, stored, attempts, control: kind };
}

function noteQueue(overrides: Partial<WriteKind<Note, Note, NoteFact>> = {}, facts?: { publish(fact: NoteFact): void }) {
  const log = recordingLogger();
  const published: NoteFact[] = [];
  const queue = new WriteQueue<NoteFact>({ logger: log.logger, retry: RETRY, facts: facts ?? { publish: (f) => void published.push(f) } });
  const note = noteKind(overrides);
  const notes = queue.register(note.spec);
  return { queue, notes, published, log, ...note };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('WriteQueue (a kind that knows no feature)', () => {
  it('merges pending writes of one target with the kind’s merge; other targets of the lane keep their order', async () => {
    const { notes, queue, control, attempts, stored } = noteQueue();
    const gate = deferred();
    control.before = (n) => (n.id === 'first' ? gate.promise : undefined);
    notes.write({ topic: 't', id: 'first', text: 'a' }); // in flight, held
    await vi.waitFor(() => expect(attempts).toHaveLength(1));
    notes.write({ topic: 't', id: 'x', text: 'b' });
    notes.write({ topic: 't', id: 'y', text: 'c' });
    notes.write({ topic: 't', id: 'x', text: 'd' });
    notes.write({ topic: 't', id: 'x', text: 'e' });
    expect(queue.stats()).toMatchObject({ pending: 3, coalesced: 2 });
    gate.resolve();
    await queue.onIdle();
    expect(attempts.map((n) => [n.id, n.text])).toEqual([
      ['first', 'a'],
      ['x', 'b+d+e'],
      ['y', 'c'],
    ]);
    expect(stored.get('x')).toBe('b+d+e');
  });

  it('publishes the facts of a write only once its handler resolved, never for a failed attempt', async () => {
    const { notes, queue, control, published, attempts } = noteQueue();
    const gate = deferred();
    let failures = 1;
    control.before = async () => {
      if (failures-- > 0) throw new Error('down');
      await gate.promise;
    };
    notes.write({ topic: 't', id: 'n', text: 'a' }, ['seen']);
    await vi.waitFor(() => expect(attempts).toHaveLength(2)); // failed once, the retry held
    expect(queue.stats()).toMatchObject({ retries: 1, written: 0 });
    expect(published).toEqual([]);
    gate.resolve();
    await queue.onIdle();
    expect(published).toEqual([{ name: 'noted', id: 'n', text: 'a', carried: ['seen'] }]);
  });

  it('merges the facts of merged writes: none lost, none doubled (also when a failed write merges into a later one)', async () => {
    const { notes, queue, control, published, attempts } = noteQueue();
    const gate = deferred();
    control.before = async (n) => {
      if (n.text === 'a') {
        await gate.promise;
        throw new Error('down');
      }
    };
    notes.write({ topic: 't', id: 'n', text: 'a' }, ['first']); // in flight, will fail
    await vi.waitFor(() => expect(attempts).toHaveLength(1));
    notes.write({ topic: 't', id: 'n', text: 'b' }, ['second']);
    notes.write({ topic: 't', id: 'n', text: 'c' }, ['second', 'third']);
    gate.resolve();
    await queue.onIdle();
    expect(attempts.map((n) => n.text)).toEqual(['a', 'a+b+c']);
    expect(published).toEqual([{ name: 'noted', id: 'n', text: 'a+b+c', carried: ['first', 'second', 'third'] }]);
    expect(queue.stats()).toMatchObject({ pending: 0, written: 1, retries: 1, coalesced: 2 });
  });

  it('a failing fact sink or facts hook is logged and the write still counts as stored', async () => {
    const throwing = noteQueue({}, {
      publish: () => {
        throw new Error('subscriber bug');
      },
    });
    throwing.notes.write({ topic: 't', id: 'n', text: 'a' });
    await throwing.queue.onIdle();
    expect(throwing.queue.stats()).toMatchObject({ written: 1, failing: false, retries: 0 });
    expect(throwing.log.entries.filter((e) => e.level === 'error').map((e) => e.obj)).toEqual([{ kind: 'note', err: 'subscriber bug' }]);

    const badHook = noteQueue({
      facts: () => {
        throw new Error('hook bug');
      },
    });
    badHook.notes.write({ topic: 't', id: 'n', text: 'a' });
    await badHook.queue.onIdle();
    expect(badHook.queue.stats()).toMatchObject({ written: 1, retries: 0 });
    expect(badHook.published).toEqual([]);
    expect(badHook.log.entries.filter((e) => e.level === 'error').map((e) => e.obj)).toEqual([{ kind: 'note', err: 'hook bug' }]);
  });

  it('pending() lists the kind’s payloads not stored yet (queued, in flight, failing), one per target, and none of other kinds', async () => {
    const { notes, queue, control } = noteQueue();
    const other = queue.register({ ...noteKind().spec, name: 'other' });
    const gate = deferred();
    let down = true;
    control.before = (n) => {
      if (n.id === 'held') return gate.promise;
      if (n.id === 'failing' && down) throw new Error('down');
    };
    notes.write({ topic: 'a', id: 'held', text: '1' });
    notes.write({ topic: 'a', id: 'held', text: '2' }); // queued behind the one in flight
    notes.write({ topic: 'b', id: 'failing', text: '1' });
    notes.write({ topic: 'c', id: 'stored', text: '1' });
    other.write({ topic: 'a', id: 'elsewhere', text: '1' });
    await vi.waitFor(() => expect(queue.stats().failing).toBe(true));
    await vi.waitFor(() => expect(notes.pending().map((n) => n.id)).not.toContain('stored'));
    expect(notes.pending()).toEqual([
      { topic: 'a', id: 'held', text: '1+2' },
      { topic: 'b', id: 'failing', text: '1' },
    ]);
    expect(other.pending()).toEqual([]);
    down = false;
    gate.resolve();
    await queue.onIdle();
    expect(notes.pending()).toEqual([]);
  });

  it('refuses a kind registered twice, and requeue() of an unregistered kind queues nothing', async () => {
    const { queue, attempts } = noteQueue();
    expect(() => queue.register(noteKind().spec)).toThrow('write kind note is registered twice');
    await expect(
      queue.requeue([
        { kind: 'note', payload: { topic: 't', id: 'n', text: 'a' } },
        { kind: 'roster-shift', payload: {} },
      ]),
    ).rejects.toThrow('requeue of writes of unregistered kinds: roster-shift');
    expect(queue.stats().pending).toBe(0);
    expect(attempts).toEqual([]);
  });

  it('requeue() carries the facts a spilled write kept', async () => {
    const { queue, published } = noteQueue();
    await queue.requeue([{ kind: 'note', payload: { topic: 't', id: 'n', text: 'a' }, facts: ['from-spill'] }]);
    expect(published).toEqual([{ name: 'noted', id: 'n', text: 'a', carried: ['from-spill'] }]);
  });

  it('close() gives back the unwritten writes with their kind and facts, the one in flight merged into a later one', async () => {
    const { notes, queue, control, log } = noteQueue();
    control.before = () => {
      throw new Error('down');
    };
    notes.write({ topic: 't', id: 'n', text: 'a' }, ['first']);
    notes.write({ topic: 't', id: 'n', text: 'b' }, ['second']);
    notes.write({ topic: 't', id: 'm', text: 'c' });
    const result = await queue.close({ drainTimeoutMs: 50 });
    expect(result).toEqual({
      drained: false,
      unwritten: [
        { kind: 'note', payload: { topic: 't', id: 'n', text: 'a+b' }, facts: ['first', 'second'] },
        { kind: 'note', payload: { topic: 't', id: 'm', text: 'c' } },
      ],
    });
    expect(log.entries.find((e) => e.level === 'error')?.obj).toMatchObject({ unwritten: result.unwritten });
  });

  it('spillCodecs() names the codec of every registered kind', () => {
    const { queue, spec } = noteQueue();
    expect([...queue.spillCodecs()]).toEqual([['note', spec.spill]]);
  });
});

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

/** The queue as the service composes it: the call and discipline kinds, the tracker's sink over them. */
function setup(retry: RetryOptions = RETRY, concurrency?: number) {
  const calls = new ScriptedCallStore();
  const discipline = new ScriptedDisciplineStore();
  const log = recordingLogger();
  const facts: { name: string; officeId: string; id: string; pbxCallId: string; endedAt?: Date | null; evidence?: number }[] = [];
  const queue = new WriteQueue({
    logger: log.logger,
    retry,
    ...(concurrency ? { concurrency } : {}),
    facts: {
      publish: (f: { name: string; officeId: string; call?: CallRecord; record?: DisciplineRecord }) =>
        void facts.push(
          f.call
            ? { name: f.name, officeId: f.officeId, id: f.call.id, pbxCallId: f.call.pbxCallId, endedAt: f.call.endedAt }
            : { name: f.name, officeId: f.officeId, id: f.record!.id, pbxCallId: f.record!.subject.id, evidence: f.record!.evidence.length },
        ),
    },
  });
  const callWrites = registerCallWrites(queue, calls);
  const sink = callSink(callWrites, registerDisciplineWrites(queue, discipline));
  return { calls, discipline, queue, sink, callWrites, facts, log };
}

describe('WriteQueue with the call and discipline kinds', () => {
  it('returns at once and never waits for the store', async () => {
    const { calls, queue, sink } = setup();
    const gate = deferred();
    calls.before = () => gate.promise;
    const started = performance.now();
    expect(sink.saveCall(snapshot('a'))).toBeUndefined();
    expect(sink.recordDiscipline(disciplineInput('a'))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(20);
    expect(queue.stats().pending).toBe(2);
    gate.resolve();
    await queue.onIdle();
    expect(queue.stats()).toMatchObject({ pending: 0, written: 2, failing: false, retries: 0 });
  });

  it('copies what it is given (later mutation by the caller does not leak in)', async () => {
    const { calls, queue, sink } = setup();
    const s = snapshot('copy');
    sink.saveCall(s);
    s.outcome = 'busy';
    s.timeline.push({ at: 'x', what: 'mutated' });
    await queue.onIdle();
    expect(calls.attempts[0]).toMatchObject({ outcome: 'in-progress', timeline: [{ what: 'offered' }] });
  });

  it('coalesces pending saves of one call: the latest snapshot wins', async () => {
    const { calls, queue, sink } = setup();
    const gate = deferred();
    calls.before = (s) => (s.ringCount === 1 ? gate.promise : undefined);
    sink.saveCall(snapshot('c', { ringCount: 1 })); // in flight, held
    await vi.waitFor(() => expect(calls.attempts).toHaveLength(1));
    sink.saveCall(snapshot('c', { ringCount: 2 }));
    sink.saveCall(snapshot('c', { ringCount: 3 }));
    sink.saveCall(snapshot('c', { ringCount: 4, outcome: 'absence' }));
    expect(queue.stats()).toMatchObject({ pending: 2, coalesced: 2 });
    gate.resolve();
    await queue.onIdle();
    expect(calls.attempts.map((a) => a.ringCount)).toEqual([1, 4]);
    expect((await calls.list({ limit: 10, offset: 0 }))[0]).toMatchObject({ ringCount: 4, outcome: 'absence' });
  });

  it('coalesces a pending discipline record of one subject and type (the latest, completed evidence wins); other types stay', async () => {
    const { discipline, queue, sink } = setup();
    const gate = deferred();
    discipline.before = () => gate.promise;
    const decided = disciplineInput('d', { type: 'absence' });
    const completed = { ...decided, evidence: [...decided.evidence, { at: '2026-03-02T08:00:30.000Z', what: 'call ended' }] };
    sink.recordDiscipline(disciplineInput('d', { type: 'mistake' })); // in flight, held
    await vi.waitFor(() => expect(discipline.attempts).toHaveLength(1));
    sink.recordDiscipline(decided);
    sink.recordDiscipline(completed, true);
    expect(queue.stats()).toMatchObject({ pending: 2, coalesced: 1 });
    gate.resolve();
    await queue.onIdle();
    expect(discipline.attempts.map((a) => [a.type, a.evidence.length])).toEqual([
      ['mistake', 2],
      ['absence', 3],
    ]);
    expect(discipline.size).toBe(2);
  });

  it('keeps one lane per office: the same PBX call id in two offices is two calls', async () => {
    const { calls, queue, sink } = setup();
    sink.saveCall(snapshot('same', { officeId: 'east', ringCount: 1 }));
    sink.saveCall(snapshot('same', { officeId: 'west', ringCount: 2 }));
    await queue.onIdle();
    expect(queue.stats()).toMatchObject({ written: 2, coalesced: 0 });
    expect(calls.size).toBe(2);
  });

  it('keeps one write per call in flight and each call’s saves in order, while calls run in parallel', async () => {
    const { calls, queue, sink } = setup(RETRY, 4);
    calls.before = () => new Promise((r) => setTimeout(r, Math.random() * 5));
    const last = new Map<string, number>();
    for (let round = 0; round < 6; round++) {
      for (let c = 0; c < 8; c++) {
        sink.saveCall(snapshot(`call-${c}`, { ringCount: round }));
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
    const { calls, queue, sink, log } = setup({ initialDelayMs: 100, maxDelayMs: 400, jitter: 0 });
    const times: number[] = [];
    calls.before = () => {
      times.push(Date.now());
      if (times.length <= 5) throw new Error(`connection refused #${times.length}`);
    };
    sink.saveCall(snapshot('r'));
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
    const { calls, queue, sink } = setup();
    const gate = deferred();
    calls.before = async (s) => {
      if (s.ringCount === 1) {
        await gate.promise;
        throw new Error('boom');
      }
    };
    sink.saveCall(snapshot('s', { ringCount: 1 }));
    await vi.waitFor(() => expect(calls.attempts).toHaveLength(1));
    sink.saveCall(snapshot('s', { ringCount: 2 }));
    gate.resolve();
    await queue.onIdle();
    expect(calls.attempts.map((a) => a.ringCount)).toEqual([1, 2]);
    expect(queue.stats()).toMatchObject({ pending: 0, written: 1, retries: 1, failing: false });
  });

  it('a write that keeps failing holds up neither other calls nor its own discipline record', async () => {
    const { calls, discipline, queue, sink } = setup();
    calls.before = (s) => {
      if (s.pbxCallId === 'poison') throw new Error('value too long');
    };
    sink.saveCall(snapshot('poison'));
    sink.recordDiscipline(disciplineInput('poison'));
    for (let i = 0; i < 5; i++) sink.saveCall(snapshot(`ok-${i}`));
    await vi.waitFor(() => expect(queue.stats().written).toBe(6));
    expect(queue.stats()).toMatchObject({ pending: 1, failing: true, lastError: 'value too long' });
    expect(calls.size).toBe(5);
    expect(discipline.size).toBe(1);
    await queue.close({ drainTimeoutMs: 30 });
  });

  it('close() drains, retrying waiting writes at once', async () => {
    const { calls, queue, sink } = setup({ initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 });
    let fail = true;
    calls.before = () => {
      if (fail) throw new Error('down');
    };
    sink.saveCall(snapshot('late'));
    await vi.waitFor(() => expect(queue.stats().failing).toBe(true));
    fail = false;
    const started = Date.now();
    const result = await queue.close({ drainTimeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result).toEqual({ drained: true, unwritten: [] });
    expect(calls.size).toBe(1);
  });

  it('close() returns and logs what could not be written in time', async () => {
    const { calls, discipline, queue, sink, log } = setup();
    calls.before = () => {
      throw new Error('down');
    };
    discipline.before = () => {
      throw new Error('down');
    };
    sink.saveCall(snapshot('lost?', { ringCount: 1 }));
    sink.saveCall(snapshot('lost?', { ringCount: 2 }));
    sink.recordDiscipline(disciplineInput('lost?'));
    const result = await queue.close({ drainTimeoutMs: 50 });
    expect(result).toEqual({
      drained: false,
      unwritten: [
        { kind: 'call', payload: snapshot('lost?', { ringCount: 2 }), facts: ['call.logged', 'call.updated'] },
        { kind: 'discipline', payload: disciplineInput('lost?') },
      ],
    });
    const error = log.entries.find((e) => e.level === 'error');
    expect(error?.obj).toMatchObject({ unwritten: result.unwritten });
    const attempts = calls.attempts.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.attempts.length).toBe(attempts); // no retries after close gave up
  });

  it('after close, writes are refused with the payload logged', async () => {
    const { calls, queue, sink, log } = setup();
    await queue.close({ drainTimeoutMs: 10 });
    sink.saveCall(snapshot('after'));
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.attempts).toHaveLength(0);
    expect(log.entries.find((e) => e.level === 'error')).toMatchObject({ obj: { kind: 'call', payload: { pbxCallId: 'after' } }, msg: 'call write after the write queue was closed; not stored' });
  });

  it('pendingCallIds names the office’s calls with a save not stored yet (queued, in flight or failing), not those with only a discipline record', async () => {
    const { calls, queue, sink, callWrites } = setup();
    const gate = deferred();
    let down = true;
    calls.before = (s) => {
      if (s.pbxCallId === 'held') return gate.promise;
      if (s.pbxCallId === 'failing' && down) throw new Error('down');
    };
    sink.saveCall(snapshot('held'));
    sink.saveCall(snapshot('failing'));
    sink.saveCall(snapshot('stored'));
    sink.saveCall(snapshot('elsewhere', { officeId: 'east' }));
    sink.recordDiscipline(disciplineInput('record-only'));
    await vi.waitFor(() => expect(queue.stats().failing).toBe(true));
    await vi.waitFor(() => expect(callWrites.pendingCallIds('default')).not.toContain('stored'));
    expect(callWrites.pendingCallIds('default').sort()).toEqual(['failing', 'held']);
    down = false;
    gate.resolve();
    await queue.onIdle();
    expect(callWrites.pendingCallIds('default')).toEqual([]);
  });

  it('publishes call.logged for the first save of a call, call.updated after, call.ended with its end; record.raised when created, record.completed with the completed evidence', async () => {
    const { queue, sink, facts } = setup();
    const ended = new Date('2026-03-02T08:00:30.000Z');
    const decided = disciplineInput('f');
    sink.saveCall(snapshot('f'));
    await queue.onIdle();
    sink.recordDiscipline(decided);
    await queue.onIdle();
    sink.saveCall(snapshot('f', { outcome: 'absence', ringCount: 3 }));
    await queue.onIdle();
    sink.recordDiscipline({ ...decided, evidence: [...decided.evidence, { at: ended.toISOString(), what: 'caller hung up' }] }, true);
    await queue.onIdle();
    sink.saveCall(snapshot('f', { outcome: 'absence', ringCount: 3, endedAt: ended }));
    await queue.onIdle();
    const callId = facts[0]!.id;
    const recordId = facts[1]!.id;
    expect(facts).toEqual([
      { name: 'call.logged', officeId: 'default', id: callId, pbxCallId: 'f', endedAt: null },
      { name: 'record.raised', officeId: 'default', id: recordId, pbxCallId: 'f', evidence: 2 },
      { name: 'call.updated', officeId: 'default', id: callId, pbxCallId: 'f', endedAt: null },
      { name: 'record.completed', officeId: 'default', id: recordId, pbxCallId: 'f', evidence: 3 },
      { name: 'call.updated', officeId: 'default', id: callId, pbxCallId: 'f', endedAt: ended },
      { name: 'call.ended', officeId: 'default', id: callId, pbxCallId: 'f', endedAt: ended },
    ]);
  });

  it('a call saved, then ended while still queued gives call.logged + call.ended once landed; a record decided and completed meanwhile gives raised + completed', async () => {
    const { calls, discipline, queue, sink, facts } = setup();
    let down = true;
    calls.before = () => {
      if (down) throw new Error('down');
    };
    discipline.before = () => {
      if (down) throw new Error('down');
    };
    const ended = new Date('2026-03-02T08:00:30.000Z');
    const decided = disciplineInput('m');
    sink.saveCall(snapshot('m'));
    sink.recordDiscipline(decided);
    sink.saveCall(snapshot('m', { outcome: 'absence', ringCount: 3 }));
    sink.recordDiscipline({ ...decided, evidence: [...decided.evidence, { at: ended.toISOString(), what: 'caller hung up' }] }, true);
    sink.saveCall(snapshot('m', { outcome: 'absence', ringCount: 3, endedAt: ended }));
    await vi.waitFor(() => expect(queue.stats().retries).toBeGreaterThan(2));
    expect(facts).toEqual([]);
    down = false;
    await queue.onIdle();
    expect(facts.map((f) => f.name).sort()).toEqual(['call.ended', 'call.logged', 'record.completed', 'record.raised']);
    expect(facts.find((f) => f.name === 'call.ended')).toMatchObject({ endedAt: ended });
    expect(facts.find((f) => f.name === 'record.completed')).toMatchObject({ evidence: 3 });
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

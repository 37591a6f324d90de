import { describe, expect, it, vi } from 'vitest';
import type { CallRecord } from '../../../../src/calls/call-record.js';
import { callSink, registerCallWrites } from '../../../../src/calls/call-writes.js';
import type { CallSnapshot } from '../../../../src/core/call/call-model.js';
import { MemoryCallStore } from '../../../../src/calls/memory-call-store.js';
import { registerDisciplineWrites } from '../../../../src/discipline/discipline-writes.js';
import { MemoryDisciplineStore } from '../../../../src/discipline/memory-discipline-store.js';
import type { StoreLogger } from '../../../../src/platform/store-logger.js';
import { WriteQueue } from '../../../../src/platform/outbox/write-queue.js';
import { disciplineInput, snapshot } from '../../../support/store-contract.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} } as unknown as StoreLogger;

/** A memory call store that fails while `down` is true. */
class FlakyCallStore extends MemoryCallStore {
  down = false;
  override async save(s: CallSnapshot): Promise<CallRecord> {
    if (this.down) throw new Error('database down');
    return super.save(s);
  }
}

function setup(retry = { initialDelayMs: 1, maxDelayMs: 5, jitter: 0 }) {
  const calls = new FlakyCallStore();
  const discipline = new MemoryDisciplineStore();
  const queue = new WriteQueue({ logger: silent, retry });
  const sink = callSink(registerCallWrites(queue, calls), registerDisciplineWrites(queue, discipline));
  return { calls, discipline, queue, sink };
}

const settled = (p: Promise<unknown>) => Promise.race([p.then(() => true), new Promise<false>((resolve) => setImmediate(() => resolve(false)))]);

describe('WriteQueue.requeue', () => {
  it('resolves only once every requeued write is stored, through failures', async () => {
    const { calls, discipline, queue } = setup();
    calls.down = true;
    const landed = queue.requeue([
      { kind: 'call', payload: snapshot('r-1') },
      { kind: 'call', payload: snapshot('r-2') },
      { kind: 'discipline', payload: disciplineInput('r-1') },
    ]);
    await vi.waitFor(() => expect(queue.stats().retries).toBeGreaterThan(3));
    expect(await settled(landed)).toBe(false);
    calls.down = false;
    await landed;
    expect((await calls.list({ limit: 10, offset: 0 })).map((c) => c.pbxCallId).sort()).toEqual(['r-1', 'r-2']);
    expect(await discipline.list({ limit: 10, offset: 0 })).toHaveLength(1);
    await queue.close({ drainTimeoutMs: 100 });
  });

  it('counts a requeued call as landed when a newer snapshot that replaced it is stored', async () => {
    const { calls, queue, sink } = setup();
    calls.down = true;
    const landed = queue.requeue([{ kind: 'call', payload: snapshot('r-3', { outcome: 'in-progress' }) }]);
    sink.saveCall(snapshot('r-3', { outcome: 'answered' }));
    calls.down = false;
    await landed;
    await queue.onIdle();
    const stored = await calls.list({ limit: 10, offset: 0 });
    expect(stored.map((c) => [c.pbxCallId, c.outcome])).toEqual([['r-3', 'answered']]);
    await queue.close({ drainTimeoutMs: 100 });
  });

  it('rejects after close', async () => {
    const { queue } = setup();
    await queue.close({ drainTimeoutMs: 10 });
    await expect(queue.requeue([{ kind: 'call', payload: snapshot('r-4') }])).rejects.toThrow(/closed/);
  });
});

describe('WriteQueue.retryNow', () => {
  it('retries at once a write waiting out a long backoff', async () => {
    const { calls, queue, sink } = setup({ initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 });
    calls.down = true;
    sink.saveCall(snapshot('n-1'));
    while (!queue.stats().failing) await new Promise((resolve) => setImmediate(resolve));
    calls.down = false;
    queue.retryNow();
    await queue.onIdle();
    expect(queue.stats()).toMatchObject({ pending: 0, failing: false, written: 1 });
    await queue.close({ drainTimeoutMs: 100 });
  });
});

import { describe, expect, it } from 'vitest';
import { clipGaps, gapsAtStart } from '../../../src/core/watch/watch-gap.js';
import { MemoryWatchStore } from '../../../src/watch/memory-watch-store.js';
import { WatchLog } from '../../../src/watch/watch-log.js';
import type { WatchStore } from '../../../src/watch/watch-store.js';

const T0 = new Date('2026-11-02T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const quiet = { warn: () => {}, info: () => {} };
const ALL = [new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')] as const;

function setUp(store: WatchStore = new MemoryWatchStore()) {
  let now = T0;
  const clock = { now: () => now };
  const log = new WatchLog('default', store, clock, quiet);
  return { store, log, move: (seconds: number) => (now = at(seconds)), gaps: () => store.listGaps('default', ...ALL) };
}

describe('the watch log', () => {
  it('a first start connected within two seconds records no gap, and beats', async () => {
    const { store, log, move, gaps } = setUp();
    move(1.5);
    log.connected();
    await log.start(3_600_000);
    expect(await gaps()).toEqual([]);
    expect(await store.lastBeat('default')).toEqual(at(1.5));
    await log.stop();
  });

  it('from the last heartbeat of the run before to this start, the service was down', async () => {
    const store = new MemoryWatchStore();
    await store.beat('default', at(-600));
    const { log, move, gaps } = setUp(store);
    move(1);
    log.connected();
    await log.start(3_600_000);
    expect(await gaps()).toEqual([{ officeId: 'default', from: at(-600), to: at(0), reason: 'service-down' }]);
    await log.stop();
  });

  it('a disconnect lasting two seconds or more is written open at the next heartbeat and ended at the reconnect', async () => {
    const { log, move, gaps } = setUp();
    log.connected();
    await log.start(3_600_000);
    move(10);
    log.disconnected();
    move(11);
    await log.flush();
    expect(await gaps()).toEqual([]);
    move(13);
    await log.flush();
    expect(await gaps()).toEqual([{ officeId: 'default', from: at(10), to: null, reason: 'ami-disconnected' }]);
    move(40);
    log.connected();
    await log.flush();
    expect(await gaps()).toEqual([{ officeId: 'default', from: at(10), to: at(40), reason: 'ami-disconnected' }]);
    await log.stop();
  });

  it('recent(): the gaps this run has seen, the one going on with no end, short ones left out (for /healthz)', async () => {
    const { log, move } = setUp();
    log.connected();
    await log.start(3_600_000);
    move(10);
    log.disconnected();
    move(11);
    log.connected();
    move(20);
    log.disconnected();
    move(30);
    log.connected();
    move(40);
    log.disconnected();
    move(45);
    expect(log.recent()).toEqual([
      { officeId: 'default', from: at(20), to: at(30), reason: 'ami-disconnected' },
      { officeId: 'default', from: at(40), to: null, reason: 'ami-disconnected' },
    ]);
    await log.stop();
  });

  it('a disconnect shorter than two seconds is not recorded; a longer one ended between heartbeats is written whole', async () => {
    const { log, move, gaps } = setUp();
    log.connected();
    await log.start(3_600_000);
    move(10);
    log.disconnected();
    move(11.9);
    log.connected();
    move(20);
    log.disconnected();
    move(50);
    log.connected();
    await log.flush();
    expect(await gaps()).toEqual([{ officeId: 'default', from: at(20), to: at(50), reason: 'ami-disconnected' }]);
    await log.stop();
  });

  it('writes that fail (the database down) are kept and written at the next heartbeat', async () => {
    const store = new MemoryWatchStore();
    let down = true;
    const failing: WatchStore = {
      lastBeat: (officeId) => store.lastBeat(officeId),
      beat: async (officeId, when) => {
        if (down) throw new Error('database down');
        return store.beat(officeId, when);
      },
      addGap: (gap) => store.addGap(gap),
      endGap: (id, to) => store.endGap(id, to),
      endOpenGaps: (officeId, to) => store.endOpenGaps(officeId, to),
      listGaps: (officeId, from, to) => store.listGaps(officeId, from, to),
      logPosition: (officeId, source) => store.logPosition(officeId, source),
      setLogPosition: (officeId, source, position, when) => store.setLogPosition(officeId, source, position, when),
    };
    const { log, move, gaps } = setUp(failing);
    log.connected();
    await log.start(3_600_000);
    move(10);
    log.disconnected();
    move(20);
    log.connected();
    await log.flush();
    expect(await gaps()).toEqual([]);
    down = false;
    move(30);
    await log.flush();
    expect(await gaps()).toEqual([{ officeId: 'default', from: at(10), to: at(20), reason: 'ami-disconnected' }]);
    await log.stop();
  });

  it("a start ends the run before's gaps left open (it died) at its last heartbeat", async () => {
    const store = new MemoryWatchStore();
    await store.addGap({ officeId: 'default', from: at(-900), to: null, reason: 'ami-disconnected' });
    await store.beat('default', at(-800));
    const { log, move, gaps } = setUp(store);
    move(1);
    log.connected();
    await log.start(3_600_000);
    expect(await gaps()).toEqual([
      { officeId: 'default', from: at(-900), to: at(-800), reason: 'ami-disconnected' },
      { officeId: 'default', from: at(-800), to: at(0), reason: 'service-down' },
    ]);
    await log.stop();
  });

  it('a clean stop ends a disconnect going on and beats last', async () => {
    const { store, log, move, gaps } = setUp();
    log.connected();
    await log.start(3_600_000);
    move(10);
    log.disconnected();
    move(15);
    await log.flush();
    move(25);
    await log.stop();
    expect(await gaps()).toEqual([{ officeId: 'default', from: at(10), to: at(25), reason: 'ami-disconnected' }]);
    expect(await store.lastBeat('default')).toEqual(at(25));
  });
});

describe('gaps', () => {
  it('at start: none before the first heartbeat ever, none under two seconds', () => {
    expect(gapsAtStart('default', null, T0)).toEqual({ closeOpenAt: null, serviceDown: null });
    expect(gapsAtStart('default', at(-1.9), T0)).toEqual({ closeOpenAt: at(-1.9), serviceDown: null });
  });

  it('clipped to a range, an open one running to its end', () => {
    const gaps = [
      { officeId: 'default', from: at(-100), to: at(50), reason: 'service-down' as const },
      { officeId: 'default', from: at(200), to: null, reason: 'ami-disconnected' as const },
      { officeId: 'default', from: at(-500), to: at(-200), reason: 'service-down' as const },
    ];
    expect(clipGaps(gaps, at(0), at(300))).toEqual([
      { officeId: 'default', from: at(0), to: at(50), reason: 'service-down' },
      { officeId: 'default', from: at(200), to: at(300), reason: 'ami-disconnected' },
    ]);
  });
});

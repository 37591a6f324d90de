/**
 * CallRebuild over the captured CEL of four calls (test/fixtures/cel/four-calls.jsonl) into the
 * memory stores: what it rebuilds, what it leaves, where it keeps its position.
 */
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CallRebuild, REBUILT_NOTE } from '../../../src/calls/call-rebuild.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { NO_OWN_CALLS } from '../../../src/calls/own-calls.js';
import type { PhoneRole } from '../../../src/core/phone-role.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { CelFileLog } from '../../../src/pbx/asterisk/cel-file-log.js';
import type { PbxCallLog } from '../../../src/pbx/pbx-port.js';
import { MemoryWatchStore } from '../../../src/watch/memory-watch-store.js';
import { snapshot } from '../../support/store-contract.js';

const FILE = path.join(import.meta.dirname, '../../fixtures/cel/four-calls.jsonl');
const roleOf = (endpoint: string): PhoneRole => ({ desk: 'desk', leader: 'fallback', bureau: 'bureau' })[endpoint] as PhoneRole ?? 'other';
/** In the file's order: answered in ring 2, an absence, abandoned, busy. */
const [ANSWERED, ABSENCE, ABANDONED, BUSY] = ['1795399204.0', '1795399206.2', '1795399219.4', '1795399202.6'];

function setUp(own: Set<string>, log: PbxCallLog = new CelFileLog(FILE, roleOf)) {
  const calls = new MemoryCallStore();
  const records = new MemoryDisciplineStore();
  const positions = new MemoryWatchStore();
  const rebuild = new CallRebuild({
    officeId: 'default',
    log,
    positions,
    calls,
    records,
    rules: { officeId: 'default', rules: { threshold: 3, cadence: { onMs: 200, offMs: 800 } } },
    ...NO_OWN_CALLS,
    ownCallIds: () => own,
    now: () => new Date('2026-12-02T00:00:00Z'),
    logger: pino({ level: 'silent' }),
  });
  const row = async (id: string) => (await calls.list({ officeId: 'default', limit: 100, offset: 0 })).find((c) => c.pbxCallId === id);
  return { calls, records, positions, log, rebuild, row };
}

describe('CallRebuild', () => {
  it('a call id the log holds twice in one read (the PBX restarted with its clock set back): the first is rebuilt, the second skipped, nothing fails', async () => {
    const file = new CelFileLog(FILE, roleOf);
    const { calls } = await file.read(0);
    const twice: PbxCallLog = { source: 'twice', read: async () => ({ calls: [...calls, ...calls], next: 1, done: true, skippedLines: 0 }) };
    const { rebuild, row } = setUp(new Set(), twice);
    expect(await rebuild.run()).toMatchObject({ read: 8, rebuilt: 4, records: 1, skipped: 4 });
    expect(await row(ABSENCE)).toMatchObject({ outcome: 'absence', ringCount: 3 });
  });

  it('rebuilds the calls with no row or an unfinished one, leaves one seen to its end, and waits for one this process still has', async () => {
    const own = new Set([BUSY]);
    const { calls, records, positions, log, rebuild, row } = setUp(own);
    await calls.save(snapshot(ANSWERED, { offeredAt: new Date(1795399204318), outcome: 'answered', ringCount: 2, endedAt: new Date(1795399206136), timeline: [{ at: '2026-11-23T02:00:04.318Z', what: 'seen live' }] }));
    await calls.save(snapshot(ABSENCE, { offeredAt: new Date(1795399206503), outcome: 'interrupted', endedAt: new Date(1795399207000) }));

    const first = await rebuild.run();
    expect(first).toMatchObject({ read: 4, rebuilt: 2, records: 1, skipped: 2 });
    expect((await row(ANSWERED))!.timeline.map((e) => e.what)).toEqual(['seen live']);
    expect(await row(ABSENCE)).toMatchObject({ outcome: 'absence', ringCount: 3 });
    expect((await row(ABSENCE))!.timeline.at(-1)!.what).toBe(REBUILT_NOTE);
    expect(await row(ABANDONED)).toMatchObject({ outcome: 'abandoned', ringCount: 2 });
    expect(await row(BUSY)).toBeUndefined();
    expect((await records.list({ limit: 10, offset: 0 })).map((r) => [r.type, r.subject.id])).toEqual([['absence', ABSENCE]]);
    // held at the start of the call still this process's
    const busyAt = (await log.read(0)).calls.find((c) => c.callId === BUSY)!.position;
    expect(await positions.logPosition('default', log.source)).toBe(busyAt);

    own.clear();
    const second = await rebuild.run();
    expect(second).toMatchObject({ read: 1, rebuilt: 1, records: 0 });
    expect(await row(BUSY)).toMatchObject({ outcome: 'busy' });
    expect(await positions.logPosition('default', log.source)).toBe((await log.read(0)).next);

    // nothing more to do, nothing doubled
    expect(await rebuild.run()).toMatchObject({ read: 0, rebuilt: 0 });
    expect(await calls.list({ officeId: 'default', limit: 100, offset: 0 })).toHaveLength(4);
    expect(await records.list({ limit: 10, offset: 0 })).toHaveLength(1);
  });

  it('a period (the CLI): reads the whole log for it, leaves the stored position alone', async () => {
    const { positions, log, rebuild, row } = setUp(new Set());
    await positions.setLogPosition('default', log.source, 42, new Date());
    const report = await rebuild.run({ from: new Date(1795399204000), to: new Date(1795399207000) });
    expect(report).toMatchObject({ read: 2, rebuilt: 2 });
    expect(await row(ANSWERED)).toMatchObject({ outcome: 'answered' });
    expect(await row(ABANDONED)).toBeUndefined();
    expect(await positions.logPosition('default', log.source)).toBe(42);
  });
});

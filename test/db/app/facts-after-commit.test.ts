/**
 * Facts are published once the write they report is committed: a subscriber that starts a GET
 * through the API inside its handler, for the row the fact names, finds the row there. While
 * the database is cut off nothing is published; once it is back, the writes merged meanwhile
 * publish their facts once each.
 */
import { describe, expect, it } from 'vitest';
import { createPgTestDatabase, createTempDir, DB_KINDS } from '../../support/db.js';
import { useCleanups } from '../../support/cleanups.js';
import { recordedCall, startFakePbx } from '../../support/fake-pbx.js';
import { usePgBehindProxy } from '../../support/pg-behind-proxy.js';
import { eventually } from '../../support/poll.js';
import { startTestService, type CallJson, type RecordJson, type TestService } from '../../support/service-harness.js';

const { defer, started } = useCleanups();

const CALL_FACTS = ['call.logged', 'call.updated', 'call.ended'] as const;
const RECORD_FACTS = ['record.raised', 'record.completed'] as const;

interface Seen {
  name: string;
  officeId: string;
  /** What the fact carries, as the API would show it. */
  id: string;
  endedAt?: string | null;
  timeline?: number;
  evidence?: number;
  /** The GET started inside the subscriber. */
  read: Promise<{ status: number; row: CallJson | RecordJson | undefined }>;
}

/** Subscribes to every fact; each handler starts, synchronously, a GET for the row its fact names. */
function watchFacts(sut: TestService): Seen[] {
  const seen: Seen[] = [];
  for (const name of CALL_FACTS) {
    sut.service.facts.subscribe(name, ({ officeId, call }) => {
      const read = sut.get<CallJson>(`/calls/${call.id}`).then(({ status, body }) => ({ status, row: status === 200 ? body : undefined }));
      seen.push({ name, officeId, id: call.id, endedAt: call.endedAt?.toISOString() ?? null, timeline: call.timeline.length, read });
    });
  }
  for (const name of RECORD_FACTS) {
    sut.service.facts.subscribe(name, ({ officeId, record }) => {
      const read = sut.get<{ items: RecordJson[] }>('/discipline-records?limit=1000').then(({ status, body }) => ({ status, row: body.items.find((r) => r.id === record.id) }));
      seen.push({ name, officeId, id: record.id, evidence: record.evidence.length, read });
    });
  }
  return seen;
}

/** Each fact's row was readable, at least as far as the fact tells. */
async function expectRowsReadable(seen: Seen[]): Promise<void> {
  for (const fact of seen) {
    const { status, row } = await fact.read;
    expect(status, fact.name).toBe(200);
    expect(row?.id, fact.name).toBe(fact.id);
    if (fact.timeline !== undefined) expect((row as CallJson).timeline.length, fact.name).toBeGreaterThanOrEqual(fact.timeline);
    if (fact.name === 'call.ended') expect((row as CallJson).endedAt).toBe(fact.endedAt);
    if (fact.evidence !== undefined) expect((row as RecordJson).evidence.length, fact.name).toBeGreaterThanOrEqual(fact.evidence);
  }
}

const names = (seen: Seen[], of: readonly string[]) => seen.filter((f) => of.includes(f.name)).map((f) => f.name);

describe.each(DB_KINDS)('facts of a call on %s', (kind) => {
  it('are published once their row is readable through the API: logged first, ended last, the absence raised and completed', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const spillDir = await createTempDir('dh-spill-');
    defer(() => spillDir.rm());
    let database: { databaseUrl: string } | { dataDir: string } = { dataDir: 'memory://' };
    if (kind === 'postgres') {
      const created = await createPgTestDatabase();
      defer(() => created.drop());
      database = { databaseUrl: created.url };
    }
    const sut = await started(startTestService({ pbx, ...database, spillDir: spillDir.path }));
    await sut.service.pbx.waitUntilConnected(10_000);
    await sut.service.database.opened;
    const seen = watchFacts(sut);

    const call = recordedCall('no-answer');
    expect(pbx.play(call)).toBe(1);
    await eventually('the call ended and its absence completed', () => names(seen, ['call.ended', 'record.completed']).length === 2);
    await eventually('every write stored', () => sut.service.writes.stats().pending === 0);

    const calls = names(seen, CALL_FACTS);
    expect(calls[0]).toBe('call.logged');
    expect(calls.at(-1)).toBe('call.ended');
    expect(calls.filter((n) => n === 'call.logged')).toHaveLength(1);
    expect(calls.filter((n) => n === 'call.ended')).toHaveLength(1);
    expect(names(seen, RECORD_FACTS)).toEqual(['record.raised', 'record.completed']);
    expect(new Set(seen.map((f) => f.officeId))).toEqual(new Set(['default']));
    expect(new Set(seen.filter((f) => f.name.startsWith('call.')).map((f) => f.id)).size).toBe(1);
    await expectRowsReadable(seen);
    const [row] = await sut.callsFor(call.pbxCallId);
    expect(row).toMatchObject({ outcome: 'absence', ringCount: 3 });
  });
});

describe('facts while PostgreSQL is cut off', () => {
  const env = usePgBehindProxy();

  it('are not published until the writes land after it is back; the writes merged meanwhile publish logged + ended and raised + completed, once', async () => {
    env.sut = await startTestService({ pbx: env.pbx, databaseUrl: env.databaseUrl(), spillDir: env.spillDir.path });
    const sut = env.sut;
    await sut.service.pbx.waitUntilConnected(10_000);
    await sut.service.database.opened;
    const seen = watchFacts(sut);

    env.proxy.cut();
    const call = recordedCall('no-answer');
    expect(env.pbx.play(call)).toBe(1);
    // One write left per lane (the call's entry, its absence): every later one merged into it.
    await eventually('the call closed and its writes failing, merged', () => {
      const w = sut.service.writes.stats();
      return sut.service.tracker.activeCalls === 0 && w.failing && w.pending === 2;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([]);

    env.proxy.restore();
    await eventually('every write stored', () => sut.service.writes.stats().pending === 0);
    expect(names(seen, CALL_FACTS)).toEqual(['call.logged', 'call.ended']);
    expect(names(seen, RECORD_FACTS)).toEqual(['record.raised', 'record.completed']);
    await expectRowsReadable(seen);
    expect(await sut.callsFor(call.pbxCallId)).toHaveLength(1);
    expect(await sut.recordsFor(call.pbxCallId)).toHaveLength(1);
  });
});

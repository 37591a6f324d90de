/**
 * The service stopped while calls were live: their rows stay 'in-progress' with no end. The next
 * service on the same database, once AMI has connected and CoreShowChannels has said which calls
 * the PBX still has, closes the ones that are gone (an undecided one as 'interrupted', a decided
 * one keeping its outcome; no discipline record) and leaves the ones still live alone.
 */
import { describe, expect, it } from 'vitest';
import { END_NOT_OBSERVED } from '../../../src/calls/unfinished-calls.js';
import type { DatabaseKind } from '../../../src/platform/db/database.js';
import { createPgTestDatabase, createTempDir, DB_KINDS, pgServer, pgUrl } from '../../support/db.js';
import { firstPart, recordedCall, startFakePbx, type FakePbx, type RecordedCall } from '../../support/fake-pbx.js';
import { eventually } from '../../support/poll.js';
import { startTestService, type CallJson, type TestServiceOptions } from '../../support/service-harness.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import { useCleanups } from '../../support/cleanups.js';

const { defer, started } = useCleanups();

async function fakePbx(): Promise<FakePbx> {
  const pbx = await startFakePbx();
  defer(() => pbx.close());
  return pbx;
}

/** A database both services use: a fresh PostgreSQL database, or a PGlite data directory. */
async function sharedDatabase(kind: DatabaseKind): Promise<Pick<TestServiceOptions, 'databaseUrl' | 'dataDir'>> {
  if (kind === 'postgres') {
    const database = await createPgTestDatabase();
    defer(() => database.drop());
    return { databaseUrl: database.url };
  }
  const dir = await createTempDir();
  defer(() => dir.rm());
  return { dataDir: `${dir.path}/pglite` };
}

const isEvent = (name: string) => (event: string) => new RegExp(`^Event: ${name}$`, 'm').test(event);

describe.each(DB_KINDS)('calls left unfinished by a stopped service (%s)', (kind) => {
  it('the next service closes the calls gone from the PBX (undecided → interrupted, decided kept, no discipline record) and leaves the live one', async () => {
    const database = await sharedDatabase(kind);
    const spillDir = await createTempDir('dh-spill-');
    defer(() => spillDir.rm());
    // Desk phone dialled, not ringing yet: undecided (no ring deadline that could decide it meanwhile).
    const undecided = firstPart(recordedCall('no-answer'), isEvent('DialState'));
    // Desk answered at ring 2, nobody hung up yet: decided.
    const answered = firstPart(recordedCall('answered'), isEvent('Hangup'));
    // Desk dialled, not ringing; this one the PBX still has when the second service connects.
    const stillLive = firstPart(recordedCall('busy'), isEvent('DialEnd'));

    // First run: sees the three calls start, then stops while they are live.
    const pbx1 = await fakePbx();
    const first = await started(startTestService({ pbx: pbx1, spillDir: spillDir.path, ...database }));
    await eventually('the first service open and connected', () => first.service.database.status().state === 'open' && first.service.pbx.state === 'connected');
    for (const call of [answered, undecided, stillLive]) expect(pbx1.play(call)).toBe(1);
    await eventually('the three calls stored while live', async () => {
      if (first.service.writes.stats().pending !== 0) return false;
      const rows = await Promise.all([answered, undecided, stillLive].map((c) => first.callsFor(c.pbxCallId)));
      return rows.every((r) => r.length === 1 && r[0]!.endedAt === null);
    });
    expect((await first.callsFor(answered.pbxCallId))[0]).toMatchObject({ outcome: 'answered', ringCount: 2, endedAt: null });
    expect((await first.callsFor(undecided.pbxCallId))[0]).toMatchObject({ outcome: 'in-progress', deskEndpoint: 'desk', endedAt: null });
    expect(first.service.tracker.activeCalls).toBe(3);
    await first.service.stop();

    // Second run on the same database: its PBX lists only stillLive, and its clock (AMI
    // Timestamp of FullyBooted, sent at login as Asterisk does) is a minute after the calls.
    const pbxNow = 1795426036; // 2026-11-23T02:07:16Z, the captures' PBX time + ~1 min
    const pbx2 = await fakePbx();
    pbx2.live.add(stillLive.pbxCallId);
    pbx2.ami.on('login', (session) =>
      session.sendEvent([['Event', 'FullyBooted'], ['Privilege', 'system,all'], ['Timestamp', `${pbxNow}.000000`], ['Status', 'Fully Booted']]),
    );
    const second = await started(startTestService({ pbx: pbx2, spillDir: spillDir.path, ...database }));
    await eventually('the second service open', () => second.service.database.status().state === 'open');
    const closed = await eventually('the calls gone from the PBX closed', async () => {
      const [a] = await second.callsFor(answered.pbxCallId);
      const [u] = await second.callsFor(undecided.pbxCallId);
      return a?.endedAt && u?.endedAt && second.service.writes.stats().pending === 0 ? { answered: a, undecided: u } : undefined;
    });

    const checkClosed = (call: CallJson) => {
      const endedAt = new Date(call.endedAt!).getTime();
      expect(endedAt).toBeGreaterThanOrEqual(pbxNow * 1000);
      expect(endedAt).toBeLessThan(pbxNow * 1000 + 30_000);
      expect(call.timeline.at(-1)).toEqual({ at: call.endedAt, what: END_NOT_OBSERVED });
    };
    expect(closed.undecided).toMatchObject({ outcome: 'interrupted', deskEndpoint: 'desk', answeredAt: null, ringCount: null });
    expect(closed.undecided.timeline.map((e) => e.what)).toContain('desk phone desk dialled');
    checkClosed(closed.undecided);
    expect(closed.answered).toMatchObject({ outcome: 'answered', ringCount: 2, answeredBy: 'desk' });
    checkClosed(closed.answered);

    // Still live in the PBX, unknown to this process: untouched.
    const live = await second.callsFor(stillLive.pbxCallId);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ outcome: 'in-progress', endedAt: null });
    expect(live[0]!.timeline.map((e) => e.what)).not.toContain(END_NOT_OBSERVED);

    // Exactly one row per call, and no discipline record for any of them.
    for (const call of [answered, undecided, stillLive]) {
      expect(await second.callsFor(call.pbxCallId), call.name).toHaveLength(1);
      expect(await second.recordsFor(call.pbxCallId), call.name).toEqual([]);
    }
    expect((await second.get<{ items: CallJson[] }>('/calls?outcome=interrupted')).body.items.map((c) => c.pbxCallId)).toEqual([undecided.pbxCallId]);
  });
});

/** The events of a recorded call from the first one `start` matches on (the call's later part). */
function rest(call: RecordedCall, start: (event: string) => boolean): string {
  const events = call.wire.split('\r\n\r\n').filter((e) => e.trim() !== '');
  return `${events.slice(events.findIndex(start)).join('\r\n\r\n')}\r\n\r\n`;
}

describe('a call live across a restart (PostgreSQL)', () => {
  it('is not overwritten by what the next service sees of it (a new leg dialled), and is closed once the PBX no longer has it', async () => {
    const database = await sharedDatabase('postgres');
    const spillDir = await createTempDir('dh-spill-');
    defer(() => spillDir.rm());
    const busy = recordedCall('busy');
    const beforeRestart = firstPart(busy, isEvent('DialEnd'));

    const pbx1 = await fakePbx();
    const first = await started(startTestService({ pbx: pbx1, spillDir: spillDir.path, ...database }));
    await eventually('the first service open and connected', () => first.service.database.status().state === 'open' && first.service.pbx.state === 'connected');
    pbx1.play(beforeRestart);
    const [stored] = await eventually('the call stored while live', async () => {
      const rows = await first.callsFor(busy.pbxCallId);
      return rows.length === 1 && first.service.writes.stats().pending === 0 ? rows : false;
    });
    expect(stored).toMatchObject({ callerNumber: '13909830693', deskEndpoint: 'desk', endedAt: null });
    await first.service.stop();

    const pbx2 = await fakePbx();
    pbx2.live.add(busy.pbxCallId);
    const second = await started(startTestService({ pbx: pbx2, spillDir: spillDir.path, ...database }));
    await eventually('the second service open and connected', () => second.service.database.status().state === 'open' && second.service.pbx.state === 'connected');
    await eventually('the first sweep done', () => second.service.writes.stats().pending === 0);

    // The call goes on: the PBX dials the leader (a leg the second service sees begin and end),
    // then the desk reports busy and everyone hangs up.
    const dialBegin = beforeRestart.wire.split('\r\n\r\n').find(isEvent('DialBegin'))!;
    const leaderLeg = dialBegin.replace('DestUniqueid: 1795425983.5', 'DestUniqueid: 1795425983.9').replace('PJSIP/desk-00000005', 'PJSIP/leader-00000009').replace('DialString: desk', 'DialString: leader');
    const newChannel: Array<[string, string]> = [['Event', 'Newchannel'], ['Channel', 'PJSIP/leader-00000009'], ['Uniqueid', '1795425983.9'], ['Linkedid', busy.pbxCallId], ['Timestamp', '1795425983.186000']];
    for (const session of pbx2.ami.sessions) session.sendEvent(newChannel);
    for (const session of pbx2.ami.sessions) session.write(`${leaderLeg}\r\n\r\n`);
    const leaderGone: Array<[string, string]> = [['Event', 'Hangup'], ['Channel', 'PJSIP/leader-00000009'], ['Uniqueid', '1795425983.9'], ['Linkedid', busy.pbxCallId], ['Timestamp', '1795425983.187000'], ['Cause-txt', 'Unknown']];
    for (const session of pbx2.ami.sessions) session.sendEvent(leaderGone);
    pbx2.live.delete(busy.pbxCallId);
    for (const session of pbx2.ami.sessions) session.write(rest(busy, isEvent('DialEnd')));

    const closed = await eventually('the call closed', async () => {
      const [row] = await second.callsFor(busy.pbxCallId);
      return row?.endedAt && second.service.writes.stats().pending === 0 ? row : undefined;
    });
    expect(closed).toEqual({ ...stored, updatedAt: closed.updatedAt, endedAt: closed.endedAt, outcome: 'interrupted', timeline: [...stored!.timeline, { at: closed.endedAt, what: END_NOT_OBSERVED }] });
    expect(second.service.tracker.activeCalls).toBe(0);
    expect(await second.callsFor(busy.pbxCallId)).toHaveLength(1);
  });
});

describe('calls left unfinished, the database not open yet when AMI connects (PostgreSQL)', () => {
  it('closes them once the database opens', async () => {
    const database = await createPgTestDatabase();
    defer(() => database.drop());
    const proxy = await startTcpProxy(pgServer());
    defer(() => proxy.close());
    const spillDir = await createTempDir('dh-spill-');
    defer(() => spillDir.rm());
    const options = { spillDir: spillDir.path, databaseUrl: pgUrl(database.name, { host: '127.0.0.1', port: proxy.port }) };
    const undecided = firstPart(recordedCall('no-answer'), isEvent('DialState'));

    const pbx1 = await fakePbx();
    const first = await started(startTestService({ pbx: pbx1, ...options }));
    await eventually('the first service open and connected', () => first.service.database.status().state === 'open' && first.service.pbx.state === 'connected');
    expect(pbx1.play(undecided)).toBe(1);
    await eventually('the live call stored', async () => first.service.writes.stats().pending === 0 && (await first.callsFor(undecided.pbxCallId)).length === 1);
    await first.service.stop();

    proxy.cut();
    const pbx2 = await fakePbx();
    const second = await started(startTestService({ pbx: pbx2, ...options }));
    await eventually('CoreShowChannels asked while the database is unreachable', () =>
      second.service.database.status().attempts >= 2 &&
      second.service.database.status().state === 'connecting' &&
      [...pbx2.ami.sessions].some((s) => s.actions.some((a) => a.name === 'CoreShowChannels')),
    );

    proxy.restore();
    const [closed] = await eventually('the call closed once the database is open', async () => {
      if (second.service.database.status().state !== 'open' || second.service.writes.stats().pending !== 0) return false;
      const rows = await second.callsFor(undecided.pbxCallId);
      return rows[0]?.endedAt ? rows : false;
    });
    expect(closed).toMatchObject({ outcome: 'interrupted' });
    expect(closed!.timeline.at(-1)?.what).toBe(END_NOT_OBSERVED);
    expect(await second.callsFor(undecided.pbxCallId)).toHaveLength(1);
    expect(await second.recordsFor(undecided.pbxCallId)).toEqual([]);
  });
});

import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerCallWrites } from '../../../../src/calls/call-writes.js';
import { MemoryCallStore } from '../../../../src/calls/memory-call-store.js';
import { registerDisciplineWrites } from '../../../../src/discipline/discipline-writes.js';
import { MemoryDisciplineStore } from '../../../../src/discipline/memory-discipline-store.js';
import type { StoreLogger } from '../../../../src/platform/store-logger.js';
import { SpillStore } from '../../../../src/platform/outbox/spill-store.js';
import { WriteQueue } from '../../../../src/platform/outbox/write-queue.js';
import { disciplineInput, snapshot } from '../../../support/store-contract.js';
import { createTempDir } from '../../../support/db.js';

function recordingLogger() {
  const entries: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void entries.push({ level, obj, msg });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as StoreLogger, entries };
}

/** The write kinds as the service registers them (the spill store reads their codecs off the queue). */
function kinds({ discipline = true } = {}) {
  const queue = new WriteQueue({ logger: recordingLogger().logger, retry: { initialDelayMs: 1, maxDelayMs: 1 } });
  registerCallWrites(queue, new MemoryCallStore());
  if (discipline) registerDisciplineWrites(queue, new MemoryDisciplineStore());
  return queue;
}

const FIXTURES = new URL('../../../fixtures/spill/', import.meta.url);
/** Spill files of version 1, each written by the code of a landed version (test/fixtures/spill/README.md). */
const BEFORE_REACHED_NOBODY = 'unwritten-20261123T143000.000Z.json';
const WITH_REACHED_NOBODY = 'unwritten-20261201T215000.000Z.json';
const WITH_OFFICES = 'unwritten-20261201T224400.000Z.json';

const dirs: Array<{ rm(): Promise<void> }> = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await dir.rm();
});
async function tempDir(): Promise<string> {
  const dir = await createTempDir('dh-spill-');
  dirs.push(dir);
  return dir.path;
}
async function withFixtures(...names: string[]): Promise<string> {
  const dir = await tempDir();
  for (const name of names) await copyFile(new URL(name, FIXTURES), join(dir, name));
  return dir;
}

describe('SpillStore', () => {
  it('writes one complete file per shutdown (version 2: each write with its kind and facts) and reads the writes back with their dates', async () => {
    const dir = await tempDir();
    const store = new SpillStore(join(dir, 'spill'), recordingLogger().logger, kinds());
    const call = snapshot('1.1', { endedAt: new Date('2026-03-02T08:00:16.000Z'), answeredAt: null });
    const record = disciplineInput('1.1');
    const first = await store.write(
      [
        { kind: 'call', payload: call, facts: ['call.logged', 'call.ended'] },
        { kind: 'discipline', payload: record, facts: [] },
      ],
      new Date('2026-03-02T08:01:00.123Z'),
    );
    const second = await store.write([{ kind: 'call', payload: snapshot('1.2') }], new Date('2026-03-02T08:01:00.123Z'));

    expect(first).toBe(join(dir, 'spill', 'unwritten-20260302T080100.123Z.json'));
    expect(second).toBe(join(dir, 'spill', 'unwritten-20260302T080100.123Z-2.json'));
    expect(await readdir(join(dir, 'spill'))).toHaveLength(2); // no temporary file left behind
    const body = JSON.parse(await readFile(first!, 'utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({ format: 'duty-hotline/unwritten-writes', version: 2, writtenAt: '2026-03-02T08:01:00.123Z' });
    expect(body.writes).toEqual([
      {
        kind: 'call',
        payload: {
          officeId: 'default',
          pbxCallId: '1.1',
          direction: 'inbound',
          callerNumber: '13800138000',
          callerName: '张三',
          dialed: '12345',
          offeredAt: '2026-03-02T08:00:00.123Z',
          deskEndpoint: null,
          deskRingingAt: null,
          answeredAt: null,
          answeredBy: null,
          ringCount: null,
          endedAt: '2026-03-02T08:00:16.000Z',
          outcome: 'in-progress',
          reachedNobody: false,
          timeline: [{ at: '2026-03-02T08:00:00.123Z', what: 'offered' }],
        },
        facts: ['call.logged', 'call.ended'],
      },
      {
        kind: 'discipline',
        payload: {
          officeId: 'default',
          subject: { kind: 'call', id: '1.1' },
          type: 'absence',
          officer: '李四',
          deskEndpoint: 'desk',
          occurredAt: '2026-03-02T08:00:15.000Z',
          reason: '值班台响铃3声无人接听（离岗）',
          evidence: [
            { at: '2026-03-02T08:00:00.123Z', what: 'offered' },
            { at: '2026-03-02T08:00:15.000Z', what: 'ring 3' },
          ],
        },
      },
    ]);

    const files = await store.readAll();
    expect(files.map((f) => f.path)).toEqual([first, second]);
    expect(files[0]!.writes).toEqual([
      { kind: 'call', payload: call, facts: ['call.logged', 'call.ended'] },
      { kind: 'discipline', payload: record },
    ]);
    expect((files[0]!.writes[0]!.payload as { offeredAt: unknown }).offeredAt).toBeInstanceOf(Date);

    await store.remove(first!);
    expect((await store.readAll()).map((f) => f.path)).toEqual([second]);
  });

  it('reads a version 1 file written before calls had reachedNobody and offices (2026-11): office "default", inbound, reachedNobody false, the record about the call', async () => {
    const store = new SpillStore(await withFixtures(BEFORE_REACHED_NOBODY), recordingLogger().logger, kinds());
    const [file, ...others] = await store.readAll();
    expect(others).toEqual([]);
    const [call, record, ...rest] = file!.writes;
    expect(rest).toEqual([]);
    expect(call).toMatchObject({
      kind: 'call',
      payload: {
        officeId: 'default',
        pbxCallId: '1795425976.2',
        direction: 'inbound',
        callerNumber: '13909765682',
        callerName: '13909765682',
        dialed: '1000',
        offeredAt: new Date('2026-11-23T09:26:16.685Z'),
        deskEndpoint: 'desk',
        deskRingingAt: new Date('2026-11-23T09:26:16.687Z'),
        answeredAt: null,
        answeredBy: null,
        ringCount: 3,
        endedAt: new Date('2026-11-23T09:26:22.692Z'),
        outcome: 'absence',
        reachedNobody: false,
      },
      // It never landed: the run that stores it logs it, and it has ended.
      facts: ['call.logged', 'call.ended'],
    });
    const timeline = (call!.payload as { timeline: unknown[] }).timeline;
    expect(timeline).toHaveLength(10);
    expect(timeline[0]).toEqual({ at: '2026-11-23T09:26:16.685Z', what: 'offered by 13909765682' });
    expect(record).toMatchObject({
      kind: 'discipline',
      payload: {
        officeId: 'default',
        subject: { kind: 'call', id: '1795425976.2' },
        type: 'absence',
        officer: null,
        deskEndpoint: 'desk',
        occurredAt: new Date('2026-11-23T09:26:19.687Z'),
        reason: 'desk rang 3 rings without answer',
      },
    });
    expect(record).not.toHaveProperty('facts');
    expect((record!.payload as { evidence: unknown[] }).evidence).toHaveLength(10);
  });

  it('reads version 1 files of the landed version (reachedNobody) and of the last hours (offices, direction, subject), oldest first', async () => {
    const store = new SpillStore(await withFixtures(WITH_OFFICES, WITH_REACHED_NOBODY), recordingLogger().logger, kinds());
    const files = await store.readAll();
    expect(files.map((f) => f.path.split('/').at(-1))).toEqual([WITH_REACHED_NOBODY, WITH_OFFICES]);
    const summary = (writes: (typeof files)[number]['writes']) =>
      writes.map(({ kind, payload, facts }) => {
        const p = payload as { officeId: string; pbxCallId?: string; subject?: { kind: string; id: string }; direction?: string; outcome?: string; reachedNobody?: boolean };
        return kind === 'call' ? [kind, p.officeId, p.pbxCallId, p.direction, p.outcome, p.reachedNobody, facts] : [kind, p.officeId, p.subject, facts];
      });
    expect(summary(files[0]!.writes)).toEqual([
      ['call', 'default', '1795425983.6', 'inbound', 'unreachable', true, ['call.logged', 'call.ended']],
      ['call', 'default', '1795425973.0', 'inbound', 'answered', false, ['call.logged', 'call.ended']],
    ]);
    expect(summary(files[1]!.writes)).toEqual([
      ['call', 'east', '1795425983.7', 'inbound', 'abandoned', false, ['call.logged', 'call.ended']],
      ['call', 'east', '1795425976.2', 'inbound', 'absence', true, ['call.logged', 'call.ended']],
      ['discipline', 'east', { kind: 'call', id: '1795425976.2' }, undefined],
    ]);
  });

  it('leaves in place, logged with the kind, a file holding writes of a kind not registered (and a newer format version); none of its writes are re-queued', async () => {
    const dir = await withFixtures(BEFORE_REACHED_NOBODY);
    const { logger, entries } = recordingLogger();
    const v2 = join(dir, 'unwritten-20261205T000000.000Z.json');
    await writeFile(
      v2,
      JSON.stringify({
        format: 'duty-hotline/unwritten-writes',
        version: 2,
        writtenAt: '2026-12-05T00:00:00.000Z',
        writes: [
          { kind: 'call', payload: JSON.parse(JSON.stringify(snapshot('5.1'))) },
          { kind: 'roster-shift', payload: { shift: 'night' } },
        ],
      }),
    );
    const v3 = join(dir, 'unwritten-20261206T000000.000Z.json');
    await writeFile(v3, JSON.stringify({ format: 'duty-hotline/unwritten-writes', version: 3, writtenAt: '2026-12-06T00:00:00.000Z', entries: [] }));
    // Without the discipline kind, the 2026-11 file's record is of a kind this store does not know.
    const store = new SpillStore(dir, logger, kinds({ discipline: false }));

    expect(await store.readAll()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual([BEFORE_REACHED_NOBODY, 'unwritten-20261205T000000.000Z.json', 'unwritten-20261206T000000.000Z.json']);
    expect(entries.filter((e) => e.level === 'error').map((e) => e.obj)).toEqual([
      { file: join(dir, BEFORE_REACHED_NOBODY), kinds: ['discipline (version 1)'] },
      { file: v2, kinds: ['roster-shift'] },
      { file: v3, kinds: ['(format version 3)'] },
    ]);
    // The version that knows the kind replays the file.
    expect((await new SpillStore(dir, logger, kinds()).readAll()).map((f) => f.path)).toEqual([join(dir, BEFORE_REACHED_NOBODY)]);
  });

  it('writes no file when nothing is unwritten, and reads none from a missing directory', async () => {
    const dir = await tempDir();
    const store = new SpillStore(join(dir, 'never-created'), recordingLogger().logger, kinds());
    expect(await store.write([])).toBeNull();
    expect(await store.readAll()).toEqual([]);
  });

  it('renames corrupt files (not JSON, wrong shape, an entry its kind refuses) to .corrupt, logs them, and still reads the good ones', async () => {
    const dir = await tempDir();
    const { logger, entries } = recordingLogger();
    const store = new SpillStore(dir, logger, kinds());
    const good = await store.write([{ kind: 'call', payload: snapshot('2.1') }], new Date('2026-03-02T09:00:00Z'));
    await writeFile(join(dir, 'unwritten-20260301T000000.000Z.json'), '{"calls": [');
    await writeFile(
      join(dir, 'unwritten-20260303T000000.000Z.json'),
      JSON.stringify({ format: 'duty-hotline/unwritten-writes', version: 1, writtenAt: '2026-03-03T00:00:00Z', calls: [{ pbxCallId: '3.1', offeredAt: 'yesterday' }], discipline: [] }),
    );
    await writeFile(
      join(dir, 'unwritten-20260304T000000.000Z.json'),
      JSON.stringify({ format: 'duty-hotline/unwritten-writes', version: 2, writtenAt: '2026-03-04T00:00:00Z', writes: [{ kind: 'call', payload: { ...JSON.parse(JSON.stringify(snapshot('4.1'))), offeredAt: 'yesterday' } }] }),
    );
    await writeFile(join(dir, 'notes.txt'), 'not a spill file');

    const files = await store.readAll();
    expect(files.map((f) => f.path)).toEqual([good]);
    expect((await readdir(dir)).sort()).toEqual(
      [
        'notes.txt',
        'unwritten-20260301T000000.000Z.json.corrupt',
        'unwritten-20260302T090000.000Z.json',
        'unwritten-20260303T000000.000Z.json.corrupt',
        'unwritten-20260304T000000.000Z.json.corrupt',
      ].sort(),
    );
    const errors = entries.filter((e) => e.level === 'error');
    expect(errors.map((e) => e.obj.file)).toEqual([
      join(dir, 'unwritten-20260301T000000.000Z.json'),
      join(dir, 'unwritten-20260303T000000.000Z.json'),
      join(dir, 'unwritten-20260304T000000.000Z.json'),
    ]);
    expect(errors[0]!.obj.reason).toMatch(/^not JSON/);
    expect(errors[1]!.obj.reason).toMatch(/^unexpected content: \/calls\/0/);
    expect(errors[2]!.obj.reason).toMatch(/^unexpected content: \/writes\/0\/payload\/offeredAt /);
    // Set aside once: the next start does not see them again.
    expect((await store.readAll()).map((f) => f.path)).toEqual([good]);
    expect(entries.filter((e) => e.level === 'error')).toHaveLength(3);
  });
});


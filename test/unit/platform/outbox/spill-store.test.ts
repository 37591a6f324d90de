import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreLogger } from '../../../../src/platform/store-logger.js';
import { SpillStore } from '../../../../src/platform/outbox/spill-store.js';
import { disciplineInput, snapshot } from '../../../support/store-contract.js';
import { createTempDir } from '../../../support/db.js';

function recordingLogger() {
  const entries: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void entries.push({ level, obj, msg });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as StoreLogger, entries };
}

const dirs: Array<{ rm(): Promise<void> }> = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await dir.rm();
});
async function tempDir(): Promise<string> {
  const dir = await createTempDir('dh-spill-');
  dirs.push(dir);
  return dir.path;
}

describe('SpillStore', () => {
  it('writes one complete file per shutdown and reads the writes back with their dates', async () => {
    const dir = await tempDir();
    const store = new SpillStore(join(dir, 'spill'), recordingLogger().logger);
    const call = snapshot('1.1', { endedAt: new Date('2026-03-02T08:00:16.000Z'), answeredAt: null });
    const record = disciplineInput('1.1');
    const first = await store.write({ calls: [call], discipline: [record] }, new Date('2026-03-02T08:01:00.123Z'));
    const second = await store.write({ calls: [snapshot('1.2')], discipline: [] }, new Date('2026-03-02T08:01:00.123Z'));

    expect(first).toBe(join(dir, 'spill', 'unwritten-20260302T080100.123Z.json'));
    expect(second).toBe(join(dir, 'spill', 'unwritten-20260302T080100.123Z-2.json'));
    expect(await readdir(join(dir, 'spill'))).toHaveLength(2); // no temporary file left behind
    expect(JSON.parse(await readFile(first!, 'utf8'))).toMatchObject({ format: 'duty-hotline/unwritten-writes', version: 1, writtenAt: '2026-03-02T08:01:00.123Z' });

    const files = await store.readAll();
    expect(files.map((f) => f.path)).toEqual([first, second]);
    expect(files[0]!.writes).toEqual({ calls: [call], discipline: [record] });
    expect(files[0]!.writes.calls[0]!.offeredAt).toBeInstanceOf(Date);

    await store.remove(first!);
    expect((await store.readAll()).map((f) => f.path)).toEqual([second]);
  });

  it('reads a spill file written before calls had reachedNobody (2026-11 format): the call lands with reachedNobody false', async () => {
    const dir = await tempDir();
    const spill = join(dir, 'spill');
    const store = new SpillStore(spill, recordingLogger().logger);
    await mkdir(spill, { recursive: true });
    const old = {
      format: 'duty-hotline/unwritten-writes',
      version: 1,
      writtenAt: '2026-11-30T00:00:00.000Z',
      calls: [
        {
          pbxCallId: '1795425976.2',
          callerNumber: '13900000001',
          callerName: null,
          dialed: '1000',
          offeredAt: '2026-11-23T02:00:00.000Z',
          deskEndpoint: 'desk',
          deskRingingAt: '2026-11-23T02:00:00.100Z',
          answeredAt: null,
          answeredBy: null,
          ringCount: 3,
          endedAt: '2026-11-23T02:00:08.000Z',
          outcome: 'absence',
          timeline: [{ at: '2026-11-23T02:00:00.000Z', what: 'offered by 13900000001' }],
        },
      ],
      discipline: [],
    };
    await writeFile(join(spill, 'unwritten-20261130T000000.000Z.json'), JSON.stringify(old));
    const [file] = await store.readAll();
    expect(file?.writes.calls).toEqual([
      {
        officeId: 'default',
        pbxCallId: '1795425976.2',
        direction: 'inbound',
        callerNumber: '13900000001',
        callerName: null,
        dialed: '1000',
        offeredAt: new Date('2026-11-23T02:00:00.000Z'),
        deskEndpoint: 'desk',
        deskRingingAt: new Date('2026-11-23T02:00:00.100Z'),
        answeredAt: null,
        answeredBy: null,
        ringCount: 3,
        endedAt: new Date('2026-11-23T02:00:08.000Z'),
        outcome: 'absence',
        reachedNobody: false,
        timeline: [{ at: '2026-11-23T02:00:00.000Z', what: 'offered by 13900000001' }],
      },
    ]);
  });

  it('writes no file when nothing is unwritten, and reads none from a missing directory', async () => {
    const dir = await tempDir();
    const store = new SpillStore(join(dir, 'never-created'), recordingLogger().logger);
    expect(await store.write({ calls: [], discipline: [] })).toBeNull();
    expect(await store.readAll()).toEqual([]);
  });

  it('renames corrupt files (not JSON, wrong shape) to .corrupt, logs them, and still reads the good ones', async () => {
    const dir = await tempDir();
    const { logger, entries } = recordingLogger();
    const store = new SpillStore(dir, logger);
    const good = await store.write({ calls: [snapshot('2.1')], discipline: [] }, new Date('2026-03-02T09:00:00Z'));
    await writeFile(join(dir, 'unwritten-20260301T000000.000Z.json'), '{"calls": [');
    await writeFile(
      join(dir, 'unwritten-20260303T000000.000Z.json'),
      JSON.stringify({ format: 'duty-hotline/unwritten-writes', version: 1, writtenAt: '2026-03-03T00:00:00Z', calls: [{ pbxCallId: '3.1', offeredAt: 'yesterday' }], discipline: [] }),
    );
    await writeFile(join(dir, 'notes.txt'), 'not a spill file');

    const files = await store.readAll();
    expect(files.map((f) => f.path)).toEqual([good]);
    expect((await readdir(dir)).sort()).toEqual(
      ['notes.txt', 'unwritten-20260301T000000.000Z.json.corrupt', 'unwritten-20260302T090000.000Z.json', 'unwritten-20260303T000000.000Z.json.corrupt'].sort(),
    );
    const errors = entries.filter((e) => e.level === 'error');
    expect(errors.map((e) => e.obj.file)).toEqual([join(dir, 'unwritten-20260301T000000.000Z.json'), join(dir, 'unwritten-20260303T000000.000Z.json')]);
    expect(errors[0]!.obj.reason).toMatch(/^not JSON/);
    expect(errors[1]!.obj.reason).toMatch(/^unexpected content/);
    // Set aside once: the next start does not see them again.
    expect((await store.readAll()).map((f) => f.path)).toEqual([good]);
    expect(entries.filter((e) => e.level === 'error')).toHaveLength(2);
  });
});

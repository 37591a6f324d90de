/**
 * CelFileLog over real files: the captured CEL of four calls (test/fixtures/cel/four-calls.jsonl),
 * written in parts as Asterisk would append them.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PhoneRole } from '../../../../src/core/phone-role.js';
import { CelFileLog, STALE_CALL_MS } from '../../../../src/pbx/asterisk/cel-file-log.js';

const roleOf = (endpoint: string): PhoneRole => (endpoint === 'desk' ? 'desk' : 'other');
const lines = (await readFile(path.join(import.meta.dirname, '../../../fixtures/cel/four-calls.jsonl'), 'utf8')).split('\n').filter(Boolean);
/** The four calls' ids, in the file's order. */
const CALLS = ['1795399204.0', '1795399206.2', '1795399219.4', '1795399202.6'];
const bytes = (n: number) => Buffer.byteLength(lines.slice(0, n).map((l) => `${l}\n`).join(''));

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dh-cel-'));
  file = path.join(dir, 'duty-cel.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('CelFileLog', () => {
  it('no file yet: nothing, the position kept', async () => {
    expect(await new CelFileLog(file, roleOf).read(123)).toEqual({ calls: [], next: 123, done: true, skippedLines: 0 });
  });

  it('the whole file: the four calls that ended, and the position at its end', async () => {
    await writeFile(file, lines.map((l) => `${l}\n`).join(''));
    const read = await new CelFileLog(file, roleOf).read(0);
    expect(read.calls.map((c) => c.callId)).toEqual(CALLS);
    expect(read.calls.map((c) => c.events.at(-1)?.kind)).toEqual(['CallEnded', 'CallEnded', 'CallEnded', 'CallEnded']);
    expect(read).toMatchObject({ next: bytes(lines.length), done: true, skippedLines: 0 });
  });

  it('a call whose end is not written yet holds the position at its first line; a half-written line is left for later', async () => {
    // the first call whole, the second's first 3 lines and half of its 4th
    const firstCall = lines.filter((l) => l.includes(`"linkedid":"${CALLS[0]}"`)).length;
    await writeFile(file, lines.slice(0, firstCall + 3).map((l) => `${l}\n`).join('') + lines[firstCall + 3]!.slice(0, 40));
    const log = new CelFileLog(file, roleOf);
    const first = await log.read(0);
    expect(first.calls.map((c) => c.callId)).toEqual([CALLS[0]]);
    expect(first.next).toBe(bytes(firstCall));
    // the rest arrives: read from the position, the second call comes whole
    await writeFile(file, lines.map((l) => `${l}\n`).join(''));
    const second = await log.read(first.next);
    expect(second.calls.map((c) => c.callId)).toEqual(CALLS.slice(1));
    expect(second.calls[0]!.position).toBe(bytes(firstCall));
  });

  it('lines that are no CEL record are skipped and counted; a file shorter than the position (rotated) is read from its start', async () => {
    await writeFile(file, `not json\n{"eventtype":"CHAN_START"}\n${lines.map((l) => `${l}\n`).join('')}`);
    const log = new CelFileLog(file, roleOf);
    expect((await log.read(0)).skippedLines).toBe(2);
    const firstCall = lines.filter((l) => l.includes(`"linkedid":"${CALLS[0]}"`)).length;
    await writeFile(file, lines.slice(0, firstCall).map((l) => `${l}\n`).join(''));
    const rotated = await log.read(10_000_000);
    expect(rotated.calls.map((c) => c.callId)).toEqual([CALLS[0]]);
  });

  it('a call the log never ends (Asterisk died under it) stops holding the position once the log runs on 6 h past it', async () => {
    const orphan = JSON.stringify({ eventtype: 'CHAN_START', eventtime: 1795399000, channame: 'PJSIP/citizen-00000099', uniqueid: '1795399000.99', linkedid: '1795399000.99' });
    await writeFile(file, `${orphan}\n${lines.map((l) => `${l}\n`).join('')}`);
    const log = new CelFileLog(file, roleOf);
    expect((await log.read(0)).next).toBe(0);
    const later = JSON.parse(lines.at(-1)!) as { eventtime: number };
    await appendFile(file, `${JSON.stringify({ ...later, eventtime: later.eventtime + STALE_CALL_MS / 1000, linkedid: '1795999999.1', uniqueid: '1795999999.1' })}\n`);
    const read = await log.read(0);
    expect(read.next).toBeGreaterThan(0);
    expect(read.calls.map((c) => c.callId)).toEqual(CALLS);
  });
});

/**
 * The channel event log Asterisk writes by itself (cel_custom, one JSON object a line: see
 * scripts/lib/render-asterisk-config.sh), read from a byte offset: the calls that ended in it, as
 * domain events (cel-translator.ts), and where to read from next time. A call whose end is not in
 * the file yet keeps the next offset at its first line, so it is read again, whole, once it has
 * ended; one the log never ends (Asterisk died under it) is let go once the log runs on for
 * STALE_CALL_MS past its last line. A file shorter than the offset was rotated or truncated: it is
 * read from its start. A line that is no JSON is skipped and counted.
 */
import { open } from 'node:fs/promises';
import type { CallEvent } from '../../core/call/call-events.js';
import type { PhoneRole } from '../../core/phone-role.js';
import type { PbxCallLog, PbxLogCall } from '../pbx-port.js';
import { celCallEvents, type CelRow } from './cel-translator.js';

/** A call with no end in the log this long after its last line (by the log's own clock) is given up. */
export const STALE_CALL_MS = 6 * 3600_000;
/** How much of the file one read takes at most (a further read goes on from where it stopped). */
const MAX_READ_BYTES = 16 * 1024 * 1024;

interface Pending {
  firstOffset: number;
  lastTime: number;
  rows: CelRow[];
}

export class CelFileLog implements PbxCallLog {
  constructor(
    readonly file: string,
    private readonly roleOf: (endpoint: string) => PhoneRole,
  ) {}

  get source(): string {
    return `cel-file:${this.file}`;
  }

  async read(from: number): Promise<{ calls: PbxLogCall[]; next: number; done: boolean; skippedLines: number }> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { calls: [], next: from, done: true, skippedLines: 0 };
      throw err;
    }
    try {
      const { size } = await handle.stat();
      const start = size < from ? 0 : from;
      const length = Math.min(size - start, MAX_READ_BYTES);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      const lastNewline = buffer.lastIndexOf(10, bytesRead - 1);
      const whole = lastNewline + 1; // bytes of complete lines
      const calls = new Map<string, Pending>();
      const ended: PbxLogCall[] = [];
      let skippedLines = 0;
      let newest = 0;
      for (let offset = 0; offset < whole; ) {
        const end = buffer.indexOf(10, offset);
        const line = buffer.subarray(offset, end).toString('utf8').trim();
        const lineOffset = start + offset;
        offset = end + 1;
        if (!line) continue;
        const row = parseRow(line);
        if (!row) {
          skippedLines++;
          continue;
        }
        const t = row.eventtime * 1000;
        newest = Math.max(newest, t);
        let call = calls.get(row.linkedid);
        if (!call) calls.set(row.linkedid, (call = { firstOffset: lineOffset, lastTime: t, rows: [] }));
        call.rows.push(row);
        call.lastTime = Math.max(call.lastTime, t);
        if (row.eventtype === 'LINKEDID_END') {
          calls.delete(row.linkedid);
          const events: CallEvent[] = celCallEvents(call.rows, this.roleOf);
          if (events.length > 0) ended.push({ callId: row.linkedid, events, position: call.firstOffset });
        }
      }
      const stillOpen = [...calls.values()].filter((c) => newest - c.lastTime < STALE_CALL_MS);
      const next = stillOpen.length > 0 ? Math.min(...stillOpen.map((c) => c.firstOffset)) : start + whole;
      // A read that stopped at MAX_READ_BYTES has more to give, unless an open call holds it where it started.
      const done = start + bytesRead >= size || next <= start;
      return { calls: ended, next, done, skippedLines };
    } finally {
      await handle.close();
    }
  }
}

function parseRow(line: string): CelRow | null {
  try {
    const row = JSON.parse(line) as Partial<CelRow>;
    const eventtime = typeof row.eventtime === 'string' ? Number(row.eventtime) : row.eventtime;
    if (typeof row.eventtype !== 'string' || typeof row.linkedid !== 'string' || typeof row.uniqueid !== 'string' || typeof row.channame !== 'string' || !Number.isFinite(eventtime)) return null;
    return { ...row, eventtime } as CelRow;
  } catch {
    return null;
  }
}

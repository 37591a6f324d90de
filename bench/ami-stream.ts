/**
 * A recorded AMI stream of many calls, made from the real Asterisk 22 captures in
 * test/fixtures/ami: each call is a copy of one capture with fresh channel ids, caller
 * number and times, started `spacingMs` after the previous one (so calls overlap).
 */
import { readdirSync, readFileSync } from 'node:fs';

const ID_HEADERS = new Set(['Uniqueid', 'Linkedid', 'DestUniqueid', 'DestLinkedid']);

interface Template {
  name: string;
  blocks: string[][];
  start: number;
}

function loadTemplates(dir: URL): Template[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((file) => {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const blocks = text
        .split(/\r?\n\r?\n/)
        .map((b) => b.split(/\r?\n/).filter((l) => l && !l.startsWith('#')))
        .filter((lines) => lines.length > 0);
      const first = blocks.flatMap((b) => b.filter((l) => l.startsWith('Timestamp: ')))[0];
      return { name: file.replace(/\.txt$/, ''), blocks, start: Number(first?.slice(11) ?? 0) };
    });
}

export interface RecordedStream {
  bytes: Buffer;
  events: number;
  calls: number;
  outcomesByTemplate: Record<string, number>;
}

export function recordedStream(calls: number, spacingMs: number, fixtures = new URL('../test/fixtures/ami/', import.meta.url)): RecordedStream {
  const templates = loadTemplates(fixtures);
  const timed: Array<{ at: number; seq: number; block: string }> = [];
  const outcomesByTemplate: Record<string, number> = {};
  const epoch = 1_800_000_000;
  for (let i = 0; i < calls; i++) {
    const t = templates[i % templates.length]!;
    outcomesByTemplate[t.name] = (outcomesByTemplate[t.name] ?? 0) + 1;
    const offset = epoch + (i * spacingMs) / 1000 - t.start;
    const ids = new Map<string, string>();
    const idFor = (old: string) => {
      let id = ids.get(old);
      if (!id) ids.set(old, (id = `${epoch + i}.${ids.size}`));
      return id;
    };
    for (const lines of t.blocks) {
      let at = 0;
      const out = lines.map((line) => {
        const colon = line.indexOf(': ');
        const name = line.slice(0, colon);
        const value = line.slice(colon + 2);
        if (name === 'Timestamp') {
          at = Number(value) + offset;
          return `Timestamp: ${at.toFixed(6)}`;
        }
        if (ID_HEADERS.has(name)) return `${name}: ${idFor(value)}`;
        if (name === 'CallerIDNum' && /^1\d{10}$/.test(value)) return `CallerIDNum: 139${String(i).padStart(8, '0')}`;
        return line;
      });
      timed.push({ at, seq: timed.length, block: `${out.join('\r\n')}\r\n\r\n` });
    }
  }
  timed.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const bytes = Buffer.concat([Buffer.from('Asterisk Call Manager/11.0.0\r\n'), ...timed.map((t) => Buffer.from(t.block))]);
  return { bytes, events: timed.length, calls, outcomesByTemplate };
}

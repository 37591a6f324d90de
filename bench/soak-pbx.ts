/**
 * The PBX side of bench/soak.ts, in its own process (as Asterisk is): the scripted AMI server of
 * the tests (test/support/fake-pbx.ts) replaying the real Asterisk 22 captures in real time.
 *
 * recordedStream (bench/ami-stream.ts) copies the captures with fresh ids, numbers and times
 * (`${epoch + i}.${n}`, call i starting at epoch + i·spacing). One batch of BATCH calls (a multiple
 * of the 5 captures, so every batch has the same mix) is made once and parsed into events; each
 * replayed batch is that one with its ids shifted by the call's index and its Timestamps moved to
 * now, compressed by the time scale. Pings are answered with this host's clock, which the
 * Timestamps follow.
 *
 * Driven by IPC from the parent:
 *   → { cmd: 'replay', first, count }   replay calls [first, first+count) at `rate` calls/s
 *   → { cmd: 'close' }
 *   ← { type: 'ready', port, mix, batch } once listening
 *   ← { type: 'tenth', tenth, offered }  each 10 % of a replay's span
 *   ← { type: 'session-lost' }          no AMI session logged in (the service dropped it): events are dropped meanwhile
 *   ← { type: 'done', seconds, events, dropped, maxBacklog, listings, logins }
 */
import { parseArgs } from 'node:util';
import { startFakePbx } from '../test/support/fake-pbx.js';
import { recordedStream } from './ami-stream.js';

const { values } = parseArgs({ options: { rate: { type: 'string' }, 'time-scale': { type: 'string' } } });
const rate = Number(values.rate);
const scale = Number(values['time-scale']);
if (!(rate > 0) || !(scale > 0) || !process.send) {
  console.error('soak-pbx: started by bench/soak.ts (IPC, --rate, --time-scale)');
  process.exit(2);
}
const send = (message: object) => process.send!(message);

const BATCH = 50;
const ID_LINE = /^(Uniqueid|Linkedid|DestUniqueid|DestLinkedid): (\d+)\./gm;
const TS_LINE = /^Timestamp: [\d.]+$/m;

interface Template {
  /** rel: seconds after the batch's first call starts, compressed. */
  events: Array<{ rel: number; text: string }>;
  outcomes: Record<string, number>;
}

function template(size: number): Template {
  // Spacing in the captures' own time: once compressed by `scale`, calls start 1/rate s apart.
  const stream = recordedStream(size, 1000 / rate / scale);
  const text = stream.bytes.toString('latin1').replace(/^Asterisk Call Manager\/[^\r\n]*\r\n/, '');
  const blocks = text.split('\r\n\r\n').filter((b) => b.trim() !== '');
  const stamps = blocks.map((b) => Number(TS_LINE.exec(b)?.[0].slice('Timestamp: '.length)));
  const epoch = Math.min(...stamps.filter((t) => t > 0));
  return {
    events: blocks.map((b, i) => ({ rel: (Number.isFinite(stamps[i]) ? stamps[i]! - epoch : 0) * scale, text: `${b}\r\n\r\n` })),
    outcomes: stream.outcomesByTemplate,
  };
}
const templates = new Map<number, Template>();
const templateOf = (size: number): Template => templates.get(size) ?? templates.set(size, template(size)).get(size)!;

/** Events of calls [first, first+size) of a replay whose call `phaseFirst` starts at `base` (epoch s), in time order. */
function batch(first: number, phaseFirst: number, size: number, base: number): Array<{ at: number; text: string }> {
  const start = base + (first - phaseFirst) / rate;
  // The template's ids are `${epoch + i}.${n}` for its call i: call `first + i` gets `${epoch + first + i}.${n}`.
  return templateOf(size).events.map((e) => {
    const at = start + e.rel;
    const text = e.text.replace(ID_LINE, (_m, header: string, n: string) => `${header}: ${Number(n) + first}.`).replace(TS_LINE, `Timestamp: ${at.toFixed(6)}`);
    return { at, text };
  });
}

function merge<T extends { at: number }>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.at <= b[j]!.at ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pbx = await startFakePbx();
let listings = 0;
pbx.ami.on('action', (action) => {
  if (action.name.toLowerCase() === 'coreshowchannels') listings++;
});
const session = () => [...pbx.ami.sessions].find((x) => x.loggedIn);

async function replay(first: number, count: number): Promise<void> {
  const base = Date.now() / 1000 + 0.2;
  const end = first + count;
  const span = count / rate;
  let next = first; // first call of the next batch to make
  let pending: Array<{ at: number; text: string }> = [];
  let idx = 0;
  let tenth = 1;
  let events = 0;
  let dropped = 0;
  let maxBacklog = 0;
  let hadSession = true;
  const t0 = performance.now();
  for (;;) {
    const now = Date.now() / 1000;
    while (next < end && base + (next - first) / rate <= now + 1) {
      const size = Math.min(BATCH, end - next);
      pending = merge(pending.slice(idx), batch(next, first, size, base));
      idx = 0;
      next += size;
    }
    let chunk = '';
    const from = idx;
    while (idx < pending.length && pending[idx]!.at <= now) chunk += pending[idx++]!.text;
    if (chunk) {
      // Like Asterisk, events go to the sessions logged in at the time: none, and they are lost.
      const s = session();
      if (s) {
        events += idx - from;
        s.write(chunk);
        maxBacklog = Math.max(maxBacklog, s.socket.writableLength);
      } else {
        dropped += idx - from;
      }
      if (!s && hadSession) send({ type: 'session-lost' });
      hadSession = s !== undefined;
    }
    for (; tenth < 10 && now - base >= (tenth * span) / 10; tenth++) send({ type: 'tenth', tenth, offered: Math.min(count, Math.floor((now - base) * rate) + 1) });
    if (next >= end && idx >= pending.length) break;
    await sleep(2);
  }
  send({ type: 'done', seconds: (performance.now() - t0) / 1000, events, dropped, maxBacklog, listings, logins: pbx.ami.logins });
}

process.on('disconnect', () => process.exit(0)); // the parent is gone
process.on('message', (message: { cmd: string; first?: number; count?: number }) => {
  if (message.cmd === 'replay') void replay(message.first!, message.count!);
  if (message.cmd === 'close') void pbx.close().then(() => process.exit(0));
});
templateOf(BATCH);
send({ type: 'ready', port: pbx.ami.port, mix: templateOf(BATCH).outcomes, batch: BATCH });

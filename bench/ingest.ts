/**
 * Ingest benchmark (a script, not a test): replays a recorded AMI stream of many calls through
 * the frame parser, the translator + call tracker, and the write queue into PostgreSQL, as fast
 * as it can, and prints events/s, calls/s and where the time goes.
 *
 *   npm run bench:ingest -- [--calls 5000] [--spacing-ms 50] [--concurrency 4] [--database-url postgres://…]
 *
 * Without --database-url it creates (and drops) a scratch database on 127.0.0.1:5432.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import type { CallSnapshot } from '../src/core/call/call-model.js';
import { CallTracker } from '../src/calls/call-tracker.js';
import { PrismaCallStore } from '../src/calls/prisma-call-store.js';
import type { DisciplineInput } from '../src/core/discipline/discipline-model.js';
import { PrismaDisciplineStore } from '../src/discipline/prisma-discipline-store.js';
import { AmiFrameParser } from '../src/pbx/ami/frame-parser.js';
import type { AmiFrame } from '../src/pbx/ami/ami-frame.js';
import { AmiTranslator } from '../src/pbx/asterisk/ami-translator.js';
import { openDatabase } from '../src/platform/db/database.js';
import { WriteQueue } from '../src/platform/outbox/write-queue.js';
import { callSink, registerCallWrites } from '../src/calls/call-writes.js';
import { registerDisciplineWrites } from '../src/discipline/discipline-writes.js';
import { FakeClock } from '../test/support/fake-clock.js';
import { recordedStream } from './ami-stream.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000' },
    'spacing-ms': { type: 'string', default: '50' },
    'database-url': { type: 'string' },
    'chunk-bytes': { type: 'string', default: '65536' },
    concurrency: { type: 'string', default: '4' },
  },
});
const calls = Number(values.calls);
const spacingMs = Number(values['spacing-ms']);
const chunkBytes = Number(values['chunk-bytes']);
if (!(calls > 0) || !(spacingMs >= 0) || !(chunkBytes > 0)) {
  console.error('bench:ingest: --calls and --chunk-bytes must be positive numbers, --spacing-ms ≥ 0');
  process.exit(2);
}

const silent = pino({ level: 'silent' });
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

// --- the recorded stream
const stream = recordedStream(calls, spacingMs);
const bytes = stream.bytes;
console.log(`stream: ${calls} calls (${Object.entries(stream.outcomesByTemplate).map(([k, v]) => `${v} ${k}`).join(', ')}), ${stream.events} events, ${(bytes.length / 1e6).toFixed(1)} MB`);

// --- 1. parse: bytes → frames, in socket-sized chunks
let t = process.hrtime.bigint();
const parser = new AmiFrameParser();
const frames: AmiFrame[] = [];
for (let off = 0; off < bytes.length; off += chunkBytes) {
  for (const out of parser.push(bytes.subarray(off, off + chunkBytes))) if (out.kind === 'frame') frames.push(out.frame);
}
const parseMs = ms(t);

// --- 2. track: frames → domain events → rules, the clock following the PBX timestamps
const saves: CallSnapshot[] = [];
const records: DisciplineInput[] = [];
const clock = new FakeClock(new Date(0));
const tracker = new CallTracker({
  rules: { officeId: 'default', rules: { threshold: 3, cadence: { onMs: 200, offMs: 800 } } },
  sink: { saveCall: (c) => saves.push(c), recordDiscipline: (r) => records.push(r) },
  clock,
  // The replay is the PBX: its clock is the replay clock, and every event up to it is delivered.
  pbx: { time: async () => clock.now(), lastHeard: () => clock.now() },
  logger: silent,
  decisionGraceMs: 200,
});
const translator = new AmiTranslator((e) => (e === 'desk' ? 'desk' : 'other'), () => clock.now());
t = process.hrtime.bigint();
let domainEvents = 0;
for (const frame of frames) {
  const ts = Number(frame.get('Timestamp'));
  if (ts > 0) clock.advanceTo(new Date(ts * 1000));
  for (const event of translator.translate(frame)) {
    domainEvents++;
    tracker.handle(event);
  }
}
clock.advanceTo(new Date(8.64e15));
const trackMs = ms(t);

// --- 3. write: snapshots and records through the write queue into PostgreSQL
const admin = 'postgresql://postgres@127.0.0.1:5432/postgres';
const scratch = `dh_bench_${process.pid}`;
let url = values['database-url'];
if (!url) {
  const c = new pg.Client(admin);
  await c.connect();
  await c.query(`CREATE DATABASE ${scratch}`);
  await c.end();
  url = admin.replace(/\/postgres$/, `/${scratch}`);
}
const db = await openDatabase({ url, logger: silent });
const queue = new WriteQueue({
  logger: silent,
  retry: { initialDelayMs: 50, maxDelayMs: 1000 },
  concurrency: Number(values.concurrency),
});
const sink = callSink(registerCallWrites(queue, new PrismaCallStore(db.prisma)), registerDisciplineWrites(queue, new PrismaDisciplineStore(db.prisma)));
t = process.hrtime.bigint();
for (const s of saves) sink.saveCall(s);
for (const r of records) sink.recordDiscipline(r);
await queue.onIdle();
const writeMs = ms(t);
const stats = queue.stats();
const rows = await db.prisma.callLogEntry.count();
const recordRows = await db.prisma.disciplineRecord.count();
await queue.close({ drainTimeoutMs: 1000 });
await db.close();
if (!values['database-url']) {
  const c = new pg.Client(admin);
  await c.connect();
  await c.query(`DROP DATABASE ${scratch} WITH (FORCE)`);
  await c.end();
}

// --- report
const total = parseMs + trackMs + writeMs;
const pct = (x: number) => `${((100 * x) / total).toFixed(1)}%`;
console.log(`domain events: ${domainEvents}; call saves: ${saves.length}; discipline writes: ${records.length} (an absence twice: decided, then completed at the call's end); statements: ${stats.written} (${stats.coalesced} writes coalesced); rows: ${rows} calls, ${recordRows} discipline records; write retries: ${stats.retries}`);
console.table({
  parse: { ms: parseMs.toFixed(0), share: pct(parseMs), 'events/s': Math.round(stream.events / (parseMs / 1000)) },
  track: { ms: trackMs.toFixed(0), share: pct(trackMs), 'events/s': Math.round(stream.events / (trackMs / 1000)) },
  write: { ms: writeMs.toFixed(0), share: pct(writeMs), 'calls/s': Math.round(calls / (writeMs / 1000)), 'statements/s': Math.round(stats.written / (writeMs / 1000)) },
});
console.log(`end to end: ${Math.round(stream.events / (total / 1000))} events/s, ${Math.round(calls / (total / 1000))} calls/s (${(total / 1000).toFixed(2)} s)`);

/**
 * Soak benchmark (a script, not a test): the REAL service (startService, src/app/service.ts) against a
 * fake AMI server on loopback, in a child process as Asterisk would be (bench/soak-pbx.ts), that
 * replays the real Asterisk 22 captures (test/fixtures/ami) in real time, copied with fresh ids by
 * recordedStream (bench/ami-stream.ts) and re-stamped with their Timestamps compressed by
 * --time-scale (0.1: the captures' 1 s ring, 200 ms on / 800 ms off, becomes 20/80 ms; rings.onMs /
 * offMs follow), so absence deadlines fire during the soak. The mix is the captures', in turn:
 * answered, busy, caller-cancel, no-answer (absence), unregistered; many calls overlap.
 *
 * It prints RSS, heapUsed and external after global.gc() (and RSS and heapUsed just before it, garbage
 * included, as `ps` would see them) at the start, before (after a warm-up, idle), at each 10 % of
 * the soak, and after (replay done, every event handled, calls all ended, the write queue idle, a
 * few gc rounds), the deltas, the sizes of the service's per-call maps, calls/s, and what landed
 * in the database. No pass/fail on memory; exit 1 only when calls were not all logged.
 *
 *   node --expose-gc --import tsx bench/soak.ts [--calls 10000] [--rate 20] [--db pglite|postgres]
 *        [--warmup 250] [--time-scale 0.1] [--database-url postgres://…] [--heap-snapshots DIR]
 *        [--verbose] [--log warn]
 *   npm run bench:soak -- --calls 10000 --db postgres
 *
 * --verbose prints a status line each second (event-loop lag, events handled, live calls, pending
 * AMI actions and writes); --log gives the service's log level (default silent).
 * --db postgres without --database-url creates (and drops) a scratch database on 127.0.0.1:5432.
 * --heap-snapshots DIR writes before.heapsnapshot and after.heapsnapshot there (compare them with
 * bench/heap-diff.ts).
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import pg from 'pg';
import { loadConfig } from '../src/platform/config/load-config.js';
import { createLogger } from '../src/platform/logger.js';
import type { AmiClient } from '../src/pbx/ami/index.js';
import { AmiTranslator } from '../src/pbx/asterisk/ami-translator.js';
import { startService } from '../src/app/service.js';
import { openDatabase } from '../src/platform/db/database.js';
import { eventually } from '../test/support/poll.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '20' },
    db: { type: 'string', default: 'pglite' },
    warmup: { type: 'string', default: '250' },
    'time-scale': { type: 'string', default: '0.1' },
    'database-url': { type: 'string' },
    'heap-snapshots': { type: 'string' },
    verbose: { type: 'boolean', default: false },
    log: { type: 'string', default: 'silent' },
  },
});
const calls = Number(values.calls);
const rate = Number(values.rate);
const warmup = Number(values.warmup);
const scale = Number(values['time-scale']);
const dbKind = values.db;
if (!(Number.isInteger(calls) && calls > 0) || !(rate > 0) || !(Number.isInteger(warmup) && warmup >= 0) || !(scale > 0 && scale <= 1)) {
  console.error('bench:soak: --calls must be a positive integer, --rate > 0, --warmup ≥ 0, 0 < --time-scale ≤ 1');
  process.exit(2);
}
if (dbKind !== 'pglite' && dbKind !== 'postgres') {
  console.error('bench:soak: --db must be pglite or postgres');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('bench:soak: run with node --expose-gc (npm run bench:soak does)');
  process.exit(2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = (bytes: number) => bytes / 1048576;
const fmt = (bytes: number) => `${MB(bytes).toFixed(1).padStart(6)} MB`;
const signed = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${MB(Math.abs(bytes)).toFixed(1)} MB`;

// ---------------------------------------------------------------------------------------------
// The PBX: bench/soak-pbx.ts in a child process, driven over IPC.

type PbxMessage =
  | { type: 'ready'; port: number; mix: Record<string, number>; batch: number }
  | { type: 'tenth'; tenth: number; offered: number }
  | { type: 'session-lost' }
  | { type: 'done'; seconds: number; events: number; dropped: number; maxBacklog: number; listings: number; logins: number };
const child = fork(new URL('./soak-pbx.ts', import.meta.url).pathname, ['--rate', String(rate), '--time-scale', String(scale)], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
child.on('exit', (code) => {
  if (code !== 0 && !closing) {
    console.error(`bench:soak: the fake PBX exited (${code})`);
    process.exit(2);
  }
});
let closing = false;
const next = <T extends PbxMessage['type']>(type: T, onOther: (m: PbxMessage) => void = () => {}) =>
  new Promise<Extract<PbxMessage, { type: T }>>((resolve) => {
    const on = (m: PbxMessage) => {
      if (m.type !== type) return onOther(m);
      child.off('message', on);
      resolve(m as Extract<PbxMessage, { type: T }>);
    };
    child.on('message', on);
  });
const ready = await next('ready');

// ---------------------------------------------------------------------------------------------
// The service and its database.

const scratchDir = await mkdtemp(join(tmpdir(), 'dh-soak-'));
const pgAdmin = 'postgresql://postgres@127.0.0.1:5432/postgres';
const scratchDb = `soak_${process.pid}`;
let databaseUrl = '';
if (dbKind === 'postgres') {
  databaseUrl = values['database-url'] ?? '';
  if (!databaseUrl) {
    const c = new pg.Client(pgAdmin);
    await c.connect();
    await c.query(`CREATE DATABASE ${scratchDb}`);
    await c.end();
    databaseUrl = pgAdmin.replace(/\/postgres$/, `/${scratchDb}`);
  }
}
const config = loadConfig({
  overrides: {
    'ami.port': ready.port,
    'http.port': 0,
    'database.url': databaseUrl,
    'database.dataDir': join(scratchDir, 'pglite'),
    'database.spillDir': join(scratchDir, 'spill'),
    'database.openRetryInitialMs': 50,
    'database.openRetryMaxMs': 250,
    'schedule.file': new URL('../dialplan/schedule.example.yaml', import.meta.url).pathname,
    'schedule.calendarOverrides': join(scratchDir, 'calendar-overrides.json'),
    // The captures were made with a 1 s ring (200 ms on, 800 ms off): compressed like their Timestamps.
    'rings.threshold': 3,
    'rings.onMs': Math.max(1, Math.round(200 * scale)),
    'rings.offMs': Math.round(800 * scale),
  },
});
const service = await startService(config, { logger: createLogger(values.log ?? 'silent') });
await service.database.opened;
await service.pbx.waitUntilConnected();
/** The AMI client inside the PBX port (src/pbx/asterisk/asterisk-port.ts), for its socket backlog and listeners. */
const amiClient = (service.pbx as unknown as { ami: AmiClient }).ami;
await sleep(300); // the live-call listing at connect

// ---------------------------------------------------------------------------------------------
// Instruments: the service's per-call maps. The translator is not exposed by startService: it is
// found on the heap once (inspector Runtime.queryObjects, by prototype; that walks the whole heap,
// so not at every sample) and held weakly.

async function findTranslator(): Promise<WeakRef<AmiTranslator> | undefined> {
  const inspector = new Session();
  inspector.connect();
  const g = globalThis as { __soakProto?: object; __soakFound?: AmiTranslator[] };
  g.__soakProto = AmiTranslator.prototype;
  try {
    const proto = await inspector.post('Runtime.evaluate', { expression: 'globalThis.__soakProto', objectGroup: 'soak' });
    // (@types/node 20 types this answer as void)
    const found = (await inspector.post('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId!, objectGroup: 'soak' })) as unknown as { objects: { objectId?: string } };
    await inspector.post('Runtime.callFunctionOn', { objectId: found.objects.objectId!, functionDeclaration: 'function () { globalThis.__soakFound = this; }' });
    const list = g.__soakFound ?? [];
    if (list.length !== 1) console.warn(`bench:soak: ${list.length} AmiTranslator instances on the heap, expected 1`);
    return list[0] && new WeakRef(list[0]);
  } finally {
    await inspector.post('Runtime.releaseObjectGroup', { objectGroup: 'soak' });
    delete g.__soakFound;
    delete g.__soakProto;
    inspector.disconnect();
  }
}
const translatorRef = await findTranslator();
const sizeOf = (o: unknown, field: string): number | string => {
  const v = o && (o as Record<string, unknown>)[field];
  return v instanceof Map || v instanceof Set ? v.size : '?';
};
async function sizes(): Promise<string> {
  const tr = translatorRef?.deref();
  const conn = (amiClient as unknown as { conn?: { pendingCount?: number } }).conn;
  return [
    `tracker.calls ${sizeOf(service.tracker, 'calls')}`,
    `translator.channels ${sizeOf(tr, 'channels')}`,
    `callChannels ${sizeOf(tr, 'callChannels')}`,
    `writes.pending ${service.writes.stats().pending}`,
    `ami.pending ${conn?.pendingCount ?? 0}`,
    `ami listeners ${amiClient.eventNames().reduce((n, e) => n + amiClient.listenerCount(e), 0)}`,
    `events ${service.pbx.stats().eventsReceived}`,
  ].join(', ');
}

interface Sample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}
/** Memory after gc() (rounds of it); also what the process held just before, garbage included (as `ps` sees it). */
async function sample(label: string, rounds = 1): Promise<Sample> {
  const raw = process.memoryUsage();
  for (let i = 1; i < rounds; i++) {
    gc!();
    await sleep(100);
  }
  gc!();
  const m = process.memoryUsage();
  console.log(
    `${label.padEnd(20)} rss ${fmt(m.rss)} (before gc ${fmt(raw.rss)})  heapUsed ${fmt(m.heapUsed)} (before gc ${fmt(raw.heapUsed)}, heapTotal ${fmt(m.heapTotal)})  ` +
      `external ${fmt(m.external)} (arrayBuffers ${fmt(m.arrayBuffers)})  | ${await sizes()}`,
  );
  return m;
}

// ---------------------------------------------------------------------------------------------
// Phases.

let sentEvents = 0;
let maxActive = 0;
let maxBacklog = 0;
let listings = 0;
let dropped = 0;
let logins = 0;
async function replay(first: number, count: number, onTenth: (tenth: number, offered: number) => Promise<void> = async () => {}) {
  const tenths: Promise<void>[] = [];
  const done = next('done', (m) => {
    if (m.type === 'tenth') tenths.push(onTenth(m.tenth, m.offered));
    if (m.type === 'session-lost') {
      const a = service.pbx.stats();
      console.log(`!! the AMI session is gone (service: ${a.state}, ${a.lastError ?? 'no error'}); the PBX drops events until the service logs in again`);
    }
  });
  const active = setInterval(() => (maxActive = Math.max(maxActive, service.tracker.activeCalls)), 5);
  child.send({ cmd: 'replay', first, count });
  const result = await done;
  clearInterval(active);
  await Promise.all(tenths);
  sentEvents += result.events;
  maxBacklog = Math.max(maxBacklog, result.maxBacklog);
  listings = result.listings;
  dropped += result.dropped;
  logins = result.logins;
  return result;
}

/** Every event replayed handled, every call ended, every write stored. */
async function settle(what: string): Promise<void> {
  // All the events sent, or (when a session was lost with events in it) no new one for 3 s.
  let seen = -1;
  let since = performance.now();
  await eventually(
    `${what}: all ${sentEvents} AMI events handled`,
    () => {
      const n = service.pbx.stats().eventsReceived;
      if (n !== seen) [seen, since] = [n, performance.now()];
      return n >= sentEvents || (dropped > 0 && performance.now() - since > 3_000);
    },
    600_000,
  );
  await eventually(`${what}: calls all ended`, () => service.tracker.activeCalls === 0, 60_000);
  await service.writes.onIdle();
  await sleep(500); // the last timers and sockets
  await service.writes.onIdle();
}

const total = warmup + calls;
const mix = Object.entries(ready.mix)
  .map(([k, v]) => `${k} ${((100 * v) / ready.batch).toFixed(0)} %`)
  .join(', ');
console.log(
  `soak: ${calls} calls (+${warmup} warm-up) at ${rate} calls/s on ${dbKind}; mix ${mix}; time scale ${scale} ` +
    `(rings ${config.rings.onMs}/${config.rings.offMs} ms, absence at ${config.rings.threshold} rings, decision grace ${config.rings.decisionGraceMs} ms); node ${process.version}`,
);

const start = await sample('start (idle)', 3);
if (warmup > 0) {
  await replay(0, warmup);
  await settle('warm-up');
}
if (values['heap-snapshots']) writeHeapSnapshot(join(values['heap-snapshots'], 'before.heapsnapshot'));
const before = await sample('before', 3);

const tStart = performance.now();
const soak = await replay(warmup, calls, async (tenth, offered) => {
  await sample(`during ${String(tenth * 10).padStart(2)} % ${String(offered).padStart(6)}`);
});
await sample(`during 100 % ${String(calls).padStart(6)}`);
await settle('soak');
const soakSeconds = (performance.now() - tStart) / 1000;
const after = await sample('after', 5);
if (values['heap-snapshots']) writeHeapSnapshot(join(values['heap-snapshots'], 'after.heapsnapshot'));

console.log(
  `delta (after − before): rss ${signed(after.rss - before.rss)}, heapUsed ${signed(after.heapUsed - before.heapUsed)}, ` +
    `external ${signed(after.external - before.external)} (arrayBuffers ${signed(after.arrayBuffers - before.arrayBuffers)}); ` +
    `heapUsed per soak call ${((after.heapUsed - before.heapUsed) / calls).toFixed(0)} B`,
);
console.log(`delta (after − start): rss ${signed(after.rss - start.rss)}, heapUsed ${signed(after.heapUsed - start.heapUsed)} (the warm-up's ${warmup} calls included)`);
const w = service.writes.stats();
console.log(
  `rate: ${calls} calls offered in ${soak.seconds.toFixed(1)} s (${(calls / soak.seconds).toFixed(1)} calls/s), ` +
    `all handled and stored ${soakSeconds.toFixed(1)} s after the first (${(calls / soakSeconds).toFixed(1)} calls/s end to end); ` +
    `max concurrent calls ${maxActive}; max AMI socket backlog ${(maxBacklog / 1024).toFixed(0)} KiB; AMI events ${service.pbx.stats().eventsReceived}; ` +
    `writes ${w.written} (${w.coalesced} coalesced, ${w.retries} retries); live-call listings ${listings}; AMI logins ${logins}` +
    (dropped > 0 ? `; ${dropped} events DROPPED while the service was not logged in` : ''),
);

// ---------------------------------------------------------------------------------------------
// What landed: the service stopped, its database opened again and counted.

await service.stop();
const stopped = await sample('after stop', 3);
console.log(`delta (after stop − before): rss ${signed(stopped.rss - before.rss)}, heapUsed ${signed(stopped.heapUsed - before.heapUsed)}`);
closing = true;
child.send({ cmd: 'close' });

const db = await openDatabase({ url: databaseUrl || undefined, dataDir: config.database.dataDir, logger: createLogger('silent'), migrate: false });
const rows = await db.prisma.callLogEntry.count();
const open = await db.prisma.callLogEntry.count({ where: { endedAt: null } });
const byOutcome = await db.prisma.callLogEntry.groupBy({ by: ['outcome'], _count: { _all: true } });
const records = await db.prisma.disciplineRecord.count();
await db.close();
if (dbKind === 'postgres' && !values['database-url']) {
  const c = new pg.Client(pgAdmin);
  await c.connect();
  await c.query(`DROP DATABASE ${scratchDb} WITH (FORCE)`);
  await c.end();
}
await rm(scratchDir, { recursive: true, force: true });

const noAnswer = Math.round((total * (ready.mix['no-answer'] ?? 0)) / ready.batch);
console.log(
  `database: ${rows} calls logged of ${total} (${open} without an end); outcomes ${byOutcome
    .map((o) => `${o.outcome} ${o._count._all}`)
    .sort()
    .join(', ')}; discipline records ${records} (${noAnswer} no-answer calls replayed)`,
);
if (rows !== total || open > 0) {
  console.error(`bench:soak: calls not all logged: ${rows} rows of ${total} replayed, ${open} without an end`);
  process.exit(1);
}

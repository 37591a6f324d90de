/**
 * CEL rebuild benchmark (a script, not a test): a day of N calls in a CEL file (or, with --source
 * table, in the table cel_pgsql writes, sql/asterisk-cel.sql, in the same database), made from the four
 * calls the sandbox Asterisk logged (test/fixtures/cel/four-calls.jsonl: answered, an absence,
 * abandoned, busy) with fresh ids and times spread over the day, rebuilt by the real service at
 * its start into an empty PostgreSQL database (the PBX unreachable meanwhile: the log is
 * Asterisk's own file). Prints how long until every call is stored, and the rate.
 *
 *   npm run bench:cel-rebuild -- [--calls 10000] [--source file|table] [--database-url postgres://…]
 *
 * Without --database-url it drops and recreates duty_bench_cel on 127.0.0.1:5432. Target: a day
 * of 10 000 calls in ≤ 10 s.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { startService } from '../src/app/service.js';
import { loadConfig } from '../src/platform/config/load-config.js';
import type { CelRow } from '../src/pbx/asterisk/cel-translator.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '10000' }, source: { type: 'string', default: 'file' }, 'database-url': { type: 'string' } } });
const CALLS = Number(values.calls);
if (!(CALLS > 0)) {
  console.error('bench:cel-rebuild: --calls must be a positive number');
  process.exit(2);
}
if (values.source !== 'file' && values.source !== 'table') {
  console.error(`bench:cel-rebuild: --source ${values.source}: file or table`);
  process.exit(2);
}
const ADMIN = 'postgresql://postgres@127.0.0.1:5432/postgres';
let url = values['database-url'];
if (!url) {
  const admin = new pg.Client(ADMIN);
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS duty_bench_cel WITH (FORCE)');
  await admin.query('CREATE DATABASE duty_bench_cel');
  await admin.end();
  url = ADMIN.replace(/\/postgres$/, '/duty_bench_cel');
}

// --- the log: call i is template i % 4, moved to start at 00:00 + i × (a day / N), every id its own
const fixture = (await readFile(path.join(import.meta.dirname, '../test/fixtures/cel/four-calls.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as CelRow);
const templates = [...new Set(fixture.map((r) => r.linkedid))].map((id) => fixture.filter((r) => r.linkedid === id));
const day = Date.UTC(2026, 11, 1, 16) / 1000; // 2026-12-02 00:00 in Shanghai
const lines: string[] = [];
const celRows: CelRow[] = [];
for (let i = 0; i < CALLS; i++) {
  const rows = templates[i % templates.length]!;
  const shift = day + (i * 86_400) / CALLS - rows[0]!.eventtime;
  const ids = new Map<string, string>();
  const idOf = (id: string) => ids.get(id) ?? (ids.set(id, `${Math.floor(day) + i}.${i * 8 + ids.size}`), ids.get(id)!);
  for (const r of rows) {
    const channame = r.channame.replace(/-[0-9a-f]+$/, `-${(i * 8 + ids.size).toString(16).padStart(8, '0')}`);
    const row: CelRow = { ...r, eventtime: Number((r.eventtime + shift).toFixed(6)), uniqueid: idOf(r.uniqueid), linkedid: idOf(r.linkedid), channame, ...(r.num?.startsWith('139') && { num: `139${String(i).padStart(8, '0')}`, name: `139${String(i).padStart(8, '0')}` }) };
    lines.push(JSON.stringify(row));
    celRows.push(row);
  }
}
const dir = await mkdtemp(path.join(tmpdir(), 'dh-cel-bench-'));
const file = path.join(dir, 'duty-cel.jsonl');
if (values.source === 'file') {
  await writeFile(file, `${lines.join('\n')}\n`);
  console.log(`CEL file: ${CALLS} calls, ${lines.length} rows, ${(Buffer.byteLength(lines.join('\n')) / 1e6).toFixed(1)} MB`);
} else {
  const cel = new pg.Client(url);
  await cel.connect();
  await cel.query('DROP TABLE IF EXISTS cel');
  await cel.query(await readFile(path.join(import.meta.dirname, '../sql/asterisk-cel.sql'), 'utf8'));
  const columns = ['eventtype', 'eventtime', 'userdeftype', 'cid_name', 'cid_num', 'exten', 'context', 'channame', 'uniqueid', 'linkedid', 'extra'] as const;
  for (let i = 0; i < celRows.length; i += 1000) {
    const batch = celRows.slice(i, i + 1000);
    const values = batch.flatMap((r) => [r.eventtype, r.eventtime, r.userdeftype ?? '', r.name ?? '', r.num ?? '', r.exten ?? '', r.context ?? '', r.channame, r.uniqueid, r.linkedid, r.eventextra ?? '']);
    const tuples = batch.map((_, j) => `(${columns.map((__, k) => `$${j * columns.length + k + 1}`).join(', ')})`);
    await cel.query(`INSERT INTO cel (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
  await cel.query('ANALYZE cel');
  await cel.end();
  console.log(`CEL table: ${CALLS} calls, ${celRows.length} rows`);
}

// --- the service: an AMI port nothing listens on, the log above
const config = loadConfig({
  env: {},
  overrides: { 'database.url': url, 'database.spillDir': path.join(dir, 'spill'), 'http.port': 0, 'ami.port': 1, ...(values.source === 'file' ? { 'cel.file': file } : { 'cel.table': 'cel' }), 'cel.rebuildIntervalMs': 3_600_000, 'rings.onMs': 200, 'rings.offMs': 800 },
});
const sql = new pg.Client(url);
const started = process.hrtime.bigint();
const service = await startService(config, { logger: pino({ level: 'silent' }) });
await service.database.opened;
const opened = process.hrtime.bigint();
await sql.connect();
// The run the start began (run() joins it), then what it stored.
await new Promise((r) => setTimeout(r, 10));
await service.offices[0]!.rebuild!.run();
const s = Number(process.hrtime.bigint() - opened) / 1e9;
const total = Number(process.hrtime.bigint() - started) / 1e9;
const stored = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM call_log_entries')).rows[0]!.n);
const records = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM discipline_records')).rows[0]!.n);
console.log(`rebuilt ${stored} calls (${records} absence records) in ${s.toFixed(2)} s once the database was open (${total.toFixed(2)} s from the service's start, migrations included) = ${Math.round(stored / s)} calls/s`);
await service.stop();
await sql.end();
await rm(dir, { recursive: true, force: true });

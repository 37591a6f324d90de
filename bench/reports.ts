/**
 * Reports benchmark (a script, not a test): loads one office's two years into PostgreSQL — a
 * published roster (three shifts a day, a few approved swaps a month), calls and discipline
 * records — and measures through the real HTTP routes, on a listening server with a supervisor's
 * API token:
 *   - GET /reports/monthly-tally and GET /reports/missed-calls: cold (each run a month not asked
 *     before) and warm (the same month again), median and worst;
 *   - GET /calls.csv of every row, downloaded by a child process: rows/s, how far the service's RSS
 *     and heapUsed grow while it streams, and heapUsed after a full GC (what stayed).
 *
 *   npm run bench:reports -- [--calls 1000000] [--records 50000] [--runs 7] [--reuse] [--database-url postgres://…]
 *
 * Without --database-url it drops and recreates duty_bench_reports on 127.0.0.1:5432 and applies
 * the migrations (as the service does at boot); --reuse keeps a database already loaded with
 * the same sizes. Targets: each report ≤ 200 ms, the export ≥ 50 000 rows/s growing < 50 MB.
 */
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { createAccess } from '../src/access/access.js';
import { accessPlugin } from '../src/access/access-plugin.js';
import { PasswordHasher } from '../src/access/password-hash.js';
import { prismaAccessStores } from '../src/access/prisma-access-store.js';
import { newSecret } from '../src/access/secret-token.js';
import { viewerResolver } from '../src/access/viewer.js';
import { callExportRoutes } from '../src/calls/call-export-routes.js';
import { CallService } from '../src/calls/call-service.js';
import { PrismaCallStore } from '../src/calls/prisma-call-store.js';
import type { PlannedShift } from '../src/core/roster/roster-model.js';
import { daysOf } from '../src/core/roster/year-month.js';
import { addDays, instantOf } from '../src/core/schedule/schedule-local-time.js';
import { DEFAULT_SUBSIDY_POLICY } from '../src/core/tally/subsidy-rules.js';
import type { WatchGap } from '../src/core/watch/watch-gap.js';
import { PrismaDisciplineStore } from '../src/discipline/prisma-discipline-store.js';
import { openDatabase } from '../src/platform/db/database.js';
import { installErrorHandler } from '../src/platform/http/errors.js';
import { installAccessControl } from '../src/platform/http/permissions.js';
import { serverOptions } from '../src/platform/http/server-options.js';
import { MissedCallReportService } from '../src/reports/missed-call-report-service.js';
import { missedCallRoutes } from '../src/reports/missed-call-routes.js';
import { MonthlyTallyService } from '../src/reports/monthly-tally-service.js';
import { reportRoutes } from '../src/reports/report-routes.js';
import { createPrismaRosterStores } from '../src/roster/prisma-roster-store.js';
import { RosterService } from '../src/roster/roster-service.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    records: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '7' },
    reuse: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
  },
});
const CALLS = Number(values.calls);
const RECORDS = Number(values.records);
const RUNS = Number(values.runs);
if (!(CALLS > 0) || !(RECORDS >= 0) || !(RUNS > 0)) {
  console.error('bench:reports: --calls and --runs must be positive numbers, --records ≥ 0');
  process.exit(2);
}

const TZ = 'Asia/Shanghai';
const OFFICE = 'default';
const MONTHS = Array.from({ length: 24 }, (_, i) => `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
const FIRST = instantOf('2025-01-01', 0, TZ);
const LAST = instantOf('2027-01-01', 0, TZ);
const ADMIN = 'postgresql://postgres@127.0.0.1:5432/postgres';
const NAME = 'duty_bench_reports';
const silent = pino({ level: 'silent' });
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client(ADMIN);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

// --- the database
let url = values['database-url'];
if (!url) {
  url = ADMIN.replace(/\/postgres$/, `/${NAME}`);
  if (!values.reuse) {
    await admin(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${NAME}`);
  } else await admin(`CREATE DATABASE ${NAME}`).catch(() => undefined);
}
const db = await openDatabase({ url, logger: silent });
const sql = new pg.Pool({ connectionString: url, max: 2, options: '-c TimeZone=UTC' });
const count = async (table: string) => Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
const loaded = values.reuse && (await count('call_log_entries')) === CALLS && (await count('discipline_records')) === RECORDS && (await count('roster_shifts')) > 0;

// --- the roster: 30 officers; every day 08:30–17:30 (two officers, a leader), 17:30–22:30 and 22:30–08:30 (one each)
const roster = new RosterService(createPrismaRosterStores(db.prisma));
const CLERK = { id: 'bench-clerk', officerId: null, dutyDirector: false };
const DIRECTOR = { id: 'bench-director', officerId: null, dutyDirector: true };
if (!loaded) {
  let t = process.hrtime.bigint();
  const officers = [];
  for (let i = 0; i < 30; i++) officers.push(await roster.addOfficer({ officeId: OFFICE, name: `值班员${String(i + 1).padStart(2, '0')}`, phone: null, section: '综合科' }, { by: 'bench', at: new Date('2024-12-01T00:00:00Z') }));
  const ids = officers.map((o) => o.id);
  let swaps = 0;
  for (const [m, month] of MONTHS.entries()) {
    const planned: PlannedShift[] = [];
    for (const [d, date] of daysOf(month).entries()) {
      const k = m * 31 + d;
      const at = (minute: number, day = date) => instantOf(day, minute, TZ);
      const shift = (label: string, from: number, to: number, officerIds: string[], leaderId: string | null, end = date): PlannedShift => ({ officeId: OFFICE, date, periodLabel: label, startsAt: at(from), endsAt: at(to, end), deskEndpoint: 'desk', officerIds, leaderId });
      planned.push(shift('08:30–17:30', 510, 1050, [ids[k % 24]!, ids[(k + 7) % 24]!], ids[24 + (k % 6)]!));
      planned.push(shift('17:30–22:30', 1050, 1350, [ids[(k + 13) % 24]!], null));
      planned.push(shift('22:30–08:30', 1350, 510, [ids[(k + 19) % 24]!], null, addDays(date, 1)));
    }
    const before = new Date(instantOf(`${month}-01`, 0, TZ).getTime() - 20 * 86_400_000);
    await roster.openMonth(OFFICE, month, CLERK, before);
    const { shifts } = await roster.reviseShifts(OFFICE, month, planned, CLERK, before);
    await roster.submit(OFFICE, month, CLERK, before);
    await roster.approve(OFFICE, month, DIRECTOR, before);
    await roster.publish(OFFICE, month, DIRECTOR, before, { holidays: [], timezone: TZ });
    // four approved swaps a month: the first day officer of a day shift hands it to an officer not on it
    for (const shift of shifts.filter((_, i) => i % 3 === 0).filter((_, i) => i % 8 === 3).slice(0, 4)) {
      const requester = shift.officerIds[0]!;
      const counterpart = ids.find((id) => !shift.officerIds.includes(id))!;
      const at = (h: number) => new Date(shift.startsAt.getTime() - h * 3_600_000);
      const swap = await roster.requestSwap({ officeId: OFFICE, shiftId: shift.id, requesterId: requester, counterpartId: counterpart, counterpartShiftId: null, reason: '出差', by: { id: 'r', officerId: requester, dutyDirector: false }, at: at(48) });
      await roster.answerSwap(OFFICE, swap.id, 'agree', { id: 'c', officerId: counterpart, dutyDirector: false }, at(47));
      await roster.decideSwap(OFFICE, swap.id, 'approve', DIRECTOR, at(46));
      swaps++;
    }
  }
  console.log(`roster: 24 months, ${await count('roster_shifts')} shifts, ${swaps} approved swaps, 30 officers (${(ms(t) / 1000).toFixed(1)} s)`);

  // --- calls: spread evenly over the two years; per mille: 850 answered, 50 absence, 30 abandoned, 20 busy,
  // 10 unanswered, 10 unreachable, 10 bureau, 10 no-one-reachable, 5 interrupted, 5 not-responding; every 10th outbound
  t = process.hrtime.bigint();
  await sql.query(
    `INSERT INTO call_log_entries (office_id, pbx_call_id, direction, caller_number, caller_name, dialed, offered_at, desk_endpoint, desk_ringing_at,
       answered_at, answered_by, ring_count, ended_at, outcome, reached_nobody, timeline, updated_at)
     SELECT $1, 'bench-' || i, CASE WHEN i % 10 = 0 THEN 'outbound' ELSE 'inbound' END, '1380013' || lpad((i % 10000)::text, 4, '0'), '来电人' || (i % 500), '12345',
       at, CASE WHEN o IN ('bureau', 'no-one-reachable') THEN NULL ELSE 'desk' END, at + interval '1 second',
       CASE WHEN o = 'answered' THEN at + interval '8 second' END, CASE WHEN o = 'answered' THEN 'desk' END,
       CASE WHEN o IN ('answered', 'absence', 'abandoned', 'unanswered') THEN 1 + (i % 3) END, at + interval '90 second', o, o = 'no-one-reachable',
       jsonb_build_array(jsonb_build_object('at', to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'what', 'offered'), jsonb_build_object('at', to_char(at + interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'what', 'desk ringing'), jsonb_build_object('at', to_char(at + interval '90 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'what', o)),
       now()
     FROM (
       SELECT i, $2::timestamptz + (i - 1) * ($3::timestamptz - $2::timestamptz) / $4 + ((i * 7919) % 60) * interval '1 second' AS at,
         CASE WHEN (i * 37) % 1000 < 850 THEN 'answered' WHEN (i * 37) % 1000 < 900 THEN 'absence' WHEN (i * 37) % 1000 < 930 THEN 'abandoned'
           WHEN (i * 37) % 1000 < 950 THEN 'busy' WHEN (i * 37) % 1000 < 960 THEN 'unanswered' WHEN (i * 37) % 1000 < 970 THEN 'unreachable'
           WHEN (i * 37) % 1000 < 980 THEN 'bureau' WHEN (i * 37) % 1000 < 990 THEN 'no-one-reachable' WHEN (i * 37) % 1000 < 995 THEN 'interrupted' ELSE 'not-responding' END AS o
       FROM generate_series(1::bigint, $4::bigint) AS i
     ) AS g`,
    [OFFICE, FIRST, LAST, CALLS],
  );
  console.log(`calls: ${CALLS} rows (${(ms(t) / 1000).toFixed(1)} s)`);

  // --- discipline records: absences of inbound calls (then mistakes about answered ones), attributed by the roster in SQL
  t = process.hrtime.bigint();
  await sql.query(
    `INSERT INTO discipline_records (office_id, subject_kind, subject_id, type, mistake_kind, officer, attributed, shift_id, shift_label, officer_ids, officer_names,
       leader_id, desk_endpoint, occurred_at, reason, evidence, status)
     SELECT c.office_id, 'call', c.pbx_call_id, c.kind, CASE WHEN c.kind = 'mistake' THEN 'unrecorded-call' END, NULL, true, s.id, s.date || ' ' || s.period_label || ' ' || s.desk_endpoint,
       coalesce(o.ids, ARRAY[]::text[]), coalesce(o.names, ARRAY[]::text[]), s.leader_id, c.desk_endpoint, c.offered_at + interval '15 second', '响铃3次无人接听', c.timeline,
       (ARRAY['open', 'confirmed', 'waived'])[1 + (row_number() OVER () % 3)]
     FROM (SELECT c.*, CASE WHEN c.outcome = 'absence' THEN 'absence' ELSE 'mistake' END AS kind FROM call_log_entries c
           WHERE c.direction = 'inbound' AND c.outcome IN ('absence', 'answered') ORDER BY (c.outcome = 'absence') DESC, c.offered_at LIMIT $1) AS c
     LEFT JOIN roster_shifts s ON s.office_id = c.office_id AND s.desk_endpoint = c.desk_endpoint AND s.starts_at <= c.offered_at AND c.offered_at < s.ends_at AND s.superseded_at IS NULL
     LEFT JOIN LATERAL (SELECT array_agg(so.officer_id::text) AS ids, array_agg(d.name) AS names FROM roster_shift_officers so JOIN duty_officers d ON d.id = so.officer_id WHERE so.shift_id = s.id) AS o ON true`,
    [RECORDS],
  );
  await sql.query('VACUUM ANALYZE');
  console.log(`records: ${await count('discipline_records')} rows (${(ms(t) / 1000).toFixed(1)} s)`);
} else console.log(`reusing ${NAME}: ${CALLS} calls, ${RECORDS} records`);

// --- the API: the report and export routes as src/app/http-app.ts registers them, behind the access check
const accessStores = prismaAccessStores(db.prisma);
const access = createAccess({ stores: accessStores, hasher: new PasswordHasher({ logN: 10, r: 8, p: 1 }) });
const supervisor = await accessStores.users.create({ name: `bench-${process.pid}-${Date.now()}`, displayName: 'bench', role: 'supervisor', officeId: OFFICE, officerId: null, passwordHash: 'x' });
const secret = newSecret('token');
await accessStores.tokens.create({ id: secret.id, userId: supervisor.id, name: 'bench', secretHash: secret.hash, createdAt: new Date() });
const calls = new PrismaCallStore(db.prisma);
const rosterStores = createPrismaRosterStores(db.prisma);
const gaps: WatchGap[] = MONTHS.flatMap((month, i) => (i % 3 === 0 ? [{ officeId: OFFICE, from: instantOf(`${month}-10`, 1380, TZ), to: instantOf(`${month}-11`, 120, TZ), reason: 'service-down' as const }] : []));
const watchGaps = async (_office: string, from: Date, to: Date) => gaps.filter((g) => g.from < to && (g.to === null || g.to > from));
const viewerOf = viewerResolver((officeId, officerId) => roster.shiftsOf(officeId, officerId, new Date()));
const http = Fastify({ ...serverOptions, logger: false });
await http.register(async (root) => {
  const api = root.withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandler(api);
  installAccessControl(api, access.check);
  await api.register(accessPlugin, { access });
  await api.register(callExportRoutes, { calls: new CallService(calls, access.audit), viewerOf });
  await api.register(reportRoutes, { tally: new MonthlyTallyService({ roster: rosterStores, calls, discipline: new PrismaDisciplineStore(db.prisma), audit: access.audit, policy: DEFAULT_SUBSIDY_POLICY, timezoneOf: () => TZ }), viewerOf });
  await api.register(missedCallRoutes, { missedCalls: new MissedCallReportService({ roster: rosterStores, calls, watchGaps, audit: access.audit, timezoneOf: () => TZ, clock: { now: () => new Date() } }), viewerOf });
});
await http.listen({ host: '127.0.0.1', port: 0 });
const { port } = http.server.address() as AddressInfo;

/** GETs `path` (a report: the body is kept). */
function get(path: string): Promise<{ status: number; bytes: number; ms: number; body: string }> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${secret.secret}` } }, (res) => {
      let bytes = 0;
      const small: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        small.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: ms(start), body: Buffer.concat(small).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** GETs `path` from a child Node process that counts the body's lines and throws the bytes away. */
function downloadElsewhere(path: string): Promise<{ status: number; bytes: number; lines: number; ms: number }> {
  const client = `
    const http = require('node:http');
    http.get({ host: '127.0.0.1', port: ${port}, path: ${JSON.stringify(path)}, headers: { authorization: 'Bearer ${secret.secret}' } }, (res) => {
      let bytes = 0, lines = 0;
      res.on('data', (c) => { bytes += c.length; for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++; });
      res.on('end', () => process.stdout.write(JSON.stringify({ status: res.statusCode, bytes, lines })));
    });`;
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', client], { maxBuffer: 1e6 }, (err, stdout) => (err ? reject(err) : resolve({ ...(JSON.parse(stdout) as { status: number; bytes: number; lines: number }), ms: ms(start) })));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, worst ${Math.max(...xs).toFixed(1)} ms`;

async function report(name: string, path: (month: string) => string, check: (body: string) => string): Promise<void> {
  const cold: number[] = [];
  for (const month of MONTHS.slice(6, 6 + RUNS)) {
    const res = await get(path(month));
    if (res.status !== 200) throw new Error(`${name} ${month}: ${res.status} ${res.body}`);
    cold.push(res.ms);
  }
  const warm: number[] = [];
  let last = '';
  for (let i = 0; i < RUNS; i++) {
    const res = await get(path('2026-06'));
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${res.body}`);
    warm.push(res.ms);
    last = res.body;
  }
  console.log(`${name}: cold ${fmt(cold)}; warm ${fmt(warm)}  (${check(last)})`);
}

await report('GET /reports/monthly-tally', (m) => `/reports/monthly-tally?month=${m}`, (b) => {
  const t = JSON.parse(b) as { totals: { shifts: number; callsInbound: number; absences: Record<string, number> } };
  return `2026-06: ${t.totals.shifts} shifts, ${t.totals.callsInbound} inbound calls`;
});
await report('GET /reports/missed-calls', (m) => `/reports/missed-calls?month=${m}`, (b) => {
  const r = JSON.parse(b) as { missed: number; calls: unknown[] };
  return `2026-06: ${r.missed} missed, ${r.calls.length} calls listed`;
});

// --- the export: every row, as a client would download it; memory sampled while it streams
global.gc?.();
const base = process.memoryUsage();
let peak = { rss: base.rss, heapUsed: base.heapUsed };
const sample = setInterval(() => {
  const m = process.memoryUsage();
  peak = { rss: Math.max(peak.rss, m.rss), heapUsed: Math.max(peak.heapUsed, m.heapUsed) };
}, 50);
// The client is another process, so that what grows is the service's memory, not the download's.
const download = await downloadElsewhere('/calls.csv');
clearInterval(sample);
const rows = download.lines - 1;
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
if (download.status !== 200 || rows !== CALLS) throw new Error(`GET /calls.csv: ${download.status}, ${rows} rows of ${CALLS}`);
const res = download;
global.gc?.();
const after = process.memoryUsage();
console.log(`GET /calls.csv: ${rows} rows, ${mb(res.bytes)} in ${(res.ms / 1000).toFixed(2)} s = ${Math.round(rows / (res.ms / 1000))} rows/s; growth while streaming: RSS +${mb(peak.rss - base.rss)}, heapUsed +${mb(peak.heapUsed - base.heapUsed)}; after a full GC: heapUsed ${after.heapUsed >= base.heapUsed ? '+' : ''}${mb(after.heapUsed - base.heapUsed)}`);

await http.close();
await sql.end();
await db.close();

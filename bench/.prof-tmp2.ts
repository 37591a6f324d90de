import pino from 'pino';
import { PrismaCallStore } from '../src/calls/prisma-call-store.js';
import { openDatabase } from '../src/platform/db/database.js';
import { createPrismaRosterStores } from '../src/roster/prisma-roster-store.js';
import { rosterOfWindow } from '../src/reports/monthly-tally-service.js';
import { reportWindow } from '../src/core/reports/report-window.js';
import { whoIsOnDuty } from '../src/core/roster/who-is-on-duty.js';
import { wallClockAt } from '../src/core/schedule/schedule-local-time.js';
const db = await openDatabase({ url: 'postgresql://postgres@127.0.0.1:5432/duty_bench_reports', logger: pino({ level: 'silent' }) });
const calls = new PrismaCallStore(db.prisma); const roster = createPrismaRosterStores(db.prisma);
const { from, to } = reportWindow('2026-06', 'Asia/Shanghai');
const r = await rosterOfWindow(roster, 'default', from, to);
const c = await calls.listForReport({ officeId: 'default', direction: 'inbound', from, to });
console.log('shifts', r.shifts.length, 'swaps', r.swaps.length);
for (let i = 0; i < 3; i++) {
  let t = performance.now(); for (const x of c) if (x.deskEndpoint) whoIsOnDuty(r.shifts, r.swaps, x.deskEndpoint, x.offeredAt); console.log('who', (performance.now() - t).toFixed(0));
  t = performance.now(); for (const x of c) wallClockAt(x.offeredAt, 'Asia/Shanghai'); console.log('wall', (performance.now() - t).toFixed(0));
  t = performance.now(); await db.prisma.$queryRaw`SELECT "id"::text AS id, "pbx_call_id", "direction", "offered_at", "desk_endpoint", "answered_at", "outcome", "ring_count" FROM "call_log_entries" WHERE "office_id" = 'default' AND "direction" = 'inbound' AND "offered_at" >= ${from}::timestamptz AND "offered_at" < ${to}::timestamptz ORDER BY "offered_at", "id"`; console.log('raw', (performance.now() - t).toFixed(0));
}
await db.close();

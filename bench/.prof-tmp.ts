import pino from 'pino';
import { PrismaCallStore } from '../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../src/discipline/prisma-discipline-store.js';
import { openDatabase } from '../src/platform/db/database.js';
import { createPrismaRosterStores } from '../src/roster/prisma-roster-store.js';
import { rosterOfWindow } from '../src/reports/monthly-tally-service.js';
import { reportWindow } from '../src/core/reports/report-window.js';
import { monthlyTally } from '../src/core/tally/monthly-tally.js';
import { DEFAULT_SUBSIDY_POLICY } from '../src/core/tally/subsidy-rules.js';
const db = await openDatabase({ url: 'postgresql://postgres@127.0.0.1:5432/duty_bench_reports', logger: pino({ level: 'silent' }) });
const calls = new PrismaCallStore(db.prisma); const disc = new PrismaDisciplineStore(db.prisma); const roster = createPrismaRosterStores(db.prisma);
const { from, to } = reportWindow('2026-06', 'Asia/Shanghai');
for (let i = 0; i < 3; i++) {
  let t = performance.now(); const r = await rosterOfWindow(roster, 'default', from, to); const tr = performance.now() - t;
  t = performance.now(); const c = await calls.listForReport({ officeId: 'default', direction: 'inbound', from, to }); const tc = performance.now() - t;
  t = performance.now(); const d = await disc.listForTally({ officeId: 'default', from, to }); const td = performance.now() - t;
  t = performance.now(); monthlyTally({ timezone: 'Asia/Shanghai', month: '2026-06', policy: DEFAULT_SUBSIDY_POLICY, ...r, calls: c, records: d }); const tt = performance.now() - t;
  console.log({ roster: tr.toFixed(0), calls: tc.toFixed(0), n: c.length, records: td.toFixed(0), nr: d.length, tally: tt.toFixed(0) });
}
await db.close();

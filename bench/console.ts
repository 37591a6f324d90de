/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Console benchmark (a script, not a test): the supervisor view of the web console in headless
 * Chromium against the real service on a database of 1 000 000 calls and 50 000 records (the one
 * `npm run bench:reports` loads, duty_bench_reports). For months across the two years it prints
 * how long from opening the page until it is usable (the numbers, the first page of missed calls,
 * the records and swaps), until the tally is in as well, and how long the outcome filter takes to
 * redraw the table once chosen. Target: interactive within 1 s.
 *
 *   npm run bench:reports -- --runs 1 && npm run bench:console -- [--database-url postgres://…]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { PasswordHasher } from '../src/access/password-hash.js';
import { startService } from '../src/app/service.js';
import { loadConfig } from '../src/platform/config/load-config.js';
import { launchChromium, officePage, screenshot, signIn } from '../test/support/browser.js';

const { values } = parseArgs({ options: { 'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/duty_bench_reports' } } });
const url = values['database-url']!;
const sql = new pg.Client(url);
await sql.connect();
const calls = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM call_log_entries').catch(() => ({ rows: [{ n: '0' }] }))).rows[0]!.n);
if (calls === 0) {
  console.error(`bench:console: no calls in ${url}: load it first with npm run bench:reports -- --runs 1`);
  process.exit(2);
}
console.log(`database: ${calls} calls, ${(await sql.query<{ n: string }>('SELECT count(*) AS n FROM discipline_records')).rows[0]!.n} records`);

const config = loadConfig({ env: {}, overrides: { 'database.url': url, 'http.port': 0, 'ami.port': 1, 'database.spillDir': '/tmp/dh-bench-console-spill', 'log.level': 'silent' } });
const service = await startService(config, { logger: pino({ level: 'silent' }) });
await service.database.opened;
// The duty-log deadline sweep runs once the database opens, over every call: let it finish first.
await service.deadlines.sweep();
const name = `bench.console.${process.pid}`;
const password = 'bench-console-password';
await service.access.stores.users.create({ name, displayName: '王主任', role: 'supervisor', officeId: 'default', passwordHash: await new PasswordHasher({ logN: 10, r: 8, p: 1 }).hash(password) });

const browser = await launchChromium();
const page = await officePage(browser);
await signIn(page, service.url, name, password);
const opened: number[] = [];
const filtered: number[] = [];
const completed: number[] = [];
for (const month of ['2025-02', '2025-06', '2025-10', '2026-03', '2026-07', '2026-11']) {
  const t0 = Date.now();
  await page.goto(`${service.url}/console/?month=${month}#supervisor`);
  await page.waitForSelector('[data-test="supervisor-loaded"]', { state: 'attached', timeout: 30_000 });
  const open = Date.now() - t0;
  await page.waitForSelector('[data-test="supervisor-complete"]', { state: 'attached', timeout: 30_000 });
  const complete = Date.now() - t0;
  completed.push(complete);
  const rows = await page.$$eval('[data-test="missed-calls"] tbody tr', (r) => r.length);
  const requests = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => !e.name.includes('/console/'))
      .map((e) => `${new URL(e.name).pathname} ${Math.round(e.startTime)}+${Math.round(e.duration)} ms`)
      .join(', '),
  );
  const t1 = Date.now();
  await page.click('[data-test="outcome-filter"]');
  await page.click('.el-select-dropdown__item >> text=离岗未接');
  await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-test="missed-calls"] tbody tr')).every((r) => r.children[2]?.textContent === '离岗未接'), undefined, { timeout: 10_000 });
  const filter = Date.now() - t1;
  opened.push(open);
  filtered.push(filter);
  console.log(`${month}: usable ${open} ms after opening (numbers, ${rows} missed calls on the first page, records, swaps), the tally in too ${complete} ms (${requests}); the outcome filter redrew the table in ${filter} ms`);
  if (month === '2026-11') await screenshot(page, 'bench-supervisor-1m-calls');
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`median: usable ${median(opened)} ms (worst ${Math.max(...opened)}), complete ${median(completed)} ms (worst ${Math.max(...completed)}), filter ${median(filtered)} ms (worst ${Math.max(...filtered)}); target: interactive within 1000 ms`);
await browser.close();
await service.stop();
await sql.end();

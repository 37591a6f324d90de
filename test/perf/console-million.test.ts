/// <reference lib="dom" />
/**
 * The supervisor view with 1 000 000 calls in the database is interactive within 1 s: the whole
 * service (test/support/console-service.ts) on a fresh PostgreSQL database holding one office's
 * twelve months, 2025-11 to 2026-10 (~83 000 calls a month), and the console in Chromium at an
 * office screen's size. From navigation start to `[data-test="supervisor-loaded"]` (the month's
 * numbers, the first page of missed calls, the records and the swaps drawn) and to
 * `[data-test="supervisor-complete"]` (the tally too), timed in the page itself
 * (performance.now() when the element appears): once cold (the first time the service is asked
 * for that month), then three times warm. The figures go to test-output/console/million.json.
 *
 * The calls are written by one INSERT … SELECT … FROM generate_series per half (two connections,
 * two cores; the table's indexes dropped meanwhile and built again after), deterministic: call i of N is offered at FIRST + (i − 1)·span/N plus (7919·i mod 29) s;
 * every 11th is outbound; an inbound call's outcome is fixed by 37·i mod 1000, per mille: 915
 * answered, 30 bureau, 25 absence, 12 abandoned, 5 busy, 4 unanswered, 2 unreachable,
 * 1 not-responding, 1 interrupted, 5 no-one-reachable — 5 % missed by the desk. The month shown,
 * 2026-06, has a published roster (three shifts a day, three approved swaps, one agreed and
 * waiting for approval); every inbound absence has its discipline record (with its history),
 * attributed through the roster where there is one.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PlannedShift } from '../../src/core/roster/roster-model.js';
import { daysOf } from '../../src/core/roster/year-month.js';
import { DESK_MISSED_OUTCOMES } from '../../src/core/reports/missed-call-outcomes.js';
import { addDays, instantOf } from '../../src/core/schedule/schedule-local-time.js';
import { createPrismaRosterStores } from '../../src/roster/prisma-roster-store.js';
import { RosterService } from '../../src/roster/roster-service.js';
import { launchChromium, officePage, screenshot, SCREENSHOTS, signIn } from '../support/browser.js';
import { startConsoleService, type ConsoleService } from '../support/console-service.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';

const CALLS = 1_000_000;
const TZ = 'Asia/Shanghai';
const OFFICE = 'default';
const FIRST = instantOf('2025-11-01', 0, TZ);
const LAST = instantOf('2026-11-01', 0, TZ);
const MONTH = '2026-06';
/** The desk's misses in 2026-06 as the seed's formula makes them (and the SQL below counts them). */
const MISSED_IN_MONTH = 3_779;
const TARGET_MS = 1000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

let database: TestDatabase | undefined;
let sut: ConsoleService | undefined;
let browser: Promise<Browser> | undefined;
/** How long each step of the seed took (ms), the records it wrote, and the service's start. */
const seeding = { rosterMs: 0, callsMs: 0, records: 0, recordsMs: 0, vacuumMs: 0, totalMs: 0, serviceMs: 0 };
let expectedMissed = -1;

/** 2026-06's roster, published: 14 officers; 08:30–17:30 two officers and a leader, 17:30–22:30 and 22:30–08:30 one each. */
async function publishMonth(roster: RosterService): Promise<void> {
  const clerk = { id: 'seed-clerk', officerId: null, dutyDirector: false };
  const director = { id: 'seed-director', officerId: null, dutyDirector: true };
  const ids: string[] = [];
  for (let i = 0; i < 14; i++) ids.push((await roster.addOfficer({ officeId: OFFICE, name: `值班员${String(i + 1).padStart(2, '0')}`, phone: null, section: '综合科' }, { by: 'seed', at: new Date('2025-10-01T00:00:00Z') })).id);
  const planned: PlannedShift[] = daysOf(MONTH).flatMap((date, d) => {
    const at = (minute: number, day = date) => instantOf(day, minute, TZ);
    const shift = (periodLabel: string, from: number, to: number, officerIds: string[], leaderId: string | null, end = date): PlannedShift => ({ officeId: OFFICE, date, periodLabel, startsAt: at(from), endsAt: at(to, end), deskEndpoint: 'desk', officerIds, leaderId });
    return [
      shift('08:30–17:30', 510, 1050, [ids[d % 12]!, ids[(d + 5) % 12]!], ids[12 + (d % 2)]!),
      shift('17:30–22:30', 1050, 1350, [ids[(d + 7) % 12]!], null),
      shift('22:30–08:30', 1350, 510, [ids[(d + 9) % 12]!], null, addDays(date, 1)),
    ];
  });
  const before = new Date(instantOf(`${MONTH}-01`, 0, TZ).getTime() - 20 * 86_400_000);
  await roster.openMonth(OFFICE, MONTH, clerk, before);
  const { shifts } = await roster.reviseShifts(OFFICE, MONTH, planned, clerk, before);
  await roster.submit(OFFICE, MONTH, clerk, before);
  await roster.approve(OFFICE, MONTH, director, before);
  await roster.publish(OFFICE, MONTH, director, before, { holidays: [], timezone: TZ });
  // The first officer of four day shifts hands it to one not on it: three approved, the last agreed and waiting.
  for (const [n, shift] of shifts.filter((_, i) => i % 3 === 0 && i % 21 === 9).slice(0, 4).entries()) {
    const requester = shift.officerIds[0]!;
    const counterpart = ids.slice(0, 12).find((id) => !shift.officerIds.includes(id))!;
    const at = (h: number) => new Date(shift.startsAt.getTime() - h * 3_600_000);
    const swap = await roster.requestSwap({ officeId: OFFICE, shiftId: shift.id, requesterId: requester, counterpartId: counterpart, counterpartShiftId: null, reason: '出差', by: { id: 'r', officerId: requester, dutyDirector: false }, at: at(48) });
    await roster.answerSwap(OFFICE, swap.id, 'agree', { id: 'c', officerId: counterpart, dutyDirector: false }, at(47));
    if (n < 3) await roster.decideSwap(OFFICE, swap.id, 'approve', director, at(46));
  }
}

/**
 * The seed's calls (see the top of this file), the quickest way PostgreSQL takes them: the table's
 * indexes (primary key included) dropped, two halves inserted at once, the indexes built again,
 * two at a time, exactly as the migrations define them (their definitions read back first).
 */
async function seedCalls(url: string): Promise<void> {
  const { indexes, primaryKey } = await withClient(url, async (c) => {
    const { rows: [pk] } = await c.query<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'call_log_entries'::regclass AND contype = 'p'`,
    );
    const { rows } = await c.query<{ name: string; def: string }>(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'call_log_entries' AND indexname <> $1`, [pk!.name]);
    for (const index of rows) await c.query(`DROP INDEX "${index.name}"`);
    await c.query(`ALTER TABLE call_log_entries DROP CONSTRAINT "${pk!.name}"`);
    return { indexes: rows.map((r) => r.def), primaryKey: `ALTER TABLE call_log_entries ADD CONSTRAINT "${pk!.name}" ${pk!.def}` };
  });
  await Promise.all([insertCalls(url, 1, CALLS / 2), insertCalls(url, CALLS / 2 + 1, CALLS)]);
  const builds = [primaryKey, ...indexes];
  const build = (c: pg.Client) => async () => {
    await c.query("SET maintenance_work_mem = '256MB'");
    for (let next = builds.shift(); next; next = builds.shift()) await c.query(next);
  };
  await Promise.all([withClient(url, (c) => build(c)()), withClient(url, (c) => build(c)())]);
}

const iso = (at: string) => `to_char(${at}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Calls [from, to] of the seed. */
async function insertCalls(url: string, from: number, to: number): Promise<void> {
  await withClient(url, (c) =>
    c.query(
      `INSERT INTO call_log_entries (office_id, pbx_call_id, direction, caller_number, caller_name, dialed, offered_at, desk_endpoint, desk_ringing_at,
         answered_at, answered_by, ring_count, ended_at, outcome, reached_nobody, timeline, updated_at)
       SELECT $1, 'seed-' || i, direction, '1380013' || lpad((i % 10000)::text, 4, '0'), '来电人' || (i % 500), CASE WHEN direction = 'inbound' THEN '12345' ELSE '8' || lpad((i % 1000)::text, 3, '0') END,
         at, desk, CASE WHEN desk IS NOT NULL THEN at + interval '1 second' END,
         CASE WHEN o = 'answered' THEN at + rings * interval '5 second' END, CASE WHEN o = 'answered' THEN 'desk' END,
         CASE WHEN o IN ('answered', 'absence', 'abandoned', 'unanswered') THEN rings END, ended, o, o = 'no-one-reachable',
         ('[{"at":"' || ${iso('at')} || '","what":"offered"},{"at":"' || ${iso("at + interval '1 second'")} || '","what":"desk ringing"},{"at":"' || ${iso('ended')} || '","what":"call ended: ' || o || '"}]')::jsonb,
         now()
       FROM (
         SELECT *, CASE WHEN o IN ('bureau', 'no-one-reachable') THEN NULL ELSE 'desk' END AS desk, at + (20 + i % 300) * interval '1 second' AS ended, CASE o WHEN 'absence' THEN 3 WHEN 'unanswered' THEN 2 ELSE 1 + i % 3 END AS rings
         FROM (
           SELECT i, direction, to_timestamp(($2::bigint + (i - 1) * $3::bigint / $4::bigint + (i * 7919) % 29 * 1000) / 1000.0) AS at,
             CASE WHEN direction = 'outbound' THEN CASE WHEN h < 900 THEN 'answered' WHEN h < 960 THEN 'unanswered' WHEN h < 990 THEN 'busy' ELSE 'unreachable' END
               WHEN h < 915 THEN 'answered' WHEN h < 945 THEN 'bureau' WHEN h < 970 THEN 'absence' WHEN h < 982 THEN 'abandoned' WHEN h < 987 THEN 'busy'
               WHEN h < 991 THEN 'unanswered' WHEN h < 993 THEN 'unreachable' WHEN h < 994 THEN 'not-responding' WHEN h < 995 THEN 'interrupted' ELSE 'no-one-reachable' END AS o
           FROM (SELECT i, (i * 37) % 1000 AS h, CASE WHEN i % 11 = 0 THEN 'outbound' ELSE 'inbound' END AS direction FROM generate_series($5::bigint, $6::bigint) AS i) AS g
         ) AS g
       ) AS g`,
      [OFFICE, FIRST.getTime(), LAST.getTime() - FIRST.getTime(), CALLS, from, to],
    ),
  );
}

/** A connection of its own, in UTC (the timelines' times are UTC). */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const started = process.hrtime.bigint();
  // Chromium starts while the database is loaded.
  browser = launchChromium();
  browser.catch(() => {});
  database = await openTestDatabase('postgres');
  const url = database.url!;

  let t = process.hrtime.bigint();
  await publishMonth(new RosterService(createPrismaRosterStores(database.db.prisma)));
  seeding.rosterMs = since(t);

  t = process.hrtime.bigint();
  await seedCalls(url);
  seeding.callsMs = since(t);

  await withClient(url, async (c) => {
    // Every inbound absence raised its record, attributed by the roster (no shift: no one rostered); three in four decided since.
    t = process.hrtime.bigint();
    await c.query(
      `INSERT INTO discipline_records (office_id, subject_kind, subject_id, type, officer, attributed, shift_id, shift_label, officer_ids, officer_names,
         leader_id, leader, desk_endpoint, occurred_at, reason, evidence, status)
       SELECT c.office_id, 'call', c.pbx_call_id, 'absence', nullif(array_to_string(o.names, '、'), ''), true, s.id, s.date || ' ' || s.period_label || ' ' || s.desk_endpoint,
         coalesce(o.ids, ARRAY[]::text[]), coalesce(o.names, ARRAY[]::text[]), s.leader_id, l.name, c.desk_endpoint, c.offered_at + interval '15 second', '响铃3次无人接听', c.timeline,
         (ARRAY['confirmed', 'waived', 'confirmed', 'open'])[1 + (substr(c.pbx_call_id, 6)::bigint % 4)]
       FROM call_log_entries c
       LEFT JOIN roster_shifts s ON s.office_id = c.office_id AND s.desk_endpoint = c.desk_endpoint AND s.starts_at <= c.offered_at AND c.offered_at < s.ends_at AND s.superseded_at IS NULL
       LEFT JOIN duty_officers l ON l.id = s.leader_id
       LEFT JOIN LATERAL (SELECT array_agg(so.officer_id::text) AS ids, array_agg(d.name) AS names FROM roster_shift_officers so JOIN duty_officers d ON d.id = so.officer_id WHERE so.shift_id = s.id) AS o ON true
       WHERE c.office_id = $1 AND c.direction = 'inbound' AND c.outcome = 'absence'`,
      [OFFICE],
    );
    await c.query(
      `INSERT INTO discipline_record_events (record_id, seq, what, actor, at, text)
       SELECT id, 1, 'raised', NULL, occurred_at, reason FROM discipline_records
       UNION ALL
       SELECT id, 2, status, '王主任', occurred_at + interval '2 day', CASE status WHEN 'confirmed' THEN '确属离岗' ELSE '话机故障' END FROM discipline_records WHERE status <> 'open'`,
    );
    seeding.recordsMs = since(t);
    seeding.records = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM discipline_records')).rows[0]!.n);

    t = process.hrtime.bigint();
    await c.query('VACUUM ANALYZE');
    seeding.vacuumMs = since(t);

    // What the report counts as the month's misses: inbound, missed by the desk, on a day of the
    // month — the day of the shift covering the call, else the office-local day it was offered.
    const window = { from: instantOf(addDays(`${MONTH}-01`, -1), 0, TZ), to: instantOf(addDays(daysOf(MONTH).at(-1)!, 2), 0, TZ) };
    const { rows } = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM call_log_entries c
       LEFT JOIN roster_shifts s ON s.office_id = c.office_id AND s.desk_endpoint = c.desk_endpoint AND s.starts_at <= c.offered_at AND c.offered_at < s.ends_at AND s.superseded_at IS NULL
       WHERE c.office_id = $1 AND c.direction = 'inbound' AND c.outcome = ANY($2) AND c.offered_at >= $3 AND c.offered_at < $4
         AND left(coalesce(s.date, to_char(c.offered_at AT TIME ZONE $5, 'YYYY-MM-DD')), 7) = $6`,
      [OFFICE, [...DESK_MISSED_OUTCOMES], window.from, window.to, TZ, MONTH],
    );
    expectedMissed = Number(rows[0]!.n);
    const calls = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM call_log_entries')).rows[0]!.n);
    if (calls !== CALLS) throw new Error(`seeded ${calls} calls, not ${CALLS}`);
  });
  seeding.totalMs = since(started);
  console.log(
    `seeded ${CALLS.toLocaleString('en').replace(/,/g, ' ')} calls in ${seconds(seeding.callsMs)} (roster ${seconds(seeding.rosterMs)}, ${seeding.records} records with history ${seconds(seeding.recordsMs)}, VACUUM ANALYZE ${seconds(seeding.vacuumMs)}; ${seconds(seeding.totalMs)} with the database created and migrated); ${MONTH}: ${expectedMissed} missed`,
  );

  t = process.hrtime.bigint();
  sut = await startConsoleService(url);
  seeding.serviceMs = since(t);
  await browser;
}, 150_000);

afterAll(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await sut?.stop();
  await database?.dispose();
});

interface Visit {
  /** From navigation start (performance.timeOrigin) to the element, measured in the page. */
  usableMs: number;
  completeMs: number;
  /** The same from just before page.goto, measured here (Playwright's round trips included). */
  wallUsableMs: number;
  wallCompleteMs: number;
  /** When the document was in, then each request the page made: path, start + duration (ms from navigation start). */
  requests: string[];
}

/** Opens the month's supervisor view afresh (a full navigation) and times it. */
async function visit(page: Page, base: string): Promise<Visit> {
  await page.goto('about:blank');
  const t0 = Date.now();
  await page.goto(`${base}/console/?month=${MONTH}#supervisor`, { waitUntil: 'commit' });
  await page.waitForSelector('[data-test="supervisor-loaded"]', { state: 'attached', timeout: 30_000 });
  const wallUsableMs = Date.now() - t0;
  await page.waitForSelector('[data-test="supervisor-complete"]', { state: 'attached', timeout: 30_000 });
  const wallCompleteMs = Date.now() - t0;
  const marks = await page.evaluate(() => (window as unknown as { __marks: Record<string, number> }).__marks);
  // What the time went on: the page's own load (its document, the console's scripts: `assets/…`), then the API requests.
  const requests = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => {
      const url = new URL(e.name);
      const name = url.pathname.startsWith('/console/assets/') ? `assets/${url.pathname.slice(16).replace(/-[\w-]{8}\./, '.')}` : url.pathname + url.search.replace(/^\?month=[\d-]+$/, '');
      return `${decodeURIComponent(name)} ${Math.round(e.startTime)}+${Math.round(e.duration)}`;
    });
    return [`document ${Math.round(nav?.responseEnd ?? 0)}, DOMContentLoaded ${Math.round(nav?.domContentLoadedEventEnd ?? 0)}`, ...resources];
  });
  const usableMs = marks['supervisor-loaded'];
  const completeMs = marks['supervisor-complete'];
  if (usableMs === undefined || completeMs === undefined) throw new Error(`the page did not see the marks appear: ${JSON.stringify(marks)}`);
  return { usableMs: Math.round(usableMs), completeMs: Math.round(completeMs), wallUsableMs, wallCompleteMs, requests };
}

it('the supervisor view over 1 000 000 calls is usable within 1 s of opening, its month’s missed calls all counted', async () => {
  const page = await officePage(await browser!);
  // When each mark first appears, against navigation start (performance.now()), whatever Playwright's polling.
  await page.context().addInitScript(() => {
    const marks: Record<string, number> = {};
    (window as unknown as { __marks: Record<string, number> }).__marks = marks;
    const observer = new MutationObserver(() => {
      for (const name of ['supervisor-loaded', 'supervisor-complete']) if (marks[name] === undefined && document.querySelector(`[data-test="${name}"]`)) marks[name] = performance.now();
      if (marks['supervisor-complete'] !== undefined) observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  await signIn(page, sut!.url, sut!.supervisor.name, sut!.supervisor.password);
  await page.waitForLoadState('networkidle');
  // The view draws what it got: a report the server failed on would show as nothing, not as an error.
  const failed: string[] = [];
  page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.request().method()} ${new URL(r.url()).pathname} → ${r.status()}`)));

  const cold = await visit(page, sut!.url);
  const missedShown = Number((await page.textContent('[data-test="month-missed"]'))?.replace(/\D/g, ''));
  const warm: Visit[] = [];
  for (let i = 0; i < 3; i++) warm.push(await visit(page, sut!.url));
  await screenshot(page, 'supervisor-million');
  for (const [i, v] of [cold, ...warm].entries()) console.log(`${i === 0 ? 'cold' : `warm ${i}`}: usable ${v.usableMs} ms, complete ${v.completeMs} ms (from before page.goto: ${v.wallUsableMs}/${v.wallCompleteMs} ms); ${v.requests.join(', ')}`);
  await page.context().close();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const usable = median(warm.map((v) => v.usableMs));
  const complete = median(warm.map((v) => v.completeMs));
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `supervisor view, 1 000 000 calls: usable ${s(usable)} (cold ${s(cold.usableMs)}), complete ${s(complete)} (cold ${s(cold.completeMs)}); warm runs usable ${warm.map((v) => v.usableMs).join('/')} ms, complete ${warm.map((v) => v.completeMs).join('/')} ms; ${MONTH}: ${missedShown} missed shown`,
  );
  await writeFile(
    path.join(SCREENSHOTS, 'million.json'),
    JSON.stringify({ calls: CALLS, month: MONTH, missed: { expected: expectedMissed, shown: missedShown }, seeding, cold, warm, median: { usableMs: usable, completeMs: complete }, targetMs: TARGET_MS, at: new Date().toISOString() }, null, 2) + '\n',
  );

  expect(failed).toEqual([]);
  expect(expectedMissed).toBe(MISSED_IN_MONTH);
  expect(missedShown).toBe(MISSED_IN_MONTH);
  expect(usable, `warm usable ${warm.map((v) => v.usableMs).join('/')} ms (median ${usable}); see test-output/console/million.json for where the time went`).toBeLessThan(TARGET_MS);
}, 60_000);

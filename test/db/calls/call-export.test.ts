/**
 * GET /calls.csv on PostgreSQL and PGlite, through the whole API (access control, the audit trail
 * in the database): 10 000 calls of December 2026 (a burst of 1 500 at one instant, so keyset pages
 * break inside ties) plus another office's; the supervisor's export is every row of their office
 * in list order, as Excel reads it (BOM, Chinese headers, formula cells escaped); a duty officer's
 * only their shift's; ops is refused; each export one audit entry listing the ids sent, an
 * aborted download one listing what went out. Then listAfter against list on both stores.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prismaAccessStores } from '../../../src/access/prisma-access-store.js';
import type { AuditEntry } from '../../../src/access/access-store.js';
import { CALL_COLUMNS, exportFileName, OUTCOME_LABELS } from '../../../src/calls/call-export-routes.js';
import type { CallStore, ExportCallRow } from '../../../src/calls/call-store.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { PrismaCallStore } from '../../../src/calls/prisma-call-store.js';
import { CALL_DIRECTIONS, CALL_OUTCOMES, type CallSnapshot } from '../../../src/core/call/call-model.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { deferred } from '../../../src/platform/db/deferred-store.js';
import { DatabaseUnavailableError } from '../../../src/platform/db/database-unavailable-error.js';
import { DB_KINDS, useTestDatabase } from '../../support/db.js';
import { buildApi, publishRoster, type TestApi } from '../../support/http.js';
import { eventually } from '../../support/poll.js';
import { snapshot } from '../../support/store-contract.js';

const HEADERS = ['来电时间', '主叫号码', '来电人', '拨打号码', '方向', '结果', '响铃次数', '接听时间', '接听话机', '结束时间', '无人接听', '办公室'];
const ROWS = 10_000;
const BRANCH_ROWS = 200;
/** 2026-12-01 00:00 in Beijing. */
const START = Date.parse('2026-11-30T16:00:00.000Z');
/** Rows 3000–4499 share one instant. */
const BURST = { from: 3000, to: 4500, at: new Date('2026-12-08T02:00:00.000Z') };
const EVIL = '=HYPERLINK("http://evil.example/?q=1","点我")';
/** 李四's shift. */
const SHIFT = { startsAt: '2026-12-20T00:30:00Z', endsAt: '2026-12-20T09:30:00Z' };

/** Call i of office `officeId`: spread over the month, every kind of cell in some rows. */
function call(i: number, officeId = 'default'): CallSnapshot {
  const offeredAt = i >= BURST.from && i < BURST.to ? BURST.at : new Date(START + i * 4 * 60_000 + (i % 1000));
  const outcome = CALL_OUTCOMES[i % CALL_OUTCOMES.length]!;
  const answered = outcome === 'answered';
  const names = ['张三', EVIL, '李四, "老李"', '王五\n第二行', '😀 赵六 👍🏽', '+1 plus', '-minus', '@at', '\ttab', null];
  return {
    officeId,
    pbxCallId: `${officeId}-${i}`,
    direction: CALL_DIRECTIONS[i % CALL_DIRECTIONS.length]!,
    callerNumber: i % 2 ? '13800138000' : '+8613912345678',
    callerName: names[i % names.length]!,
    dialed: '12345',
    offeredAt,
    deskEndpoint: 'desk',
    deskRingingAt: new Date(offeredAt.getTime() + 500),
    answeredAt: answered ? new Date(offeredAt.getTime() + 7000) : null,
    answeredBy: answered ? 'desk' : null,
    ringCount: answered ? 2 : outcome === 'absence' ? 3 : null,
    endedAt: outcome === 'in-progress' ? null : new Date(offeredAt.getTime() + 60_000),
    outcome,
    reachedNobody: outcome === 'no-one-reachable',
    timeline: [{ at: offeredAt.toISOString(), what: 'offered' }],
  };
}

const csvOf = (body: string) => parse(body, { bom: true }) as string[][];

describe.each(DB_KINDS)('GET /calls.csv on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: TestApi;
  /** Ids of office default in list order (offeredAt desc, id desc), from the database. */
  let expectedIds: string[];
  const figures: string[] = [];

  beforeAll(async () => {
    const prisma = database.db.prisma;
    const started = performance.now();
    const all = [...Array.from({ length: ROWS }, (_, i) => call(i)), ...Array.from({ length: BRANCH_ROWS }, (_, i) => call(i, 'branch'))];
    for (let i = 0; i < all.length; i += 2000) await prisma.callLogEntry.createMany({ data: all.slice(i, i + 2000).map((c) => ({ ...c, timeline: c.timeline.map((e) => ({ ...e })) })) });
    figures.push(`${kind}: inserted ${all.length} rows in ${Math.round(performance.now() - started)} ms`);
    expectedIds = (await prisma.callLogEntry.findMany({ where: { officeId: 'default' }, orderBy: [{ offeredAt: 'desc' }, { id: 'desc' }], select: { id: true } })).map((r) => r.id);
    api = await buildApi({ calls: new PrismaCallStore(prisma), discipline: new PrismaDisciplineStore(prisma), access: prismaAccessStores(prisma) });
    await publishRoster(api.roster, [{ ...SHIFT, officerIds: [api.officerId] }]);
  });
  afterAll(async () => {
    await api?.close();
    console.log(figures.join('\n'));
  });

  /** The audit entries of exports written since `since`, newest first. */
  const exportsSince = async (since: Date): Promise<AuditEntry[]> =>
    (await api.access.stores.audit.list({ from: since, action: 'calls.export', limit: 100, offset: 0 })).filter((e) => e.route === 'GET /calls.csv');

  it("the supervisor's export: every row of the office, in list order, as Excel reads it; one audit entry with the ids", async () => {
    const since = new Date();
    const started = performance.now();
    const res = await api.inject({ method: 'GET', url: '/calls.csv' });
    const ms = performance.now() - started;
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    figures.push(`${kind}: exported ${ROWS} rows (${(res.rawPayload.length / 1e6).toFixed(1)} MB) in ${Math.round(ms)} ms: ${Math.round(ROWS / (ms / 1000))} rows/s`);

    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="calls.csv"; filename*=UTF-8''${encodeURIComponent('值班记录.csv')}`);
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.body.startsWith('\uFEFF来电时间,主叫号码,')).toBe(true);

    const [header, ...rows] = csvOf(res.body);
    expect(header).toEqual(HEADERS);
    const count = await database.db.prisma.callLogEntry.count({ where: { officeId: 'default' } });
    expect(count).toBe(ROWS);
    expect(rows).toHaveLength(count);
    for (const row of rows) expect(row).toHaveLength(HEADERS.length);

    // The order of the database's (offeredAt desc, id desc), no row twice or left out across pages.
    const offered = await database.db.prisma.callLogEntry.findMany({ where: { officeId: 'default' }, orderBy: [{ offeredAt: 'desc' }, { id: 'desc' }], select: { offeredAt: true } });
    expect(rows.map((r) => r[0])).toEqual(offered.map((r) => r.offeredAt.toISOString()));
    const [entry, ...more] = await exportsSince(since);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ userName: 'test-supervisor', role: 'supervisor', action: 'calls.export', route: 'GET /calls.csv', query: { part: 1 } });
    expect(entry!.ids).toEqual(expectedIds);

    // A caller whose name is a formula comes out as text; what a name holds survives.
    const names = new Set(rows.map((r) => r[2]));
    expect(names).toContain(`'${EVIL}`);
    expect(names).not.toContain(EVIL);
    for (const name of ['张三', '李四, "老李"', '王五\n第二行', '😀 赵六 👍🏽', "'+1 plus", "'-minus", "'@at", "'\ttab", '']) expect(names, name).toContain(name);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['13800138000', "'+8613912345678"]));
  });

  it('each column as stated, for one answered call', async () => {
    const res = await api.inject('/calls.csv?outcome=answered&from=2026-12-01T00:00:00%2B08:00&to=2027-01-01T00:00:00%2B08:00');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="calls-2026-12.csv"; filename*=UTF-8''${encodeURIComponent('值班记录-2026-12.csv')}`);
    const rows = csvOf(res.body).slice(1);
    // The month's first answered call: call 1 (outbound, 4 min 1 ms after the start).
    const first = call(1);
    const at = (d: Date | null) => d!.toISOString();
    expect(rows.at(-1)).toEqual([at(first.offeredAt), '13800138000', "'" + EVIL, '12345', '呼出', '已接听', '2', at(first.answeredAt), 'desk', at(first.endedAt), '否', 'default']);
    expect(rows).toHaveLength(await database.db.prisma.callLogEntry.count({ where: { officeId: 'default', outcome: 'answered', offeredAt: { gte: new Date(START), lt: new Date('2026-12-31T16:00:00Z') } } }));
    expect(new Set(rows.map((r) => r[5]))).toEqual(new Set(['已接听']));
  });

  it('the filters of GET /calls apply, and the audit entry records them', async () => {
    const since = new Date();
    const res = await api.inject('/calls.csv?reachedNobody=true&direction=inbound&office=default');
    expect(res.statusCode).toBe(200);
    const rows = csvOf(res.body).slice(1);
    expect(rows).toHaveLength(await database.db.prisma.callLogEntry.count({ where: { officeId: 'default', reachedNobody: true, direction: 'inbound' } }));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([row[4], row[5], row[10]]).toEqual(['呼入', OUTCOME_LABELS['no-one-reachable'], '是']);
    const [entry] = await exportsSince(since);
    expect(entry).toMatchObject({ route: 'GET /calls.csv', query: { reachedNobody: true, direction: 'inbound', office: 'default' } });
    expect(entry!.ids).toHaveLength(rows.length);
  });

  it("a duty officer's export holds their shift's rows only, and its audit entry those ids", async () => {
    const since = new Date();
    const res = await api.inject({ method: 'GET', url: '/calls.csv', headers: api.as('duty-officer') });
    expect(res.statusCode).toBe(200);
    const rows = csvOf(res.body).slice(1);
    const inShift = await database.db.prisma.callLogEntry.findMany({
      where: { officeId: 'default', offeredAt: { gte: new Date(SHIFT.startsAt), lt: new Date(SHIFT.endsAt) } },
      orderBy: [{ offeredAt: 'desc' }, { id: 'desc' }],
      select: { id: true, offeredAt: true },
    });
    expect(inShift.length).toBeGreaterThan(100);
    expect(rows.map((r) => r[0])).toEqual(inShift.map((r) => r.offeredAt.toISOString()));
    const [entry, ...more] = await exportsSince(since);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ userName: 'test-officer', role: 'duty-officer' });
    expect(entry!.ids).toEqual(inShift.map((r) => r.id));
  });

  it('another office, or a role without calls:read: no rows / 403, and the refusal is audited, not exported', async () => {
    const since = new Date();
    const other = await api.inject('/calls.csv?office=branch');
    expect(other.statusCode).toBe(200);
    expect(csvOf(other.body)).toEqual([HEADERS]);
    const ops = await api.inject({ method: 'GET', url: '/calls.csv', headers: api.as('ops') });
    expect([ops.statusCode, ops.json()]).toEqual([403, { error: 'FORBIDDEN', message: "permission 'calls:read' required" }]);
    const entries = await api.access.stores.audit.list({ from: since, limit: 100, offset: 0 });
    expect(entries.map((e) => [e.userName, e.action, e.route, e.ids])).toEqual([
      ['test-ops', 'access.denied', 'GET /calls.csv', []],
      ['test-supervisor', 'calls.export', 'GET /calls.csv', []],
    ]);
  });

  it('paging parameters and unknown filters are a 400: the export is the whole result', async () => {
    for (const url of ['/calls.csv?limit=10', '/calls.csv?offset=5', '/calls.csv?outcome=lost', '/calls.csv?from=yesterday', '/calls.csv?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z']) {
      const res = await api.inject(url);
      expect([url, res.statusCode, res.json().error]).toEqual([url, 400, 'BAD_REQUEST']);
    }
  });

  it('an aborted download: one audit entry with the ids sent until then, in order, and the reading stops', async () => {
    // Pages a little slow (as over a network), so that the whole file cannot have gone into the
    // loopback's socket buffers before the client is gone.
    const slow = await buildApi({ calls: new SlowPages(database.db.prisma), discipline: new PrismaDisciplineStore(database.db.prisma) });
    const address = await slow.listen({ host: '127.0.0.1', port: 0 }).then(() => slow.server.address() as AddressInfo);
    const exportsSince = async (since: Date) => (await slow.access.stores.audit.list({ from: since, action: 'calls.export', limit: 100, offset: 0 })).filter((e) => e.route === 'GET /calls.csv');
    const since = new Date();
    const received = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: address.port, path: '/calls.csv', headers: slow.as('supervisor') }, (res: IncomingMessage) => {
        // Gone at the first bytes: the server has read a page or two of 10 by then.
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve(chunk.length);
        });
        res.on('error', () => {});
        res.on('end', () => reject(new Error('the download was not to end')));
      });
      req.on('error', () => {});
      req.end();
    });
    const entry = await eventually('the audit entry of the aborted export', async () => (await exportsSince(since))[0]);
    expect(received).toBeGreaterThan(0);
    // At least the first chunk's rows (the stream starts with one), far fewer than all.
    expect(entry.ids.length).toBeGreaterThan(100);
    expect(entry.ids.length).toBeLessThan(ROWS);
    expect(entry.ids).toEqual(expectedIds.slice(0, entry.ids.length));
    expect(await exportsSince(since)).toHaveLength(1);
    await slow.close();
  });

  it('listAfter walks the result of list: same rows, same order, whatever the page size', async () => {
    const store = new PrismaCallStore(database.db.prisma);
    const filter = { officeId: 'default', from: new Date('2026-12-05T00:00:00Z'), to: new Date('2026-12-25T00:00:00Z') };
    const listed = (await store.list({ ...filter, limit: ROWS, offset: 0 })).map((c) => c.id);
    expect(listed.length).toBeGreaterThan(BURST.to - BURST.from);
    for (const size of [97, 999, 1000, 4000]) expect(await walk(store, filter, size), `page size ${size}`).toEqual(listed);
    expect(await store.listAfter({ ...filter, within: [] }, null, 10)).toEqual([]);
    const within = [{ from: new Date(SHIFT.startsAt), to: new Date(SHIFT.endsAt) }];
    expect(await walk(store, { ...filter, within }, 7)).toEqual((await store.list({ ...filter, within, limit: ROWS, offset: 0 })).map((c) => c.id));
  });
});

/** Each keyset page 30 ms late. */
class SlowPages extends PrismaCallStore {
  override async listAfter(...args: Parameters<PrismaCallStore['listAfter']>): Promise<ExportCallRow[]> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return super.listAfter(...args);
  }
}

/** Every id listAfter gives, page by page. */
async function walk(store: CallStore, filter: Parameters<CallStore['listAfter']>[0], size: number): Promise<string[]> {
  const ids: string[] = [];
  let after: ExportCallRow | null = null;
  for (;;) {
    const page: ExportCallRow[] = await store.listAfter(filter, after && { offeredAt: after.offeredAt, id: after.id }, size);
    ids.push(...page.map((c) => c.id));
    if (page.length < size) return ids;
    after = page.at(-1)!;
  }
}

describe('listAfter on the memory store', () => {
  it('walks the result of list: same rows, same order, ties across pages included', async () => {
    const store = new MemoryCallStore();
    for (let i = 0; i < 600; i++) await store.save(snapshot(`m-${i}`, { offeredAt: new Date(i < 300 ? '2026-12-08T02:00:00Z' : START + i * 60_000), outcome: i % 2 ? 'answered' : 'absence' }));
    for (const filter of [{}, { outcome: 'absence' as const }, { within: [{ from: new Date(START + 400 * 60_000), to: new Date(START + 500 * 60_000) }] }]) {
      const listed = (await store.list({ ...filter, limit: 1000, offset: 0 })).map((c) => c.id);
      for (const size of [1, 7, 300, 1000]) expect(await walk(store, filter, size)).toEqual(listed);
    }
    expect(await store.listAfter({ within: [] }, null, 10)).toEqual([]);
  });
});

describe('GET /calls.csv, database not open', () => {
  let api: TestApi;
  beforeAll(async () => {
    const notOpen = (): never => {
      throw new DatabaseUnavailableError('database not available yet: connect ECONNREFUSED 127.0.0.1:5432');
    };
    api = await buildApi({ calls: deferred<CallStore>(notOpen), discipline: new MemoryDisciplineStore() });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 503 with the reason, not a cut-off 200', async () => {
    const res = await api.inject('/calls.csv');
    expect([res.statusCode, res.json()]).toEqual([503, { error: 'DATABASE_UNAVAILABLE', message: 'database not available yet: connect ECONNREFUSED 127.0.0.1:5432' }]);
  });
});

describe('the export file', () => {
  it('is named for its month, its dates as the query wrote them, or for everything', () => {
    expect(exportFileName({ from: '2026-12-01T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' })).toEqual({ fileName: '值班记录-2026-12.csv', ascii: 'calls-2026-12.csv' });
    expect(exportFileName({ from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toEqual({ fileName: '值班记录-2026-02.csv', ascii: 'calls-2026-02.csv' });
    expect(exportFileName({ from: '2026-12-01T00:00:00+08:00', to: '2027-01-01T00:00:00Z' }).fileName).toBe('值班记录-2026-12-01_2027-01-01.csv');
    expect(exportFileName({ from: '2026-12-01T00:00:00Z', to: '2026-12-15T00:00:00Z' }).fileName).toBe('值班记录-2026-12-01_2026-12-15.csv');
    expect(exportFileName({ from: '2026-12-03T08:00:00Z' })).toEqual({ fileName: '值班记录-2026-12-03_.csv', ascii: 'calls-2026-12-03_.csv' });
    expect(exportFileName({ to: '2026-12-03T08:00:00Z' }).fileName).toBe('值班记录-_2026-12-03.csv');
    expect(exportFileName({})).toEqual({ fileName: '值班记录.csv', ascii: 'calls.csv' });
  });

  it('has a column for each stated header, and a label for every outcome', () => {
    expect(CALL_COLUMNS.map((c) => c.header)).toEqual(HEADERS);
    expect(Object.keys(OUTCOME_LABELS).sort()).toEqual([...CALL_OUTCOMES].sort());
    expect(new Set(Object.values(OUTCOME_LABELS)).size).toBe(CALL_OUTCOMES.length);
  });
});

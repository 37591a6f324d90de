/**
 * A database the landed version created (its two migrations, rows written the way it wrote them)
 * upgrades to offices and discipline subjects with every row kept and readable through the API.
 */
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCallStore } from '../../../../src/calls/prisma-call-store.js';
import { PrismaDisciplineStore } from '../../../../src/discipline/prisma-discipline-store.js';
import { openDatabase, type Database } from '../../../../src/platform/db/database.js';
import { defaultMigrationsDir } from '../../../../src/platform/db/migrate.js';
import { createPgTestDatabase, createTempDir, DB_KINDS, testLogger } from '../../../support/db.js';
import { buildApi, type CallJson, type RecordJson } from '../../../support/http.js';
import { disciplineInput, snapshot } from '../../../support/store-contract.js';

/** The migrations of the version before offices (landed 2026-12-01). */
const BEFORE_OFFICES = ['20261123090941_init', '20261201200000_reached_nobody'];

// Rows as the landed version's stores wrote them (columns of that schema, nothing else).
const SEED = [
  `INSERT INTO call_log_entries (id, pbx_call_id, caller_number, caller_name, dialed, offered_at, desk_endpoint, desk_ringing_at,
     answered_at, answered_by, ring_count, ended_at, outcome, reached_nobody, timeline, caller_unit, content, handling, updated_at)
   VALUES
   ('11111111-1111-4111-8111-111111111111', '1795425976.2', '13900000001', '张三', '12345', '2026-11-23T02:00:00.000Z', 'desk',
    '2026-11-23T02:00:00.100Z', NULL, NULL, 3, '2026-11-23T02:00:20.000Z', 'absence', false,
    '[{"at":"2026-11-23T02:00:00.000Z","what":"offered by 13900000001"}]', NULL, NULL, NULL, '2026-11-23T02:00:20.000Z'),
   ('22222222-2222-4222-8222-222222222222', '1795425999.7', '13900000002', NULL, '12345', '2026-11-23T03:00:00.000Z', 'desk',
    '2026-11-23T03:00:00.100Z', '2026-11-23T03:00:06.000Z', 'desk', 2, '2026-11-23T03:01:00.000Z', 'answered', false,
    '[]', '市应急局', '报告道路积水', '已转告带班领导', '2026-11-23T03:05:00.000Z'),
   ('33333333-3333-4333-8333-333333333333', '1795426100.1', NULL, NULL, '12345', '2026-11-23T15:00:00.000Z', NULL,
    NULL, NULL, NULL, NULL, '2026-11-23T15:00:30.000Z', 'no-one-reachable', true, '[]', NULL, NULL, NULL, '2026-11-23T15:00:30.000Z')`,
  `INSERT INTO discipline_records (id, type, pbx_call_id, officer, desk_endpoint, occurred_at, reason, evidence, status)
   VALUES
   ('44444444-4444-4444-8444-444444444444', 'absence', '1795425976.2', NULL, 'desk', '2026-11-23T02:00:15.100Z',
    'desk rang 3 rings without answer', '[{"at":"2026-11-23T02:00:15.100Z","what":"desk rang 3 rings without answer: absence"}]', 'open'),
   ('55555555-5555-4555-8555-555555555555', 'mistake', '1795425999.7', '王五', 'desk', '2026-11-23T03:00:06.000Z',
    'entered by hand', '[]', 'confirmed')`,
];

interface Opened {
  open(migrationsDir?: string): Promise<Database>;
  dispose(): Promise<void>;
}

async function databaseOf(kind: (typeof DB_KINDS)[number]): Promise<Opened> {
  if (kind === 'postgres') {
    const created = await createPgTestDatabase();
    return { open: (migrationsDir) => openDatabase({ url: created.url, logger: testLogger, ...(migrationsDir && { migrationsDir }) }), dispose: () => created.drop() };
  }
  const dir = await createTempDir();
  return { open: (migrationsDir) => openDatabase({ dataDir: dir.path, logger: testLogger, ...(migrationsDir && { migrationsDir }) }), dispose: () => dir.rm() };
}

describe.each(DB_KINDS)('upgrading a populated database of the version before offices, on %s', (kind) => {
  let database: Opened;
  let db: Database;
  let api: FastifyInstance;
  const migrationsBefore = createTempDir('dh-migrations-');

  beforeAll(async () => {
    database = await databaseOf(kind);
    const dir = (await migrationsBefore).path;
    for (const name of BEFORE_OFFICES) {
      await mkdir(join(dir, name));
      await cp(join(defaultMigrationsDir(), name), join(dir, name), { recursive: true });
    }
    const old = await database.open(dir);
    expect(old.migrations?.applied).toEqual(BEFORE_OFFICES);
    for (const sql of SEED) await old.prisma.$executeRawUnsafe(sql);
    await old.close();

    db = await database.open();
    api = await buildApi({ calls: new PrismaCallStore(db.prisma), discipline: new PrismaDisciplineStore(db.prisma) });
  });
  afterAll(async () => {
    await api?.close();
    await db?.close();
    await database?.dispose();
    await (await migrationsBefore).rm();
  });

  it('applies the migrations from offices on, none of the earlier ones again', () => {
    expect(db.migrations?.applied[0]).toBe('20261202090000_offices_and_subjects');
    expect(db.migrations?.applied).not.toContain(BEFORE_OFFICES[0]);
    expect(db.migrations?.applied).not.toContain(BEFORE_OFFICES[1]);
  });

  it('keeps every call, each in the default office and inbound, with the officer-completed fields', async () => {
    const res = await api.inject({ method: 'GET', url: '/calls' });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: CallJson[] }>().items;
    expect(items.map((c) => [c.id, c.officeId, c.pbxCallId, c.direction, c.outcome, c.reachedNobody])).toEqual([
      ['33333333-3333-4333-8333-333333333333', 'default', '1795426100.1', 'inbound', 'no-one-reachable', true],
      ['22222222-2222-4222-8222-222222222222', 'default', '1795425999.7', 'inbound', 'answered', false],
      ['11111111-1111-4111-8111-111111111111', 'default', '1795425976.2', 'inbound', 'absence', false],
    ]);
    expect(items[1]).toMatchObject({
      callerNumber: '13900000002',
      answeredAt: '2026-11-23T03:00:06.000Z',
      answeredBy: 'desk',
      ringCount: 2,
      callerUnit: '市应急局',
      content: '报告道路积水',
      handling: '已转告带班领导',
      updatedAt: '2026-11-23T03:05:00.000Z',
    });
    expect(items[2]).toMatchObject({ callerName: '张三', timeline: [{ at: '2026-11-23T02:00:00.000Z', what: 'offered by 13900000001' }] });
    const one = await api.inject({ method: 'GET', url: '/calls/11111111-1111-4111-8111-111111111111' });
    expect(one.json<CallJson>()).toMatchObject({ pbxCallId: '1795425976.2', officeId: 'default' });
  });

  it('keeps every discipline record, now about its call (subject), status and evidence unchanged', async () => {
    const res = await api.inject({ method: 'GET', url: '/discipline-records' });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: RecordJson[] }>().items;
    // Fields later versions add are not checked here: only that nothing of these rows was lost.
    expect(items).toHaveLength(2);
    expect(items).toMatchObject([
      {
        id: '55555555-5555-4555-8555-555555555555',
        officeId: 'default',
        subject: { kind: 'call', id: '1795425999.7' },
        pbxCallId: '1795425999.7',
        type: 'mistake',
        status: 'confirmed',
        officer: '王五',
        deskEndpoint: 'desk',
        occurredAt: '2026-11-23T03:00:06.000Z',
        reason: 'entered by hand',
        evidence: [],
        createdAt: expect.any(String),
      },
      {
        id: '44444444-4444-4444-8444-444444444444',
        officeId: 'default',
        subject: { kind: 'call', id: '1795425976.2' },
        pbxCallId: '1795425976.2',
        type: 'absence',
        status: 'open',
        officer: null,
        deskEndpoint: 'desk',
        occurredAt: '2026-11-23T02:00:15.100Z',
        reason: 'desk rang 3 rings without answer',
        evidence: [{ at: '2026-11-23T02:00:15.100Z', what: 'desk rang 3 rings without answer: absence' }],
        createdAt: expect.any(String),
      },
    ]);
  });

  it('the upgraded keys: the same PBX call id in another office is another call; a record stays once per subject', async () => {
    const calls = new PrismaCallStore(db.prisma);
    const discipline = new PrismaDisciplineStore(db.prisma);
    const other = await calls.save(snapshot('1795425976.2', { officeId: 'branch', offeredAt: new Date('2026-11-24T01:00:00.000Z') }));
    expect(other.id).not.toBe('11111111-1111-4111-8111-111111111111');
    const again = await discipline.recordOnce(disciplineInput('1795425976.2'));
    expect(again).toMatchObject({ created: false, record: { id: '44444444-4444-4444-8444-444444444444' } });
    const res = await api.inject({ method: 'GET', url: '/calls?office=default' });
    expect(res.json<{ items: CallJson[] }>().items).toHaveLength(3);
  });
});

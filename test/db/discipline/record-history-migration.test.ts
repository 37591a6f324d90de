/**
 * A database of the version before the record history (offices and subjects, 2026-12-02) upgrades
 * with its records kept, each given the history it would have had: 'raised' when it was stored,
 * and the decision of one decided by hand.
 */
import { cp, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { defaultMigrationsDir } from '../../../src/platform/db/migrate.js';
import { createPgTestDatabase, createTempDir, DB_KINDS, testLogger } from '../../support/db.js';
import { disciplineInput } from '../../support/store-contract.js';

const RECORD_HISTORY = '20261202110000_record_history';

const SEED = `INSERT INTO discipline_records (id, office_id, subject_kind, subject_id, type, officer, desk_endpoint, occurred_at, reason, evidence, status, created_at)
  VALUES
  ('44444444-4444-4444-8444-444444444444', 'default', 'call', '1795425976.2', 'absence', NULL, 'desk', '2026-11-23T02:00:15.100Z',
   'desk rang 3 rings without answer', '[{"at":"2026-11-23T02:00:15.100Z","what":"desk rang 3 rings without answer: absence"}]', 'open', '2026-11-23T02:00:15.200Z'),
  ('55555555-5555-4555-8555-555555555555', 'default', 'call', '1795425999.7', 'mistake', '王五', 'desk', '2026-11-23T03:00:06.000Z',
   'entered by hand', '[]', 'confirmed', '2026-11-23T03:10:00.000Z'),
  ('66666666-6666-4666-8666-666666666666', 'city', 'shift', 'night-2026-11-23', 'mistake', NULL, NULL, '2026-11-23T14:00:00.000Z',
   'late hand-over', '[]', 'waived', '2026-11-23T15:00:00.000Z')`;

describe.each(DB_KINDS)('upgrading to the record history on %s', (kind) => {
  let db: Database;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const before = await createTempDir('dh-migrations-');
    cleanups.push(before.rm);
    for (const name of await readdir(defaultMigrationsDir())) {
      if (!/^\d{14}_/.test(name) || name >= RECORD_HISTORY) continue;
      await mkdir(join(before.path, name));
      await cp(join(defaultMigrationsDir(), name), join(before.path, name), { recursive: true });
    }
    let open: (migrationsDir?: string) => Promise<Database>;
    if (kind === 'postgres') {
      const created = await createPgTestDatabase();
      cleanups.push(created.drop);
      open = (migrationsDir) => openDatabase({ url: created.url, logger: testLogger, ...(migrationsDir && { migrationsDir }) });
    } else {
      const dir = await createTempDir();
      cleanups.push(dir.rm);
      open = (migrationsDir) => openDatabase({ dataDir: dir.path, logger: testLogger, ...(migrationsDir && { migrationsDir }) });
    }
    const old = await open(before.path);
    await old.prisma.$executeRawUnsafe(SEED);
    await old.close();
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('applies the record history migration', () => {
    expect(db.migrations?.applied).toContain(RECORD_HISTORY);
  });

  it('gives every stored record its history: raised when stored, by duty-hotline, and a decision set by hand', async () => {
    const discipline = new PrismaDisciplineStore(db.prisma);
    const history = async (id: string) => (await discipline.get(id))?.history.map((e) => ({ ...e, at: e.at.toISOString() }));
    expect(await history('44444444-4444-4444-8444-444444444444')).toEqual([
      { seq: 1, what: 'raised', actor: null, at: '2026-11-23T02:00:15.200Z', text: 'desk rang 3 rings without answer' },
    ]);
    expect(await history('55555555-5555-4555-8555-555555555555')).toEqual([
      { seq: 1, what: 'raised', actor: null, at: '2026-11-23T03:10:00.000Z', text: 'entered by hand' },
      { seq: 2, what: 'confirmed', actor: null, at: '2026-11-23T03:10:00.000Z', text: 'decided before records had a history (migration 20261202110000_record_history)' },
    ]);
    expect(await history('66666666-6666-4666-8666-666666666666')).toEqual([
      { seq: 1, what: 'raised', actor: null, at: '2026-11-23T15:00:00.000Z', text: 'late hand-over' },
      { seq: 2, what: 'waived', actor: null, at: '2026-11-23T15:00:00.000Z', text: 'decided before records had a history (migration 20261202110000_record_history)' },
    ]);
    const records = await discipline.list({ limit: 10, offset: 0 });
    expect(records.map((r) => [r.id, r.status, r.mistakeKind])).toEqual([
      ['66666666-6666-4666-8666-666666666666', 'waived', null],
      ['55555555-5555-4555-8555-555555555555', 'confirmed', null],
      ['44444444-4444-4444-8444-444444444444', 'open', null],
    ]);
  });

  it('an upgraded record goes on through the lifecycle, its history numbered on', async () => {
    const discipline = new PrismaDisciplineStore(db.prisma);
    const again = await discipline.recordOnce(disciplineInput('1795425976.2', { evidence: [...disciplineInput('x').evidence, { at: '2026-11-23T02:00:30.000Z', what: 'call ended' }] }));
    expect(again.created).toBe(false);
    const objected = await discipline.review('44444444-4444-4444-8444-444444444444', { kind: 'object', text: '在岗' }, '李四', new Date('2026-11-24T01:00:00.000Z'));
    expect(objected?.ok && objected.record.history.map((e) => [e.seq, e.what])).toEqual([
      [1, 'raised'],
      [2, 'evidence-completed'],
      [3, 'objected'],
    ]);
    const refused = await discipline.review('55555555-5555-4555-8555-555555555555', { kind: 'waive', reason: 'x' }, '王主任', new Date('2026-11-24T01:00:00.000Z'));
    expect(refused?.ok === false && refused.error).toEqual({ code: 'already-decided', status: 'confirmed', action: 'waive' });
  });
});

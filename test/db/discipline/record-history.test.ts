/**
 * The record lifecycle with its full history on PostgreSQL and PGlite: each change and its event
 * land in one transaction (or neither does), refused transitions change nothing, and nothing is
 * ever deleted or overwritten: row counts only grow and every stored event stays as it was.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { PrismaDisciplineStore } from '../../../src/discipline/prisma-discipline-store.js';
import type { Database } from '../../../src/platform/db/database.js';
import { DB_KINDS, truncateAll, useTestDatabase } from '../../support/db.js';
import { disciplineInput } from '../../support/store-contract.js';

const T = (iso: string) => new Date(iso);

interface EventRow {
  record_id: string;
  seq: number;
  what: string;
  actor: string | null;
  at: string;
  text: string;
}
interface RecordRow {
  id: string;
  status: string;
  evidence: string;
}

/** Both tables as rows, in a stable order (ids and times as text, so rows compare exactly). */
async function tables(db: Database): Promise<{ records: RecordRow[]; events: EventRow[] }> {
  const records = await db.prisma.$queryRawUnsafe<RecordRow[]>(`SELECT id::text AS id, status, evidence::text AS evidence FROM discipline_records ORDER BY id`);
  const events = await db.prisma.$queryRawUnsafe<EventRow[]>(
    `SELECT record_id::text AS record_id, seq, what, actor, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, text FROM discipline_record_events ORDER BY record_id, seq`,
  );
  return { records, events };
}

async function counts(db: Database): Promise<{ records: number; events: number }> {
  const [row] = await db.prisma.$queryRawUnsafe<{ records: number; events: number }[]>(
    'SELECT (SELECT count(*) FROM discipline_records)::int AS records, (SELECT count(*) FROM discipline_record_events)::int AS events',
  );
  return row!;
}

describe.each(DB_KINDS)('record history on %s', (kind) => {
  const t = useTestDatabase(kind);
  const store = () => new PrismaDisciplineStore(t.db.prisma);
  beforeEach(async () => {
    await truncateAll(t.db);
    await t.db.prisma.$executeRawUnsafe('TRUNCATE TABLE "discipline_record_events"');
  });

  it('raised → objected → confirmed: one row per event, the status on the record', async () => {
    const discipline = store();
    const { record } = await discipline.recordOnce(disciplineInput('life-1'));
    expect(await counts(t.db)).toEqual({ records: 1, events: 1 });
    await discipline.review(record.id, { kind: 'object', text: '我在岗，电话故障' }, '李四', T('2026-11-23T03:00:00.000Z'));
    expect(await counts(t.db)).toEqual({ records: 1, events: 2 });
    await discipline.review(record.id, { kind: 'confirm', reason: '电话经检测正常' }, '王主任', T('2026-11-23T04:00:00.000Z'));
    expect(await counts(t.db)).toEqual({ records: 1, events: 3 });

    const { records, events } = await tables(t.db);
    expect(records.map((r) => [r.id, r.status])).toEqual([[record.id, 'confirmed']]);
    expect(events).toEqual([
      { record_id: record.id, seq: 1, what: 'raised', actor: null, at: record.createdAt.toISOString(), text: '值班台响铃3声无人接听（离岗）' },
      { record_id: record.id, seq: 2, what: 'objected', actor: '李四', at: '2026-11-23T03:00:00.000Z', text: '我在岗，电话故障' },
      { record_id: record.id, seq: 3, what: 'confirmed', actor: '王主任', at: '2026-11-23T04:00:00.000Z', text: '电话经检测正常' },
    ]);
  });

  it('raised → waived', async () => {
    const discipline = store();
    const { record } = await discipline.recordOnce(disciplineInput('life-2'));
    await discipline.review(record.id, { kind: 'waive', reason: '系统误报' }, '王主任', T('2026-11-23T05:00:00.000Z'));
    const { records, events } = await tables(t.db);
    expect(records.map((r) => r.status)).toEqual(['waived']);
    expect(events.map(({ seq, what, actor, text }) => [seq, what, actor, text])).toEqual([
      [1, 'raised', null, '值班台响铃3声无人接听（离岗）'],
      [2, 'waived', '王主任', '系统误报'],
    ]);
  });

  it('illegal transitions are refused and change no row', async () => {
    const discipline = store();
    const { record } = await discipline.recordOnce(disciplineInput('life-3'));
    await discipline.review(record.id, { kind: 'object', text: '申诉' }, '李四', T('2026-11-23T03:00:00.000Z'));
    await discipline.review(record.id, { kind: 'waive', reason: '误报' }, '王主任', T('2026-11-23T04:00:00.000Z'));
    const before = await tables(t.db);
    const refused = await Promise.all([
      discipline.review(record.id, { kind: 'confirm', reason: 'x' }, '王主任', T('2026-11-23T05:00:00.000Z')),
      discipline.review(record.id, { kind: 'waive', reason: 'x' }, '王主任', T('2026-11-23T05:00:00.000Z')),
      discipline.review(record.id, { kind: 'object', text: 'x' }, '李四', T('2026-11-23T05:00:00.000Z')),
      discipline.review(record.id, { kind: 'confirm', reason: '' }, '王主任', T('2026-11-23T05:00:00.000Z')),
    ]);
    expect(refused.map((r) => r?.ok === false && r.error.code)).toEqual(['already-decided', 'already-decided', 'objection-after-decision', 'required']);
    expect(await tables(t.db)).toEqual(before);
  });

  it('nothing is deleted or overwritten: over a run of changes row counts only grow and every event stays as written', async () => {
    const discipline = store();
    let last = await tables(t.db);
    const steps: Array<() => Promise<unknown>> = [];
    const ids: string[] = [];
    const ending = { at: '2026-03-02T08:00:30.000Z', what: 'call ended (normal clearing)' };
    for (let i = 0; i < 4; i++) {
      const input = disciplineInput(`grow-${i}`);
      steps.push(async () => ids.push((await discipline.recordOnce(input)).record.id));
      steps.push(() => discipline.recordOnce(input));
      steps.push(() => discipline.recordOnce({ ...input, evidence: [...input.evidence, ending] }));
    }
    steps.push(() => discipline.raise(disciplineInput('h-1', { subject: { kind: 'hand-over', id: 'h-1' }, type: 'mistake', mistakeKind: 'hand-over', evidence: [] }), { what: 'raised', actor: '王主任', at: T('2026-11-23T01:00:00.000Z'), text: '交接不到位' }));
    for (const [i, action] of (['object', 'confirm', 'waive', 'object', 'confirm', 'waive', 'object', 'object'] as const).entries()) {
      steps.push(() => discipline.review(ids[i % 4]!, action === 'object' ? { kind: action, text: `申诉 ${i}` } : { kind: action, reason: `理由 ${i}` }, 'someone', T('2026-11-23T06:00:00.000Z')));
    }
    for (const step of steps) {
      await step();
      const now = await tables(t.db);
      expect(now.records.length).toBeGreaterThanOrEqual(last.records.length);
      expect(now.events.length).toBeGreaterThanOrEqual(last.events.length);
      // Every event stored before is still there, unchanged.
      for (const event of last.events) expect(now.events).toContainEqual(event);
      // A record's status only leaves 'open' once, and its id never goes away.
      for (const record of last.records) {
        const still = now.records.find((r) => r.id === record.id);
        expect(still).toBeDefined();
        if (record.status !== 'open') expect(still!.status).toBe(record.status);
      }
      last = now;
    }
    expect(await counts(t.db)).toEqual({ records: 5, events: 4 + 4 + 1 + 5 });
    // The status of every record is the last decision of its history.
    for (const record of last.records) {
      const decisions = last.events.filter((e) => e.record_id === record.id && (e.what === 'confirmed' || e.what === 'waived'));
      expect(decisions.length).toBeLessThanOrEqual(1);
      expect(record.status).toBe(decisions[0]?.what ?? 'open');
    }
  });

  describe('a change and its event land together, or neither does', () => {
    /** Makes the database refuse inserting events of the kind `what` until dropped. */
    async function refuseEvents(what: string): Promise<() => Promise<void>> {
      await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.what = '${what}' THEN RAISE EXCEPTION 'test: event refused'; END IF; RETURN NEW; END $$`);
      await t.db.prisma.$executeRawUnsafe('CREATE TRIGGER test_refuse_event BEFORE INSERT ON discipline_record_events FOR EACH ROW EXECUTE FUNCTION test_refuse_event()');
      return async () => {
        await t.db.prisma.$executeRawUnsafe('DROP TRIGGER test_refuse_event ON discipline_record_events');
        await t.db.prisma.$executeRawUnsafe('DROP FUNCTION test_refuse_event()');
      };
    }

    it('a decision whose event cannot be written leaves the record open', async () => {
      const discipline = store();
      const { record } = await discipline.recordOnce(disciplineInput('atomic-1'));
      const before = await tables(t.db);
      const allow = await refuseEvents('confirmed');
      try {
        await expect(discipline.review(record.id, { kind: 'confirm', reason: 'x' }, '王主任', T('2026-11-23T05:00:00.000Z'))).rejects.toThrow(/event refused/);
        expect(await tables(t.db)).toEqual(before);
      } finally {
        await allow();
      }
      await expect(discipline.review(record.id, { kind: 'confirm', reason: 'x' }, '王主任', T('2026-11-23T05:00:00.000Z'))).resolves.toMatchObject({ ok: true, record: { status: 'confirmed' } });
    });

    it("a record the rules raise whose 'raised' event cannot be written is not stored (the write queue tries again)", async () => {
      const discipline = store();
      const allow = await refuseEvents('raised');
      try {
        await expect(discipline.recordOnce(disciplineInput('atomic-2'))).rejects.toThrow(/event refused/);
        expect(await counts(t.db)).toEqual({ records: 0, events: 0 });
      } finally {
        await allow();
      }
      await expect(discipline.recordOnce(disciplineInput('atomic-2'))).resolves.toMatchObject({ created: true });
      expect(await counts(t.db)).toEqual({ records: 1, events: 1 });
    });

    it('completed evidence whose event cannot be written keeps the shorter evidence', async () => {
      const discipline = store();
      const input = disciplineInput('atomic-3');
      await discipline.recordOnce(input);
      const before = await tables(t.db);
      const allow = await refuseEvents('evidence-completed');
      try {
        await expect(discipline.recordOnce({ ...input, evidence: [...input.evidence, { at: '2026-03-02T08:00:30.000Z', what: 'call ended' }] })).rejects.toThrow(/event refused/);
        expect(await tables(t.db)).toEqual(before);
      } finally {
        await allow();
      }
    });
  });
});

import type { DisciplineRecord as DisciplineRow, DisciplineRecordEvent as EventRow, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { timeFilter } from '../platform/db/time-filter.js';
import { asDisciplineStatus, asDisciplineType, asSubjectKind, isUuid, timelineFromJson, timelineToJson } from '../platform/db/json-mapping.js';
import type { DisciplineQuery, DisciplineRecord, DisciplineRecordWithHistory, RecordHistoryEntry } from './discipline-record.js';
import type { DisciplineInput, MistakeKind } from '../core/discipline/discipline-model.js';
import type { OfficeId } from '../core/office.js';
import type { TallyRecord } from '../core/tally/monthly-tally.js';
import { evidenceCompleted, raisedByRules, replay, review, type RecordEvent, type RecordEventKind, type ReviewAction } from '../core/discipline/record-lifecycle.js';
import type { DisciplineStore, ReviewOutcome } from './discipline-store.js';

type Tx = Prisma.TransactionClient;

/**
 * Discipline records and their history (discipline_record_events) in PostgreSQL / PGlite. Rows are
 * mapped to the contract types; no Prisma type leaves this file.
 *
 * Every change runs in one transaction with its event. A change of an existing record first locks
 * its row (SELECT … FOR UPDATE), so changes of one record line up: each decides on the record as
 * the previous one left it, and its event takes the next number of the history (unique per
 * record, a second guard). Reading a record with its history takes a share lock, so the two agree.
 */
export class PrismaDisciplineStore implements DisciplineStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * INSERT … ON CONFLICT DO NOTHING RETURNING * (createManyAndReturn + skipDuplicates), in a
   * transaction with the 'raised' event: a concurrent insert of the same (officeId, subject, type)
   * waits for the other transaction and then returns nothing, after which the committed row is
   * locked and read. No unique-violation errors.
   */
  async recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }> {
    return this.#createOnce(input, async (tx, row) => {
      await append(tx, row.id, 1, raisedByRules(input, row.createdAt));
      return toDisciplineRecord(row);
    }, async (tx, row) => this.#completeEvidence(tx, toDisciplineRecord(row), input));
  }

  async recordMany(inputs: readonly DisciplineInput[]): Promise<number> {
    if (inputs.length === 0) return 0;
    const key = (i: { officeId: string; subjectKind: string; subjectId: string; type: string }) => `${i.officeId}\n${i.subjectKind}\n${i.subjectId}\n${i.type}`;
    // The last of a (subject, type) given twice: its evidence runs furthest.
    const last = new Map(inputs.map((input) => [key(columnsOf(input)), input]));
    const created = await this.prisma.$transaction(async (tx) => {
      const rows = await tx.disciplineRecord.createManyAndReturn({ data: [...last.values()].map(columnsOf), skipDuplicates: true });
      await tx.disciplineRecordEvent.createMany({ data: rows.map((row) => ({ recordId: row.id, seq: 1, ...raisedEventOf(last.get(key(row))!, row.createdAt) })) });
      return new Set(rows.map(key));
    });
    // Records that were there already: their evidence completed, one by one as recordOnce does.
    for (const [k, input] of last) if (!created.has(k)) await this.recordOnce(input);
    return created.size;
  }

  async raise(input: DisciplineInput, raised: RecordEvent): Promise<{ record: DisciplineRecordWithHistory; created: boolean }> {
    return this.#createOnce(input, async (tx, row) => ({ ...toDisciplineRecord(row), history: [await append(tx, row.id, 1, raised)] }), async (tx, row) => ({
      ...toDisciplineRecord(row),
      history: await historyOf(tx, row.id),
    }));
  }

  async get(id: string): Promise<DisciplineRecordWithHistory | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx) => {
      if (!(await lockById(tx, id, 'FOR SHARE'))) return null;
      const row = await tx.disciplineRecord.findUniqueOrThrow({ where: { id } });
      return { ...toDisciplineRecord(row), history: await historyOf(tx, id) };
    });
  }

  async review(id: string, action: ReviewAction, actor: string, at: Date): Promise<ReviewOutcome | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx): Promise<ReviewOutcome | null> => {
      if (!(await lockById(tx, id, 'FOR UPDATE'))) return null;
      const record = toDisciplineRecord(await tx.disciplineRecord.findUniqueOrThrow({ where: { id } }));
      const history = await historyOf(tx, id);
      const step = review({ status: record.status, objected: replay(history).objected }, action, actor, at);
      if (!step.ok) return { ok: false, error: step.error, record: { ...record, history } };
      if (step.state.status !== record.status) await tx.disciplineRecord.update({ where: { id }, data: { status: step.state.status } });
      const entry = await append(tx, id, nextSeq(history), step.event);
      return { ok: true, record: { ...record, status: step.state.status, history: [...history, entry] } };
    });
  }

  async list(query: DisciplineQuery): Promise<DisciplineRecord[]> {
    if (query.within?.length === 0) return [];
    const rows = await this.prisma.disciplineRecord.findMany({
      where: {
        ...(query.officeId ? { officeId: query.officeId } : {}),
        ...(query.from || query.to ? { occurredAt: timeFilter(query) } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.within ? { OR: query.within.map((r) => ({ occurredAt: timeFilter(r) })) } : {}),
        ...(query.noOneRostered === true ? { attributed: true, shiftId: null } : {}),
        ...(query.noOneRostered === false ? { NOT: { attributed: true, shiftId: null } } : {}),
      },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: query.limit,
      skip: query.offset,
    });
    return rows.map(toDisciplineRecord);
  }

  /**
   * One statement on the (office_id, occurred_at, id) index, only the columns the tally reads, as
   * ONE json array of arrays (the driver parses one value, not every row field by field).
   */
  async listForTally(query: { officeId: OfficeId; from: Date; to: Date }): Promise<TallyRecord[]> {
    const [result] = await this.prisma.$queryRaw<[{ rows: TallyTuple[] | string }]>`
      SELECT coalesce(json_agg(json_build_array("id", "type", "status", "mistake_kind", (extract(epoch from "occurred_at") * 1000)::bigint, "attributed", "shift_id", "officer_ids")
        ORDER BY "occurred_at", "id"), '[]') AS "rows"
      FROM "discipline_records" WHERE "office_id" = ${query.officeId} AND "occurred_at" >= ${query.from}::timestamptz AND "occurred_at" < ${query.to}::timestamptz`;
    const rows = result?.rows ?? [];
    return (typeof rows === 'string' ? (JSON.parse(rows) as TallyTuple[]) : rows).map(([id, type, status, mistakeKind, occurredAt, attributed, shiftId, officerIds]) => ({
      id,
      type: asDisciplineType(type),
      status: asDisciplineStatus(status),
      mistakeKind: asMistakeKind(mistakeKind),
      occurredAt: new Date(occurredAt),
      duty: attributed ? { shiftId, officerIds } : null,
    }));
  }

  /**
   * Creates the record of (officeId, subject, type) with `created` (its first event), or hands the
   * existing one, locked, to `existing`; all in one transaction. The conflicting row vanishing in
   * between (deleted by hand) is tried again.
   */
  async #createOnce<R>(input: DisciplineInput, created: (tx: Tx, row: DisciplineRow) => Promise<R>, existing: (tx: Tx, row: DisciplineRow) => Promise<R>): Promise<{ record: R; created: boolean }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.prisma.$transaction(async (tx) => {
        const [row] = await tx.disciplineRecord.createManyAndReturn({ data: [columnsOf(input)], skipDuplicates: true });
        if (row) return { record: await created(tx, row), created: true };
        const id = await lockByKey(tx, input);
        if (!id) return null;
        return { record: await existing(tx, await tx.disciplineRecord.findUniqueOrThrow({ where: { id } })), created: false };
      });
      if (result) return result;
    }
    throw new Error(`recordOnce(${input.officeId}, ${input.subject.kind} ${input.subject.id}, ${input.type}): conflicting row keeps disappearing`);
  }

  /** The same call seen further (see DisciplineStore.recordOnce): its longer evidence replaces the stored one, with an 'evidence-completed' event. */
  async #completeEvidence(tx: Tx, record: DisciplineRecord, input: DisciplineInput): Promise<DisciplineRecord> {
    const completed = evidenceCompleted(record.evidence, input.evidence, new Date());
    if (!completed) return record;
    await tx.disciplineRecord.update({ where: { id: record.id }, data: { evidence: timelineToJson(input.evidence) } });
    await append(tx, record.id, nextSeq(await historyOf(tx, record.id)), completed);
    return { ...record, evidence: input.evidence };
  }
}

/** Locks the record's row until the transaction ends; false when there is none. */
async function lockById(tx: Tx, id: string, mode: 'FOR UPDATE' | 'FOR SHARE'): Promise<boolean> {
  const rows =
    mode === 'FOR UPDATE'
      ? await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "discipline_records" WHERE "id" = ${id}::uuid FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "discipline_records" WHERE "id" = ${id}::uuid FOR SHARE`;
  return rows.length > 0;
}

/** Locks the row of (officeId, subject, type) until the transaction ends; its id, or null when there is none. */
async function lockByKey(tx: Tx, input: DisciplineInput): Promise<string | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id"::text AS "id" FROM "discipline_records"
    WHERE "office_id" = ${input.officeId} AND "subject_kind" = ${input.subject.kind} AND "subject_id" = ${input.subject.id} AND "type" = ${input.type}
    FOR UPDATE`;
  return rows[0]?.id ?? null;
}

async function historyOf(tx: Tx, recordId: string): Promise<RecordHistoryEntry[]> {
  const rows = await tx.disciplineRecordEvent.findMany({ where: { recordId }, orderBy: { seq: 'asc' } });
  return rows.map(toHistoryEntry);
}

const nextSeq = (history: readonly RecordHistoryEntry[]) => (history.at(-1)?.seq ?? 0) + 1;

const raisedEventOf = (input: DisciplineInput, at: Date) => {
  const event = raisedByRules(input, at);
  return { what: event.what, actor: event.actor, at: event.at, text: event.text };
};

async function append(tx: Tx, recordId: string, seq: number, event: RecordEvent): Promise<RecordHistoryEntry> {
  const row = await tx.disciplineRecordEvent.create({ data: { recordId, seq, what: event.what, actor: event.actor, at: event.at, text: event.text } });
  return toHistoryEntry(row);
}

function columnsOf(input: DisciplineInput) {
  return {
    officeId: input.officeId,
    subjectKind: input.subject.kind,
    subjectId: input.subject.id,
    type: input.type,
    mistakeKind: input.mistakeKind ?? null,
    officer: input.officer,
    attributed: input.duty != null,
    shiftId: input.duty?.shiftId ?? null,
    shiftLabel: input.duty?.shiftLabel ?? null,
    officerIds: input.duty?.officerIds ?? [],
    officerNames: input.duty?.officers ?? [],
    leaderId: input.duty?.leaderId ?? null,
    leader: input.duty?.leader ?? null,
    deskEndpoint: input.deskEndpoint,
    occurredAt: input.occurredAt,
    reason: input.reason,
    evidence: timelineToJson(input.evidence),
  };
}

type TallyTuple = [string, string, string, string | null, number, boolean, string | null, string[]];

// Text columns hold values of the contract's unions (see platform/db/json-mapping.ts): read as they are.
const asMistakeKind = (value: string | null): MistakeKind | null => value as MistakeKind | null;
const asEventKind = (value: string): RecordEventKind => value as RecordEventKind;

function toHistoryEntry(row: EventRow): RecordHistoryEntry {
  return { seq: row.seq, what: asEventKind(row.what), actor: row.actor, at: row.at, text: row.text };
}

function toDisciplineRecord(row: DisciplineRow): DisciplineRecord {
  return {
    id: row.id,
    officeId: row.officeId,
    subject: { kind: asSubjectKind(row.subjectKind), id: row.subjectId },
    type: asDisciplineType(row.type),
    mistakeKind: asMistakeKind(row.mistakeKind),
    officer: row.officer,
    duty: row.attributed ? { shiftId: row.shiftId, shiftLabel: row.shiftLabel, officerIds: row.officerIds, officers: row.officerNames, leaderId: row.leaderId, leader: row.leader } : null,
    deskEndpoint: row.deskEndpoint,
    occurredAt: row.occurredAt,
    reason: row.reason,
    evidence: timelineFromJson(row.evidence),
    status: asDisciplineStatus(row.status),
    createdAt: row.createdAt,
  };
}

import type { DisciplineRecord as DisciplineRow, PrismaClient } from '../generated/prisma/client.js';
import { asDisciplineStatus, asDisciplineType, asSubjectKind, timelineFromJson, timelineToJson } from '../platform/db/json-mapping.js';
import type { DisciplineQuery, DisciplineRecord } from './discipline-record.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';
import { extendsEvidence, type DisciplineStore } from './discipline-store.js';

/** Discipline records in PostgreSQL / PGlite. Rows are mapped to the contract types; no Prisma type leaves this file. */
export class PrismaDisciplineStore implements DisciplineStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * INSERT … ON CONFLICT DO NOTHING RETURNING * (createManyAndReturn + skipDuplicates):
   * a concurrent insert of the same (officeId, subject, type) waits for the other transaction and
   * then returns nothing, after which the committed row is read. No unique-violation errors.
   */
  async recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [created] = await this.prisma.disciplineRecord.createManyAndReturn({
        data: [
          {
            officeId: input.officeId,
            subjectKind: input.subject.kind,
            subjectId: input.subject.id,
            type: input.type,
            officer: input.officer,
            deskEndpoint: input.deskEndpoint,
            occurredAt: input.occurredAt,
            reason: input.reason,
            evidence: timelineToJson(input.evidence),
          },
        ],
        skipDuplicates: true,
      });
      if (created) return { record: toDisciplineRecord(created), created: true };
      const existing = await this.prisma.disciplineRecord.findUnique({
        where: { officeId_subjectKind_subjectId_type: { officeId: input.officeId, subjectKind: input.subject.kind, subjectId: input.subject.id, type: input.type } },
      });
      if (existing) return { record: await this.#completeEvidence(toDisciplineRecord(existing), input), created: false };
      // The conflicting row vanished in between (deleted by hand): try again.
    }
    throw new Error(`recordOnce(${input.officeId}, ${input.subject.kind} ${input.subject.id}, ${input.type}): conflicting row keeps disappearing`);
  }

  /** The same call seen further (see DisciplineStore.recordOnce): its longer evidence replaces the stored one. */
  async #completeEvidence(record: DisciplineRecord, input: DisciplineInput): Promise<DisciplineRecord> {
    if (!extendsEvidence(input, record)) return record;
    await this.prisma.disciplineRecord.update({ where: { id: record.id }, data: { evidence: timelineToJson(input.evidence) } });
    return { ...record, evidence: input.evidence };
  }

  async list(query: DisciplineQuery): Promise<DisciplineRecord[]> {
    const rows = await this.prisma.disciplineRecord.findMany({
      where: {
        ...(query.officeId ? { officeId: query.officeId } : {}),
        ...(query.from || query.to ? { occurredAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: query.limit,
      skip: query.offset,
    });
    return rows.map(toDisciplineRecord);
  }
}

function toDisciplineRecord(row: DisciplineRow): DisciplineRecord {
  return {
    id: row.id,
    officeId: row.officeId,
    subject: { kind: asSubjectKind(row.subjectKind), id: row.subjectId },
    type: asDisciplineType(row.type),
    officer: row.officer,
    deskEndpoint: row.deskEndpoint,
    occurredAt: row.occurredAt,
    reason: row.reason,
    evidence: timelineFromJson(row.evidence),
    status: asDisciplineStatus(row.status),
    createdAt: row.createdAt,
  };
}

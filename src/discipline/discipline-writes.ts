/**
 * Discipline records as a kind of write (kind 'discipline'): one lane per subject (officeId,
 * subject kind, subject id), one target per record type in it, the latest wins (the evidence
 * completed at the call's end), stored by DisciplineStore.recordOnce; and their facts.
 */
import Type from 'typebox';
import { callSubject, type DisciplineInput, type MistakeKind } from '../core/discipline/discipline-model.js';
import { DEFAULT_OFFICE_ID, type OfficeId } from '../core/office.js';
import { asDisciplineType, asSubjectKind } from '../platform/db/json-mapping.js';
import type { AnyFact } from '../platform/events/event-bus.js';
import { Instant, Nullable, TimelineJson } from '../platform/json-schema.js';
import { spillCodec, type KindWriter, type WriteKind } from '../platform/outbox/write-kind.js';
import type { DisciplineRecord } from './discipline-record.js';
import type { DisciplineStore } from './discipline-store.js';

export interface RecordFact {
  officeId: OfficeId;
  /** The record as stored by the write that published the fact. */
  record: DisciplineRecord;
}

/**
 * record.raised: the write created the record (recordOnce's `created`). record.completed: the
 * write carried the record's evidence completed at the call's end. A record decided and then
 * completed before either write landed gives both, once.
 */
export interface DisciplineFacts {
  'record.raised': RecordFact;
  'record.completed': RecordFact;
}

// Type and subject kind are plain strings: a value added by a newer version must still land.
const recordFields = {
  // Added 2026-12 with offices: files written before are of the office "default".
  officeId: Type.Optional(Type.String({ minLength: 1 })),
  type: Type.String({ minLength: 1 }),
  // Added 2026-12 with the record review; absent before (and for an absence).
  mistakeKind: Type.Optional(Nullable(Type.String({ minLength: 1 }))),
  officer: Nullable(Type.String()),
  // Added 2026-12 with the roster: absent before (not attributed).
  duty: Type.Optional(
    Nullable(
      Type.Object({
        shiftId: Nullable(Type.String()),
        shiftLabel: Nullable(Type.String()),
        officerIds: Type.Array(Type.String()),
        officers: Type.Array(Type.String()),
        leaderId: Nullable(Type.String()),
        leader: Nullable(Type.String()),
      }),
    ),
  ),
  deskEndpoint: Nullable(Type.String()),
  occurredAt: Instant,
  reason: Type.String(),
  evidence: TimelineJson,
};
const SpilledRecord = Type.Union([
  Type.Object({ ...recordFields, subject: Type.Object({ kind: Type.String({ minLength: 1 }), id: Type.String({ minLength: 1 }) }) }),
  // Before 2026-12 a record was about a call, named by its PBX id.
  Type.Object({ ...recordFields, pbxCallId: Type.String({ minLength: 1 }) }),
]);

function toInput(d: Type.Static<typeof SpilledRecord>): DisciplineInput {
  return {
    officeId: d.officeId ?? DEFAULT_OFFICE_ID,
    subject: 'subject' in d ? { kind: asSubjectKind(d.subject.kind), id: d.subject.id } : callSubject(d.pbxCallId),
    type: asDisciplineType(d.type),
    ...(d.mistakeKind != null && { mistakeKind: d.mistakeKind as MistakeKind }),
    officer: d.officer,
    ...(d.duty != null && { duty: { shiftId: d.duty.shiftId, shiftLabel: d.duty.shiftLabel, officerIds: d.duty.officerIds, officers: d.duty.officers, leaderId: d.duty.leaderId, leader: d.duty.leader } }),
    deskEndpoint: d.deskEndpoint,
    occurredAt: new Date(d.occurredAt),
    reason: d.reason,
    evidence: d.evidence.map(({ at, what }) => ({ at, what })),
  };
}

const laneOf = (r: DisciplineInput) => JSON.stringify([r.officeId, r.subject.kind, r.subject.id]);

export function disciplineWriteKind(store: Pick<DisciplineStore, 'recordOnce'>): WriteKind<DisciplineInput, { record: DisciplineRecord; created: boolean }, AnyFact<DisciplineFacts>> {
  return {
    name: 'discipline',
    lane: laneOf,
    target: (r) => JSON.stringify([r.officeId, r.subject.kind, r.subject.id, r.type]),
    merge: (_pending, incoming) => incoming,
    handle: (input) => store.recordOnce(input),
    facts(_input, { record, created }, carried) {
      const { officeId } = record;
      return [
        ...(created ? [{ name: 'record.raised' as const, officeId, record }] : []),
        ...(carried.has('record.completed') ? [{ name: 'record.completed' as const, officeId, record }] : []),
      ];
    },
    spill: spillCodec(SpilledRecord, toInput, { array: 'discipline' }),
  };
}

/** The queue's writer of discipline records. */
export class DisciplineWrites {
  constructor(private readonly writer: KindWriter<DisciplineInput>) {}

  /** Queue a record (created once per subject and type). `completed`: its evidence now runs to the call's end. Returns at once. */
  record(input: DisciplineInput, completed: boolean): void {
    this.writer.write(input, completed ? ['record.completed'] : []);
  }
}

/** Registers kind 'discipline' with the queue. */
export function registerDisciplineWrites(
  queue: { register(kind: WriteKind<DisciplineInput, { record: DisciplineRecord; created: boolean }, AnyFact<DisciplineFacts>>): KindWriter<DisciplineInput> },
  store: Pick<DisciplineStore, 'recordOnce'>,
): DisciplineWrites {
  return new DisciplineWrites(queue.register(disciplineWriteKind(store)));
}

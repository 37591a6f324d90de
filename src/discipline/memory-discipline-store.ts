import { randomUUID } from 'node:crypto';
import type { DisciplineQuery, DisciplineRecord, DisciplineRecordWithHistory, RecordHistoryEntry } from './discipline-record.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';
import type { OfficeId } from '../core/office.js';
import type { TallyRecord } from '../core/tally/monthly-tally.js';
import { inAnyRange } from '../core/time-range.js';
import { evidenceCompleted, raisedByRules, replay, review, type RecordEvent, type ReviewAction } from '../core/discipline/record-lifecycle.js';
import { isUuid } from '../platform/db/json-mapping.js';
import type { DisciplineStore, ReviewOutcome } from './discipline-store.js';

/**
 * In-memory DisciplineStore with the same semantics as PrismaDisciplineStore: one record
 * per (officeId, subject, type) whose evidence only grows, status 'open' on creation, list ordered by occurredAt desc then
 * id desc, from inclusive / to exclusive; an append-only history per record, each change and its
 * event made together (no await between reading a record and writing it). Returns copies.
 */
export class MemoryDisciplineStore implements DisciplineStore {
  readonly #byKey = new Map<string, DisciplineRecord>();
  readonly #byId = new Map<string, DisciplineRecord>();
  readonly #history = new Map<string, RecordHistoryEntry[]>();

  async recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }> {
    const existing = this.#byKey.get(keyOf(input));
    if (existing) {
      const completed = evidenceCompleted(existing.evidence, input.evidence, new Date());
      if (completed) {
        existing.evidence = structuredClone(input.evidence);
        this.#append(existing.id, completed);
      }
      return { record: structuredClone(existing), created: false };
    }
    const record = this.#create(input);
    this.#append(record.id, raisedByRules(input, record.createdAt));
    return { record: structuredClone(record), created: true };
  }

  async raise(input: DisciplineInput, raised: RecordEvent): Promise<{ record: DisciplineRecordWithHistory; created: boolean }> {
    const existing = this.#byKey.get(keyOf(input));
    if (existing) return { record: this.#withHistory(existing), created: false };
    const record = this.#create(input);
    this.#append(record.id, raised);
    return { record: this.#withHistory(record), created: true };
  }

  async get(id: string): Promise<DisciplineRecordWithHistory | null> {
    const record = isUuid(id) ? this.#byId.get(id.toLowerCase()) : undefined;
    return record ? this.#withHistory(record) : null;
  }

  async review(id: string, action: ReviewAction, actor: string, at: Date): Promise<ReviewOutcome | null> {
    const record = isUuid(id) ? this.#byId.get(id.toLowerCase()) : undefined;
    if (!record) return null;
    const history = this.#history.get(record.id) ?? [];
    const step = review({ status: record.status, objected: replay(history).objected }, action, actor, at);
    if (!step.ok) return { ok: false, error: step.error, record: this.#withHistory(record) };
    record.status = step.state.status;
    this.#append(record.id, step.event);
    return { ok: true, record: this.#withHistory(record) };
  }

  async recordMany(inputs: readonly DisciplineInput[]): Promise<number> {
    // As the Prisma store: the last of a (subject, type) given twice.
    const last = new Map(inputs.map((i) => [JSON.stringify([i.officeId, i.subject.kind, i.subject.id, i.type]), i]));
    let created = 0;
    for (const input of last.values()) if ((await this.recordOnce(input)).created) created++;
    return created;
  }

  async list(query: DisciplineQuery): Promise<DisciplineRecord[]> {
    return [...this.#byKey.values()]
      .filter(
        (r) =>
          (!query.officeId || r.officeId === query.officeId) &&
          (!query.from || r.occurredAt.getTime() >= query.from.getTime()) &&
          (!query.to || r.occurredAt.getTime() < query.to.getTime()) &&
          (!query.within || inAnyRange(r.occurredAt, query.within)) &&
          (query.noOneRostered === undefined || (r.duty !== null && r.duty.shiftId === null) === query.noOneRostered) &&
          (!query.type || r.type === query.type) &&
          (!query.status || r.status === query.status),
      )
      .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(query.offset, query.offset + query.limit)
      .map((r) => structuredClone(r));
  }

  async listForTally(query: { officeId: OfficeId; from: Date; to: Date }): Promise<TallyRecord[]> {
    return [...this.#byKey.values()]
      .filter((r) => r.officeId === query.officeId && r.occurredAt.getTime() >= query.from.getTime() && r.occurredAt.getTime() < query.to.getTime())
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => ({ id: r.id, type: r.type, status: r.status, mistakeKind: r.mistakeKind, occurredAt: new Date(r.occurredAt), duty: r.duty && { shiftId: r.duty.shiftId, officerIds: [...r.duty.officerIds] } }));
  }

  /** Test helper: how many records are stored. */
  get size(): number {
    return this.#byKey.size;
  }

  /** Test helper: how many history events are stored, over all records. */
  get eventCount(): number {
    let n = 0;
    for (const events of this.#history.values()) n += events.length;
    return n;
  }

  #create(input: DisciplineInput): DisciplineRecord {
    const { mistakeKind, duty, ...rest } = structuredClone(input);
    const record: DisciplineRecord = { ...rest, mistakeKind: mistakeKind ?? null, duty: duty ?? null, id: randomUUID(), status: 'open', createdAt: new Date() };
    this.#byKey.set(keyOf(input), record);
    this.#byId.set(record.id, record);
    return record;
  }

  #append(recordId: string, event: RecordEvent): void {
    const history = this.#history.get(recordId) ?? [];
    history.push({ seq: history.length + 1, ...structuredClone(event) });
    this.#history.set(recordId, history);
  }

  #withHistory(record: DisciplineRecord): DisciplineRecordWithHistory {
    return { ...structuredClone(record), history: structuredClone(this.#history.get(record.id) ?? []) };
  }
}

const keyOf = (input: DisciplineInput) => JSON.stringify([input.officeId, input.subject.kind, input.subject.id, input.type]);

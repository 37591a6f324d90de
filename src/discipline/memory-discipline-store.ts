import { randomUUID } from 'node:crypto';
import type { DisciplineQuery, DisciplineRecord } from './discipline-record.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';
import { extendsEvidence, type DisciplineStore } from './discipline-store.js';

/**
 * In-memory DisciplineStore with the same semantics as PrismaDisciplineStore: one record
 * per (officeId, subject, type) whose evidence only grows, status 'open' on creation, list ordered by occurredAt desc then
 * id desc, from inclusive / to exclusive. Returns copies.
 */
export class MemoryDisciplineStore implements DisciplineStore {
  readonly #byKey = new Map<string, DisciplineRecord>();

  async recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }> {
    const key = JSON.stringify([input.officeId, input.subject.kind, input.subject.id, input.type]);
    const existing = this.#byKey.get(key);
    if (existing) {
      if (extendsEvidence(input, existing)) existing.evidence = structuredClone(input.evidence);
      return { record: structuredClone(existing), created: false };
    }
    const record: DisciplineRecord = { ...structuredClone(input), id: randomUUID(), status: 'open', createdAt: new Date() };
    this.#byKey.set(key, record);
    return { record: structuredClone(record), created: true };
  }

  async list(query: DisciplineQuery): Promise<DisciplineRecord[]> {
    return [...this.#byKey.values()]
      .filter(
        (r) =>
          (!query.officeId || r.officeId === query.officeId) &&
          (!query.from || r.occurredAt.getTime() >= query.from.getTime()) &&
          (!query.to || r.occurredAt.getTime() < query.to.getTime()) &&
          (!query.type || r.type === query.type) &&
          (!query.status || r.status === query.status),
      )
      .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(query.offset, query.offset + query.limit)
      .map((r) => structuredClone(r));
  }

  /** Test helper: how many records are stored. */
  get size(): number {
    return this.#byKey.size;
  }
}

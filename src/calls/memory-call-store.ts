import { randomUUID } from 'node:crypto';
import type { CallQuery, CallRecord } from './call-record.js';
import type { CallOutcome, CallSnapshot } from '../core/call/call-model.js';
import type { OfficeId } from '../core/office.js';
import { inAnyRange } from '../core/time-range.js';
import type { CallCursor, CallFilter, CallStore, ExportCallRow, ReportCallQuery, ReportCallRow, TallyCallRow } from './call-store.js';

/**
 * In-memory CallStore with the same semantics as PrismaCallStore: one record per
 * (officeId, pbxCallId), officer fields kept across saves, list and listAfter ordered by offeredAt desc then id desc,
 * from inclusive / to exclusive, listOpen by offeredAt asc then id asc. Returns copies, like a database would.
 */
export class MemoryCallStore implements CallStore {
  readonly #byCall = new Map<string, CallRecord>();

  async saveMany(snapshots: readonly CallSnapshot[]): Promise<void> {
    for (const snapshot of snapshots) await this.save(snapshot);
  }

  async save(snapshot: CallSnapshot): Promise<CallRecord> {
    const now = new Date();
    const key = JSON.stringify([snapshot.officeId, snapshot.pbxCallId]);
    const existing = this.#byCall.get(key);
    const record: CallRecord = {
      ...clone(snapshot),
      id: existing?.id ?? randomUUID(),
      callerUnit: existing?.callerUnit ?? null,
      content: existing?.content ?? null,
      handling: existing?.handling ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.#byCall.set(key, record);
    return clone(record);
  }

  async get(id: string): Promise<CallRecord | null> {
    for (const record of this.#byCall.values()) if (record.id === id) return clone(record);
    return null;
  }

  async list(query: CallQuery): Promise<CallRecord[]> {
    return this.#matching(query)
      .slice(query.offset, query.offset + query.limit)
      .map(clone);
  }

  async listAfter(query: CallFilter, after: CallCursor | null, limit: number): Promise<ExportCallRow[]> {
    const rest = after ? this.#matching(query).filter((r) => newestFirst(r, after) > 0) : this.#matching(query);
    return rest.slice(0, limit).map(({ timeline: _t, callerUnit: _u, content: _c, handling: _h, createdAt: _a, updatedAt: _b, ...row }) => clone(row));
  }

  /** The entries matching `query`, newest first (then id desc); not copies. */
  #matching(query: CallFilter): CallRecord[] {
    return [...this.#byCall.values()]
      .filter(
        (r) =>
          (!query.officeId || r.officeId === query.officeId) &&
          (!query.direction || r.direction === query.direction) &&
          (!query.from || r.offeredAt.getTime() >= query.from.getTime()) &&
          (!query.to || r.offeredAt.getTime() < query.to.getTime()) &&
          (!query.within || inAnyRange(r.offeredAt, query.within)) &&
          (!query.outcome || r.outcome === query.outcome) &&
          (query.reachedNobody === undefined || r.reachedNobody === query.reachedNobody),
      )
      .sort(newestFirst);
  }

  async listForReport(query: ReportCallQuery): Promise<ReportCallRow[]> {
    return [...this.#byCall.values()]
      .filter(
        (r) =>
          r.officeId === query.officeId &&
          r.offeredAt.getTime() >= query.from.getTime() &&
          r.offeredAt.getTime() < query.to.getTime() &&
          (!query.direction || r.direction === query.direction) &&
          (!query.outcomes || query.outcomes.includes(r.outcome)),
      )
      .sort((a, b) => -newestFirst(a, b))
      .map(({ id, pbxCallId, direction, offeredAt, deskEndpoint, answeredAt, outcome, ringCount }) => clone({ id, pbxCallId, direction, offeredAt, deskEndpoint, answeredAt, outcome, ringCount }));
  }

  async listForTally(query: Pick<ReportCallQuery, 'officeId' | 'from' | 'to'>): Promise<TallyCallRow[]> {
    return (await this.listForReport({ ...query, direction: 'inbound' }))
      .filter((r) => r.deskEndpoint !== null)
      .map(({ pbxCallId, direction, offeredAt, deskEndpoint, answeredAt, outcome, ringCount }) => ({ pbxCallId, direction, offeredAt, deskEndpoint, answeredAt, outcome, ringCount }));
  }

  async outcomesOf(officeId: OfficeId, pbxCallIds: readonly string[]): Promise<Map<string, CallOutcome>> {
    const wanted = new Set(pbxCallIds);
    return new Map([...this.#byCall.values()].filter((r) => r.officeId === officeId && wanted.has(r.pbxCallId)).map((r) => [r.pbxCallId, r.outcome]));
  }

  async listOpen(officeId: OfficeId): Promise<CallRecord[]> {
    return [...this.#byCall.values()]
      .filter((r) => r.officeId === officeId && r.endedAt === null)
      .sort((a, b) => a.offeredAt.getTime() - b.offeredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(clone);
  }

  /** Test helper: how many records are stored. */
  get size(): number {
    return this.#byCall.size;
  }
}

/** List order: offeredAt desc, then id desc (negative: a comes first). */
function newestFirst(a: CallCursor, b: CallCursor): number {
  return b.offeredAt.getTime() - a.offeredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

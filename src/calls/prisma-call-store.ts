import type { CallLogEntry as CallLogEntryRow, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { timeFilter } from '../platform/db/time-filter.js';
import { asDirection, asOutcome, isUuid, timelineFromJson, timelineToJson } from '../platform/db/json-mapping.js';
import type { CallQuery, CallRecord } from './call-record.js';
import { snapshotOf, type CallSnapshot } from '../core/call/call-model.js';
import type { OfficeId } from '../core/office.js';
import type { CallCursor, CallFilter, CallStore } from './call-store.js';

/** Call log in PostgreSQL / PGlite. Rows are mapped to the contract types; no Prisma type leaves this file. */
export class PrismaCallStore implements CallStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * One statement, INSERT … ON CONFLICT (office_id, pbx_call_id) DO UPDATE (Prisma's native upsert:
   * one unique field in `where`, same value in `create`, no nested writes), so concurrent
   * saves of one call can neither create a second row nor fail on the unique key.
   * The officer-completed fields are never touched.
   */
  async save(snapshot: CallSnapshot): Promise<CallRecord> {
    const data = snapshotColumns(snapshot);
    const row = await this.prisma.callLogEntry.upsert({
      where: { officeId_pbxCallId: { officeId: snapshot.officeId, pbxCallId: snapshot.pbxCallId } },
      create: data,
      update: data,
    });
    return toCallRecord(row);
  }

  async get(id: string): Promise<CallRecord | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.callLogEntry.findUnique({ where: { id } });
    return row ? toCallRecord(row) : null;
  }

  async list(query: CallQuery): Promise<CallRecord[]> {
    if (query.within?.length === 0) return [];
    const rows = await this.prisma.callLogEntry.findMany({
      where: whereOf(query),
      // id breaks ties so that pages are stable.
      orderBy: LIST_ORDER,
      take: query.limit,
      skip: query.offset,
    });
    return rows.map(toCallRecord);
  }

  /**
   * (offered_at, id) < cursor, spelled as Prisma can: offered_at < t OR (offered_at = t AND id < i),
   * in list's order, with no OFFSET: each page costs the same however deep (the offered_at index
   * serves the range; ties on offered_at are sorted by id).
   */
  async listAfter(query: CallFilter, after: CallCursor | null, limit: number): Promise<CallRecord[]> {
    if (query.within?.length === 0) return [];
    if (after && !isUuid(after.id)) throw new TypeError(`listAfter: cursor id ${JSON.stringify(after.id)} is no call-log id`);
    const rows = await this.prisma.callLogEntry.findMany({
      where: after ? { AND: [whereOf(query), { OR: [{ offeredAt: { lt: after.offeredAt } }, { offeredAt: after.offeredAt, id: { lt: after.id } }] }] } : whereOf(query),
      orderBy: LIST_ORDER,
      take: limit,
    });
    return rows.map(toCallRecord);
  }

  /** A scan of ended_at IS NULL: run once per AMI connection, on a table of a few calls a minute. */
  async listOpen(officeId: OfficeId): Promise<CallRecord[]> {
    const rows = await this.prisma.callLogEntry.findMany({
      where: { officeId, endedAt: null },
      orderBy: [{ offeredAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toCallRecord);
  }
}

/** Newest first; id breaks ties so that pages are stable. */
const LIST_ORDER: Prisma.CallLogEntryOrderByWithRelationInput[] = [{ offeredAt: 'desc' }, { id: 'desc' }];

function whereOf(query: CallFilter): Prisma.CallLogEntryWhereInput {
  return {
    ...(query.officeId ? { officeId: query.officeId } : {}),
    ...(query.direction ? { direction: query.direction } : {}),
    ...(query.from || query.to ? { offeredAt: timeFilter(query) } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.reachedNobody !== undefined ? { reachedNobody: query.reachedNobody } : {}),
    ...(query.within ? { OR: query.within.map((r) => ({ offeredAt: timeFilter(r) })) } : {}),
  };
}

function snapshotColumns(s: CallSnapshot) {
  return { ...snapshotOf(s), timeline: timelineToJson(s.timeline) };
}

function toCallRecord(row: CallLogEntryRow): CallRecord {
  return {
    id: row.id,
    officeId: row.officeId,
    pbxCallId: row.pbxCallId,
    direction: asDirection(row.direction),
    callerNumber: row.callerNumber,
    callerName: row.callerName,
    dialed: row.dialed,
    offeredAt: row.offeredAt,
    deskEndpoint: row.deskEndpoint,
    deskRingingAt: row.deskRingingAt,
    answeredAt: row.answeredAt,
    answeredBy: row.answeredBy,
    ringCount: row.ringCount,
    endedAt: row.endedAt,
    outcome: asOutcome(row.outcome),
    reachedNobody: row.reachedNobody,
    timeline: timelineFromJson(row.timeline),
    callerUnit: row.callerUnit,
    content: row.content,
    handling: row.handling,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

import { Prisma, type CallLogEntry as CallLogEntryRow, type PrismaClient } from '../generated/prisma/client.js';
import { timeFilter } from '../platform/db/time-filter.js';
import { asDirection, asOutcome, isUuid, timelineFromJson, timelineToJson } from '../platform/db/json-mapping.js';
import type { CallQuery, CallRecord } from './call-record.js';
import { snapshotOf, type CallOutcome, type CallSnapshot } from '../core/call/call-model.js';
import type { OfficeId } from '../core/office.js';
import type { CallCursor, CallFilter, CallStore, ExportCallRow, ReportCallQuery, ReportCallRow, TallyCallRow } from './call-store.js';

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

  /**
   * INSERT … ON CONFLICT (office_id, pbx_call_id) DO UPDATE, SAVE_MANY_CHUNK rows a statement:
   * the columns save() writes, the officer-completed ones untouched. A call given twice: the last wins.
   */
  async saveMany(snapshots: readonly CallSnapshot[]): Promise<void> {
    const last = [...new Map(snapshots.map((s) => [`${s.officeId}\n${s.pbxCallId}`, s])).values()];
    for (let i = 0; i < last.length; i += SAVE_MANY_CHUNK) {
      const rows = last.slice(i, i + SAVE_MANY_CHUNK).map(
        (s) => Prisma.sql`(${s.officeId}, ${s.pbxCallId}, ${s.direction}, ${s.callerNumber}, ${s.callerName}, ${s.dialed}, ${s.offeredAt}::timestamptz, ${s.deskEndpoint},
          ${s.deskRingingAt}::timestamptz, ${s.answeredAt}::timestamptz, ${s.answeredBy}, ${s.ringCount}::int, ${s.endedAt}::timestamptz, ${s.outcome}, ${s.reachedNobody}, ${JSON.stringify(timelineToJson(s.timeline))}::jsonb, now())`,
      );
      await this.prisma.$executeRaw`
        INSERT INTO "call_log_entries" ("office_id", "pbx_call_id", "direction", "caller_number", "caller_name", "dialed", "offered_at", "desk_endpoint",
          "desk_ringing_at", "answered_at", "answered_by", "ring_count", "ended_at", "outcome", "reached_nobody", "timeline", "updated_at")
        VALUES ${Prisma.join(rows)}
        ON CONFLICT ("office_id", "pbx_call_id") DO UPDATE SET
          "direction" = EXCLUDED."direction", "caller_number" = EXCLUDED."caller_number", "caller_name" = EXCLUDED."caller_name", "dialed" = EXCLUDED."dialed",
          "offered_at" = EXCLUDED."offered_at", "desk_endpoint" = EXCLUDED."desk_endpoint", "desk_ringing_at" = EXCLUDED."desk_ringing_at",
          "answered_at" = EXCLUDED."answered_at", "answered_by" = EXCLUDED."answered_by", "ring_count" = EXCLUDED."ring_count", "ended_at" = EXCLUDED."ended_at",
          "outcome" = EXCLUDED."outcome", "reached_nobody" = EXCLUDED."reached_nobody", "timeline" = EXCLUDED."timeline", "updated_at" = now()`;
    }
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
   * One statement of raw SQL: (offered_at, id) < cursor as a row comparison, in list's order, with
   * no OFFSET, so the (office_id, offered_at DESC, id DESC) index walks straight to the cursor and
   * each page costs the same however deep. The page comes back as ONE json value (see jsonRows).
   */
  async listAfter(query: CallFilter, after: CallCursor | null, limit: number): Promise<ExportCallRow[]> {
    if (query.within?.length === 0) return [];
    if (after && !isUuid(after.id)) throw new TypeError(`listAfter: cursor id ${JSON.stringify(after.id)} is no call-log id`);
    const where = conditionsOf(query);
    if (after) where.push(Prisma.sql`("offered_at", "id") < (${after.offeredAt}::timestamptz, ${after.id}::uuid)`);
    const [result] = await this.prisma.$queryRaw<[{ rows: ExportTuple[] }]>`
      SELECT coalesce(json_agg(json_build_array(${EXPORT_TUPLE}) ORDER BY "offered_at" DESC, "id" DESC), '[]') AS "rows"
      FROM (SELECT * FROM "call_log_entries" WHERE ${Prisma.join(where, ' AND ')} ORDER BY "offered_at" DESC, "id" DESC LIMIT ${limit}) AS "page"`;
    return jsonRows(result).map(fromExportTuple);
  }

  /**
   * One statement on the (office_id, offered_at, id) index, only the columns a report reads, as ONE
   * text value: a line per row, fields apart by U+001F, U+0015 for null. Building json per row costs
   * the server three times the query on a month's rows; plain text is as cheap as the scan.
   * The text fields are the PBX's (call id, desk endpoint): no control characters.
   */
  async listForReport(query: ReportCallQuery): Promise<ReportCallRow[]> {
    if (query.outcomes?.length === 0) return [];
    const where = conditionsOf({ officeId: query.officeId, from: query.from, to: query.to, ...(query.direction && { direction: query.direction }) });
    if (query.outcomes) where.push(Prisma.sql`"outcome" IN (${Prisma.join([...query.outcomes])})`);
    const field = (sql: Prisma.Sql) => Prisma.sql`coalesce((${sql})::text, ${NULL_FIELD})`;
    const [result] = await this.prisma.$queryRaw<[{ rows: string | null }]>`
      SELECT string_agg(concat_ws(${FIELD}, "id", "pbx_call_id", "direction", ${field(epochMs('offered_at'))}, ${field(Prisma.sql`"desk_endpoint"`)},
        ${field(epochMs('answered_at'))}, "outcome", ${field(Prisma.sql`"ring_count"`)}), ${ROW} ORDER BY "offered_at", "id") AS "rows"
      FROM "call_log_entries" WHERE ${Prisma.join(where, ' AND ')}`;
    if (!result?.rows) return [];
    return result.rows.split(ROW).map((line) => {
      const [id, pbxCallId, direction, offeredAt, deskEndpoint, answeredAt, outcome, ringCount] = line.split(FIELD).map((f) => (f === NULL_FIELD ? null : f));
      return {
        id: id!,
        pbxCallId: pbxCallId!,
        direction: asDirection(direction!),
        offeredAt: new Date(Number(offeredAt)),
        deskEndpoint: deskEndpoint ?? null,
        answeredAt: answeredAt == null ? null : new Date(Number(answeredAt)),
        outcome: asOutcome(outcome!),
        ringCount: ringCount == null ? null : Number(ringCount),
      };
    });
  }

  /**
   * listForReport's way, leaner for the month's every inbound call: grouped by desk and outcome
   * (neither repeated per row), no order (the tally needs none), times as epoch milliseconds.
   * ring_count comes last and bare: concat_ws skips a null argument, so a row without one simply
   * has a field less (no coalesce, no marker); the integer needs no explicit cast either.
   */
  async listForTally(query: Pick<ReportCallQuery, 'officeId' | 'from' | 'to'>): Promise<TallyCallRow[]> {
    const groups = await this.prisma.$queryRaw<{ desk: string; outcome: string; rows: string }[]>`
      SELECT "desk_endpoint" AS "desk", "outcome", string_agg(concat_ws(${FIELD}, ${epochMs('offered_at')}, coalesce((${epochMs('answered_at')})::text, ${NULL_FIELD}), "pbx_call_id", "ring_count"), ${ROW}) AS "rows"
      FROM "call_log_entries"
      WHERE "office_id" = ${query.officeId} AND "direction" = 'inbound' AND "desk_endpoint" IS NOT NULL
        AND "offered_at" >= ${query.from}::timestamptz AND "offered_at" < ${query.to}::timestamptz
      GROUP BY 1, 2`;
    const calls: TallyCallRow[] = [];
    for (const { desk, outcome: text, rows } of groups) {
      const outcome = asOutcome(text);
      for (const line of rows.split(ROW)) {
        const [offeredAt, answeredAt, pbxCallId, ringCount] = line.split(FIELD) as [string, string, string, string?];
        calls.push({
          pbxCallId,
          direction: 'inbound',
          offeredAt: new Date(Number(offeredAt)),
          deskEndpoint: desk,
          answeredAt: answeredAt === NULL_FIELD ? null : new Date(Number(answeredAt)),
          outcome,
          ringCount: ringCount === undefined ? null : Number(ringCount),
        });
      }
    }
    return calls;
  }

  async outcomesOf(officeId: OfficeId, pbxCallIds: readonly string[]): Promise<Map<string, CallOutcome>> {
    if (pbxCallIds.length === 0) return new Map();
    // = ANY of one array parameter: Prisma's `in` compiles a parameter per id (thousands in a rebuild's batch).
    const rows = await this.prisma.$queryRaw<{ pbx_call_id: string; outcome: string }[]>`
      SELECT "pbx_call_id", "outcome" FROM "call_log_entries" WHERE "office_id" = ${officeId} AND "pbx_call_id" = ANY(${[...pbxCallIds]}::text[])`;
    return new Map(rows.map((r) => [r.pbx_call_id, asOutcome(r.outcome)]));
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

/** The filter as SQL conditions (AND): the same as whereOf's. */
function conditionsOf(query: CallFilter): Prisma.Sql[] {
  const range = (r: { from?: Date; to?: Date }) => [...(r.from ? [Prisma.sql`"offered_at" >= ${r.from}::timestamptz`] : []), ...(r.to ? [Prisma.sql`"offered_at" < ${r.to}::timestamptz`] : [])];
  const all = (conditions: Prisma.Sql[]) => (conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`true`);
  return [
    Prisma.sql`true`,
    ...(query.officeId ? [Prisma.sql`"office_id" = ${query.officeId}`] : []),
    ...(query.direction ? [Prisma.sql`"direction" = ${query.direction}`] : []),
    ...range(query),
    ...(query.outcome ? [Prisma.sql`"outcome" = ${query.outcome}`] : []),
    ...(query.reachedNobody !== undefined ? [Prisma.sql`"reached_nobody" = ${query.reachedNobody}`] : []),
    ...(query.within ? [Prisma.sql`(${Prisma.join(query.within.map((r) => Prisma.sql`(${all(range(r))})`), ' OR ')})`] : []),
  ];
}

/**
 * Rows read in bulk come back from PostgreSQL as one json array of arrays: the driver then parses
 * one value (JSON.parse, native) instead of building every row and every timestamp field by field,
 * which costs several times the query itself on a report's tens of thousands of rows.
 * Instants travel as epoch milliseconds (the columns are timestamptz(3): exact).
 */
function jsonRows<T>(result: { rows: T[] | string } | undefined): T[] {
  const rows = result?.rows ?? [];
  return typeof rows === 'string' ? (JSON.parse(rows) as T[]) : rows;
}

// date_part is float8 (extract is numeric, slower per row); exact here: the columns hold milliseconds, float8 has room for microseconds.
const epochMs = (column: string) => Prisma.raw(`(date_part('epoch', "${column}") * 1000)::bigint`);
const instant = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** Rows per INSERT of saveMany (17 parameters each: well under PostgreSQL's 65 535). */
const SAVE_MANY_CHUNK = 500;

const FIELD = '\u001f';
const ROW = '\n';
const NULL_FIELD = '\u0015';

/** The columns an export writes (ExportCallRow): no timeline (most of a row's bytes), no officer-completed text. */
const EXPORT_TUPLE = Prisma.sql`"id", "office_id", "pbx_call_id", "direction", "caller_number", "caller_name", "dialed", ${epochMs('offered_at')}, "desk_endpoint",
  ${epochMs('desk_ringing_at')}, ${epochMs('answered_at')}, "answered_by", "ring_count", ${epochMs('ended_at')}, "outcome", "reached_nobody"`;

type ExportTuple = [string, string, string, string, string | null, string | null, string | null, number, string | null, number | null, number | null, string | null, number | null, number | null, string, boolean];

function fromExportTuple(t: ExportTuple): ExportCallRow {
  const [id, officeId, pbxCallId, direction, callerNumber, callerName, dialed, offeredAt, deskEndpoint, deskRingingAt, answeredAt, answeredBy, ringCount, endedAt, outcome, reachedNobody] = t;
  return {
    id,
    officeId,
    pbxCallId,
    direction: asDirection(direction),
    callerNumber,
    callerName,
    dialed,
    offeredAt: new Date(offeredAt),
    deskEndpoint,
    deskRingingAt: instant(deskRingingAt),
    answeredAt: instant(answeredAt),
    answeredBy,
    ringCount,
    endedAt: instant(endedAt),
    outcome: asOutcome(outcome),
    reachedNobody,
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

/**
 * The channel event log Asterisk's cel_pgsql writes into a PostgreSQL table by itself (its columns:
 * sql/asterisk-cel.sql), read by the id of each call's LINKEDID_END: the calls that ended at or
 * after a position, whole, as domain events (cel-translator.ts). A call's rows are those of its
 * linkedid since the linkedid's previous end, at most STALE_CALL_MS before its own: a linkedid is
 * `<epoch>.<counter>`, which a PBX restarted with its clock set back (the sandbox pins it) hands
 * out again. A call still going holds nothing back: it is read once its end is written. One the
 * log never ends (Asterisk died under it) is never read.
 */
import pg from 'pg';
import type { PhoneRole } from '../../core/phone-role.js';
import type { PbxCallLog, PbxLogCall } from '../pbx-port.js';
import { STALE_CALL_MS } from './cel-file-log.js';
import { celCallEvents, type CelRow } from './cel-translator.js';

/** Calls one read takes at most (a further read goes on from where it stopped). */
const CALLS_PER_READ = 2000;

const REQUIRED_COLUMNS = ['id', 'eventtype', 'eventtime', 'userdeftype', 'cid_name', 'cid_num', 'exten', 'context', 'channame', 'uniqueid', 'linkedid', 'extra'];

interface Row {
  end_id: string;
  eventtype: string;
  eventtime: number;
  userdeftype: string | null;
  cid_name: string | null;
  cid_num: string | null;
  exten: string | null;
  context: string | null;
  channame: string | null;
  uniqueid: string;
  linkedid: string;
  extra: string | null;
}

export class CelTableLog implements PbxCallLog {
  readonly #pool: pg.Pool;
  readonly #table: string;
  readonly source: string;
  readonly #name: string;
  #checked: Promise<void> | undefined;

  constructor(
    options: { databaseUrl: string; table: string; onError?: (err: Error) => void },
    private readonly roleOf: (endpoint: string) => PhoneRole,
  ) {
    this.#name = options.table;
    this.#table = options.table.split('.').map((part) => `"${part.replaceAll('"', '""')}"`).join('.');
    const url = new URL(options.databaseUrl);
    // The log's name in the stored positions: where the table is, never the credentials.
    this.source = `cel-table:${url.host}${url.pathname}/${options.table}`;
    this.#pool = new pg.Pool({ connectionString: options.databaseUrl, max: 1, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
    // An idle connection the server dropped: the next read opens another.
    this.#pool.on('error', (err) => options.onError?.(err));
  }

  async read(from: number): Promise<{ calls: PbxLogCall[]; next: number; done: boolean; skippedLines: number }> {
    this.#checked ??= this.#checkColumns().catch((err: unknown) => {
      this.#checked = undefined;
      throw err;
    });
    await this.#checked;
    const { rows } = await this.#pool.query<Row>(
      `WITH ends AS (
         SELECT e.id, e.linkedid, e.eventtime,
           (SELECT max(p.id) FROM ${this.#table} p WHERE p.linkedid = e.linkedid AND p.eventtype = 'LINKEDID_END' AND p.id < e.id) AS after
         FROM ${this.#table} e WHERE e.eventtype = 'LINKEDID_END' AND e.id >= $1 ORDER BY e.id LIMIT $2
       )
       SELECT ends.id AS end_id, c.eventtype, c.eventtime, c.userdeftype, c.cid_name, c.cid_num, c.exten, c.context, c.channame, c.uniqueid, c.linkedid, c.extra
       FROM ends JOIN ${this.#table} c ON c.linkedid = ends.linkedid AND c.id <= ends.id AND c.id > coalesce(ends.after, 0) AND c.eventtime >= ends.eventtime - $3
       ORDER BY ends.id, c.id`,
      [from, CALLS_PER_READ, STALE_CALL_MS / 1000],
    );
    const calls: PbxLogCall[] = [];
    let next = from;
    let ends = 0;
    let skippedLines = 0;
    for (let i = 0; i < rows.length; ) {
      const endId = rows[i]!.end_id;
      const call: CelRow[] = [];
      for (; i < rows.length && rows[i]!.end_id === endId; i++) {
        const row = celRowOf(rows[i]!);
        if (row) call.push(row);
        else skippedLines++;
      }
      ends++;
      const position = Number(endId);
      next = position + 1;
      const events = celCallEvents(call, this.roleOf);
      if (events.length > 0) calls.push({ callId: call[0]?.linkedid ?? '', events, position });
    }
    return { calls, next, done: ends < CALLS_PER_READ, skippedLines };
  }

  /** A table made for another reader (the stock schema's timestamp eventtime, a missing column) is named, not misread. */
  async #checkColumns(): Promise<void> {
    const [schema, table] = this.#name.includes('.') ? this.#name.split('.') : [null, this.#name];
    const { rows } = await this.#pool.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 AND table_schema = coalesce($2, current_schema())`,
      [table, schema],
    );
    if (rows.length === 0) throw new Error(`cel table ${this.#name}: no such table (create it with sql/asterisk-cel.sql before Asterisk loads cel_pgsql)`);
    const types = new Map(rows.map((r) => [r.column_name, r.data_type]));
    const missing = REQUIRED_COLUMNS.filter((c) => !types.has(c));
    if (missing.length > 0) throw new Error(`cel table ${this.#name}: no column ${missing.join(', ')} (see sql/asterisk-cel.sql)`);
    if (types.get('eventtime') !== 'double precision') {
      throw new Error(`cel table ${this.#name}: eventtime is ${types.get('eventtime')}, not double precision: cel_pgsql then writes the PBX's local time to the second (see sql/asterisk-cel.sql)`);
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

function celRowOf(row: Row): CelRow | null {
  const eventtime = Number(row.eventtime);
  if (!row.channame || !Number.isFinite(eventtime)) return null;
  return {
    eventtype: row.eventtype,
    eventtime,
    channame: row.channame,
    uniqueid: row.uniqueid,
    linkedid: row.linkedid,
    ...(row.userdeftype && { userdeftype: row.userdeftype }),
    ...(row.cid_name && { name: row.cid_name }),
    ...(row.cid_num && { num: row.cid_num }),
    ...(row.exten && { exten: row.exten }),
    ...(row.context && { context: row.context }),
    ...(row.extra && { eventextra: row.extra }),
  };
}

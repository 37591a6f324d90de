/**
 * CelTableLog against real PostgreSQL: the table of sql/asterisk-cel.sql, filled with the captured
 * CEL of four calls (test/fixtures/cel/four-calls.jsonl) as cel_pgsql inserts it, a row at a time.
 * The same calls as the file log reads from the same capture.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PhoneRole } from '../../../src/core/phone-role.js';
import { CelTableLog } from '../../../src/pbx/asterisk/cel-table-log.js';
import { celCallEvents, type CelRow } from '../../../src/pbx/asterisk/cel-translator.js';
import { createPgTestDatabase, type PgTestDatabase } from '../../support/db.js';

const roleOf = (endpoint: string): PhoneRole => (endpoint === 'desk' ? 'desk' : 'other');
const rows = (await readFile(path.join(import.meta.dirname, '../../fixtures/cel/four-calls.jsonl'), 'utf8'))
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as CelRow);
/** The four calls' ids, in the order their ends were written. */
const CALLS = ['1795399204.0', '1795399206.2', '1795399219.4', '1795399202.6'];
const createTable = await readFile(path.join(import.meta.dirname, '../../../sql/asterisk-cel.sql'), 'utf8');

let database: PgTestDatabase;
let client: pg.Client;
let log: CelTableLog;
beforeAll(async () => {
  database = await createPgTestDatabase();
  client = new pg.Client(database.url);
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await database.drop();
});
beforeEach(async () => {
  await client.query('DROP TABLE IF EXISTS cel');
  await client.query(createTable);
  log = new CelTableLog({ databaseUrl: database.url, table: 'cel' }, roleOf);
});
afterEach(() => log.close());

/** Inserts rows as cel_pgsql does (eventtime as epoch seconds, extra for eventextra). */
async function insert(some: CelRow[]): Promise<void> {
  for (const r of some) {
    await client.query(
      'INSERT INTO cel (eventtype, eventtime, userdeftype, cid_name, cid_num, exten, context, channame, appname, uniqueid, linkedid, extra) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      [r.eventtype, r.eventtime, r.userdeftype ?? '', r.name ?? '', r.num ?? '', r.exten ?? '', r.context ?? '', r.channame, '', r.uniqueid, r.linkedid, r.eventextra ?? ''],
    );
  }
}

const endIds = async () => (await client.query<{ id: string }>("SELECT id FROM cel WHERE eventtype = 'LINKEDID_END' ORDER BY id")).rows.map((r) => Number(r.id));

describe('CelTableLog', () => {
  it('an empty table: nothing, the position kept', async () => {
    expect(await log.read(7)).toEqual({ calls: [], next: 7, done: true, skippedLines: 0 });
  });

  it('the whole capture: the four calls, each as the translator makes of its rows, positioned at its end', async () => {
    await insert(rows);
    const read = await log.read(0);
    expect(read.calls.map((c) => c.callId)).toEqual(CALLS);
    const ends = await endIds();
    expect(read.calls.map((c) => c.position)).toEqual(ends);
    expect(read).toMatchObject({ next: ends[3]! + 1, done: true, skippedLines: 0 });
    for (const call of read.calls) expect(call.events).toEqual(celCallEvents(rows.filter((r) => r.linkedid === call.callId), roleOf));
    expect(read.calls.map((c) => c.events.at(-1)?.kind)).toEqual(['CallEnded', 'CallEnded', 'CallEnded', 'CallEnded']);
  });

  it('a call still going holds nothing back: the calls that ended after it are read, and it is read whole once it ends', async () => {
    // Every row but the second call's LINKEDID_END.
    const secondEnd = rows.findIndex((r) => r.eventtype === 'LINKEDID_END' && r.linkedid === CALLS[1]);
    await insert(rows.filter((_, i) => i !== secondEnd));
    const first = await log.read(0);
    expect(first.calls.map((c) => c.callId)).toEqual([CALLS[0], CALLS[2], CALLS[3]]);
    expect(await log.read(first.next)).toMatchObject({ calls: [], next: first.next });
    await insert([rows[secondEnd]!]);
    const second = await log.read(first.next);
    expect(second.calls.map((c) => c.callId)).toEqual([CALLS[1]]);
    expect(second.calls[0]!.events).toEqual(celCallEvents(rows.filter((r) => r.linkedid === CALLS[1]), roleOf));
  });

  it('reading from a call’s position gives it again (the rebuild holds a position there for a call this process owns)', async () => {
    await insert(rows);
    const [, second] = (await log.read(0)).calls;
    expect((await log.read(second!.position)).calls.map((c) => c.callId)).toEqual(CALLS.slice(1));
  });

  it('a call id handed out again (the PBX restarted with its clock set back): two calls, each of its own rows', async () => {
    await insert(rows);
    await insert(rows);
    const read = await log.read(0);
    expect(read.calls.map((c) => c.callId)).toEqual([...CALLS, ...CALLS]);
    for (const call of read.calls) expect(call.events).toEqual(celCallEvents(rows.filter((r) => r.linkedid === call.callId), roleOf));
  });

  it('names a missing table, a missing column and the stock schema’s timestamp eventtime instead of misreading them', async () => {
    const missing = new CelTableLog({ databaseUrl: database.url, table: 'nope' }, roleOf);
    await expect(missing.read(0)).rejects.toThrow('cel table nope: no such table (create it with sql/asterisk-cel.sql before Asterisk loads cel_pgsql)');
    await missing.close();
    await client.query('CREATE TABLE stock (id serial, eventtype text, eventtime timestamp, userdeftype text, cid_name text, cid_num text, exten text, context text, channame text, uniqueid text, linkedid text, extra text)');
    const stock = new CelTableLog({ databaseUrl: database.url, table: 'stock' }, roleOf);
    await expect(stock.read(0)).rejects.toThrow('cel table stock: eventtime is timestamp without time zone, not double precision');
    await stock.close();
    await client.query('CREATE SCHEMA IF NOT EXISTS asterisk; CREATE TABLE asterisk.cel (id serial, eventtype text)');
    const partial = new CelTableLog({ databaseUrl: database.url, table: 'asterisk.cel' }, roleOf);
    await expect(partial.read(0)).rejects.toThrow('cel table asterisk.cel: no column eventtime, userdeftype, cid_name, cid_num, exten, context, channame, uniqueid, linkedid, extra');
    await partial.close();
  });

  it('names the table by where it is, never by the credentials', () => {
    const named = new CelTableLog({ databaseUrl: 'postgresql://asterisk:secret@pbx-db:5433/asterisk', table: 'cel' }, roleOf);
    expect(named.source).toBe('cel-table:pbx-db:5433/asterisk/cel');
    return named.close();
  });
});

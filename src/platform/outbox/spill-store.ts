/**
 * Spill files: writes the database had not taken when the service shut down, kept on disk
 * until the next start re-queues them (store writes are idempotent, so re-queuing is safe).
 *
 * One JSON file per shutdown, `<dir>/unwritten-<UTC time>.json`. It is written to a
 * temporary file, flushed and renamed into place, so a file under its final name is always
 * complete. A file that cannot be read back (not JSON, not the expected shape) is renamed
 * `<name>.corrupt` and logged: it neither stops the start nor is tried again on every start.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import type { CallSnapshot } from '../../core/call/call-model.js';
import type { DisciplineInput } from '../../core/discipline/discipline-model.js';
import { DEFAULT_OFFICE_ID } from '../../core/office.js';
import { callSubject } from '../../core/discipline/discipline-model.js';
import { asDirection, asDisciplineType, asOutcome, asSubjectKind } from '../db/json-mapping.js';
import type { StoreLogger } from '../store-logger.js';
import type { PendingWrites } from './write-queue.js';

const FORMAT = 'duty-hotline/unwritten-writes';
const FILE_NAME = /^unwritten-.+\.json$/;

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
const Timeline = Type.Array(Type.Object({ at: Type.String(), what: Type.String() }));
// Outcome and type are plain strings: a value added by a newer version must still land.
const SpilledCall = Type.Object({
  // Added 2026-12 with offices and call direction: files written before lack them ("default", "inbound").
  officeId: Type.Optional(Type.String({ minLength: 1 })),
  direction: Type.Optional(Type.String({ minLength: 1 })),
  pbxCallId: Type.String({ minLength: 1 }),
  callerNumber: Nullable(Type.String()),
  callerName: Nullable(Type.String()),
  dialed: Nullable(Type.String()),
  offeredAt: Instant,
  deskEndpoint: Nullable(Type.String()),
  deskRingingAt: Nullable(Instant),
  answeredAt: Nullable(Instant),
  answeredBy: Nullable(Type.String()),
  ringCount: Nullable(Type.Integer()),
  endedAt: Nullable(Instant),
  outcome: Type.String({ minLength: 1 }),
  // Added 2026-12: spill files written before it lack it (false).
  reachedNobody: Type.Optional(Type.Boolean()),
  timeline: Timeline,
});
const SpilledDiscipline = Type.Object({
  // Added 2026-12: files written before are about a call (pbxCallId) of the office "default".
  officeId: Type.Optional(Type.String({ minLength: 1 })),
  subject: Type.Optional(Type.Object({ kind: Type.String({ minLength: 1 }), id: Type.String({ minLength: 1 }) })),
  type: Type.String({ minLength: 1 }),
  pbxCallId: Type.Optional(Type.String({ minLength: 1 })),
  officer: Nullable(Type.String()),
  deskEndpoint: Nullable(Type.String()),
  occurredAt: Instant,
  reason: Type.String(),
  evidence: Timeline,
});
const SpillFile = Type.Object({
  format: Type.Literal(FORMAT),
  version: Type.Literal(1),
  writtenAt: Instant,
  calls: Type.Array(SpilledCall),
  discipline: Type.Array(SpilledDiscipline),
});

export interface SpilledFile {
  path: string;
  writes: PendingWrites;
}

export class SpillStore {
  constructor(
    readonly dir: string,
    private readonly log: StoreLogger,
  ) {}

  /** Writes one spill file; returns its path, or null when there is nothing to keep. */
  async write(writes: PendingWrites, now: Date = new Date()): Promise<string | null> {
    if (writes.calls.length === 0 && writes.discipline.length === 0) return null;
    await mkdir(this.dir, { recursive: true });
    // Dates become ISO strings (Date.prototype.toJSON); parse() turns them back.
    const body = { format: FORMAT, version: 1, writtenAt: now.toISOString(), calls: writes.calls, discipline: writes.discipline };
    const stamp = now.toISOString().replaceAll(/[-:]/g, '');
    let path = join(this.dir, `unwritten-${stamp}.json`);
    for (let n = 2; existsSync(path); n++) path = join(this.dir, `unwritten-${stamp}-${n}.json`);
    const temp = join(this.dir, `.unwritten-${stamp}-${process.pid}.tmp`);
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(JSON.stringify(body, null, 1) + '\n');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    await syncDir(this.dir);
    return path;
  }

  /**
   * Every spill file, oldest first, with its writes. Corrupt files are renamed `.corrupt` and
   * logged; files that cannot be read (permissions) are logged and left for the next start.
   */
  async readAll(): Promise<SpilledFile[]> {
    let names: string[];
    try {
      // Oldest first (by name without .json, so that …Z.json comes before …Z-2.json).
      const key = (name: string) => name.slice(0, -'.json'.length);
      names = (await readdir(this.dir)).filter((name) => FILE_NAME.test(name)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const files: SpilledFile[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        this.log.error({ file: path, err: (err as Error).message }, 'cannot read spill file; left for the next start');
        continue;
      }
      const writes = parse(text);
      if (typeof writes === 'string') {
        await this.#setAside(path, writes);
        continue;
      }
      files.push({ path, writes });
    }
    return files;
  }

  async #setAside(path: string, reason: string): Promise<void> {
    const corrupt = `${path}.corrupt`;
    try {
      await rename(path, corrupt);
    } catch (err) {
      this.log.error({ file: path, reason, err: (err as Error).message }, 'spill file is corrupt and cannot be renamed; skipped');
      return;
    }
    this.log.error({ file: path, renamedTo: corrupt, reason }, 'spill file is corrupt; set aside, its writes are NOT re-queued');
  }

  /** Deletes a spill file whose writes have all been stored. */
  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}

/** The writes in a spill file, or why it is corrupt. */
function parse(text: string): PendingWrites | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (!Value.Check(SpillFile, json)) {
    const first = [...Value.Errors(SpillFile, json)][0];
    return `unexpected content: ${first ? `${first.instancePath || '/'} ${first.message}` : 'wrong shape'}`;
  }
  return { calls: json.calls.map(toSnapshot), discipline: json.discipline.map(toDisciplineInput) };
}

const date = (iso: string) => new Date(iso);
const dateOrNull = (iso: string | null) => (iso === null ? null : new Date(iso));

function toSnapshot(c: Static<typeof SpilledCall>): CallSnapshot {
  return {
    officeId: c.officeId ?? DEFAULT_OFFICE_ID,
    pbxCallId: c.pbxCallId,
    direction: asDirection(c.direction ?? 'inbound'),
    callerNumber: c.callerNumber,
    callerName: c.callerName,
    dialed: c.dialed,
    offeredAt: date(c.offeredAt),
    deskEndpoint: c.deskEndpoint,
    deskRingingAt: dateOrNull(c.deskRingingAt),
    answeredAt: dateOrNull(c.answeredAt),
    answeredBy: c.answeredBy,
    ringCount: c.ringCount,
    endedAt: dateOrNull(c.endedAt),
    outcome: asOutcome(c.outcome),
    reachedNobody: c.reachedNobody ?? false,
    timeline: c.timeline.map(({ at, what }) => ({ at, what })),
  };
}

function toDisciplineInput(d: Static<typeof SpilledDiscipline>): DisciplineInput {
  return {
    officeId: d.officeId ?? DEFAULT_OFFICE_ID,
    subject: d.subject ? { kind: asSubjectKind(d.subject.kind), id: d.subject.id } : callSubject(d.pbxCallId ?? ''),
    type: asDisciplineType(d.type),
    officer: d.officer,
    deskEndpoint: d.deskEndpoint,
    occurredAt: date(d.occurredAt),
    reason: d.reason,
    evidence: d.evidence.map(({ at, what }) => ({ at, what })),
  };
}

/** Makes the rename itself durable (best effort: not every platform can fsync a directory). */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // the file's own content is already synced
  }
}

/**
 * Spill files: writes the database had not taken when the service shut down, kept on disk
 * until the next start re-queues them (store writes are idempotent, so re-queuing is safe).
 *
 * One JSON file per shutdown, `<dir>/unwritten-<UTC time>.json`. It is written to a
 * temporary file, flushed and renamed into place, so a file under its final name is always
 * complete. Version 2 (from 2026-12):
 *
 *   { "format": "duty-hotline/unwritten-writes", "version": 2, "writtenAt": "<ISO>",
 *     "writes": [{ "kind": "call", "payload": {…}, "facts": ["call.logged"] }, …] }
 *
 * each payload as its kind's spill codec reads it back, `facts` only when it carries some.
 * Version 1 (until 2026-12) held `calls` and `discipline` arrays: each kind names its array
 * (SpillCodec.v1) and reads its entries with its own schema.
 *
 * A file that cannot be read back (not JSON, not the expected shape, an entry its kind's schema
 * refuses) is renamed `<name>.corrupt` and logged: it neither stops the start nor is tried
 * again on every start. A file holding writes of a kind this version does not register (or of
 * a newer format version) was written by a newer version: it is left in place, logged at error
 * level with the kinds, and none of its writes are re-queued, so that the version that knows
 * them replays it whole. Re-queuing its known writes alone would mean either deleting the
 * unknown ones or replaying the known ones again at every start, older than what landed since.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Type, { type TSchema } from 'typebox';
import Value from 'typebox/value';
import { Instant } from '../json-schema.js';
import type { StoreLogger } from '../store-logger.js';
import type { PendingWrite, SpillCodec } from './write-kind.js';

const FORMAT = 'duty-hotline/unwritten-writes';
const VERSION = 2;
const FILE_NAME = /^unwritten-.+\.json$/;

const Header = Type.Object({ format: Type.Literal(FORMAT), version: Type.Integer({ minimum: 1 }), writtenAt: Instant });
const V1 = Type.Object({ format: Type.Literal(FORMAT), version: Type.Literal(1), writtenAt: Instant }, { additionalProperties: Type.Array(Type.Unknown()) });
const V2 = Type.Object({
  format: Type.Literal(FORMAT),
  version: Type.Literal(2),
  writtenAt: Instant,
  writes: Type.Array(Type.Object({ kind: Type.String({ minLength: 1 }), payload: Type.Unknown(), facts: Type.Optional(Type.Array(Type.String())) })),
});

/** The spill codec of each write kind, by name (WriteQueue.spillCodecs()). */
export interface SpillKinds {
  spillCodecs(): ReadonlyMap<string, SpillCodec<unknown>>;
}

export interface SpilledFile {
  path: string;
  writes: PendingWrite[];
}

type Parsed = { writes: PendingWrite[] } | { corrupt: string } | { unknownKinds: string[] };

export class SpillStore {
  constructor(
    readonly dir: string,
    private readonly log: StoreLogger,
    private readonly kinds: SpillKinds,
  ) {}

  /** Writes one spill file; returns its path, or null when there is nothing to keep. */
  async write(writes: readonly PendingWrite[], now: Date = new Date()): Promise<string | null> {
    if (writes.length === 0) return null;
    await mkdir(this.dir, { recursive: true });
    // Dates become ISO strings (Date.prototype.toJSON); each kind's codec turns them back.
    const entries = writes.map(({ kind, payload, facts }) => ({ kind, payload, ...(facts && facts.length > 0 ? { facts } : {}) }));
    const body = { format: FORMAT, version: VERSION, writtenAt: now.toISOString(), writes: entries };
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
   * Every spill file whose writes can be re-queued, oldest first, with its writes. Corrupt files
   * are renamed `.corrupt` and logged; files that cannot be read (permissions), or that hold
   * writes of kinds not registered, are logged and left for a later start.
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
    const codecs = this.kinds.spillCodecs();
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
      const parsed = parse(text, codecs);
      if ('corrupt' in parsed) {
        await this.#setAside(path, parsed.corrupt);
      } else if ('unknownKinds' in parsed) {
        this.log.error(
          { file: path, kinds: parsed.unknownKinds },
          'spill file holds writes of kinds this version does not know (written by a newer version?); left in place, none of its writes re-queued',
        );
      } else {
        files.push({ path, writes: parsed.writes });
      }
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

/** The writes in a spill file, why it is corrupt, or the kinds it holds that are not registered. */
function parse(text: string, codecs: ReadonlyMap<string, SpillCodec<unknown>>): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { corrupt: `not JSON: ${(err as Error).message}` };
  }
  if (!Value.Check(Header, json)) return { corrupt: unexpected(Header, json) };
  if (json.version > VERSION) return { unknownKinds: [`(format version ${json.version})`] };
  const entries: { kind: string; payload: unknown; facts?: readonly string[]; at: string }[] = [];
  const unknownKinds = new Set<string>();
  if (json.version === 1) {
    if (!Value.Check(V1, json)) return { corrupt: unexpected(V1, json) };
    const claimed = new Map([...codecs].flatMap(([kind, codec]) => (codec.v1 ? [[codec.v1.array, kind] as const] : [])));
    for (const [array, items] of Object.entries(json)) {
      if (!Array.isArray(items)) continue;
      const kind = claimed.get(array);
      if (kind === undefined) {
        if (items.length > 0) unknownKinds.add(`${array} (version 1)`);
        continue;
      }
      items.forEach((payload, i) => entries.push({ kind, payload, at: `/${array}/${i}` }));
    }
  } else {
    if (!Value.Check(V2, json)) return { corrupt: unexpected(V2, json) };
    json.writes.forEach(({ kind, payload, facts }, i) => {
      if (codecs.has(kind)) entries.push({ kind, payload, ...(facts ? { facts } : {}), at: `/writes/${i}/payload` });
      else unknownKinds.add(kind);
    });
  }
  if (unknownKinds.size > 0) return { unknownKinds: [...unknownKinds] };
  const writes: PendingWrite[] = [];
  for (const { kind, payload, facts, at } of entries) {
    const codec = codecs.get(kind)!;
    if (!Value.Check(codec.schema, payload)) return { corrupt: unexpected(codec.schema, payload, at) };
    const decoded = codec.decode(payload);
    const carried = json.version === 1 ? codec.v1?.facts?.(decoded) : facts;
    writes.push({ kind, payload: decoded, ...(carried && carried.length > 0 ? { facts: carried } : {}) });
  }
  return { writes };
}

function unexpected(schema: TSchema, value: unknown, at = ''): string {
  const first = [...Value.Errors(schema, value)][0];
  if (!first) return 'unexpected content: wrong shape';
  return `unexpected content: ${at + first.instancePath || '/'} ${first.message}`;
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

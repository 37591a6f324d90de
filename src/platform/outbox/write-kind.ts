/**
 * What a feature registers with the write queue for each kind of write it makes: how its
 * writes line up (lane), which pending ones merge (target, merge), how one is stored (handle),
 * the facts a stored one implies, and how it is kept in a spill file. The queue and the spill
 * files know nothing else of the feature.
 */
import type { Static, TSchema } from 'typebox';

export interface WriteKind<P, R = unknown, F = never> {
  /** Names the kind in spill files and logs: once a release has spilled it, it never changes. */
  readonly name: string;
  /** Writes of one lane are stored in the order they came, one at a time. */
  lane(payload: P): string;
  /** Pending writes of one lane with the same target merge into one. */
  target(payload: P): string;
  /** The write that goes to the store instead of `pending` (not started yet, or failed) and `incoming`, a later write to the same target. */
  merge(pending: P, incoming: P): P;
  /** Stores the write; resolves once it is committed. A rejection is retried, so it must be idempotent (a spilled write may land twice). */
  handle(payload: P): Promise<R>;
  /**
   * The facts a stored write implies, published once handle() resolved: from the stored result
   * and the fact names the write carried (with those of the writes merged into it).
   */
  facts?(payload: P, result: R, carried: ReadonlySet<string>): readonly F[];
  spill: SpillCodec<P>;
}

/** How a kind's payload is kept in a spill file: written as JSON (a Date as its ISO string), read back through `schema` and `decode`. */
export interface SpillCodec<P> {
  /** Checked on every entry read back; an entry that fails it makes the file corrupt. */
  readonly schema: TSchema;
  /** From JSON that passed `schema` to the payload. */
  decode(json: unknown): P;
  /** Version 1 spill files (until 2026-12) held one array per kind: this kind's, when it had one. */
  readonly v1?: {
    /** The array's name in a version 1 file ('calls', 'discipline'); its entries are checked by `schema`. */
    readonly array: string;
    /** The facts a write read from it carries (version 1 kept none). */
    facts?(payload: P): string[];
  };
}

/** A SpillCodec whose decoder takes the JSON as `schema` describes it. */
export function spillCodec<S extends TSchema, P>(schema: S, decode: (json: Static<S>) => P, v1?: SpillCodec<P>['v1']): SpillCodec<P> {
  // The spill store decodes only what passed Value.Check(schema).
  return { schema, decode: (json) => decode(json as Static<S>), ...(v1 ? { v1 } : {}) };
}

/** A write not stored (yet): what close() gives back, spill files keep and requeue() takes. */
export interface PendingWrite {
  kind: string;
  payload: unknown;
  /** Names of the facts it implies, published once it is stored. */
  facts?: readonly string[];
}

/** A registered kind, for queueing its writes. */
export interface KindWriter<P> {
  readonly kind: string;
  /** Queues a write; returns at once. `facts`: the names of the facts it implies (see WriteKind.facts). */
  write(payload: P, facts?: Iterable<string>): void;
  /** Payloads of this kind not stored yet (queued, in flight or waiting for a retry); copies. */
  pending(): P[];
}

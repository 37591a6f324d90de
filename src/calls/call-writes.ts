/**
 * A call's log entry as a kind of write (kind 'call'): one lane and one target per call
 * (officeId, pbxCallId), the latest snapshot wins, stored by CallStore.save; its facts, and the
 * tracker's sink over the write queue.
 */
import Type from 'typebox';
import type { CallSnapshot } from '../core/call/call-model.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';
import { DEFAULT_OFFICE_ID, type OfficeId } from '../core/office.js';
import { asDirection, asOutcome } from '../platform/db/json-mapping.js';
import type { AnyFact } from '../platform/events/event-bus.js';
import { Instant, Nullable, TimelineJson } from '../platform/json-schema.js';
import { spillCodec, type KindWriter, type WriteKind } from '../platform/outbox/write-kind.js';
import type { CallRecord } from './call-record.js';
import type { CallSink } from './call-tracker.js';
import type { CallStore } from './call-store.js';

export interface CallFact {
  officeId: OfficeId;
  /** The entry as stored by the write that published the fact. */
  call: CallRecord;
}

/**
 * Each stored save of a call publishes one of call.logged (the first save of the call by this
 * process) or call.updated, and call.ended too when the snapshot has endedAt. Saves merged
 * while queued publish once: a call saved, then ended before either landed, gives logged + ended.
 */
export interface CallFacts {
  'call.logged': CallFact;
  'call.updated': CallFact;
  'call.ended': CallFact;
}

// Outcome and direction are plain strings: a value added by a newer version must still land.
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
  timeline: TimelineJson,
});

const dateOrNull = (iso: string | null) => (iso === null ? null : new Date(iso));

function toSnapshot(c: Type.Static<typeof SpilledCall>): CallSnapshot {
  return {
    officeId: c.officeId ?? DEFAULT_OFFICE_ID,
    pbxCallId: c.pbxCallId,
    direction: asDirection(c.direction ?? 'inbound'),
    callerNumber: c.callerNumber,
    callerName: c.callerName,
    dialed: c.dialed,
    offeredAt: new Date(c.offeredAt),
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

const callKey = (call: CallSnapshot) => JSON.stringify([call.officeId, call.pbxCallId]);

/** Fact names a call's save carries (the queue merges them with those of saves merged into it). */
function factNames(first: boolean, call: CallSnapshot): string[] {
  return [first ? 'call.logged' : 'call.updated', ...(call.endedAt ? ['call.ended'] : [])];
}

export function callWriteKind(store: Pick<CallStore, 'save'>): WriteKind<CallSnapshot, CallRecord, AnyFact<CallFacts>> {
  return {
    name: 'call',
    lane: callKey,
    target: callKey,
    merge: (_pending, incoming) => incoming,
    handle: (snapshot) => store.save(snapshot),
    facts(_snapshot, call, carried) {
      const { officeId } = call;
      return [
        carried.has('call.logged') ? { name: 'call.logged', officeId, call } : { name: 'call.updated', officeId, call },
        ...(carried.has('call.ended') ? [{ name: 'call.ended' as const, officeId, call }] : []),
      ];
    },
    // A call in a spill file has not landed: the next run logs it (and ends it, if it ended).
    spill: spillCodec(SpilledCall, toSnapshot, { array: 'calls', facts: (call) => factNames(true, call) }),
  };
}

/** The queue's writer of calls, and which calls this process has saved. */
export class CallWrites {
  /** Calls saved by this process and not ended: their next save is an update. */
  readonly #open = new Set<string>();

  constructor(private readonly writer: KindWriter<CallSnapshot>) {}

  /** Queue an insert-or-update of the call's log entry. Returns at once. */
  save(call: CallSnapshot): void {
    const key = callKey(call);
    const facts = factNames(!this.#open.has(key), call);
    if (call.endedAt) this.#open.delete(key);
    else this.#open.add(key);
    this.writer.write(call, facts);
  }

  /** The office's calls with a save not stored yet (queued, in flight or waiting for a retry). */
  pendingCallIds(officeId: OfficeId): string[] {
    return this.writer
      .pending()
      .filter((call) => call.officeId === officeId)
      .map((call) => call.pbxCallId);
  }
}

/** Registers kind 'call' with the queue. */
export function registerCallWrites(queue: { register(kind: WriteKind<CallSnapshot, CallRecord, AnyFact<CallFacts>>): KindWriter<CallSnapshot> }, store: Pick<CallStore, 'save'>): CallWrites {
  return new CallWrites(queue.register(callWriteKind(store)));
}

/** Where the tracker's discipline records go (src/discipline/discipline-writes.ts). */
export interface RecordWrites {
  record(input: DisciplineInput, completed: boolean): void;
}

/** The tracker's sink: its saves and records, queued. */
export function callSink(calls: CallWrites, records: RecordWrites): CallSink {
  return {
    saveCall: (call) => calls.save(call),
    recordDiscipline: (record, completed = false) => records.record(record, completed),
  };
}

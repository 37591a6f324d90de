import Fastify, { type FastifyInstance } from 'fastify';
import { app } from '../../src/app/http-app.js';
import type { CallRecord } from '../../src/calls/call-record.js';
import { CallService } from '../../src/calls/call-service.js';
import type { CallStore } from '../../src/calls/call-store.js';
import type { DisciplineRecord, DisciplineRecordWithHistory, RecordHistoryEntry } from '../../src/discipline/discipline-record.js';
import { DisciplineService } from '../../src/discipline/discipline-service.js';
import { UNAUTHENTICATED_ACTOR } from '../../src/discipline/discipline-routes.js';
import type { DisciplineStore } from '../../src/discipline/discipline-store.js';
import type { HealthReport } from '../../src/app/health-routes.js';
import type { Clock } from '../../src/platform/clock.js';
import { serverOptions } from '../../src/platform/http/server-options.js';

/** A record as the API sends it: dates become ISO strings. */
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type CallJson = Json<CallRecord>;
export type RecordJson = Json<DisciplineRecord>;
/** A record with its history, as GET /discipline-records/:id and the review routes send it. */
export type RecordWithHistoryJson = Omit<Json<DisciplineRecordWithHistory>, 'history'> & { pbxCallId: string | null; history: Array<Json<RecordHistoryEntry>> };

const connected = { state: 'connected', connectedSince: '2026-11-23T00:00:00.000Z', lastError: null, eventsReceived: 0, reconnects: 0, protocolErrors: 0 };
export const healthyReport: HealthReport = {
  status: 'ok',
  ami: connected,
  database: { kind: 'memory', state: 'open', openAttempts: 1, openError: null, pendingWrites: 0, failing: false, lastError: null },
  calls: { active: 0, reachedNobody: { count: 0, last: null } },
  warnings: [],
  offices: [{ id: 'default', name: '', status: 'ok', ami: connected, calls: { active: 0, reachedNobody: { count: 0, last: null } }, warnings: [] }],
};

export interface ApiStores {
  calls: CallStore;
  discipline: DisciplineStore;
  health?: () => HealthReport;
  /** The clock the services stamp changes with (a record's review); the system's by default. */
  clock?: Pick<Clock, 'now'>;
}

/** The API plugin over these stores (composed into services as src/app/service.ts does) on a bare Fastify, for inject(); the caller closes it. */
export async function buildApi({ calls, discipline, health = () => healthyReport, clock }: ApiStores): Promise<FastifyInstance> {
  const fastify = Fastify({ ...serverOptions, logger: false });
  await fastify.register(app, { calls: new CallService(calls), discipline: new DisciplineService(discipline, clock), health, actorOf: () => UNAUTHENTICATED_ACTOR });
  await fastify.ready();
  return fastify;
}

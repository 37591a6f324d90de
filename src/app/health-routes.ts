import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';

const AmiHealth = Type.Object({
  state: Type.String(),
  connectedSince: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  eventsReceived: Type.Integer(),
  reconnects: Type.Integer(),
  protocolErrors: Type.Integer(),
});

const CallsHealth = Type.Object({
  active: Type.Integer(),
  /** Calls since the service started that ended with no phone answering while the caller was on the line: an alarm. */
  reachedNobody: Type.Object({
    count: Type.Integer(),
    last: Nullable(Type.Object({ pbxCallId: Type.String(), at: Type.String(), outcome: Type.String(), tried: Type.String() })),
  }),
});

/** One office: its PBX connection and its calls; ok when its PBX is connected. */
export const OfficeHealth = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.Enum(['ok', 'degraded']),
  ami: AmiHealth,
  calls: CallsHealth,
  /** This office's warnings (ringing tone ≠ counted cadence, a call that reached nobody in the last day). */
  warnings: Type.Array(Type.String()),
  /** The periods duty-hotline was not watching this office's PBX that this run knows of (the last 20; GET /watch-gaps has all), oldest first; calls then are rebuilt from the PBX's event log. */
  notWatching: Type.Array(Type.Object({ from: Type.String(), to: Nullable(Type.String()), reason: Type.String(), label: Type.String() })),
});
export type OfficeHealth = Static<typeof OfficeHealth>;

export const HealthReport = Type.Object({
  status: Type.Enum(['ok', 'degraded']),
  /** The first office's PBX connection (a single office's); `offices` has each. */
  ami: AmiHealth,
  database: Type.Object({
    kind: Type.Enum(['postgres', 'pglite', 'memory']),
    /** 'connecting' while the service waits for the database (it retries with backoff); 'failed': a broken migration. */
    state: Type.Enum(['connecting', 'open', 'failed', 'closed']),
    openAttempts: Type.Integer(),
    /** Why the last attempt to open the database failed; null once open. */
    openError: Nullable(Type.String()),
    pendingWrites: Type.Integer(),
    failing: Type.Boolean(),
    lastError: Nullable(Type.String()),
  }),
  /** Every office's calls together. */
  calls: CallsHealth,
  /** The service's and every office's warnings (an office's prefixed with its id when there are several). */
  warnings: Type.Array(Type.String()),
  offices: Type.Array(OfficeHealth),
});
export type HealthReport = Static<typeof HealthReport>;

/** 200 when every office's PBX is connected, the database open and writes landing; 503 otherwise (same body). Public: probes carry no credentials. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ health: () => HealthReport }> = async (app, { health }) => {
  app.get('/healthz', { config: { permission: 'public' }, schema: { response: { 200: HealthReport, 503: HealthReport } } }, async (_request, reply) => {
    const report = health();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
};

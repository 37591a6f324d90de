import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';

export const HealthReport = Type.Object({
  status: Type.Enum(['ok', 'degraded']),
  ami: Type.Object({
    state: Type.String(),
    connectedSince: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    eventsReceived: Type.Integer(),
    reconnects: Type.Integer(),
    protocolErrors: Type.Integer(),
  }),
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
  calls: Type.Object({
    active: Type.Integer(),
    /** Calls since the service started that ended with no phone answering while the caller was on the line: an alarm. */
    reachedNobody: Type.Object({
      count: Type.Integer(),
      last: Nullable(Type.Object({ pbxCallId: Type.String(), at: Type.String(), outcome: Type.String(), tried: Type.String() })),
    }),
  }),
  warnings: Type.Array(Type.String()),
});
export type HealthReport = Static<typeof HealthReport>;

/** 200 when AMI is connected, the database open and writes landing; 503 otherwise (same body). Public: probes carry no credentials. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ health: () => HealthReport }> = async (app, { health }) => {
  app.get('/healthz', { config: { permission: 'public' }, schema: { response: { 200: HealthReport, 503: HealthReport } } }, async (_request, reply) => {
    const report = health();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
};

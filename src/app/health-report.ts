/** /healthz from its parts: each office's PBX and calls, the database, the write path. */
import type { DatabaseStatus } from '../platform/db/database-opener.js';
import type { WriteQueueStats } from '../platform/outbox/write-queue.js';
import type { HealthReport, OfficeHealth } from './health-routes.js';

export interface HealthParts {
  /** In config order; at least one. */
  offices: OfficeHealth[];
  database: DatabaseStatus;
  writes: WriteQueueStats;
  /** Warnings of the service as a whole (the holiday calendar). */
  warnings: string[];
}

/** ok when every office's PBX is connected, the database open and writes landing; else degraded. */
export function healthReport({ offices, database, writes, warnings }: HealthParts): HealthReport {
  const ok = offices.every((o) => o.status === 'ok') && database.state === 'open' && !writes.failing;
  const lasts = offices.flatMap((o) => (o.calls.reachedNobody.last ? [o.calls.reachedNobody.last] : []));
  const several = offices.length > 1;
  return {
    status: ok ? 'ok' : 'degraded',
    // The first office's, as before offices: `offices` has each.
    ami: offices[0]!.ami,
    database: {
      kind: database.kind,
      state: database.state,
      openAttempts: database.attempts,
      openError: database.lastError,
      pendingWrites: writes.pending,
      failing: writes.failing,
      lastError: writes.lastError ?? null,
    },
    calls: {
      active: offices.reduce((n, o) => n + o.calls.active, 0),
      reachedNobody: {
        count: offices.reduce((n, o) => n + o.calls.reachedNobody.count, 0),
        last: lasts.sort((a, b) => b.at.localeCompare(a.at))[0] ?? null,
      },
    },
    warnings: [...warnings, ...offices.flatMap((o) => (several ? o.warnings.map((w) => `office ${o.id}: ${w}`) : o.warnings))],
    offices,
  };
}

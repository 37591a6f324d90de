import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { CallStore } from '../../../../src/calls/call-store.js';
import type { DisciplineStore } from '../../../../src/discipline/discipline-store.js';
import { deferred } from '../../../../src/platform/db/deferred-store.js';
import { DatabaseUnavailableError } from '../../../../src/platform/db/database-unavailable-error.js';
import { buildApi } from '../../../support/http.js';

describe('HTTP API while the database is not open', () => {
  let api: FastifyInstance;
  beforeAll(async () => {
    const notOpen = (): never => {
      throw new DatabaseUnavailableError('database not available yet: connect ECONNREFUSED 127.0.0.1:5432');
    };
    api = await buildApi({ calls: deferred<CallStore>(notOpen), discipline: deferred<DisciplineStore>(notOpen) });
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each(['/calls', '/calls?outcome=absence', '/calls/00000000-0000-4000-8000-000000000000', '/discipline-records'])('GET %s answers 503 with the reason', async (url) => {
    const res = await api.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'DATABASE_UNAVAILABLE', message: 'database not available yet: connect ECONNREFUSED 127.0.0.1:5432' });
  });

  it('still answers bad queries with a 400 first', async () => {
    expect((await api.inject({ method: 'GET', url: '/calls?outcome=lost' })).statusCode).toBe(400);
  });
});

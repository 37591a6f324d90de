/**
 * Until access control is wired, the service knows no caller: every change to a discipline record
 * is refused (401), whatever the body; reads are as before.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { app } from '../../../src/app/http-app.js';
import { CallService } from '../../../src/calls/call-service.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { DisciplineService } from '../../../src/discipline/discipline-service.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { serverOptions } from '../../../src/platform/http/server-options.js';
import { healthyReport } from '../../support/http.js';

describe('the API as the service composes it (no actor supplied)', () => {
  it('refuses every change to a record with 401 UNAUTHORIZED', async () => {
    const fastify = Fastify({ ...serverOptions, logger: false });
    await fastify.register(app, { calls: new CallService(new MemoryCallStore()), discipline: new DisciplineService(new MemoryDisciplineStore()), health: () => healthyReport });
    const id = '00000000-0000-4000-8000-000000000000';
    const changes = [
      { url: `/discipline-records/${id}/objection`, payload: { text: '不是我' } },
      { url: `/discipline-records/${id}/confirm`, payload: { reason: '核实' } },
      { url: `/discipline-records/${id}/waive`, payload: { reason: '误报' } },
      { url: '/discipline-records', payload: { subject: { kind: 'shift', id: 's-1' }, mistakeKind: 'other', text: '其他', occurredAt: '2026-11-23T00:30:00Z' } },
    ];
    for (const { url, payload } of changes) {
      const res = await fastify.inject({ method: 'POST', url, payload });
      expect([url, res.statusCode, res.json()]).toEqual([url, 401, { error: 'UNAUTHORIZED', message: 'authentication required' }]);
    }
    expect((await fastify.inject({ method: 'GET', url: '/discipline-records' })).statusCode).toBe(200);
    await fastify.close();
  });
});

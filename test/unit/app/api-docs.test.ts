import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { buildApi } from '../../support/http.js';

interface OpenApi {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, { 'x-permission'?: string; parameters?: { name: string }[] }>>;
}

describe('OpenAPI at /docs, generated from the route schemas', () => {
  let api: FastifyInstance;
  beforeAll(async () => {
    api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() });
  });
  afterAll(async () => {
    await api.close();
  });

  it('describes every route with its parameters and the permission it needs', async () => {
    const res = await api.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<OpenApi>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toMatch(/^duty-hotline API/);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [method, path, op['x-permission']]));
    expect(operations).toEqual(
      expect.arrayContaining([
        ['get', '/calls', 'calls:read'],
        ['get', '/calls/{id}', 'calls:read'],
        ['get', '/discipline-records', 'records:read'],
        ['get', '/healthz', 'public'],
      ]),
    );
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/docs'))).toBe(false);
    expect(doc.paths['/calls']!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'office', 'direction', 'outcome', 'reachedNobody', 'limit', 'offset']));
  });

  it('serves the browsable page', async () => {
    const res = await api.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

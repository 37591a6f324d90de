/**
 * GET /alerts/stream and GET /alerts through the API (buildApi, listening on a port so the stream
 * is read as a browser reads it): who may open it, what they see, and the catch-up of a stream
 * that reconnects with Last-Event-ID.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AbsenceLike } from '../../../src/core/alerts/missed-call-alert.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { buildApi, NO_CREDENTIALS, publishRoster, type TestApi } from '../../support/http.js';
import { openEventStream, type EventStream } from '../../support/sse.js';

let api: TestApi;
let base: string;
const streams: EventStream[] = [];
beforeAll(async () => {
  api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() });
  await api.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of streams) s.close();
  await api.close();
});

const absence = (id: string, officeId = 'default'): AbsenceLike => ({
  id,
  officeId,
  type: 'absence',
  subject: { kind: 'call', id: `call-${id}` },
  deskEndpoint: 'desk',
  occurredAt: new Date(),
  duty: null,
  officer: null,
  reason: '值班台响铃3声无人接听（离岗）',
});

async function open(headers: Record<string, string>): Promise<EventStream> {
  const s = await openEventStream(`${base}/alerts/stream`, headers);
  streams.push(s);
  return s;
}

describe('GET /alerts/stream', () => {
  it('no credential: 401; ops (no duty records): 403 naming records:read', async () => {
    expect((await open(NO_CREDENTIALS)).status).toBe(401);
    const ops = await fetch(`${base}/alerts/stream`, { headers: { accept: 'text/event-stream', ...api.as('ops') } });
    expect(ops.status).toBe(403);
    expect(await ops.json()).toMatchObject({ error: 'FORBIDDEN', message: expect.stringContaining('records:read') });
  });

  it("a supervisor's stream gets each alert of the office as it is raised, not another office's, and the read is audited", async () => {
    const s = await open(api.as('supervisor'));
    expect(s.status).toBe(200);
    await s.next((e) => e.event === 'ready');
    api.alerts.raised(absence('other-office', 'district-2'));
    api.alerts.raised(absence('a1'));
    const got = await s.next((e) => e.event === 'missed-call');
    expect(got.data).toMatchObject({ kind: 'missed-call', id: 'a1', callId: 'call-a1', deskEndpoint: 'desk', officers: [], reason: '值班台响铃3声无人接听（离岗）' });
    expect(got.id).toBe((got.data as { streamId: string }).streamId);
    expect(s.events.filter((e) => e.event === 'missed-call')).toHaveLength(1);
    const audit = await api.inject({ url: '/audit-log?action=alerts.stream', headers: api.as('auditor') });
    expect(audit.json().items.length).toBeGreaterThan(0);
  });

  it('a stream that reconnects with Last-Event-ID first gets the alerts it missed, in order, then the new ones', async () => {
    const first = await open(api.as('supervisor'));
    await first.next((e) => e.event === 'ready');
    api.alerts.raised(absence('b1'));
    const seen = await first.next((e) => e.event === 'missed-call' && (e.data as { id: string }).id === 'b1');
    first.close();
    api.alerts.raised(absence('b2'));
    api.alerts.raised(absence('b3'));
    const again = await open({ ...api.as('supervisor'), 'last-event-id': seen.id! });
    const ready = await again.next((e) => e.event === 'ready');
    expect(again.events.filter((e) => e.event === 'missed-call').map((e) => (e.data as { id: string }).id)).toEqual(['b2', 'b3']);
    expect(ready.data).toEqual({ missed: 2 });
    api.alerts.raised(absence('b4'));
    await again.next((e) => e.event === 'missed-call' && (e.data as { id: string }).id === 'b4');
  });
});

describe('GET /alerts', () => {
  it('lists the alerts kept after a stream id, in the reader’s office', async () => {
    api.alerts.raised(absence('c1'));
    const all = (await api.inject({ url: '/alerts' })).json().items as { id: string; streamId: string }[];
    const c1 = all.find((a) => a.id === 'c1')!;
    api.alerts.raised(absence('c2'));
    const after = (await api.inject({ url: `/alerts?after=${c1.streamId}` })).json().items as { id: string }[];
    expect(after.map((a) => a.id)).toEqual(['c2']);
    expect(all.some((a) => a.id === 'other-office')).toBe(false);
    expect((await api.inject({ url: '/alerts', headers: api.as('ops') })).statusCode).toBe(403);
  });
});

describe('call pulses on the stream', () => {
  it("a call stored reaches the office's streams as event call with its id and no stream id; another office's call does not", async () => {
    const s = await open(api.as('supervisor'));
    await s.next((e) => e.event === 'ready');
    api.alerts.callChanged({ id: 'elsewhere', officeId: 'district-2', offeredAt: new Date() });
    api.alerts.callChanged({ id: 'c-here', officeId: 'default', offeredAt: new Date() });
    const pulse = await s.next((e) => e.event === 'call');
    expect(pulse).toMatchObject({ id: null, data: { id: 'c-here' } });
    expect(s.events.filter((e) => e.event === 'call').map((e) => (e.data as { id: string }).id)).toEqual(['c-here']);
  });

  it("a duty officer's stream: only the calls offered during their own shifts", async () => {
    const now = Date.now();
    await publishRoster(api.roster, [{ startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString(), officerIds: [api.officerId] }], new Date(now - 7200_000));
    const s = await open(api.as('duty-officer'));
    await s.next((e) => e.event === 'ready');
    api.alerts.callChanged({ id: 'before-my-shift', officeId: 'default', offeredAt: new Date(now - 3 * 3600_000) });
    api.alerts.callChanged({ id: 'in-my-shift', officeId: 'default', offeredAt: new Date(now - 60_000) });
    await s.next((e) => e.event === 'call');
    expect(s.events.filter((e) => e.event === 'call').map((e) => (e.data as { id: string }).id)).toEqual(['in-my-shift']);
  });
});

/**
 * Who may use which route, for every route the API registers (api.declared: a new route fails
 * here until it has a sample request below). No credential → 401 (a public route passes); a
 * role lacking the route's permission → 403 naming it; a role holding it gets past the check
 * (the status its sample request gets, stated literally). The role → permission table is
 * written out here, and checked against src/core/access/roles.ts, so a change in either is seen.
 * Then credentials that name no live user: a bad or unknown bearer token, a revoked token, an
 * inactive user's token or session.
 */
import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { newSecret } from '../../../src/access/secret-token.js';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { PERMISSIONS, permissionsOf, ROLES, type Permission, type Role } from '../../../src/core/access/roles.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { parseScheduleFile } from '../../../src/schedule/schedule-file.js';
import { PASSWORD } from '../../support/access-api.js';
import { buildApi, NO_CREDENTIALS, type TestApi } from '../../support/http.js';
import { baselineCalendar, readRepoFile } from '../../support/schedule-test-data.js';

/** Who holds each permission: written out, not read from roles.ts. */
const HOLDERS: Record<Permission, readonly Role[]> = {
  'calls:read': ['duty-officer', 'supervisor', 'auditor'],
  'records:read': ['duty-officer', 'supervisor', 'auditor'],
  'duty-log:write': ['duty-officer', 'supervisor'],
  'records:review': ['supervisor'],
  'records:object': ['duty-officer'],
  'health:read': ['supervisor', 'ops', 'auditor'],
  'roster:read': ['duty-officer', 'supervisor', 'auditor'],
  'roster:manage': ['supervisor'],
  'swaps:request': ['duty-officer', 'supervisor'],
  'roster:approve': ['supervisor'],
  'schedule:read': ['supervisor', 'ops', 'auditor'],
  'dialplan:manage': ['ops'],
  'calendar:manage': ['ops'],
  'config:manage': ['ops'],
  'reports:read': ['supervisor', 'auditor'],
  'audit:read': ['auditor'],
  'users:manage': ['supervisor'],
  'session:own': ['duty-officer', 'supervisor', 'ops', 'auditor'],
  'tokens:own': ['duty-officer', 'supervisor', 'ops', 'auditor'],
};

const NOWHERE = '00000000-0000-4000-8000-000000000000';
const CSV = readFileSync(new URL('../../fixtures/roster/roster-2026-10.utf8.csv', import.meta.url));
const officeSchedule = { schedule: parseScheduleFile(readRepoFile('test/fixtures/roster/schedule.yaml'), 'schedule.yaml'), calendar: baselineCalendar };

interface Sample {
  /** Default: the route's own url. */
  url?: string;
  payload?: object | Buffer;
  headers?: Record<string, string>;
  /** The status a caller who gets past the access check sees (per role where they differ). */
  status: number | Partial<Record<Role, number>>;
}

/**
 * One request per route, on a fresh API. Ids name nothing (404), so the handler runs and answers;
 * the supervisor's POST /swaps is NOT_YOURS (its user is no roster officer), not FORBIDDEN.
 */
const SAMPLES: Record<string, Sample> = {
  'GET /docs/': { status: 200 },
  // swagger-ui sends the page's own address instead
  'GET /docs/static/index.html': { status: 302 },
  'GET /docs/static/swagger-initializer.js': { status: 200 },
  'GET /docs/json': { status: 200 },
  'GET /docs/yaml': { status: 200 },
  'GET /docs/static/*': { url: '/docs/static/index.css', status: 200 },
  'POST /session': { payload: { name: 'test-auditor', password: PASSWORD }, status: 200 },
  'GET /session': { status: 200 },
  // signed in with a token, not a session
  'DELETE /session': { status: 400 },
  'POST /tokens': { payload: { name: 'nightly export' }, status: 201 },
  'GET /tokens': { status: 200 },
  'DELETE /tokens/:id': { url: `/tokens/${NOWHERE}`, status: 404 },
  'GET /audit-log': { status: 200 },
  'GET /users': { status: 200 },
  'POST /users': { payload: { name: 'new.clerk', role: 'auditor', password: 'a long enough pass 值班' }, status: 201 },
  'PATCH /users/:id': { url: `/users/${NOWHERE}`, payload: { active: true }, status: 404 },
  'GET /healthz': { status: 200 },
  'GET /calls': { status: 200 },
  'GET /calls/:id': { url: `/calls/${NOWHERE}`, status: 404 },
  'GET /calls.csv': { status: 200 },
  'GET /calls/:id/duty-log': { url: `/calls/${NOWHERE}/duty-log`, status: 404 },
  'PUT /calls/:id/duty-log': { url: `/calls/${NOWHERE}/duty-log`, payload: { version: 0, content: '咨询' }, status: 404 },
  'GET /calls/:id/duty-log/versions': { url: `/calls/${NOWHERE}/duty-log/versions`, status: 404 },
  'GET /discipline-records': { status: 200 },
  'GET /discipline-records/:id': { url: `/discipline-records/${NOWHERE}`, status: 404 },
  'POST /discipline-records/:id/objection': { url: `/discipline-records/${NOWHERE}/objection`, payload: { text: '不是我' }, status: 404 },
  'POST /discipline-records/:id/confirm': { url: `/discipline-records/${NOWHERE}/confirm`, payload: { reason: '属实' }, status: 404 },
  'POST /discipline-records/:id/waive': { url: `/discipline-records/${NOWHERE}/waive`, payload: { reason: '误报' }, status: 404 },
  'POST /discipline-records': { payload: { subject: { kind: 'spot-check', id: 'sc-1' }, mistakeKind: 'other', text: '未报告', occurredAt: '2026-01-01T00:00:00Z' }, status: 201 },
  'GET /officers': { status: 200 },
  'POST /officers': { payload: { name: '周八' }, status: 201 },
  'PATCH /officers/:id': { url: `/officers/${NOWHERE}`, payload: { active: false }, status: 404 },
  'GET /rosters': { status: 200 },
  'POST /rosters': { payload: { month: '2026-12' }, status: 201 },
  'GET /rosters/:month': { url: '/rosters/2026-12', status: 404 },
  'PUT /rosters/:month/shifts': { url: '/rosters/2026-12/shifts', payload: CSV, headers: { 'content-type': 'text/csv' }, status: 404 },
  'POST /rosters/:month/submit': { url: '/rosters/2026-12/submit', status: 404 },
  'POST /rosters/:month/approve': { url: '/rosters/2026-12/approve', status: 404 },
  'POST /rosters/:month/publish': { url: '/rosters/2026-12/publish', status: 404 },
  'POST /rosters/:month/return': { url: '/rosters/2026-12/return', payload: { reason: '重排' }, status: 404 },
  'GET /swaps': { status: 200 },
  'POST /swaps': { payload: { shiftId: NOWHERE, counterpartId: NOWHERE, reason: '家中有事' }, status: { 'duty-officer': 404, supervisor: 403 } },
  'POST /swaps/:id/agree': { url: `/swaps/${NOWHERE}/agree`, status: 404 },
  'POST /swaps/:id/decline': { url: `/swaps/${NOWHERE}/decline`, status: 404 },
  'POST /swaps/:id/approve': { url: `/swaps/${NOWHERE}/approve`, payload: { note: '同意' }, status: 404 },
  'POST /swaps/:id/reject': { url: `/swaps/${NOWHERE}/reject`, payload: { note: '不同意' }, status: 404 },
  'GET /on-duty': { url: '/on-duty?desk=desk', status: 200 },
  'GET /reports/monthly-tally': { url: '/reports/monthly-tally?month=2026-12', status: 200 },
  'GET /shifts/:id/handover': { url: `/shifts/${NOWHERE}/handover`, status: 404 },
  'PUT /shifts/:id/handover': { url: `/shifts/${NOWHERE}/handover`, payload: { note: '交班' }, status: 404 },
  'POST /shifts/:id/handover/acknowledge': { url: `/shifts/${NOWHERE}/handover/acknowledge`, payload: {}, status: 404 },
  'GET /reports/monthly-tally.csv': { url: '/reports/monthly-tally.csv?month=2026-12', status: 200 },
  'GET /reports/monthly-tally.xlsx': { url: '/reports/monthly-tally.xlsx?month=2026-12', status: 200 },
  'GET /reports/missed-calls': { url: '/reports/missed-calls?month=2026-12', status: 200 },
  'GET /reports/missed-calls.csv': { url: '/reports/missed-calls.csv?month=2026-12', status: 200 },
  'GET /watch-gaps': { url: '/watch-gaps?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z', status: 200 },
  'GET /handovers': { url: '/handovers?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z', status: 200 },
  'GET /alerts': { status: 200 },
  // A stream never ends: a caller that accepts JSON only is refused (406) once past the access check.
  'GET /alerts/stream': { headers: { accept: 'application/json' }, status: 406 },
  'GET /webhook-deliveries': { status: 200 },
  'GET /schedule': { status: 200 },
  'GET /schedule/coverage': { url: '/schedule/coverage?at=2026-10-10T09:00:00%2B08:00', status: 200 },
  'GET /calendar': { url: '/calendar?year=2026', status: 200 },
  // the test API configures no office for the dialplan
  'GET /dialplan': { status: 409 },
  'GET /': { status: 302 },
  // the test API has no console built
  'GET /console/*': { url: '/console/', status: 503 },
};

const newApi = () => buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore(), officeSchedule });
const probe = await newApi();
const declared = probe.declared;
await probe.close();

function requestOf(route: string, sample: Sample, headers: Record<string, string>): InjectOptions {
  const [method, url] = route.split(' ') as [InjectOptions['method'], string];
  return { method, url: sample.url ?? url, headers: { ...sample.headers, ...headers }, ...(sample.payload && { payload: sample.payload }) };
}

const statusFor = (sample: Sample, role: Role) => (typeof sample.status === 'number' ? sample.status : sample.status[role]);

describe('the permission table', () => {
  it('is what src/core/access/roles.ts gives each role', () => {
    expect(Object.keys(HOLDERS).sort()).toEqual([...PERMISSIONS].sort());
    for (const role of ROLES) {
      const written = PERMISSIONS.filter((p) => HOLDERS[p].includes(role));
      expect(permissionsOf(role), role).toEqual(written);
    }
  });

  it('has a sample request for every route the API registers, and none for a route it does not', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(declared).sort());
  });

  it('covers every permission a route declares', () => {
    for (const [route, permission] of Object.entries(declared)) expect(permission === 'public' || (typeof permission === 'string' && permission in HOLDERS), route).toBe(true);
  });
});

describe.each(Object.entries(declared))('%s (%s)', (route, permission) => {
  let api: TestApi;
  afterAll(async () => {
    await api?.close();
  });
  const sample = SAMPLES[route];
  const holders: readonly Role[] = permission === 'public' ? ROLES : (HOLDERS[permission as Permission] ?? []);

  it('answers each caller as the table says', async () => {
    expect(sample, `no sample request for ${route}: add one to SAMPLES`).toBeDefined();
    if (!sample) return;
    api = await newApi();
    const send = (headers: Record<string, string>) => api.inject(requestOf(route, sample, headers));

    const anonymous = await send(NO_CREDENTIALS);
    if (permission === 'public') expect(anonymous.statusCode, anonymous.body).toBe(statusFor(sample, 'supervisor'));
    else expect([anonymous.statusCode, anonymous.json()]).toEqual([401, { error: 'UNAUTHORIZED', message: 'authentication required' }]);

    for (const role of ROLES) {
      const res = await send(api.as(role));
      if (holders.includes(role)) {
        expect(res.statusCode, `${role}: ${res.body.slice(0, 300)}`).toBe(statusFor(sample, role));
        expect(res.statusCode, role).not.toBe(401);
        if (res.statusCode === 403) expect(res.json().error, role).toBe('NOT_YOURS');
      } else {
        expect([role, res.statusCode, res.json()]).toEqual([role, 403, { error: 'FORBIDDEN', message: `permission '${String(permission)}' required` }]);
      }
    }
  });
});

describe('credentials that name no live user', () => {
  let api: TestApi;
  afterAll(async () => {
    await api?.close();
  });
  const whoAmI = (headers: Record<string, string>) => api.inject({ method: 'GET', url: '/session', headers });

  it('a malformed, unknown or tampered bearer token, another scheme, a made-up session cookie: 401', async () => {
    api = await newApi();
    const good = api.as('auditor').authorization;
    const unknown = `Bearer ${newSecret('token').secret}`;
    const tampered = `${good.slice(0, -4)}AAAA`;
    const session = `Bearer ${newSecret('session').secret}`;
    for (const authorization of ['Bearer not-a-token', 'Bearer', unknown, tampered, session, 'Basic dGVzdC1hdWRpdG9yOnBhc3N3b3Jk', good.replace('Bearer ', '')]) {
      const res = await whoAmI({ authorization });
      expect([authorization, res.statusCode, res.json()]).toEqual([authorization, 401, { error: 'UNAUTHORIZED', message: 'authentication required' }]);
    }
    expect((await whoAmI({ cookie: `dh_session=${newSecret('session').secret}` })).statusCode).toBe(401);
    // a bad token on a public route is no reason to refuse it
    expect((await api.inject({ method: 'GET', url: '/healthz', headers: { authorization: 'Bearer not-a-token' } })).statusCode).toBe(200);
    expect((await whoAmI({ authorization: good })).statusCode).toBe(200);
  });

  it('a revoked token: 401 from then on', async () => {
    api = await newApi();
    const created = await api.inject({ method: 'POST', url: '/tokens', payload: { name: 'script' }, headers: api.as('auditor') });
    expect(created.statusCode).toBe(201);
    const token = { authorization: `Bearer ${created.json<{ token: string }>().token}` };
    expect((await whoAmI(token)).statusCode).toBe(200);
    const revoked = await api.inject({ method: 'DELETE', url: `/tokens/${created.json<{ id: string }>().id}`, headers: api.as('auditor') });
    expect(revoked.statusCode).toBe(200);
    expect((await whoAmI(token)).statusCode).toBe(401);
    expect((await api.inject({ method: 'GET', url: '/calls', headers: token })).statusCode).toBe(401);
    // the user's other token still works
    expect((await whoAmI(api.as('auditor'))).statusCode).toBe(200);
  });

  it("an inactive user's token and session: 401, and they cannot sign in; active again, they can", async () => {
    api = await newApi();
    const signIn = () => api.inject({ method: 'POST', url: '/session', payload: { name: 'test-auditor', password: PASSWORD }, headers: NO_CREDENTIALS });
    const signedIn = await signIn();
    expect(signedIn.statusCode).toBe(200);
    const cookie = { cookie: signedIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
    expect((await whoAmI(cookie)).statusCode).toBe(200);

    const setActive = (active: boolean) => api.inject({ method: 'PATCH', url: `/users/${api.users.auditor.id}`, payload: { active } });
    expect((await setActive(false)).statusCode).toBe(200);
    expect((await whoAmI(api.as('auditor'))).statusCode).toBe(401);
    expect((await api.inject({ method: 'GET', url: '/audit-log', headers: api.as('auditor') })).statusCode).toBe(401);
    expect((await whoAmI(cookie)).statusCode).toBe(401);
    expect((await signIn()).json()).toEqual({ error: 'SIGN_IN_FAILED', message: 'wrong name or password' });

    expect((await setActive(true)).statusCode).toBe(200);
    expect((await whoAmI(api.as('auditor'))).statusCode).toBe(200);
  });
});

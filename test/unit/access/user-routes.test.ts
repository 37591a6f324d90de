/** A supervisor's users through the API: added to their office only, signing in, made inactive. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { buildApi, type TestApi } from '../../support/http.js';

let api: TestApi;
beforeAll(async () => {
  api = await buildApi({ calls: new MemoryCallStore(), discipline: new MemoryDisciplineStore() });
});
afterAll(async () => {
  await api?.close();
});

const PASSWORD = 'a long enough pass 值班';
const post = (url: string, payload: object, headers = {}) => api.inject({ method: 'POST', url, payload, headers });

describe('POST /users, GET /users, PATCH /users/:id', () => {
  it('a supervisor adds a duty officer linked to a roster officer, who signs in and then is made inactive', async () => {
    const added = await post('/users', { name: 'Zhao.Liu', displayName: '赵六', role: 'duty-officer', password: PASSWORD, officerId: api.officerId });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ name: 'zhao.liu', displayName: '赵六', role: 'duty-officer', officeId: 'default', officerId: api.officerId, active: true });

    const signIn = await api.inject({ method: 'POST', url: '/session', payload: { name: 'zhao.liu', password: PASSWORD }, headers: { cookie: '' } });
    expect(signIn.statusCode).toBe(200);
    const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const me = await api.inject({ method: 'GET', url: '/session', headers: { cookie } });
    expect(me.json()).toMatchObject({ user: { name: 'zhao.liu', role: 'duty-officer' } });

    const listed = await api.inject({ method: 'GET', url: '/users' });
    expect(listed.json().items.map((u: { name: string }) => u.name)).toContain('zhao.liu');

    const disabled = await api.inject({ method: 'PATCH', url: `/users/${added.json().id}`, payload: { active: false } });
    expect(disabled.json()).toMatchObject({ active: false });
    // The session ended with it.
    expect((await api.inject({ method: 'GET', url: '/session', headers: { cookie } })).statusCode).toBe(401);
  });

  it('refuses what it cannot add, naming the problem', async () => {
    const cases: Array<[object, number, string]> = [
      [{ name: 'weak.one', role: 'auditor', password: 'short' }, 400, 'body/password the password is too short: 5 characters, at least 12 needed'],
      [{ name: 'bad name!', role: 'auditor', password: PASSWORD }, 400, 'body/name'],
      [{ name: 'no.officer', role: 'duty-officer', password: PASSWORD, officerId: '00000000-0000-4000-8000-000000000000' }, 404, 'office default has no officer 00000000-0000-4000-8000-000000000000'],
      [{ name: 'test-auditor', role: 'auditor', password: PASSWORD }, 409, 'a user named "test-auditor" exists already (names are unique across the install)'],
      [{ name: 'x.y', role: 'boss', password: PASSWORD }, 400, 'body/role'],
      [{ name: 42, role: 'auditor', password: PASSWORD }, 400, 'body/name must be string'],
    ];
    for (const [payload, status, message] of cases) {
      const res = await post('/users', payload);
      expect([res.statusCode, res.json().message], JSON.stringify(payload)).toEqual([status, expect.stringContaining(message)]);
    }
  });

  it("another office's users are neither listed nor changed; only supervisors manage users; no one makes themself inactive", async () => {
    const elsewhere = await api.asNew('city.supervisor', 'supervisor', { officeId: 'city' });
    const cityUser = await post('/users', { name: 'city.auditor', role: 'auditor', password: PASSWORD }, elsewhere);
    expect(cityUser.json()).toMatchObject({ officeId: 'city' });
    expect((await api.inject({ method: 'GET', url: '/users' })).json().items.map((u: { name: string }) => u.name)).not.toContain('city.auditor');
    const patch = await api.inject({ method: 'PATCH', url: `/users/${cityUser.json().id}`, payload: { active: false } });
    expect([patch.statusCode, patch.json().message]).toEqual([404, `your office has no user ${cityUser.json().id}`]);
    for (const role of ['duty-officer', 'ops', 'auditor'] as const) {
      const res = await api.inject({ method: 'GET', url: '/users', headers: api.as(role) });
      expect([role, res.statusCode, res.json().message]).toEqual([role, 403, "permission 'users:manage' required"]);
    }
    const self = await api.inject({ method: 'PATCH', url: `/users/${api.users.supervisor.id}`, payload: { active: false } });
    expect(self.statusCode).toBe(409);
  });
});

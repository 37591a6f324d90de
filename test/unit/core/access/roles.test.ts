/** Roles, their permissions, and what part of the duty records each reads (pure). */
import { describe, expect, it } from 'vitest';
import {
  hasPermission,
  isPermission,
  isRole,
  mayRead,
  mayReadCall,
  mayReadRecord,
  PERMISSIONS,
  permissionsOf,
  readableRanges,
  readScopeOf,
  ROLES,
  type Permission,
  type Role,
} from '../../../../src/core/access/roles.js';
import { PERMISSIONS as ROUTE_PERMISSIONS } from '../../../../src/platform/http/permissions.js';

const at = (iso: string) => new Date(iso);

describe('permissions', () => {
  it('are one closed list: the routes declare from the same list the roles are defined against', () => {
    expect(ROUTE_PERMISSIONS).toBe(PERMISSIONS);
    expect(new Set(PERMISSIONS).size).toBe(PERMISSIONS.length);
    for (const p of ['calls:read', 'records:read', 'records:review', 'audit:read', 'session:own', 'tokens:own']) expect(isPermission(p), p).toBe(true);
    expect(isPermission('calls:write')).toBe(false);
    expect(isPermission(undefined)).toBe(false);
  });

  it('four roles', () => {
    expect(ROLES).toEqual(['duty-officer', 'supervisor', 'ops', 'auditor']);
    expect(isRole('supervisor')).toBe(true);
    expect(isRole('admin')).toBe(false);
    expect(isRole(42)).toBe(false);
  });

  it('each role holds exactly its permissions (the table of the README)', () => {
    const table = Object.fromEntries(ROLES.map((r) => [r, permissionsOf(r)]));
    expect(table).toEqual({
      'duty-officer': ['calls:read', 'records:read', 'duty-log:write', 'records:object', 'roster:read', 'swaps:request', 'session:own', 'tokens:own'],
      supervisor: ['calls:read', 'records:read', 'duty-log:write', 'records:review', 'health:read', 'roster:read', 'roster:manage', 'swaps:request', 'roster:approve', 'schedule:read', 'reports:read', 'users:manage', 'session:own', 'tokens:own'],
      ops: ['health:read', 'schedule:read', 'dialplan:manage', 'calendar:manage', 'config:manage', 'session:own', 'tokens:own'],
      auditor: ['calls:read', 'records:read', 'health:read', 'roster:read', 'schedule:read', 'reports:read', 'audit:read', 'session:own', 'tokens:own'],
    });
  });

  it.each<[string, Permission, Role[]]>([
    ['ops read no duty records', 'calls:read', ['duty-officer', 'supervisor', 'auditor']],
    ['ops read no discipline records', 'records:read', ['duty-officer', 'supervisor', 'auditor']],
    ['only auditors read the audit log', 'audit:read', ['auditor']],
    ['only supervisors review records', 'records:review', ['supervisor']],
    ['only supervisors approve the roster', 'roster:approve', ['supervisor']],
    ['only ops manage the dialplan', 'dialplan:manage', ['ops']],
    ['only ops manage the calendar', 'calendar:manage', ['ops']],
    ['duty officers read no schedule (their desk is their shift)', 'schedule:read', ['supervisor', 'ops', 'auditor']],
    ['everyone has their own session', 'session:own', ['duty-officer', 'supervisor', 'ops', 'auditor']],
  ])('%s', (_what, permission, holders) => {
    expect(ROLES.filter((r) => hasPermission(r, permission))).toEqual(holders);
  });

  it('the auditor changes nothing: no permission of theirs writes', () => {
    const writes: Permission[] = ['records:review', 'records:object', 'roster:manage', 'roster:approve', 'dialplan:manage', 'calendar:manage', 'config:manage'];
    expect(permissionsOf('auditor').filter((p) => writes.includes(p))).toEqual([]);
  });
});

describe('read scope', () => {
  const shifts = [
    { startsAt: at('2026-11-23T00:30:00Z'), endsAt: at('2026-11-23T09:30:00Z') },
    { startsAt: at('2026-11-24T09:30:00Z'), endsAt: at('2026-11-25T00:30:00Z') },
  ];

  it('supervisor and auditor: their office, any time; ops: nothing', () => {
    for (const role of ['supervisor', 'auditor'] as const) {
      const scope = readScopeOf({ role, officeId: 'city' }, shifts);
      expect(scope).toEqual({ kind: 'office', officeId: 'city' });
      expect(mayRead(scope, { officeId: 'city', at: at('2020-01-01T00:00:00Z') })).toBe(true);
      expect(mayRead(scope, { officeId: 'county', at: at('2026-11-23T01:00:00Z') })).toBe(false);
    }
    const ops = readScopeOf({ role: 'ops', officeId: 'city' });
    expect(ops).toEqual({ kind: 'none' });
    expect(mayRead(ops, { officeId: 'city', at: at('2026-11-23T01:00:00Z') })).toBe(false);
  });

  it('duty officer: what happened in their office during one of their shifts, [startsAt, endsAt)', () => {
    const scope = readScopeOf({ role: 'duty-officer', officeId: 'city' }, shifts);
    const reads = (iso: string, officeId = 'city') => mayRead(scope, { officeId, at: at(iso) });
    expect(reads('2026-11-23T00:30:00Z')).toBe(true);
    expect(reads('2026-11-23T09:29:59.999Z')).toBe(true);
    expect(reads('2026-11-23T09:30:00Z')).toBe(false);
    expect(reads('2026-11-23T00:29:59.999Z')).toBe(false);
    expect(reads('2026-11-24T23:00:00Z')).toBe(true);
    expect(reads('2026-11-24T08:00:00Z')).toBe(false);
    expect(reads('2026-11-23T05:00:00Z', 'county')).toBe(false);
  });

  it('a duty officer with no shifts (or only empty ones) reads nothing', () => {
    const none = readScopeOf({ role: 'duty-officer', officeId: 'city' });
    expect(mayRead(none, { officeId: 'city', at: at('2026-11-23T05:00:00Z') })).toBe(false);
    const empty = readScopeOf({ role: 'duty-officer', officeId: 'city' }, [{ startsAt: at('2026-11-23T05:00:00Z'), endsAt: at('2026-11-23T05:00:00Z') }]);
    expect(empty).toEqual({ kind: 'own-shifts', officeId: 'city', shifts: [] });
  });

  it('a call is read by when it was offered, a record by when it occurred', () => {
    const scope = readScopeOf({ role: 'duty-officer', officeId: 'city' }, shifts);
    expect(mayReadCall(scope, { officeId: 'city', offeredAt: at('2026-11-23T09:29:00Z') })).toBe(true);
    expect(mayReadCall(scope, { officeId: 'city', offeredAt: at('2026-11-23T09:31:00Z') })).toBe(false);
    expect(mayReadRecord(scope, { officeId: 'city', occurredAt: at('2026-11-23T09:29:00Z') })).toBe(true);
    expect(mayReadRecord(scope, { officeId: 'city', occurredAt: at('2026-11-23T09:31:00Z') })).toBe(false);
  });

  it('readableRanges: what a list may cover — the office, and for a duty officer the query range cut to their shifts', () => {
    const supervisor = readScopeOf({ role: 'supervisor', officeId: 'city' });
    expect(readableRanges(supervisor, {})).toEqual({ officeId: 'city', ranges: [{}] });
    expect(readableRanges(supervisor, { from: at('2026-11-01T00:00:00Z'), officeId: 'city' })).toEqual({ officeId: 'city', ranges: [{ from: at('2026-11-01T00:00:00Z') }] });
    expect(readableRanges(supervisor, { officeId: 'county' })).toBeNull();
    expect(readableRanges(readScopeOf({ role: 'ops', officeId: 'city' }), {})).toBeNull();

    const overlapping = [...shifts, { startsAt: at('2026-11-23T09:00:00Z'), endsAt: at('2026-11-23T12:00:00Z') }];
    const officer = readScopeOf({ role: 'duty-officer', officeId: 'city' }, overlapping);
    expect(readableRanges(officer, {})).toEqual({
      officeId: 'city',
      ranges: [
        { from: at('2026-11-23T00:30:00Z'), to: at('2026-11-23T12:00:00Z') },
        { from: at('2026-11-24T09:30:00Z'), to: at('2026-11-25T00:30:00Z') },
      ],
    });
    expect(readableRanges(officer, { from: at('2026-11-23T10:00:00Z'), to: at('2026-11-24T10:00:00Z') })).toEqual({
      officeId: 'city',
      ranges: [
        { from: at('2026-11-23T10:00:00Z'), to: at('2026-11-23T12:00:00Z') },
        { from: at('2026-11-24T09:30:00Z'), to: at('2026-11-24T10:00:00Z') },
      ],
    });
    expect(readableRanges(officer, { from: at('2026-12-01T00:00:00Z') })).toEqual({ officeId: 'city', ranges: [] });
    expect(readableRanges(officer, { officeId: 'county' })).toBeNull();
  });
});

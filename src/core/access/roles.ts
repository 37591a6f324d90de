/**
 * Who may do what (access control, "Who was on duty"): the closed list of permissions every
 * route declares one of (src/platform/http/permissions.ts re-exports this list: there is one),
 * the four roles and the permissions each holds, and what part of the duty records a role reads
 * (its scope). Pure: the caller passes the user, and for a duty officer their shifts.
 */
import type { OfficeId } from '../office.js';
import type { TimeRange } from '../time-range.js';

/** The closed list of permissions. Some are declared ahead of the routes that will need them. */
export const PERMISSIONS = [
  /** read the call log (值班记录) — within the role's scope (readScopeOf) */
  'calls:read',
  /** read discipline records (离岗 / 失误) — within the role's scope */
  'records:read',
  /** complete the duty log entry (值班记录) of a call: the officer of that shift, or a supervisor (within the read scope) */
  'duty-log:write',
  /** review discipline records: confirm, dismiss, annotate (record lifecycle) */
  'records:review',
  /** file an objection (申诉) to a discipline record: the record's officer (record lifecycle) */
  'records:object',
  /** the service's health in detail, beyond the public /healthz probe */
  'health:read',
  /** read the duty roster (who is on duty when) */
  'roster:read',
  /** edit the duty roster: shifts, swaps, leader on duty */
  'roster:manage',
  /** request a shift swap (调班) for one's own shift, and agree to or decline one asked of oneself */
  'swaps:request',
  /** approve a roster month or a swap (值班主任) */
  'roster:approve',
  /** read the duty schedule, who covers the line at a moment, and the holiday calendar */
  'schedule:read',
  /** render, check and apply the dialplan; see the PBX's dialplan against what would be rendered */
  'dialplan:manage',
  /** import and correct the holiday calendar (调休, State Council notices) */
  'calendar:manage',
  /** read and change the service's configuration (offices, endpoints, ring settings) */
  'config:manage',
  /** the office's reports: the monthly tally and subsidy, the missed-call report */
  'reports:read',
  /** read the audit trail (who read or changed which duty record) */
  'audit:read',
  /** add users to one's office, make them inactive or active again */
  'users:manage',
  /** one's own session: who am I, sign out */
  'session:own',
  /** one's own API tokens: create, list, revoke */
  'tokens:own',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['duty-officer', 'supervisor', 'ops', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

/** What every signed-in user may do with their own credentials. */
const OWN = ['session:own', 'tokens:own'] as const satisfies readonly Permission[];

/**
 * Each role's permissions:
 * - duty officer (值班人员): the calls and records of their own shifts; objects to a record;
 * - supervisor (值班主任): the office's calls and records, reviews records, draws up and approves the roster;
 * - ops: configuration, dialplan, holiday calendar, health — and no duty records;
 * - auditor: reads everything of the office, the audit log included, and changes nothing.
 */
const ROLE_PERMISSIONS: { readonly [R in Role]: readonly Permission[] } = {
  'duty-officer': ['calls:read', 'duty-log:write', 'records:read', 'records:object', 'roster:read', 'swaps:request', ...OWN],
  supervisor: ['calls:read', 'duty-log:write', 'records:read', 'records:review', 'roster:read', 'roster:manage', 'swaps:request', 'roster:approve', 'schedule:read', 'health:read', 'reports:read', 'users:manage', ...OWN],
  ops: ['schedule:read', 'dialplan:manage', 'calendar:manage', 'config:manage', 'health:read', ...OWN],
  auditor: ['calls:read', 'records:read', 'roster:read', 'schedule:read', 'health:read', 'reports:read', 'audit:read', ...OWN],
};

/** The role's permissions, in the order of PERMISSIONS. */
export function permissionsOf(role: Role): Permission[] {
  const held = new Set<Permission>(ROLE_PERMISSIONS[role]);
  return PERMISSIONS.filter((p) => held.has(p));
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** [startsAt, endsAt): a duty officer's shift, as the roster gives it (instants). */
export interface ShiftInterval {
  startsAt: Date;
  endsAt: Date;
}

/**
 * The part of the duty records (call-log entries, discipline records) a user reads:
 * - `office`: everything of their office (supervisor, auditor);
 * - `own-shifts`: what happened in their office during one of their shifts (duty officer);
 * - `none`: nothing (ops; a duty officer who is no officer of the roster has no shifts and reads nothing).
 */
export type ReadScope =
  | { kind: 'office'; officeId: OfficeId }
  | { kind: 'own-shifts'; officeId: OfficeId; shifts: readonly ShiftInterval[] }
  | { kind: 'none' };

/** The user's scope; `shifts` (their shifts from the roster) matter only to a duty officer. */
export function readScopeOf(user: { role: Role; officeId: OfficeId }, shifts: readonly ShiftInterval[] = []): ReadScope {
  switch (user.role) {
    case 'supervisor':
    case 'auditor':
      return { kind: 'office', officeId: user.officeId };
    case 'duty-officer':
      return { kind: 'own-shifts', officeId: user.officeId, shifts: shifts.filter((s) => s.startsAt.getTime() < s.endsAt.getTime()) };
    case 'ops':
      return { kind: 'none' };
  }
}

/** Whether a duty record of `officeId` that happened `at` is in the scope. */
export function mayRead(scope: ReadScope, item: { officeId: OfficeId; at: Date }): boolean {
  switch (scope.kind) {
    case 'none':
      return false;
    case 'office':
      return item.officeId === scope.officeId;
    case 'own-shifts': {
      if (item.officeId !== scope.officeId) return false;
      const t = item.at.getTime();
      return scope.shifts.some((s) => s.startsAt.getTime() <= t && t < s.endsAt.getTime());
    }
  }
}

/** A call-log entry is read by when it was offered (the call reached the duty line). */
export function mayReadCall(scope: ReadScope, call: { officeId: OfficeId; offeredAt: Date }): boolean {
  return mayRead(scope, { officeId: call.officeId, at: call.offeredAt });
}

/** A discipline record is read by when what it records happened. */
export function mayReadRecord(scope: ReadScope, record: { officeId: OfficeId; occurredAt: Date }): boolean {
  return mayRead(scope, { officeId: record.officeId, at: record.occurredAt });
}

export type { TimeRange } from '../time-range.js';

/**
 * A list query confined to the scope: its office that of the scope, and for a duty officer its
 * time ranges as `within` (the query's cut to each shift). Null when the scope reads nothing.
 */
export function scopedQuery<Q extends TimeRange & { officeId?: OfficeId }>(scope: ReadScope, query: Q): (Q & { officeId: OfficeId; within?: TimeRange[] }) | null {
  const readable = readableRanges(scope, query);
  if (!readable) return null;
  return { ...query, officeId: readable.officeId, ...(scope.kind === 'own-shifts' && { within: readable.ranges }) };
}

/**
 * What a list query may cover within the scope: the office to filter by and the time ranges to
 * read (the query's range, or for a duty officer its intersection with each shift, sorted and
 * merged; an empty list reads nothing). Null when the scope reads nothing, or the query names
 * another office (`officeId`, when given).
 */
export function readableRanges(scope: ReadScope, query: TimeRange & { officeId?: OfficeId }): { officeId: OfficeId; ranges: TimeRange[] } | null {
  if (scope.kind === 'none') return null;
  if (query.officeId !== undefined && query.officeId !== scope.officeId) return null;
  const range: TimeRange = { ...(query.from && { from: query.from }), ...(query.to && { to: query.to }) };
  if (scope.kind === 'office') return { officeId: scope.officeId, ranges: [range] };
  const lo = query.from?.getTime() ?? -Infinity;
  const hi = query.to?.getTime() ?? Infinity;
  const cut = scope.shifts
    .map((s) => [Math.max(lo, s.startsAt.getTime()), Math.min(hi, s.endsAt.getTime())] as const)
    .filter(([a, b]) => a < b)
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of cut) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return { officeId: scope.officeId, ranges: merged.map(([a, b]) => ({ from: new Date(a), to: new Date(b) })) };
}

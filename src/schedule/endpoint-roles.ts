/**
 * Which role each PBX endpoint plays, for the translator: the `endpoints` config, completed by
 * the schedule file's destinations, so an endpoint ops add to the schedule (a second desk for
 * hired staff, say) is judged as the role the dialplan rings it in without a second edit.
 */
import type { Config } from '../platform/config/config-schema.js';
import type { PhoneRole } from '../core/phone-role.js';
import type { Schedule } from '../core/schedule/schedule-model.js';

export interface RoleConflict {
  endpoint: string;
  config: PhoneRole;
  schedule: PhoneRole;
}

/** The schedule's role wins over the config's (it is what the dialplan rings); conflicts are returned for the log. */
export function endpointRoles(endpoints: Config['endpoints'], schedule: Schedule | undefined): { roleOf: (endpoint: string) => PhoneRole; conflicts: RoleConflict[] } {
  const roles = new Map<string, PhoneRole>();
  for (const e of endpoints.bureau) roles.set(e, 'bureau');
  for (const e of endpoints.fallback) roles.set(e, 'fallback');
  for (const e of endpoints.desk) roles.set(e, 'desk');
  const conflicts: RoleConflict[] = [];
  for (const { endpoint, role } of schedule?.destinations.values() ?? []) {
    const configured = roles.get(endpoint);
    if (configured && configured !== role) conflicts.push({ endpoint, config: configured, schedule: role });
    roles.set(endpoint, role);
  }
  return { roleOf: (endpoint) => roles.get(endpoint) ?? 'other', conflicts };
}

/**
 * The audit trail: who read or did what, when, from which address. CallService and
 * DisciplineService call `read` on every read of a call-log entry or a discipline record (a list
 * or a single one), with the ids they return; the access routes record sign-ins, sign-outs,
 * tokens and refusals. Only auditors read it (GET /audit-log, 'audit:read').
 *
 * Each entry is written before the read is answered: when it cannot be written the read fails
 * (the database's 503) rather than go unrecorded.
 */
import type { Role } from '../core/access/roles.js';
import type { OfficeId } from '../core/office.js';
import type { Clock } from '../platform/clock.js';
import type { AuditAction, AuditEntry, AuditLogQuery, AuditQueryValue, AuditStore } from './access-store.js';

/** Who reads, as the audit log records them (readerOf(request) in access-control.ts). */
export interface Reader {
  userId: string;
  userName: string;
  role: Role;
  officeId: OfficeId;
  /** The request's address. */
  address: string | null;
}

/** What was read or done. */
export interface AuditWhat {
  action: AuditAction;
  /** The route as declared, e.g. "GET /calls/:id". */
  route: string;
  /** The ids read or acted on (a list: the ids it returned). */
  ids?: readonly string[];
  /** The query the request gave (undefined values are left out; anything not a string, number or boolean becomes its JSON). */
  query?: Readonly<Record<string, unknown>>;
}

export class AuditTrail {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  /** Records a read of duty records (the same as record; named for what the services do). */
  read(reader: Reader, what: AuditWhat): Promise<AuditEntry> {
    return this.record(reader, what);
  }

  async record(reader: Reader, what: AuditWhat): Promise<AuditEntry> {
    return this.store.append({
      at: this.clock.now(),
      userId: reader.userId,
      userName: reader.userName,
      role: reader.role,
      officeId: reader.officeId,
      action: what.action,
      route: what.route,
      ids: [...(what.ids ?? [])],
      query: plainQuery(what.query ?? {}),
      address: reader.address,
    });
  }

  list(query: AuditLogQuery): Promise<AuditEntry[]> {
    return this.store.list(query);
  }
}

function plainQuery(query: Readonly<Record<string, unknown>>): Record<string, AuditQueryValue> {
  const out: Record<string, AuditQueryValue> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) out[key] = value;
    else out[key] = value instanceof Date ? value.toISOString() : String(JSON.stringify(value));
  }
  return out;
}

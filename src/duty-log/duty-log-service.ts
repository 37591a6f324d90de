import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import type { CallService } from '../calls/call-service.js';
import { applyDutyLogEdit, describeDutyLogError, EMPTY_DUTY_LOG, missingFields, pickFields, type DutyLogEdit, type DutyLogFields } from '../core/duty-log/duty-log-entry.js';
import type { Clock } from '../platform/clock.js';
import { ApiError, badRequest, notFound } from '../platform/http/errors.js';
import type { DutyLogStore, DutyLogVersion } from './duty-log-store.js';

/** A call's duty log entry as the API answers it: its fields, its version (0: nothing written yet) and what it still lacks. */
export interface DutyLogView {
  callId: string;
  fields: DutyLogFields;
  version: number;
  updatedAt: Date | null;
  updatedBy: string | null;
  missing: string[];
}

/**
 * The duty log entries officers complete for the calls the PBX logged. The call is looked up
 * within the viewer's scope (CallService: a duty officer's own shifts, a supervisor's office), so
 * only the officer of that shift or a supervisor edits it, and a call out of scope is not found.
 * An edit names the version it was made on: when another edit landed first, nothing is written
 * and the answer is a 409 with the version to read again.
 */
export class DutyLogService {
  constructor(
    private readonly store: DutyLogStore,
    private readonly calls: Pick<CallService, 'get'>,
    private readonly audit: Pick<AuditTrail, 'record'>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async get(callId: string, viewer: Viewer): Promise<DutyLogView> {
    const call = await this.#call(callId, viewer);
    return view(call.id, await this.store.latest(call.officeId, call.pbxCallId));
  }

  async versions(callId: string, viewer: Viewer): Promise<DutyLogVersion[]> {
    const call = await this.#call(callId, viewer);
    return this.store.versions(call.officeId, call.pbxCallId);
  }

  async edit(callId: string, after: number, edit: DutyLogEdit, viewer: Viewer): Promise<DutyLogView> {
    const call = await this.#call(callId, viewer);
    const current = await this.store.latest(call.officeId, call.pbxCallId);
    if ((current?.version ?? 0) !== after) throw changed(callId, current?.version ?? 0);
    const next = applyDutyLogEdit(current ? pickFields(current) : EMPTY_DUTY_LOG, edit, { offeredAt: call.offeredAt, now: this.clock.now() });
    if (!next.ok) throw badRequest(`body/${describeDutyLogError(next.error)}`);
    const stored = await this.store.append(call.officeId, call.pbxCallId, after, next.fields, { by: viewer.user.name, at: this.clock.now() });
    if (!stored.stored) throw changed(callId, stored.latest?.version ?? 0);
    await this.audit.record(viewer.reader, { action: 'duty-log.edit', route: viewer.route, ids: [call.id], query: { version: stored.entry.version } });
    return view(call.id, stored.entry);
  }

  async #call(callId: string, viewer: Viewer) {
    const call = await this.calls.get(callId, viewer);
    if (!call) throw notFound(`call ${callId}`);
    return call;
  }
}

const changed = (callId: string, version: number) =>
  new ApiError('CONFLICT', `the duty log of call ${callId} is at version ${version}: another edit landed first; read it again and edit that version`);

function view(callId: string, latest: DutyLogVersion | null): DutyLogView {
  const fields: DutyLogFields = latest ? pickFields(latest) : EMPTY_DUTY_LOG;
  return { callId, fields, version: latest?.version ?? 0, updatedAt: latest?.at ?? null, updatedBy: latest?.by ?? null, missing: missingFields(fields) };
}

import { mayReadCall, readableRanges } from '../core/access/roles.js';
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import type { CallQuery, CallRecord } from './call-record.js';
import type { CallStore } from './call-store.js';

/**
 * The read side of the call log, as the API uses it: routes call this, never the store. Every
 * read is confined to the viewer's scope (a duty officer: their shifts; a supervisor or auditor:
 * their office) and written to the audit trail, with the ids it returned, before it is answered.
 */
export class CallService {
  constructor(
    private readonly store: CallStore,
    private readonly audit: Pick<AuditTrail, 'read'>,
  ) {}

  /** Call-log entries matching `query` within the viewer's scope, newest first. */
  async list(query: CallQuery, viewer: Viewer): Promise<CallRecord[]> {
    const readable = readableRanges(viewer.scope, query);
    const items = readable ? await this.store.list({ ...query, officeId: readable.officeId, ...(viewer.scope.kind === 'own-shifts' && { within: readable.ranges }) }) : [];
    await this.audit.read(viewer.reader, { action: 'calls.list', route: viewer.route, ids: items.map((c) => c.id), query: viewer.query });
    return items;
  }

  /** One entry by id; null when there is none, or none the viewer may read (the same answer: no hint that it exists). */
  async get(id: string, viewer: Viewer): Promise<CallRecord | null> {
    const found = await this.store.get(id);
    const call = found && mayReadCall(viewer.scope, found) ? found : null;
    await this.audit.read(viewer.reader, { action: 'calls.get', route: viewer.route, ids: call ? [call.id] : [], query: { id } });
    return call;
  }
}

import { mayReadCall, scopedQuery } from '../core/access/roles.js';
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import type { CallQuery, CallRecord } from './call-record.js';
import type { CallCursor, CallFilter, CallStore, ExportCallRow } from './call-store.js';

/** How many entries an export reads at a time (one keyset page, src/calls/call-store.ts listAfter). */
export const EXPORT_PAGE_SIZE = 1000;

/** How many exported ids one audit entry lists (a million-row export: a hundred entries, none of them tens of MB). */
export const AUDIT_IDS_PER_ENTRY = 10_000;

/**
 * The read side of the call log, as the API uses it: routes call this, never the store. Every
 * read is confined to the viewer's scope (a duty officer: their shifts; a supervisor or auditor:
 * their office) and written to the audit trail, with the ids it returned, before it is answered
 * (an export, which streams, after: see `export`).
 */
export class CallService {
  constructor(
    private readonly store: CallStore,
    private readonly audit: Pick<AuditTrail, 'read'>,
  ) {}

  /** Call-log entries matching `query` within the viewer's scope, newest first. */
  async list(query: CallQuery, viewer: Viewer): Promise<CallRecord[]> {
    const scoped = scopedQuery(viewer.scope, query);
    const items = scoped ? await this.store.list(scoped) : [];
    await this.audit.read(viewer.reader, { action: 'calls.list', route: viewer.route, ids: items.map((c) => c.id), query: viewer.query });
    return items;
  }

  /**
   * Every entry matching `query` within the viewer's scope, newest first (list's order), read in
   * keyset pages of `pageSize` as the consumer asks for more: the whole result, never all of it in
   * memory, in the columns an export writes. Scoped as list: a duty officer's own shifts, a
   * supervisor's or auditor's office.
   *
   * Audited ('calls.export', the route, the request's query with `part`, the ids) as the rows
   * leave, since their end is not known before: an entry per AUDIT_IDS_PER_ENTRY rows handed to the
   * consumer (part 1, 2, …), written before the next row is handed out, and one for the rest when
   * the iteration ends (an export of nothing: one entry, no ids). When it stopped early (the
   * download was aborted) or a page failed, the last entry lists those handed out until then —
   * which, for a stream, is what was sent plus at most what sat in its buffers. When an entry
   * cannot be written the iteration fails (a download is then cut off before its last chunk), so a
   * completed export always has its entries. Memory stays a page and a part's ids, whatever the size.
   */
  async *export(query: CallFilter, viewer: Viewer, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<ExportCallRow, void, undefined> {
    let ids: string[] = [];
    let part = 0;
    const audit = async () => {
      part++;
      await this.audit.read(viewer.reader, { action: 'calls.export', route: viewer.route, ids, query: { ...viewer.query, part } });
      ids = [];
    };
    try {
      const scoped = scopedQuery(viewer.scope, query);
      if (!scoped) return;
      let after: CallCursor | null = null;
      for (;;) {
        const page = await this.store.listAfter(scoped, after, pageSize);
        for (const call of page) {
          if (ids.length === AUDIT_IDS_PER_ENTRY) await audit();
          ids.push(call.id);
          yield call;
        }
        const last = page.at(-1);
        if (!last || page.length < pageSize) return;
        after = { offeredAt: last.offeredAt, id: last.id };
      }
    } finally {
      if (ids.length > 0 || part === 0) await audit();
    }
  }

  /** One entry by id; null when there is none, or none the viewer may read (the same answer: no hint that it exists). */
  async get(id: string, viewer: Viewer): Promise<CallRecord | null> {
    const found = await this.store.get(id);
    const call = found && mayReadCall(viewer.scope, found) ? found : null;
    await this.audit.read(viewer.reader, { action: 'calls.get', route: viewer.route, ids: call ? [call.id] : [], query: { id } });
    return call;
  }
}

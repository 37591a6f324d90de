import type { CallQuery, CallRecord } from './call-record.js';
import type { CallStore } from './call-store.js';

/**
 * The read side of the call log, as the API uses it: routes call this, never the store. It is
 * where the caller's permission check and the audit of who read which duty record will go
 * (access control and audit, the next issues); today it reads the store.
 */
export class CallService {
  constructor(private readonly store: CallStore) {}

  /** Call-log entries matching `query`, newest first. */
  list(query: CallQuery): Promise<CallRecord[]> {
    return this.store.list(query);
  }

  /** One entry by id; null when there is none. */
  get(id: string): Promise<CallRecord | null> {
    return this.store.get(id);
  }
}

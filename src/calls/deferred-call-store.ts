import type { CallQuery, CallRecord, CallSnapshot } from './call-record.js';
import type { CallStore } from './call-store.js';

/**
 * A CallStore that forwards to the store of the database once it is open. `current` throws
 * (DatabaseUnavailableError) until then; the methods are async so that becomes a rejection.
 */
export class DeferredCallStore implements CallStore {
  constructor(private readonly current: () => CallStore) {}

  async save(snapshot: CallSnapshot): Promise<CallRecord> {
    return this.current().save(snapshot);
  }

  async get(id: string): Promise<CallRecord | null> {
    return this.current().get(id);
  }

  async list(query: CallQuery): Promise<CallRecord[]> {
    return this.current().list(query);
  }

  async listOpen(): Promise<CallRecord[]> {
    return this.current().listOpen();
  }
}

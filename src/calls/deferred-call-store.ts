import type { CallQuery, CallRecord } from './call-record.js';
import type { CallSnapshot } from '../core/call/call-model.js';
import type { CallStore } from './call-store.js';
import { unavailableOnConnectionLoss } from '../platform/db/database-unavailable-error.js';

/**
 * A CallStore that forwards to the store of the database once it is open. `current` throws
 * (DatabaseUnavailableError) until then; the methods are async so that becomes a rejection.
 * A connection lost later is DatabaseUnavailableError too (the API's 503), not a driver error.
 */
export class DeferredCallStore implements CallStore {
  constructor(private readonly current: () => CallStore) {}

  async save(snapshot: CallSnapshot): Promise<CallRecord> {
    return unavailableOnConnectionLoss(() => this.current().save(snapshot));
  }

  async get(id: string): Promise<CallRecord | null> {
    return unavailableOnConnectionLoss(() => this.current().get(id));
  }

  async list(query: CallQuery): Promise<CallRecord[]> {
    return unavailableOnConnectionLoss(() => this.current().list(query));
  }

  async listOpen(officeId: string): Promise<CallRecord[]> {
    return unavailableOnConnectionLoss(() => this.current().listOpen(officeId));
  }
}

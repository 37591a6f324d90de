import type { DisciplineQuery, DisciplineRecord } from './discipline-record.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';
import type { DisciplineStore } from './discipline-store.js';
import { unavailableOnConnectionLoss } from '../platform/db/database-unavailable-error.js';

/**
 * A DisciplineStore that forwards to the store of the database once it is open. `current`
 * throws (DatabaseUnavailableError) until then; the methods are async so that becomes a rejection.
 * A connection lost later is DatabaseUnavailableError too (the API's 503), not a driver error.
 */
export class DeferredDisciplineStore implements DisciplineStore {
  constructor(private readonly current: () => DisciplineStore) {}

  async recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }> {
    return unavailableOnConnectionLoss(() => this.current().recordOnce(input));
  }

  async list(query: DisciplineQuery): Promise<DisciplineRecord[]> {
    return unavailableOnConnectionLoss(() => this.current().list(query));
  }
}

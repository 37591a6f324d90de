import type { DisciplineQuery, DisciplineRecord } from './discipline-record.js';
import type { DisciplineStore } from './discipline-store.js';

/**
 * The read side of discipline records, as the API uses it: routes call this, never the store.
 * It is where the caller's permission check and the audit of who read which record will go
 * (access control and audit, the next issues); review (records:review) joins it with the record
 * lifecycle. Today it reads the store.
 */
export class DisciplineService {
  constructor(private readonly store: DisciplineStore) {}

  /** Records matching `query`, newest first. */
  list(query: DisciplineQuery): Promise<DisciplineRecord[]> {
    return this.store.list(query);
  }
}

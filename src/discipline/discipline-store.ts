import type { DisciplineInput, DisciplineQuery, DisciplineRecord } from './discipline-record.js';

export interface DisciplineStore {
  /** Create the record unless one of the same type already exists for the call; never duplicates. */
  recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }>;
  list(query: DisciplineQuery): Promise<DisciplineRecord[]>;
}

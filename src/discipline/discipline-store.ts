import type { DisciplineQuery, DisciplineRecord } from './discipline-record.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';

export interface DisciplineStore {
  /**
   * Create the record unless one of the same type already exists for its subject (in its office); never duplicates.
   * For an existing record only the evidence can change: a longer one (the call seen further, up
   * to how it ended) replaces it; everything else stays as first recorded.
   */
  recordOnce(input: DisciplineInput): Promise<{ record: DisciplineRecord; created: boolean }>;
  list(query: DisciplineQuery): Promise<DisciplineRecord[]>;
}

/** Whether `input` carries more evidence than the stored `record` (evidence only grows). */
export function extendsEvidence(input: DisciplineInput, record: DisciplineRecord): boolean {
  return input.evidence.length > record.evidence.length;
}

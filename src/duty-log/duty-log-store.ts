import type { DutyLogFields } from '../core/duty-log/duty-log-entry.js';
import type { OfficeId } from '../core/office.js';

/** One version of a call's duty log entry: the fields as they stood after an edit, who and when. */
export interface DutyLogVersion extends DutyLogFields {
  officeId: OfficeId;
  pbxCallId: string;
  /** 1, 2, …: the latest is the entry. */
  version: number;
  at: Date;
  by: string;
}

/**
 * The duty log, kept as versions of each call's entry: nothing is updated or deleted. An edit is
 * stored as version `after + 1` only while `after` is still the latest version (0: no entry yet);
 * otherwise nothing is written and the answer is the latest version (another edit got there first).
 * Prisma (prisma-duty-log-store.ts) and memory (memory-duty-log-store.ts), one contract.
 */
export interface DutyLogStore {
  latest(officeId: OfficeId, pbxCallId: string): Promise<DutyLogVersion | null>;
  append(officeId: OfficeId, pbxCallId: string, after: number, fields: DutyLogFields, change: { by: string; at: Date }): Promise<{ stored: true; entry: DutyLogVersion } | { stored: false; latest: DutyLogVersion | null }>;
  /** Every version, oldest first. */
  versions(officeId: OfficeId, pbxCallId: string): Promise<DutyLogVersion[]>;
}

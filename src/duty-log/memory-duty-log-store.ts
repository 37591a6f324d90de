import { pickFields, type DutyLogFields } from '../core/duty-log/duty-log-entry.js';
import type { OfficeId } from '../core/office.js';
import type { DutyLogStore, DutyLogVersion } from './duty-log-store.js';

/** In-memory DutyLogStore with PrismaDutyLogStore's semantics. Returns copies. */
export class MemoryDutyLogStore implements DutyLogStore {
  readonly #versions = new Map<string, DutyLogVersion[]>();

  async latest(officeId: OfficeId, pbxCallId: string): Promise<DutyLogVersion | null> {
    const all = this.#versions.get(key(officeId, pbxCallId));
    return all?.length ? structuredClone(all.at(-1)!) : null;
  }

  async append(officeId: OfficeId, pbxCallId: string, after: number, fields: DutyLogFields, change: { by: string; at: Date }) {
    const all = this.#versions.get(key(officeId, pbxCallId)) ?? [];
    if (all.length !== after) return { stored: false as const, latest: all.length ? structuredClone(all.at(-1)!) : null };
    const entry: DutyLogVersion = { ...structuredClone(pickFields(fields)), officeId, pbxCallId, version: after + 1, at: change.at, by: change.by };
    all.push(entry);
    this.#versions.set(key(officeId, pbxCallId), all);
    return { stored: true as const, entry: structuredClone(entry) };
  }

  async versions(officeId: OfficeId, pbxCallId: string): Promise<DutyLogVersion[]> {
    return structuredClone(this.#versions.get(key(officeId, pbxCallId)) ?? []);
  }
}

const key = (officeId: OfficeId, pbxCallId: string) => JSON.stringify([officeId, pbxCallId]);

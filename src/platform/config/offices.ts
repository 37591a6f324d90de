/** The offices a config describes: its `offices` list, or the single default office of the top-level settings. */
import { DEFAULT_OFFICE_ID, type OfficeId } from '../../core/office.js';
import type { Config } from './config-schema.js';

export interface OfficeConfig {
  id: OfficeId;
  name: string;
  ami: Config['ami'];
  endpoints: Config['endpoints'];
  scheduleFile: string;
  /** The PBX's event log (CEL) file; empty: none. */
  celFile: string;
}

export function officesOf(config: Config): OfficeConfig[] {
  if (config.offices.length === 0) {
    return [{ id: DEFAULT_OFFICE_ID, name: '', ami: config.ami, endpoints: config.endpoints, scheduleFile: config.schedule.file, celFile: config.cel.file }];
  }
  return config.offices.map((o) => ({ id: o.id, name: o.name, ami: o.ami, endpoints: o.endpoints, scheduleFile: o.schedule.file, celFile: o.cel.file }));
}

/** Problems the schema cannot see, each naming its field. */
export function officeProblems(config: Config): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  config.offices.forEach((office, i) => {
    const first = seen.get(office.id);
    if (first !== undefined) problems.push(`offices.${i}.id: "${office.id}" is already the id of offices.${first}`);
    else seen.set(office.id, i);
    if (office.ami.reconnectMaxMs < office.ami.reconnectInitialMs) problems.push(`offices.${i}.ami.reconnectMaxMs: must be ≥ offices.${i}.ami.reconnectInitialMs`);
  });
  return problems;
}

/** The offices a config describes: its `offices` list, or the single default office of the top-level settings. */
import { DEFAULT_OFFICE_ID, type OfficeId } from '../../core/office.js';
import type { Config } from './config-schema.js';

export interface OfficeConfig {
  id: OfficeId;
  name: string;
  ami: Config['ami'];
  endpoints: Config['endpoints'];
  scheduleFile: string;
  /** The PBX's event log (CEL), if calls are rebuilt from it. */
  cel: CelLogConfig | null;
}

/** Where the PBX writes its event log: a file (cel_custom) or a PostgreSQL table (cel_pgsql). */
export type CelLogConfig = { file: string } | { table: string; databaseUrl: string };

export function officesOf(config: Config): OfficeConfig[] {
  if (config.offices.length === 0) {
    return [{ id: DEFAULT_OFFICE_ID, name: '', ami: config.ami, endpoints: config.endpoints, scheduleFile: config.schedule.file, cel: celLogOf(config.cel, config) }];
  }
  return config.offices.map((o) => ({ id: o.id, name: o.name, ami: o.ami, endpoints: o.endpoints, scheduleFile: o.schedule.file, cel: celLogOf(o.cel, config) }));
}

function celLogOf(cel: { file: string; table: string }, config: Config): CelLogConfig | null {
  if (cel.file) return { file: cel.file };
  if (cel.table) return { table: cel.table, databaseUrl: config.cel.databaseUrl || config.database.url };
  return null;
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
    problems.push(...celProblems(office.cel, `offices.${i}.cel`, config));
  });
  if (config.offices.length === 0) problems.push(...celProblems(config.cel, 'cel', config));
  problems.push(...webhookProblems(config));
  return problems;
}

function celProblems(cel: { file: string; table: string }, path: string, config: Config): string[] {
  if (cel.file && cel.table) return [`${path}: set file (cel_custom) or table (cel_pgsql), not both`];
  if (cel.table && !(config.cel.databaseUrl || config.database.url)) {
    return [`${path}.table: Asterisk's cel_pgsql writes to PostgreSQL, and neither cel.databaseUrl nor database.url names one (with the embedded database, use ${path}.file)`];
  }
  return [];
}

function webhookProblems(config: Config): string[] {
  const { alerts } = config;
  const problems: string[] = [];
  if (alerts.webhookRetryMaxMs < alerts.webhookRetryInitialMs) problems.push('alerts.webhookRetryMaxMs: must be ≥ alerts.webhookRetryInitialMs');
  const offices = new Set(officesOf(config).map((o) => o.id));
  const ids = new Map<string, number>();
  alerts.webhooks.forEach((hook, i) => {
    const first = ids.get(hook.id);
    if (first !== undefined) problems.push(`alerts.webhooks.${i}.id: "${hook.id}" is already the id of alerts.webhooks.${first}`);
    else ids.set(hook.id, i);
    for (const office of hook.offices) if (!offices.has(office)) problems.push(`alerts.webhooks.${i}.offices: no office "${office}" (offices: ${[...offices].join(', ')})`);
  });
  return problems;
}

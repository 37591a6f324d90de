import { readFileSync } from 'node:fs';
import Value from 'typebox/value';
import { ConfigSchema, ENV_OVERRIDES, type Config } from './config-schema.js';
import { officeProblems } from './offices.js';

/** Settings given as comma-separated lists in environment variables. */
const LIST_PATHS = ['endpoints.', 'schedule.years'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ConfigSources {
  /** Path of a JSON config file (optional). */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values set by code (tests), applied last. */
  overrides?: Record<string, unknown>;
}

/** Parse config once: file, then environment, then overrides; validated, with every error naming its field. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const raw: Record<string, unknown> = sources.file ? readJson(sources.file) : {};
  const origin = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = sources.env?.[name];
    if (value === undefined || value === '') continue;
    setPath(raw, path, LIST_PATHS.some((p) => path.startsWith(p)) ? value.split(',').map((s) => s.trim()) : value);
    origin.set(path, `environment variable ${name}`);
  }
  for (const [path, value] of Object.entries(sources.overrides ?? {})) setPath(raw, path, value);

  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  // An unknown key shows up twice (as "schema is false" and on its parent): keep the one naming the key.
  const errors = [...Value.Errors(ConfigSchema, withDefaults)].filter((e) => e.keyword !== 'additionalProperties');
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
      // A list element ("schedule.years.1") comes from where its list came from.
      const from = origin.get(path) ?? [...origin].find(([p]) => path.startsWith(`${p}.`))?.[1] ?? (sources.file ? `config file ${sources.file}` : 'config');
      const message = e.message === 'schema is false' ? 'unknown setting' : e.message;
      return `  ${path}: ${message} (from ${from})`;
    });
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const config = withDefaults as Config;
  if (config.ami.reconnectMaxMs < config.ami.reconnectInitialMs) {
    throw new ConfigError('invalid configuration:\n  ami.reconnectMaxMs: must be ≥ ami.reconnectInitialMs');
  }
  if (config.database.openRetryMaxMs < config.database.openRetryInitialMs) {
    throw new ConfigError('invalid configuration:\n  database.openRetryMaxMs: must be ≥ database.openRetryInitialMs');
  }
  const problems = officeProblems(config);
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return config;
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('top level must be an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    node = (typeof child === 'object' && child !== null ? child : (node[key] = {})) as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

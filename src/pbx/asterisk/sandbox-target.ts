/**
 * Where the PBX sandbox's AMI listens (scripts/pbx.sh), for `dialplan check`: environment, else
 * the settings the running sandbox was started with (<root>/.duty-pbx/settings.env), else pbx.sh's
 * defaults.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PbxTarget } from './asterisk-port.js';

export function sandboxPbxTarget(root: string, env: NodeJS.ProcessEnv = process.env): PbxTarget {
  let saved: Record<string, string> = {};
  try {
    const text = readFileSync(path.join(root, '.duty-pbx', 'settings.env'), 'utf8');
    saved = Object.fromEntries([...text.matchAll(/^(DUTY_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  } catch {
    // not started by pbx.sh with settings: defaults
  }
  const get = (name: string) => env[name] || saved[name] || undefined;
  const bind = get('DUTY_PBX_BIND');
  return {
    host: bind && bind !== '0.0.0.0' ? bind : '127.0.0.1',
    port: Number(get('DUTY_PBX_AMI_PORT') ?? 5038),
    username: get('DUTY_PBX_AMI_USER') ?? 'duty',
    secret: get('DUTY_PBX_AMI_SECRET') ?? 'duty-secret',
  };
}

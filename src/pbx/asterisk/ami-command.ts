/**
 * Asterisk CLI commands over AMI (`Action: Command`) with the project's AMI client, for
 * `dialplan check` and `dialplan apply`: connect, run, log off.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AmiActionError, AmiClient, AmiTimeoutError } from '../ami/index.js';
import { CliError } from '../../cli/cli-support.js';

export interface AmiTarget {
  host: string;
  port: number;
  username: string;
  secret: string;
}

/** Runs one CLI command; resolves with its output lines (Asterisk 22: one `Output:` header per line). */
export type RunCommand = (command: string) => Promise<string[]>;

export async function withAmiCommands<T>(target: AmiTarget, fn: (run: RunCommand) => Promise<T>, timeoutMs = 15_000): Promise<T> {
  // `dialplan show` of a few rendered years is one frame of a few hundred KB (the service's limit is 64 KB).
  const client = new AmiClient({ ...target, actionTimeoutMs: timeoutMs, connectTimeoutMs: 5_000, maxFrameBytes: 32 * 1024 * 1024, reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 }, events: 'off' });
  client.start();
  try {
    try {
      await client.waitUntilConnected(8_000);
    } catch (err) {
      const cause = err instanceof AmiTimeoutError && err.cause instanceof Error ? err.cause.message : (err as Error).message;
      throw new CliError(`cannot log in to AMI at ${target.host}:${target.port} as ${target.username}: ${cause}`);
    }
    return await fn(async (command) => {
      try {
        const response = await client.action('Command', { Command: command });
        return response.frame.getAll('Output');
      } catch (err) {
        if (err instanceof AmiActionError) {
          const output = err.frame.getAll('Output');
          throw new CliError(`Asterisk refused "${command}": ${[err.reason, ...output].join('\n')}`);
        }
        throw new CliError(`AMI command "${command}" failed: ${(err as Error).message}`);
      }
    });
  } finally {
    await client.stop();
  }
}

/**
 * The sandbox's AMI (scripts/pbx.sh): environment, else the settings the running sandbox was
 * started with (<root>/.duty-pbx/settings.env), else pbx.sh's defaults.
 */
export function sandboxAmiTarget(root: string, env: NodeJS.ProcessEnv = process.env): AmiTarget {
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

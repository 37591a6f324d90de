/**
 * `dialplan check`: load the dialplan into the PBX sandbox (scripts/pbx.sh) and let Asterisk
 * judge it. Asterisk 22 answers "Dialplan reloaded." to `dialplan reload` whatever it found;
 * the problems are log lines of the reloading thread (config.c: parse errors, missing #include;
 * pbx_config.c: bad priorities, "same" without an extension; pbx.c: duplicate priorities,
 * includes of unknown contexts). They are read from the sandbox's full log, between the reload
 * and a marker the same PBX session logs right after it, and only from that session's thread.
 * Then `dialplan show` must list every context and priority of the generated files. The
 * sandbox's own dialplan is put back afterwards (and reloaded), unless told to keep it.
 */
import { randomBytes } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../cli/cli-support.js';
import { readConfFiles, writeConfFiles, type DialplanFile } from './dialplan-files.js';
import { parseDialplanShow, verifyLoaded } from './dialplan-verify.js';
import { withPbxCommands, type PbxTarget } from '../pbx/asterisk/asterisk-port.js';
import type { PbxCommands } from '../pbx/pbx-port.js';

export interface SandboxCheckOptions {
  /** The sandbox root (scripts/pbx.sh DUTY_PBX_ROOT). */
  root: string;
  /** The sandbox PBX's command port (sandboxPbxTarget). */
  pbx: PbxTarget;
  /** The rendered files, for <root>/etc/asterisk/dialplan/generated/. */
  generated: readonly DialplanFile[];
  /** Hand-kept *.conf (the repo's dialplan/), for <root>/etc/asterisk/dialplan/. */
  handKept: readonly DialplanFile[];
  /** Ops' local overrides (dialplan/local/*.conf), for <root>/etc/asterisk/dialplan/local/. */
  local: readonly DialplanFile[];
  /** Leave the checked dialplan loaded in the sandbox. */
  keep?: boolean;
}

export interface SandboxCheckResult {
  /** Asterisk's WARNING and ERROR log lines from the reload, verbatim. */
  asteriskErrors: string[];
  /** What `dialplan show` says is missing or wrong. */
  problems: string[];
  /** Asterisk's answer to the reload (e.g. "Dialplan reloaded."). */
  answer: string[];
  /** Contexts and priorities Asterisk loaded. */
  loadedPriorities: number;
  loadedContexts: number;
  restored: boolean;
}

const LOG_LINE = /^\[[^\]]+\] (\w+)\[(\d+)\](?:\[[^\]]*\])? /;

export async function checkInSandbox(options: SandboxCheckOptions): Promise<SandboxCheckResult> {
  const etc = path.join(options.root, 'etc', 'asterisk');
  const fullLog = path.join(options.root, 'var', 'log', 'asterisk', 'full');
  try {
    await stat(path.join(options.root, '.duty-pbx', 'asterisk.pid'));
    await stat(path.join(etc, 'extensions.conf'));
  } catch {
    throw new CliError(`no running PBX sandbox at ${options.root} (setting schedule.sandboxRoot, DUTY_PBX_ROOT): start it with bash scripts/pbx.sh up`);
  }
  const dirs = { handKept: path.join(etc, 'dialplan'), generated: path.join(etc, 'dialplan', 'generated'), local: path.join(etc, 'dialplan', 'local') };
  const backup = { handKept: await readConfFiles(dirs.handKept), generated: await readConfFiles(dirs.generated), local: await readConfFiles(dirs.local) };

  return withPbxCommands(options.pbx, async (pbx) => {
    // <etc>/extensions.conf (the sandbox's [globals] and the #include of dialplan/extensions.conf) stays as scripts/pbx.sh wrote it.
    const stage = async (files: Record<keyof typeof dirs, readonly DialplanFile[]>) => {
      await writeConfFiles(dirs.handKept, files.handKept);
      await writeConfFiles(dirs.generated, files.generated);
      await writeConfFiles(dirs.local, files.local);
    };
    try {
      await stage({ handKept: options.handKept, generated: options.generated, local: options.local });
      const { answer, lines } = await reloadAndCollect(pbx, fullLog);
      const loaded = parseDialplanShow(await pbx.command('dialplan show'));
      return {
        asteriskErrors: lines.filter((l) => /^(WARNING|ERROR)$/.test(LOG_LINE.exec(l)?.[1] ?? '')),
        problems: verifyLoaded(options.generated, loaded),
        answer,
        loadedPriorities: loaded.length,
        loadedContexts: new Set(loaded.map((p) => p.context)).size,
        restored: !options.keep,
      };
    } finally {
      if (!options.keep) {
        await stage(backup);
        await pbx.reloadDialplan();
      }
    }
  });
}

/** `dialplan reload`, then the log lines its thread wrote (up to a marker logged by the same session). */
async function reloadAndCollect(pbx: PbxCommands, fullLog: string): Promise<{ answer: string[]; lines: string[] }> {
  const start = await fileSize(fullLog);
  const answer = await pbx.reloadDialplan();
  const nonce = `check-${randomBytes(6).toString('hex')}`;
  // Logged as "Setting global variable 'DUTY_CHECK_MARK' to '<nonce>'" by this session's thread;
  // the next reload clears it (clearglobalvars = yes).
  await pbx.command(`dialplan set global DUTY_CHECK_MARK ${nonce}`);
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = (await readFrom(fullLog, start)).split('\n');
    const marker = lines.findIndex((l) => l.includes(`'DUTY_CHECK_MARK' to '${nonce}'`));
    if (marker >= 0) {
      const thread = LOG_LINE.exec(lines[marker]!)?.[2];
      return { answer, lines: lines.slice(0, marker).filter((l) => LOG_LINE.exec(l)?.[2] === thread) };
    }
    if (Date.now() > deadline) {
      throw new CliError(`the sandbox's full log (${fullLog}) did not show the check's marker within 5 s: is the sandbox logging to it (logger.conf "full", verbose level ≥ 2)?`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    // The log was rotated (smaller than before): read it all.
    const from = size < offset ? 0 : offset;
    const buffer = Buffer.alloc(size - from);
    await handle.read(buffer, 0, buffer.length, from);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

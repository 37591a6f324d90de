/**
 * The generated dialplan as files: rendered in memory, written to the repo's generated folder
 * (`dialplan render`) or to the live PBX's (`dialplan apply`), compared with what is there (`diff`).
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../platform/config/config-schema.js';
import { GENERATED_DIALPLAN_PATH, renderScheduleDialplan } from './dialplan-render.js';
import { diffStat, unifiedDiff } from './line-diff.js';
import { asCliError, CliError, type ScheduleSetup } from '../cli/cli-support.js';

/** One generated file: its name inside the generated folder, and its text. */
export interface DialplanFile {
  name: string;
  text: string;
}

export function renderDialplanFiles(setup: ScheduleSetup, years: readonly number[]): DialplanFile[] {
  const { config } = setup;
  const text = asCliError(
    () =>
      renderScheduleDialplan(setup.schedule, setup.calendar, {
        years,
        scheduleFile: setup.scheduleFile,
        rings: { threshold: config.rings.threshold, cadence: { onMs: config.rings.onMs, offMs: config.rings.offMs } },
        fallbackRingTimeoutSeconds: config.schedule.fallbackRingTimeoutS,
      }),
    'cannot render the dialplan',
  );
  return [{ name: path.basename(GENERATED_DIALPLAN_PATH), text: text.endsWith('\n') ? text : `${text}\n` }];
}

/** One file name of the live folder or the rendering: diff -u live → rendered ('' when equal). */
export interface DialplanFileDiff {
  name: string;
  live: DialplanFile | undefined;
  rendered: DialplanFile | undefined;
  diff: string;
  added: number;
  removed: number;
}

/** Every file of either side, by name: what `dialplan diff` prints and GET /dialplan shows. */
export function diffDialplanFiles(live: readonly DialplanFile[], rendered: readonly DialplanFile[], labels: { liveDir: string; years: readonly number[] }): DialplanFileDiff[] {
  return [...new Set([...live.map((f) => f.name), ...rendered.map((f) => f.name)])].sort().map((name) => {
    const before = live.find((f) => f.name === name);
    const after = rendered.find((f) => f.name === name);
    const diff = unifiedDiff(before?.text ?? '', after?.text ?? '', {
      oldLabel: before ? path.join(labels.liveDir, name) : '/dev/null',
      newLabel: after ? `${name} (rendered now, years ${labels.years.join(', ')})` : '/dev/null',
    });
    return { name, live: before, rendered: after, diff, ...diffStat(diff) };
  });
}

/** The live PBX's generated-dialplan folder: schedule.liveDir, else the sandbox's. */
export function liveDirOf(config: Config): string {
  return config.schedule.liveDir || path.join(config.schedule.sandboxRoot, 'etc', 'asterisk', 'dialplan', 'generated');
}

/** The *.conf files of a folder (none when it does not exist). */
export async function readConfFiles(dir: string): Promise<DialplanFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.conf')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CliError(`cannot read ${dir}: ${(err as Error).message}`);
  }
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(path.join(dir, name), 'utf8') })));
}

/**
 * Make `dir` hold exactly `files` among its *.conf (each written whole, then renamed into place);
 * other *.conf there are removed. Returns the paths written and removed.
 */
export async function writeConfFiles(dir: string, files: readonly DialplanFile[]): Promise<{ written: string[]; removed: string[] }> {
  try {
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const f of files) {
      const target = path.join(dir, f.name);
      const tmp = `${target}.${process.pid}.tmp`;
      await writeFile(tmp, f.text);
      await rename(tmp, target);
      written.push(target);
    }
    const removed: string[] = [];
    for (const stale of await readConfFiles(dir)) {
      if (files.some((f) => f.name === stale.name)) continue;
      await rm(path.join(dir, stale.name));
      removed.push(path.join(dir, stale.name));
    }
    return { written, removed };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot write the dialplan to ${dir}: ${(err as Error).message}`);
  }
}

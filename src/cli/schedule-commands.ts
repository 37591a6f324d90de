/**
 * The schedule commands of the CLI, registered on the program with one call:
 *
 *   duty-hotline dialplan render|check|diff|apply   generated dialplan: write, try in the sandbox, compare, deploy
 *   duty-hotline route [--at T]                      who covers the duty line at T, and why
 *   duty-hotline calendar import FILE                a year of the State Council notice
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../platform/config/config-schema.js';
import { fileCalendarOverrideStore } from '../schedule/calendar-override-store.js';
import { withPbxCommands } from '../pbx/asterisk/asterisk-port.js';
import { sandboxPbxTarget } from '../pbx/asterisk/sandbox-target.js';
import { PbxError } from '../pbx/pbx-port.js';
import { importCalendar } from '../schedule/calendar-command.js';
import { loadScheduleSetup, parseYears, processIo, warnMissingYear, yearsToRender, CliError, type CliIo, type ScheduleSetup } from './cli-support.js';
import { checkInSandbox } from '../dialplan/dialplan-check.js';
import { diffDialplanFiles, liveDirOf, readConfFiles, renderDialplanFiles, writeConfFiles, type DialplanFile } from '../dialplan/dialplan-files.js';
import { parseDialplanShow, verifyLoaded } from '../dialplan/dialplan-verify.js';
import { diffStat, unifiedDiff } from '../dialplan/line-diff.js';
import { describeRoute, parseRouteTime, readRoutingDialplan } from '../schedule/route-command.js';

export interface ScheduleCommandDeps {
  /** Parsed lazily, when a command runs (so `--help` works with a broken config). */
  config: () => Config;
  io?: CliIo;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

interface YearsOption {
  years?: string;
}

export function registerScheduleCommands(program: Command, deps: ScheduleCommandDeps): void {
  const io = deps.io ?? processIo;
  const now = deps.now ?? (() => new Date());
  const setup = async () => {
    const s = await loadScheduleSetup(deps.config());
    warnMissingYear(s, io, now());
    return s;
  };
  const render = (s: ScheduleSetup, opts: YearsOption) => {
    const years = yearsToRender(s, now(), opts.years ? parseYears(opts.years) : undefined);
    return { years, files: renderDialplanFiles(s, years) };
  };
  const yearsHelp = 'years to render, e.g. 2026,2027 (default: schedule.years, else every year the holiday calendar has from this year on)';

  const dialplan = program.command('dialplan').description('the Asterisk dialplan generated from the duty schedule: render → check → diff → apply');

  dialplan
    .command('render')
    .description('write the generated dialplan files (default dialplan/generated/, what the sandbox loads)')
    .option('--years <list>', yearsHelp)
    .option('--out <dir>', 'folder to write to (default: schedule.generatedDir)')
    .action(async (opts: YearsOption & { out?: string }) => {
      const s = await setup();
      const { years, files } = render(s, opts);
      const dir = opts.out ?? s.config.schedule.generatedDir;
      const { written, removed } = await writeConfFiles(dir, files);
      for (const [i, file] of written.entries()) {
        io.out(`wrote ${file} (${files[i]!.text.split('\n').length - 1} lines; years ${years.join(', ')}; schedule ${s.scheduleFile})`);
      }
      for (const file of removed) io.out(`removed ${file} (no longer generated)`);
      io.out('next: duty-hotline dialplan check, then dialplan diff and dialplan apply');
    });

  dialplan
    .command('check')
    .description("load the dialplan into the PBX sandbox (bash scripts/pbx.sh up) and fail with Asterisk's own messages if anything is wrong")
    .option('--years <list>', yearsHelp)
    .option('--dialplan-dir <dir>', 'the hand-kept dialplan files (*.conf) loaded with it', 'dialplan')
    .option('--local-dir <dir>', "ops' local overrides (*.conf) loaded with it (default: <dialplan-dir>/local)")
    .option('--keep', 'leave the checked dialplan loaded in the sandbox (default: put its own back)')
    .action(async (opts: YearsOption & { dialplanDir: string; localDir?: string; keep?: boolean }) => {
      const s = await setup();
      const { years, files } = render(s, opts);
      const root = s.config.schedule.sandboxRoot;
      const handKept = await readConfFiles(opts.dialplanDir);
      if (!handKept.some((f) => f.name === 'extensions.conf')) throw new CliError(`no extensions.conf in ${opts.dialplanDir} (--dialplan-dir): the hand-kept dialplan is missing`);
      const localDir = opts.localDir ?? path.join(opts.dialplanDir, 'local');
      const local = await readConfFiles(localDir);
      const pbx = sandboxPbxTarget(root, deps.env ?? process.env);
      io.out(
        `checking in the PBX sandbox ${root} (AMI ${pbx.host}:${pbx.port}): ${describeFiles(handKept, opts.dialplanDir)}, ${describeFiles(local, localDir)}, generated ${files.map((f) => f.name).join(', ')} (years ${years.join(', ')})`,
      );
      const result = await checkInSandbox({ root, pbx, generated: files, handKept, local, keep: opts.keep }).catch(asCliError);
      io.out(`Asterisk: ${result.answer.join(' ') || '(no answer)'} — ${result.loadedPriorities} priorities in ${result.loadedContexts} contexts loaded`);
      const restored = result.restored ? "the sandbox's own dialplan was put back" : 'the checked dialplan stays loaded in the sandbox (--keep)';
      if (result.asteriskErrors.length > 0 || result.problems.length > 0) {
        const parts = ['dialplan check failed:'];
        if (result.asteriskErrors.length > 0) parts.push('Asterisk logged during the reload:', ...result.asteriskErrors.map((l) => `  ${l}`));
        if (result.problems.length > 0) parts.push('In what Asterisk loaded:', ...result.problems.map((p) => `  ${p}`));
        parts.push(`(${restored})`);
        throw new CliError(parts.join('\n'));
      }
      io.out(`OK: Asterisk reported no warning or error, and every context of the generated files is loaded (${restored})`);
    });

  dialplan
    .command('diff')
    .description('unified diff between the live PBX generated dialplan (schedule.liveDir) and what would be rendered now')
    .option('--years <list>', yearsHelp)
    .option('--live-dir <dir>', 'the live generated-dialplan folder (default: schedule.liveDir, else the sandbox)')
    .option('--exit-code', 'exit with 1 when there are differences (like git diff --exit-code)')
    .action(async (opts: YearsOption & { liveDir?: string; exitCode?: boolean }) => {
      const s = await setup();
      const { years, files } = render(s, opts);
      const liveDir = opts.liveDir ?? liveDirOf(s.config);
      const live = await readConfFiles(liveDir);
      let added = 0;
      let removed = 0;
      for (const file of diffDialplanFiles(live, files, { liveDir, years })) {
        if (!file.diff) continue;
        io.out(file.diff.trimEnd());
        added += file.added;
        removed += file.removed;
      }
      if (added + removed === 0) {
        io.err(`the live dialplan in ${liveDir} is what would be rendered now`);
        return;
      }
      io.err(`${liveDir}: ${added} line(s) to add, ${removed} to remove — apply with: duty-hotline dialplan apply`);
      if (opts.exitCode) process.exitCode = 1;
    });

  dialplan
    .command('apply')
    .description('write the generated dialplan to the live PBX (schedule.liveDir) and reload its dialplan over AMI')
    .option('--years <list>', yearsHelp)
    .option('--live-dir <dir>', 'the live generated-dialplan folder (default: schedule.liveDir, else the sandbox)')
    .action(async (opts: YearsOption & { liveDir?: string }) => {
      const s = await setup();
      const { years, files } = render(s, opts);
      const liveDir = opts.liveDir ?? liveDirOf(s.config);
      const live = await readConfFiles(liveDir);
      const { removed } = await writeConfFiles(liveDir, files);
      for (const file of files) {
        const stat = diffStat(unifiedDiff(live.find((f) => f.name === file.name)?.text ?? '', file.text, { oldLabel: 'live', newLabel: 'rendered' }));
        io.out(`wrote ${path.join(liveDir, file.name)} (years ${years.join(', ')}; ${stat.added + stat.removed === 0 ? 'unchanged' : `+${stat.added} −${stat.removed} lines`})`);
      }
      for (const file of removed) io.out(`removed ${file} (no longer generated)`);
      const { ami } = s.config;
      const problems = await withPbxCommands({ host: ami.host, port: ami.port, username: ami.username, secret: ami.secret }, async (pbx) => {
        const answer = await pbx.reloadDialplan();
        io.out(`Asterisk (AMI ${ami.host}:${ami.port}): ${answer.join(' ') || '(no answer)'}`);
        return verifyLoaded(files, parseDialplanShow(await pbx.command('dialplan show')));
      }).catch(asCliError);
      if (problems.length > 0) {
        throw new CliError(
          [`the PBX did not load all of the generated dialplan:`, ...problems.map((p) => `  ${p}`), "Asterisk's log says why; `duty-hotline dialplan check` shows it from the sandbox."].join('\n'),
        );
      }
      io.out('verified: every context of the generated files is loaded');
    });

  program
    .command('route')
    .description('who covers the duty line at a moment: what the live generated dialplan does then, and why (season, day type, rule)')
    .option('--at <time>', 'wall time in the schedule time zone (2026-10-10T09:00) or ISO with offset (2026-10-10T09:00+08:00); default now')
    .action(async (opts: { at?: string }) => {
      const s = await setup();
      const at = opts.at === undefined ? now() : parseRouteTime(opts.at, s.schedule.timezone);
      for (const line of describeRoute(s.schedule, s.calendar, at, await readRoutingDialplan(s.config))) io.out(line);
    });

  const calendar = program.command('calendar').description('the holiday calendar: statutory holidays and adjusted working days (调休)');
  calendar
    .command('import')
    .description('import a year of the State Council notice (YAML/JSON) as dated overrides of the chinese-days baseline')
    .argument('<file>', 'the year transcribed from the notice (see src/schedule/calendar-import.ts for the format)')
    .option('--dry-run', 'show the changes, store nothing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const config = deps.config();
      const storePath = config.schedule.calendarOverrides;
      await importCalendar(file, fileCalendarOverrideStore(storePath), io, { dryRun: opts.dryRun, storePath });
    });
}

/** A PBX that cannot be reached or refuses a command is a reason the user can act on: its message, no stack trace. */
function asCliError(err: unknown): never {
  if (err instanceof PbxError) throw new CliError(err.message, { cause: err });
  throw err;
}

function describeFiles(files: readonly DialplanFile[], dir: string): string {
  return files.length === 0 ? `no ${dir}/*.conf` : `${dir}/{${files.map((f) => f.name).join(',')}}`;
}

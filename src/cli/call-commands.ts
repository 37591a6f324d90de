/**
 * The call-log commands of the CLI:
 *
 *   duty-hotline calls rebuild --from T --to T [--office O]
 *       rebuilds from the office's PBX event log (cel.file) the calls offered in [from, to) that the
 *       call log lacks or could not finish, as the service does after a gap (src/calls/call-rebuild.ts),
 *       attributed by the published roster of that time; prints its progress. Safe beside a
 *       running service: a call is stored once per PBX id and a record once per call and type.
 */
import type { Command } from 'commander';
import { CallRebuild, type RebuildReport } from '../calls/call-rebuild.js';
import { NO_OWN_CALLS } from '../calls/own-calls.js';
import { PrismaCallStore } from '../calls/prisma-call-store.js';
import type { Config } from '../platform/config/config-schema.js';
import { officesOf } from '../platform/config/offices.js';
import { openDatabase } from '../platform/db/database.js';
import { createLogger } from '../platform/logger.js';
import { PrismaDisciplineStore } from '../discipline/prisma-discipline-store.js';
import { openCelLog } from '../pbx/asterisk/open-cel-log.js';
import { LiveRoster } from '../roster/live-roster.js';
import { createPrismaRosterStores } from '../roster/prisma-roster-store.js';
import { endpointRoles } from '../schedule/endpoint-roles.js';
import { loadScheduleFile } from '../schedule/schedule-file.js';
import { PrismaWatchStore } from '../watch/prisma-watch-store.js';
import { CliError, processIo, type CliIo } from './cli-support.js';

const MAX_RANGE_MS = 400 * 24 * 3600_000;

export function registerCallCommands(program: Command, deps: { config: () => Config; io?: CliIo }): void {
  const io = deps.io ?? processIo;
  const calls = program.command('calls').description('the call log');
  calls
    .command('rebuild')
    .description("rebuild from the PBX's event log (CEL) the calls of a period the call log lacks or could not finish")
    .requiredOption('--from <instant>', 'ISO-8601 instant, e.g. 2026-12-01T00:00:00+08:00')
    .requiredOption('--to <instant>', 'ISO-8601 instant (exclusive)')
    .option('--office <id>', "the office (default: the config's first)")
    .action(async (opts: { from: string; to: string; office?: string }) => {
      const from = instant('--from', opts.from);
      const to = instant('--to', opts.to);
      if (to <= from) throw new CliError(`--to (${opts.to}) must be after --from (${opts.from})`);
      if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new CliError('--from … --to spans more than 400 days: rebuild a year at a time');
      const config = deps.config();
      const offices = officesOf(config);
      const office = opts.office === undefined ? offices[0] : offices.find((o) => o.id === opts.office);
      if (!office) throw new CliError(`--office ${opts.office}: no such office in the config (offices: ${offices.map((o) => o.id).join(', ')})`);
      const cel = office.cel;
      if (!cel) throw new CliError(`office ${office.id} has no PBX event log: set cel.file (or offices[].cel.file) to the file Asterisk's cel_custom writes, or cel.table to the table its cel_pgsql writes`);
      const schedule = await loadScheduleFile(office.scheduleFile).catch(() => undefined);
      const roles = endpointRoles(office.endpoints, schedule);
      // Errors only, and they would go to stdout: the progress and the summary are the command's output.
      const logger = createLogger('error');
      const db = await openDatabase({ url: config.database.url || undefined, dataDir: config.database.dataDir, logger });
      const log = openCelLog(cel, roles.roleOf);
      try {
        const store = new PrismaCallStore(db.prisma);
        const discipline = new PrismaDisciplineStore(db.prisma);
        const roster = new LiveRoster(office.id, createPrismaRosterStores(db.prisma), { now: () => from }, logger);
        await roster.loadWindow(new Date(from.getTime() - 2 * 24 * 3600_000), new Date(to.getTime() + 24 * 3600_000));
        const rebuild = new CallRebuild({
          officeId: office.id,
          log,
          positions: new PrismaWatchStore(db.prisma),
          calls: store,
          records: discipline,
          rules: { officeId: office.id, rules: { threshold: config.rings.threshold, cadence: { onMs: config.rings.onMs, offMs: config.rings.offMs } }, dutyAt: (desk, at) => roster.dutyAt(desk, at) },
          ...NO_OWN_CALLS,
          now: () => new Date(),
          logger,
        });
        const line = (r: RebuildReport) => `${r.read} calls of the period read, ${r.rebuilt} rebuilt, ${r.records} records, ${r.skipped} already in the call log`;
        const report = await rebuild.run({ from, to, onProgress: (r) => io.err(`calls rebuild: ${line(r)} (log position ${r.position})`) });
        io.out(`office ${office.id}, ${from.toISOString()} – ${to.toISOString()}: ${line(report)}`);
      } finally {
        await log.close?.();
        await db.close();
      }
    });
}

function instant(option: string, text: string): Date {
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at.getTime())) throw new CliError(`${option} ${text}: not an ISO-8601 instant (e.g. 2026-12-01T00:00:00+08:00)`);
  return at;
}

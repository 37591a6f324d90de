/**
 * `duty-hotline calls rebuild` (in-process, as main.ts registers it) over the sandbox Asterisk's own CEL of four calls
 * (test/fixtures/cel/four-calls.jsonl: answered in ring 2; 8 s unanswered with leader and bureau
 * unreachable; the caller gone in ring 2; a busy desk) into an empty call log, on both databases,
 * and its answers to bad input.
 */
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCallCommands } from '../../../src/cli/call-commands.js';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { openDatabase } from '../../../src/platform/db/database.js';
import { createLogger } from '../../../src/platform/logger.js';
import { useCleanups } from '../../support/cleanups.js';
import { DB_KINDS, keptDatabase } from '../../support/db.js';
import { repoRoot } from '../../support/pbx/sandbox.js';
import { CliError } from '../../../src/cli/cli-support.js';

/** The command in-process (registerCallCommands on a fresh program), its output and errors kept. */
async function rebuildCommand(env: Record<string, string>, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command().exitOverride();
  registerCallCommands(program, { config: () => loadConfig({ env }), io: { out: (t) => out.push(t), err: (t) => err.push(t) } });
  await program.parseAsync(['node', 'duty-hotline', 'calls', 'rebuild', ...args]);
  return { stdout: out.join('\n'), stderr: err.join('\n') };
}
const { defer } = useCleanups();
const CEL = path.join(repoRoot, 'test/fixtures/cel/four-calls.jsonl');

describe.each(DB_KINDS)('duty-hotline calls rebuild on %s', (kind) => {
  it('rebuilds the four calls with their outcomes and one absence, then finds nothing more to do', async () => {
    const database = await keptDatabase(kind, defer);
    const env: Record<string, string> = {
      ...('databaseUrl' in database ? { DATABASE_URL: database.databaseUrl } : { DATABASE_URL: '', DUTY_DATA_DIR: database.dataDir }),
      DUTY_CEL_FILE: CEL,
      DUTY_RING_THRESHOLD: '3',
      DUTY_RING_ON_MS: '200',
      DUTY_RING_OFF_MS: '800',
    };
    const cli = (...args: string[]) => rebuildCommand(env, args);
    const range = ['--from', '2026-11-23T00:00:00Z', '--to', '2026-11-24T00:00:00Z'];

    const first = await cli(...range);
    expect(first.stdout.trim()).toBe('office default, 2026-11-23T00:00:00.000Z – 2026-11-24T00:00:00.000Z: 4 calls of the period read, 4 rebuilt, 1 records, 0 already in the call log');
    expect(first.stderr).toMatch(/^calls rebuild: 4 calls of the period read, 4 rebuilt, 1 records, 0 already in the call log \(log position \d+\)$/m);

    const db = await openDatabase({ ...('databaseUrl' in database ? { url: database.databaseUrl } : { dataDir: database.dataDir }), logger: createLogger('silent') });
    try {
      const rows = await db.prisma.callLogEntry.findMany({ orderBy: { callerNumber: 'asc' }, select: { callerNumber: true, outcome: true, ringCount: true } });
      expect(rows).toEqual([
        { callerNumber: '13900000001', outcome: 'answered', ringCount: 2 },
        { callerNumber: '13900000002', outcome: 'absence', ringCount: 3 },
        { callerNumber: '13900000003', outcome: 'abandoned', ringCount: 2 },
        { callerNumber: '13900000004', outcome: 'busy', ringCount: null },
      ]);
      expect((await db.prisma.disciplineRecord.findMany({ select: { type: true, subjectId: true } })).map((r) => [r.type, r.subjectId])).toEqual([['absence', '1795399206.2']]);
    } finally {
      await db.close();
    }

    const second = await cli(...range);
    expect(second.stdout.trim()).toBe('office default, 2026-11-23T00:00:00.000Z – 2026-11-24T00:00:00.000Z: 4 calls of the period read, 0 rebuilt, 0 records, 4 already in the call log');

    const outside = await cli('--from', '2026-11-24T00:00:00Z', '--to', '2026-11-25T00:00:00Z');
    expect(outside.stdout.trim()).toMatch(/: 0 calls of the period read, 0 rebuilt/);
  }, 120_000);
});

describe('duty-hotline calls rebuild, bad input', () => {
  it('a period backwards, an instant that is none, an unknown office, no event log: a clear error naming it, nothing opened', async () => {
    const cli = (...args: string[]) => rebuildCommand({ DUTY_CEL_FILE: CEL }, args);
    await expect(cli('--from', '2026-11-24T00:00:00Z', '--to', '2026-11-23T00:00:00Z')).rejects.toThrow(new CliError('--to (2026-11-23T00:00:00Z) must be after --from (2026-11-24T00:00:00Z)'));
    await expect(cli('--from', 'yesterday', '--to', '2026-11-23T00:00:00Z')).rejects.toThrow(new CliError('--from yesterday: not an ISO-8601 instant (e.g. 2026-12-01T00:00:00+08:00)'));
    await expect(cli('--from', '2026-11-23T00:00:00Z', '--to', '2026-11-24T00:00:00Z', '--office', 'nowhere')).rejects.toThrow(/^--office nowhere: no such office in the config \(offices: default\)$/);
    await expect(rebuildCommand({}, ['--from', '2026-11-23T00:00:00Z', '--to', '2026-11-24T00:00:00Z'])).rejects.toThrow(/office default has no PBX event log: set cel.file/);
  }, 60_000);
});

/**
 * The schedule commands in-process (registerScheduleCommands on a fresh program), with temp
 * folders for everything they write. `dialplan check` and `apply` need the PBX sandbox: see
 * test/pbx/schedule-routing.test.ts.
 */
import { Command } from 'commander';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config/load-config.js';
import { CliError, parseYears } from '../../../../src/schedule/cli/cli-support.js';
import { registerScheduleCommands } from '../../../../src/schedule/cli/commands.js';
import { parseRouteTime } from '../../../../src/schedule/cli/route-command.js';
import { NIGHT_SHIFT_YAML } from '../schedule-test-data.js';

const repo = path.resolve(import.meta.dirname, '../../../..');
const EXAMPLE = path.join(repo, 'dialplan', 'schedule.example.yaml');
const CALENDAR_2027 = path.join(repo, 'test', 'fixtures', 'schedule', 'calendar-2027.fictitious.yaml');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dh-schedule-cli-'));
});
afterEach(async () => {
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], overrides: Record<string, unknown> = {}, now = new Date('2026-06-01T00:00:00Z')) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command().exitOverride();
  const config = () =>
    loadConfig({
      overrides: {
        'schedule.file': EXAMPLE,
        'schedule.calendarOverrides': path.join(dir, 'calendar-overrides.json'),
        'schedule.generatedDir': path.join(dir, 'generated'),
        'schedule.liveDir': path.join(dir, 'live'),
        ...overrides,
      },
    });
  registerScheduleCommands(program, { config, io: { out: (t) => out.push(t), err: (t) => err.push(t) }, now: () => now });
  await program.parseAsync(['node', 'duty-hotline', ...args]);
  return { out: out.join('\n'), err: err.join('\n') };
}

describe('dialplan render and diff', () => {
  it('render writes the generated file for every calendar year from this year on, and says what it wrote', async () => {
    const { out } = await cli(['dialplan', 'render']);
    const file = path.join(dir, 'generated', 'duty-schedule.conf');
    expect(out).toMatch(new RegExp(`^wrote ${file} \\(\\d+ lines; years 2026; schedule .*schedule\\.example\\.yaml\\)`));
    const text = await readFile(file, 'utf8');
    expect(text).toContain('[duty-route-202610]');
    expect(text).not.toContain('[duty-route-202512]');
  });

  it('render --years picks the years; a year without calendar data is a clear error', async () => {
    await cli(['dialplan', 'render', '--years', '2025,2026', '--out', path.join(dir, 'two')]);
    expect(await readFile(path.join(dir, 'two', 'duty-schedule.conf'), 'utf8')).toContain('[duty-route-202501]');
    await expect(cli(['dialplan', 'render', '--years', '2031'])).rejects.toThrow(/holiday calendar has no data for 2031 .*calendar import FILE/);
    await expect(cli(['dialplan', 'render', '--years', 'next'])).rejects.toThrow(/bad --years "next"/);
    expect(parseYears('2026-2028,2025')).toEqual([2025, 2026, 2027, 2028]);
  });

  it('render refuses an invalid schedule, naming file, line and field', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, (await readFile(EXAMPLE, 'utf8')).replace('{ from: "14:50", to: "18:00", cover: desk }', '{ from: "14:50", to: "18:00", cover: dsk }'));
    const render = cli(['dialplan', 'render'], { 'schedule.file': bad });
    await expect(render).rejects.toBeInstanceOf(CliError);
    await expect(render).rejects.toThrow(/bad\.yaml:\d+: plans\.summer\.every-day\.periods\[1\]\.cover: unknown destination "dsk"/);
    await expect(cli(['dialplan', 'render'], { 'schedule.file': path.join(dir, 'missing.yaml') })).rejects.toThrow(/cannot read the schedule file .*missing\.yaml \(setting schedule\.file, DUTY_SCHEDULE_FILE\)/);
  });

  it('diff shows what apply would change on the live PBX, and nothing once it is the same', async () => {
    const first = await cli(['dialplan', 'diff']);
    expect(first.out).toMatch(/^--- \/dev\/null\n\+\+\+ duty-schedule\.conf \(rendered now, years 2026\)\n@@ -0,0 \+1,\d+ @@/);
    expect(first.err).toMatch(/line\(s\) to add, 0 to remove — apply with: duty-hotline dialplan apply/);

    await cli(['dialplan', 'render', '--out', path.join(dir, 'live')]);
    const same = await cli(['dialplan', 'diff', '--exit-code']);
    expect(same.out).toBe('');
    expect(same.err).toContain('is what would be rendered now');
    expect(process.exitCode).toBeUndefined();

    // Ring timeouts follow the rings setting: 5 rings of 5 s + a margin = 26 s at the desk.
    const changed = await cli(['dialplan', 'diff', '--exit-code'], { 'rings.threshold': 5 });
    expect(changed.out).toMatch(/^-; {3}DUTY_DESK_RING_TIMEOUT .*\(16: 3 rings and a margin\)$/m);
    expect(changed.out).toMatch(/^\+; {3}DUTY_DESK_RING_TIMEOUT .*\(26: 5 rings and a margin\)$/m);
    expect(changed.out).toMatch(/^\+ same => n,Set\(DUTY_DESK_RING_TIMEOUT=\$\{IF\(\$\["\$\{DUTY_DESK_RING_TIMEOUT\}" = ""\]\?26:/m);
    expect(process.exitCode).toBe(1);
  });
});

/** The value of one labelled line of `route`'s answer ("rule        winter/…" → "winter/…"). */
const field = (out: string, label: string) => out.split('\n').find((l) => l.startsWith(`${label.padEnd(11)} `))?.slice(12);

describe('route: who covers the duty line at T, and why', () => {
  it('Saturday 2026-10-10 09:00 is an adjusted working day: the desk, winter hours', async () => {
    const { out } = await cli(['route', '--at', '2026-10-10T09:00']);
    expect(out).toContain('2026-10-10 09:00 Asia/Shanghai (Saturday; 2026-10-10T01:00:00.000Z)');
    expect(field(out, 'covered by')).toBe('desk: rings PJSIP/desk (role desk)');
    expect(field(out, 'season')).toBe('winter (from 10-01 each year)');
    expect(field(out, 'day type')).toBe('workday: adjusted working day (调休) for National Day 国庆节; it follows the workday plan');
    expect(field(out, 'rule')).toBe('winter/every-day period 08:20–12:00');
    expect(field(out, 'unanswered')).toMatch(/^after N rings the call goes on to leader \(PJSIP\/leader\), then bureau \(PJSIP\/bureau\)/);
  });

  it('accepts ISO time with an offset; after hours the bureau covers', async () => {
    const { out } = await cli(['route', '--at', '2026-10-10T15:00:00Z']);
    expect(out).toContain('2026-10-10 23:00 Asia/Shanghai');
    expect(field(out, 'covered by')).toBe('bureau: rings PJSIP/bureau (role bureau)');
    expect(field(out, 'rule')).toBe('winter/every-day otherwise');
    const holiday = await cli(['route', '--at', '2026-10-03T09:00+08:00']);
    expect(field(holiday.out, 'day type')).toBe('holiday: National Day 国庆节');
    expect(field(holiday.out, 'plan')).toBe('winter/every-day (the schedule has no winter/national-day or winter/holiday plan)');
  });

  it('names the day whose night period crosses midnight', async () => {
    const night = path.join(dir, 'night.yaml');
    await writeFile(night, NIGHT_SHIFT_YAML);
    const { out } = await cli(['route', '--at', '2026-10-10 03:00'], { 'schedule.file': night });
    expect(field(out, 'covered by')).toMatch(/^night-desk: rings PJSIP\/night/);
    expect(field(out, 'day type')).toBe('workday — of 2026-10-09, whose period crosses midnight');
    expect(field(out, 'rule')).toBe('winter/workday period 23:00–07:00');
  });

  it('rejects a time it cannot read, saying what it expects', async () => {
    await expect(cli(['route', '--at', 'tomorrow 9am'])).rejects.toThrow(/bad time "tomorrow 9am": expected wall time in Asia\/Shanghai such as 2026-10-10T09:00/);
    expect(() => parseRouteTime('2026-02-30T09:00', 'Asia/Shanghai')).toThrow(CliError);
    expect(parseRouteTime('2026-10-10T09:00:30', 'Asia/Shanghai').toISOString()).toBe('2026-10-10T01:00:30.000Z');
    expect(parseRouteTime('2026-10-10T09:00+0800', 'Asia/Shanghai').toISOString()).toBe('2026-10-10T01:00:00.000Z');
  });
});

describe('calendar import', () => {
  it('shows the changes in both directions, stores the year, and routing follows it', async () => {
    const { out } = await cli(['calendar', 'import', CALENDAR_2027]);
    expect(out).toMatch(/^2027 from fictitious test transcription: 19 holidays, 2 adjusted working days \(调休\)$/m);
    expect(out).toMatch(/^replaces nothing: no data for 2027 yet$/m);
    expect(out).toMatch(/^ {2}2027-01-01: ordinary day → holiday \(New Year's Day 元旦\)$/m);
    expect(out).toMatch(/^ {2}2027-02-20: ordinary day → adjusted working day \(Spring Festival 春节\)$/m);
    const stored = JSON.parse(await readFile(path.join(dir, 'calendar-overrides.json'), 'utf8')) as { years: Array<{ year: number }> };
    expect(stored.years.map((y) => y.year)).toEqual([2027]);

    const route = await cli(['route', '--at', '2027-02-20T09:00']);
    expect(field(route.out, 'day type')).toMatch(/^workday: adjusted working day \(调休\) for Spring Festival 春节/);
    expect(field(route.out, 'calendar')).toBe('2027 from fictitious test transcription');

    // Importing a corrected notice: dates leave the list too (holiday → ordinary day).
    const corrected = path.join(dir, 'corrected.yaml');
    await writeFile(corrected, (await readFile(CALENDAR_2027, 'utf8')).replace('to: 2027-01-03, name: 元旦', 'to: 2027-01-01, name: 元旦'));
    const again = await cli(['calendar', 'import', corrected, '--dry-run']);
    expect(again.out).toMatch(/^replaces 2027 from fictitious test transcription \(an earlier import\)$/m);
    expect(again.out).toMatch(/^2 date\(s\) change: 0 become holidays, 0 adjusted working days, 2 ordinary days again$/m);
    expect(again.out).toMatch(/^ {2}2027-01-02: holiday \(New Year's Day 元旦\) → ordinary day$/m);
    expect(again.out).toMatch(/^dry run: .* not changed$/m);
  });

  it('refuses an invalid file with file:line and field', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'year: 2027\nholidays:\n  - { date: 2027-13-01, name: 元旦 }\n');
    await expect(cli(['calendar', 'import', bad])).rejects.toThrow(/bad\.yaml:3: holidays\[0\]\.date: bad date "2027-13-01" \(expected YYYY-MM-DD\)/);
    await expect(cli(['calendar', 'import', path.join(dir, 'none.yaml')])).rejects.toThrow(/cannot read .*none\.yaml/);
  });
});

describe('the November warning on the command line', () => {
  it('from November 1 (Shanghai) every schedule command warns on stderr while next year is missing, until it is imported', async () => {
    const october = await cli(['route', '--at', '2026-10-10T09:00'], {}, new Date('2026-10-31T15:59:00Z'));
    expect(october.err).toBe('');

    const november = new Date('2026-10-31T16:00:00Z');
    for (const args of [['route', '--at', '2026-10-10T09:00'], ['dialplan', 'render']]) {
      const { err } = await cli(args, {}, november);
      expect(err).toMatch(/^warning: holiday calendar for 2027 is not loaded yet: .*duty-hotline calendar import FILE/);
    }

    await cli(['calendar', 'import', CALENDAR_2027], {}, november);
    expect((await cli(['route', '--at', '2026-10-10T09:00'], {}, november)).err).toBe('');
  });
});

describe('the duty-hotline command line', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', path.join(repo, 'src', 'cli.ts'), ...args], { cwd: repo }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stdout, stderr }),
      );
    });

  it('bad input: a clear error on stderr, exit code 1, no stack trace', async () => {
    const { code, stderr } = await run(['route', '--at', '2026-10-10 25:00']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^duty-hotline: error: bad time "2026-10-10 25:00"/m);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

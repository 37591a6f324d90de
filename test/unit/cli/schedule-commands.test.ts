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
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { CliError, parseYears } from '../../../src/cli/cli-support.js';
import { registerScheduleCommands } from '../../../src/cli/schedule-commands.js';
import { parseRouteTime } from '../../../src/schedule/route-command.js';
import { FakeAmiServer } from '../../support/fake-ami-server.js';
import { NIGHT_SHIFT_YAML } from '../../support/schedule-test-data.js';

const repo = path.resolve(import.meta.dirname, '../../..');
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
  // What the PBX does comes from the generated dialplan: the repo's copy, rendered from the example.
  beforeEach(() => cli(['dialplan', 'render']));

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
    await cli(['dialplan', 'render'], { 'schedule.file': night });
    const { out } = await cli(['route', '--at', '2026-10-10 03:00'], { 'schedule.file': night });
    expect(field(out, 'covered by')).toMatch(/^night-desk: rings PJSIP\/night/);
    expect(field(out, 'day type')).toBe('workday — of 2026-10-09, whose period crosses midnight');
    expect(field(out, 'rule')).toBe('winter/workday period 23:00–07:00');
  });

  it('answers from the dialplan the PBX loads, and says which file it read', async () => {
    const { out } = await cli(['route', '--at', '2026-11-23T10:00']);
    const live = path.join(dir, 'live', 'duty-schedule.conf');
    expect(field(out, 'covered by')).toBe('desk: rings PJSIP/desk (role desk)');
    expect(field(out, 'dialplan')).toBe(`${path.join(dir, 'generated', 'duty-schedule.conf')} (the repo's rendered copy: there is no ${live})`);
    expect(field(out, 'interval')).toBe('[duty-route-202611] 2026-11-23 08:20–12:00 Asia/Shanghai: desk — winter/every-day period 08:20–12:00');
    expect(field(out, 'rule')).toBe('winter/every-day period 08:20–12:00');
    expect(field(out, 'schedule')).toBeUndefined();

    await cli(['dialplan', 'render', '--out', path.join(dir, 'live')]);
    expect(field((await cli(['route', '--at', '2026-11-23T10:00'])).out, 'dialplan')).toBe(live);
  });

  it('2027-01-01 10:00 with a dialplan rendered for 2026 only: the PBX sends the call to the safe default, bureau, and route says so', async () => {
    await cli(['dialplan', 'render', '--out', path.join(dir, 'live')]);
    const { out } = await cli(['route', '--at', '2027-01-01T10:00']);
    const live = path.join(dir, 'live', 'duty-schedule.conf');
    expect(field(out, 'covered by')).toBe('bureau: rings PJSIP/bureau (role bureau)');
    expect(field(out, 'dialplan')).toBe(live);
    expect(field(out, 'no rules')).toBe(
      `no dated rules for 2027-01 in ${live}: [duty-route] routes every call to its safe default bureau, with a WARNING in the PBX log — import the 2027 holiday calendar (duty-hotline calendar import FILE), then duty-hotline dialplan render and dialplan apply`,
    );
    expect(field(out, 'schedule')).toBe("the schedule file would route to desk (PJSIP/desk) (season, day type, plan and rule below are the schedule's)");
    expect(field(out, 'rule')).toBe('winter/every-day period 08:20–12:00');
    expect(field(out, 'unanswered')).toBeUndefined();
    expect(field(out, 'calendar')).toBe('no data for 2027: holidays and adjusted working days are not applied');
  });

  it('a stale dialplan (rendered from another schedule): the answer is what the PBX does, and render + apply is asked for', async () => {
    const later = path.join(dir, 'later.yaml');
    await writeFile(later, (await readFile(EXAMPLE, 'utf8')).replace('{ from: "08:20", to: "12:00", cover: desk }', '{ from: "09:30", to: "12:00", cover: desk }'));
    await cli(['dialplan', 'render', '--out', path.join(dir, 'live')], { 'schedule.file': later });
    // The repo's copy (rendered from the example in beforeEach) is not what the PBX loads.
    const { out } = await cli(['route', '--at', '2026-11-23T09:00']);
    expect(field(out, 'covered by')).toBe('bureau: rings PJSIP/bureau (role bureau)');
    expect(field(out, 'dialplan')).toBe(path.join(dir, 'live', 'duty-schedule.conf'));
    expect(field(out, 'interval')).toBe('[duty-route-202611] 2026-11-22 22:10 – 2026-11-23 09:30 Asia/Shanghai: bureau — winter/every-day otherwise');
    expect(field(out, 'schedule')).toBe(
      "the schedule file would route to desk (PJSIP/desk): the dialplan is out of date, run duty-hotline dialplan render, then dialplan apply (season, day type, plan and rule below are the schedule's)",
    );
    expect(field(out, 'rule')).toBe('winter/every-day period 08:20–12:00');
  });

  it('without any generated dialplan: the hand-kept entry rings the desk as a last resort', async () => {
    await rm(path.join(dir, 'generated'), { recursive: true });
    const { out } = await cli(['route', '--at', '2026-10-10T15:00:00Z']);
    expect(field(out, 'covered by')).toBe('last resort: rings PJSIP/desk (role desk), no fallback chain');
    expect(field(out, 'dialplan')).toBe(
      `none: no ${path.join(dir, 'live', 'duty-schedule.conf')}, no ${path.join(dir, 'generated', 'duty-schedule.conf')}; without the generated [duty-route], dialplan/duty-inbound.conf rings the desk for \${DUTY_DIAL_TIMEOUT} s with an ERROR in the log — run duty-hotline dialplan render, then dialplan apply`,
    );
    expect(field(out, 'schedule')).toBe("the schedule file would route to bureau (PJSIP/bureau) once rendered (season, day type, plan and rule below are the schedule's)");
    // What the answer above says dialplan/duty-inbound.conf does.
    const inbound = await readFile(path.join(repo, 'dialplan', 'duty-inbound.conf'), 'utf8');
    expect(inbound).toContain(' same => n,GotoIf(${DIALPLAN_EXISTS(duty-route,s,1)}?duty-route,s,1)\n same => n,Log(ERROR,');
    expect(inbound).toContain(' same => n,Set(DUTY_ENDPOINT=desk)\n same => n,Set(DUTY_ROLE=desk)');
  });

  it('a file in the live folder that is not a generated dialplan is an error naming it', async () => {
    await cli(['dialplan', 'render', '--out', path.join(dir, 'live')]);
    await writeFile(path.join(dir, 'live', 'duty-schedule.conf'), '[duty-inbound]\nexten => _X!,1,Hangup()\n');
    const route = cli(['route', '--at', '2026-11-23T10:00']);
    await expect(route).rejects.toBeInstanceOf(CliError);
    await expect(route).rejects.toThrow(`cannot read ${path.join(dir, 'live', 'duty-schedule.conf')} as a generated dialplan: no [duty-route] context`);
  });

  it('rejects a time it cannot read, saying what it expects', async () => {
    await expect(cli(['route', '--at', 'tomorrow 9am'])).rejects.toThrow(/bad time "tomorrow 9am": expected wall time in Asia\/Shanghai such as 2026-10-10T09:00/);
    expect(() => parseRouteTime('2026-02-30T09:00', 'Asia/Shanghai')).toThrow(CliError);
    expect(parseRouteTime('2026-10-10T09:00:30', 'Asia/Shanghai').toISOString()).toBe('2026-10-10T01:00:30.000Z');
    expect(parseRouteTime('2026-10-10T09:00+0800', 'Asia/Shanghai').toISOString()).toBe('2026-10-10T01:00:00.000Z');
  });
});

describe('dialplan apply against a PBX that refuses (scripted AMI server)', () => {
  it("a refused reload is a CliError with the PBX's reason, after the files were written", async () => {
    const pbx = await FakeAmiServer.start();
    const logins: Array<string | undefined> = [];
    pbx.on('action', (action) => action.name === 'Login' && logins.push(action.get('Events')));
    try {
      // The scripted server answers every Command with "Response: Error" (Invalid/unknown command).
      const apply = cli(['dialplan', 'apply'], { 'ami.port': pbx.port });
      await expect(apply).rejects.toBeInstanceOf(CliError);
      await expect(apply).rejects.toThrow('the PBX refused the command "dialplan reload": Invalid/unknown command');
      expect(await readFile(path.join(dir, 'live', 'duty-schedule.conf'), 'utf8')).toContain('[duty-route]');
      expect(logins).toEqual(['off']); // commands only: no event stream
    } finally {
      await pbx.close();
    }
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
      execFile(process.execPath, ['--import', 'tsx', path.join(repo, 'src', 'cli', 'main.ts'), ...args], { cwd: repo }, (err, stdout, stderr) =>
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

/**
 * The duty schedule routes calls inside Asterisk: the generated dialplan (example schedule,
 * rendered for 2026 and applied over AMI), on the real sandbox, with the PBX clock set by
 * libfaketime to the moment each scenario needs. sipp plays the caller and the desk, leader and
 * bureau phones; what rang is read from AMI (the dialplan's DutyDial UserEvents) and from the
 * sipp phone that answered.
 *
 *   npx vitest run --project pbx test/pbx/schedule-routing.test.ts
 *
 * The PBX clock is put back to real time, and the sandbox's own generated dialplan back in
 * place, after the file.
 */
import { Command } from 'commander';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { coverAt } from '../../src/core/schedule/schedule-coverage.js';
import { loadHolidayCalendar, memoryCalendarOverrideStore } from '../../src/schedule/calendar-override-store.js';
import { CliError } from '../../src/cli/cli-support.js';
import { registerScheduleCommands } from '../../src/cli/schedule-commands.js';
import { readConfFiles, writeConfFiles, type DialplanFile } from '../../src/dialplan/dialplan-files.js';
import { loadScheduleFile } from '../../src/schedule/schedule-file.js';
import { asteriskRx, ensurePbxUp, openAmiTap, pbxSettings, repoRoot, setPbxClock, type AmiTap } from '../support/pbx/sandbox.js';
import { authorizationAs, evidenceComplete, startTestService, TEST_RINGS, uniqueCaller, type CallJson, type TestService } from '../support/service-harness.js';
import { placeCall, startDesk, unregisterPhone, type DeskHandle } from '../support/pbx/sipp.js';

const settings = pbxSettings();
const EXAMPLE = path.join(repoRoot, 'dialplan', 'schedule.example.yaml');
const liveGenerated = path.join(settings.root, 'etc', 'asterisk', 'dialplan', 'generated');

/** Shanghai wall time → instant. */
const shanghai = (wall: string) => new Date(`${wall}+08:00`);
const OFFICE_HOURS = shanghai('2026-10-10T09:00:00'); // Saturday, adjusted working day (调休) for National Day
const AFTER_HOURS = shanghai('2026-10-10T23:00:00');
const NATIONAL_DAY = shanghai('2026-10-03T09:00:00'); // Saturday in the National Day holiday

/** The CLI's schedule commands, in-process, against the sandbox (config as for the service under test). */
async function cli(args: string[]): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command().exitOverride();
  const overrides = {
    'ami.port': settings.amiPort,
    'ami.username': settings.amiUser,
    'ami.secret': settings.amiSecret,
    'schedule.file': EXAMPLE,
    'schedule.sandboxRoot': settings.root,
    'schedule.years': [2026],
    // The desk rings N rings at the test cadence (+ a margin) unless [globals] sets DUTY_DESK_RING_TIMEOUT.
    'rings.threshold': TEST_RINGS.threshold,
    'rings.onMs': TEST_RINGS.onMs,
    'rings.offMs': TEST_RINGS.offMs,
    'schedule.fallbackRingTimeoutS': 20,
  };
  registerScheduleCommands(program, { config: () => loadConfig({ overrides }), io: { out: (t) => out.push(t), err: (t) => err.push(t) } });
  await program.parseAsync(['node', 'duty-hotline', ...args]);
  return { out, err };
}

let ami: AmiTap;
let sandboxGenerated: DialplanFile[] = [];
const phones: DeskHandle[] = [];

function phone(name: 'desk' | 'leader' | 'bureau', behaviour: 'answer-after' | 'never-answer', answerAfterMs = 400): DeskHandle {
  const handle = startDesk({ phone: name, behaviour, answerAfterMs, timeoutMs: 120_000 });
  phones.push(handle);
  return handle;
}

async function stopPhones(): Promise<void> {
  await Promise.all(phones.splice(0).map((p) => p.stop()));
}

interface Routed {
  linkedid: string;
  /** The dialplan's report of each Dial(), in order: "desk:NOANSWER", "leader:ANSWER", … */
  dials: string[];
  /** DialBegin → DialEnd of the desk, in seconds of PBX time. */
  deskRangS: number | undefined;
  /** When Asterisk saw the call start (AMI Timestamp: the PBX clock). */
  pbxTime: Date;
}

/** Place a call and read what the dialplan did with it. */
async function call(options: { answered: boolean; timeoutMs?: number }): Promise<Routed & { caller: string }> {
  const caller = uniqueCaller();
  const from = ami.mark();
  const result = await placeCall({ from: caller, hangupAfterMs: 300, timeoutMs: options.timeoutMs ?? 60_000 });
  expect(result.answered).toBe(options.answered);
  const first = await ami.waitFor((f) => f.Event === 'Newchannel' && f.CallerIDNum === caller, { from });
  const linkedid = first.fields.Linkedid!;
  const frames = await ami.waitCallEnded(linkedid, { from });
  const dials = frames.filter((f) => f.fields.Event === 'UserEvent' && f.fields.UserEvent === 'DutyDial').map((f) => `${f.fields.Endpoint}:${f.fields.DialStatus}`);
  const deskBegin = frames.find((f) => f.fields.Event === 'DialBegin' && f.fields.DestChannel?.startsWith('PJSIP/desk-'));
  const deskEnd = frames.find((f) => f.fields.Event === 'DialEnd' && f.fields.DestChannel?.startsWith('PJSIP/desk-'));
  return {
    caller,
    linkedid,
    dials,
    deskRangS: deskBegin && deskEnd ? Number(deskEnd.fields.Timestamp) - Number(deskBegin.fields.Timestamp) : undefined,
    pbxTime: new Date(Number(first.fields.Timestamp) * 1000),
  };
}

/** The destination the schedule core says for `at` (the dialplan must agree). */
async function expectedEndpoint(at: Date): Promise<string> {
  const schedule = await loadScheduleFile(EXAMPLE);
  const calendar = await loadHolidayCalendar(memoryCalendarOverrideStore());
  return coverAt(schedule, calendar, at).endpoint;
}

beforeAll(async () => {
  await ensurePbxUp(settings);
  sandboxGenerated = await readConfFiles(liveGenerated);
  await setPbxClock(OFFICE_HOURS); // the first fake clock restarts Asterisk with libfaketime
  // `dialplan apply`: the example schedule rendered for 2026, written to the sandbox, reloaded over AMI.
  const applied = await cli(['dialplan', 'apply']);
  expect(applied.out.join('\n')).toMatch(/Dialplan reloaded\.[\s\S]*verified: every context of the generated files is loaded/);
  ami = await openAmiTap(settings);
  await Promise.all(['desk', 'leader', 'bureau'].map((p) => unregisterPhone(p, settings)));
});

afterEach(stopPhones);

afterAll(async () => {
  await stopPhones();
  ami?.close();
  // Back to real time and to the sandbox's own generated dialplan, for the other PBX test files.
  await setPbxClock('real');
  await writeConfFiles(liveGenerated, sandboxGenerated);
  await asteriskRx('dialplan reload');
});

describe('the schedule routes calls inside Asterisk, with duty-hotline stopped (no service process)', () => {
  it('office hours (Sat 2026-10-10 09:00, an adjusted working day): the desk rings and answers', async () => {
    expect(await expectedEndpoint(OFFICE_HOURS)).toBe('desk');
    const desk = phone('desk', 'answer-after');
    const bureau = phone('bureau', 'never-answer');
    await Promise.all([desk.registered, bureau.registered]);

    const routed = await call({ answered: true });
    await desk.done; // the desk phone took its one call
    expect(routed.dials).toEqual(['desk:ANSWER']);
    expect(Math.abs(routed.pbxTime.getTime() - OFFICE_HOURS.getTime())).toBeLessThan(10 * 60_000); // the PBX clock said 09:0x
  });

  it('after hours (2026-10-10 23:00): the bureau line rings, the desk is never dialled', async () => {
    await setPbxClock(AFTER_HOURS);
    expect(await expectedEndpoint(AFTER_HOURS)).toBe('bureau');
    const desk = phone('desk', 'never-answer');
    const bureau = phone('bureau', 'answer-after');
    await Promise.all([desk.registered, bureau.registered]);

    const routed = await call({ answered: true });
    await bureau.done;
    expect(routed.dials).toEqual(['bureau:ANSWER']);
    expect(routed.deskRangS).toBeUndefined();
  });

  it('National Day (Sat 2026-10-03 09:00): as the example schedule says (its every-day plan: the desk)', async () => {
    await setPbxClock(NATIONAL_DAY);
    const expected = await expectedEndpoint(NATIONAL_DAY);
    expect(expected).toBe('desk');
    const desk = phone('desk', 'answer-after');
    await desk.registered;

    const routed = await call({ answered: true });
    await desk.done;
    expect(routed.dials).toEqual([`${expected}:ANSWER`]);
  });

  it('desk unanswered for N rings: the call goes on to the leader on duty, who answers', async () => {
    await setPbxClock(OFFICE_HOURS);
    const desk = phone('desk', 'never-answer');
    const leader = phone('leader', 'answer-after');
    await Promise.all([desk.registered, leader.registered]);

    const routed = await call({ answered: true });
    await leader.done;
    expect(routed.dials).toEqual(['desk:NOANSWER', 'leader:ANSWER']);
    expect(routed.deskRangS).toBeGreaterThanOrEqual((TEST_RINGS.threshold * (TEST_RINGS.onMs + TEST_RINGS.offMs)) / 1000);
  });
});

describe('with the service running: the absence is recorded and every call logged', () => {
  let sut: TestService;
  const ended = (c: CallJson) => c.endedAt !== null;

  beforeAll(async () => {
    await stopPhones();
    await setPbxClock(OFFICE_HOURS);
    // on the real clock: it follows the PBX's by itself; the schedule settings are the CLI's above (GET /dialplan compares as `dialplan diff` does)
    sut = await startTestService({
      kind: 'pglite',
      pbx: 'sandbox',
      config: { 'schedule.file': EXAMPLE, 'schedule.sandboxRoot': settings.root, 'schedule.years': [2026], 'schedule.fallbackRingTimeoutS': 20 },
    });
  });
  afterAll(async () => {
    await stopPhones();
    await sut?.stop();
  });

  it('office hours, desk unanswered for 3 rings: one absence, the leader answers, the call is logged', async () => {
    const desk = phone('desk', 'never-answer');
    const leader = phone('leader', 'answer-after');
    await Promise.all([desk.registered, leader.registered]);

    const routed = await call({ answered: true });
    await leader.done;
    expect(routed.dials).toEqual(['desk:NOANSWER', 'leader:ANSWER']);

    const logged = await sut.waitForCall(routed.caller, ended);
    expect(logged.pbxCallId).toBe(routed.linkedid);
    expect(logged.outcome).toBe('absence');
    expect(logged.answeredBy).toBe('leader');
    const record = await sut.waitForRecord(logged.pbxCallId, evidenceComplete);
    expect(await sut.recordsFor(logged.pbxCallId)).toHaveLength(1);
    expect(record).toMatchObject({ type: 'absence', deskEndpoint: 'desk' });
    expect(Date.parse(record.occurredAt) - Date.parse(logged.deskRingingAt!)).toBe(TEST_RINGS.threshold * (TEST_RINGS.onMs + TEST_RINGS.offMs));
    // How the call ended is part of the evidence: the leader took it.
    expect(record.evidence).toEqual(logged.timeline);
    expect(record.evidence.map((e) => e.what)).toContain('answered by fallback phone leader');
  });

  it('GET /dialplan (ops): the applied dialplan is what would be rendered now, and Asterisk loaded every context of it', async () => {
    const res = await sut.service.http.inject({ url: '/dialplan', headers: { authorization: await authorizationAs(sut, 'ops', 'ops.dialplan') } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ liveDir: liveGenerated, years: [2026], renderError: null, upToDate: true });
    expect(body.files).toEqual([{ name: 'duty-schedule.conf', live: true, rendered: true, added: 0, removed: 0, diff: '', diffTruncated: false }]);
    expect(body.pbx).toEqual({ checked: true, error: null, problems: [] });
  });

  it('GET /schedule/coverage: after hours the schedule and the live dialplan both send the call to the bureau', async () => {
    const at = encodeURIComponent(AFTER_HOURS.toISOString());
    const res = await sut.service.http.inject({ url: `/schedule/coverage?at=${at}`, headers: { authorization: await authorizationAs(sut, 'ops', 'ops.coverage') } });
    const body = res.json();
    expect(body.bySchedule).toMatchObject({ destination: 'bureau', rule: 'winter/every-day otherwise' });
    expect(body.byDialplan).toMatchObject({ verdict: 'agrees', file: path.join(liveGenerated, 'duty-schedule.conf'), phones: [{ endpoint: 'bureau', role: 'bureau' }] });
  });

  it('after hours, the bureau answers: logged "bureau", no absence', async () => {
    await setPbxClock(AFTER_HOURS);
    const bureau = phone('bureau', 'answer-after');
    await bureau.registered;

    const routed = await call({ answered: true });
    await bureau.done;
    expect(routed.dials).toEqual(['bureau:ANSWER']);

    const logged = await sut.waitForCall(routed.caller, ended);
    expect(logged.outcome).toBe('bureau');
    expect(logged.answeredBy).toBe('bureau');
    expect(await sut.recordsFor(logged.pbxCallId)).toEqual([]);
  });
});

describe('dialplan check: the sandbox Asterisk judges the dialplan', () => {
  let localDir: string;
  beforeAll(async () => {
    localDir = await mkdtemp(path.join(tmpdir(), 'dh-local-'));
  });
  afterAll(async () => {
    await rm(localDir, { recursive: true, force: true });
  });

  it('accepts the example schedule with the hand-kept dialplan', async () => {
    const { out } = await cli(['dialplan', 'check', '--dialplan-dir', path.join(repoRoot, 'dialplan'), '--local-dir', localDir]);
    expect(out.at(-1)).toMatch(/^OK: Asterisk reported no warning or error/);
  });

  it("rejects a broken local override with Asterisk's own error, then puts the sandbox's dialplan back", async () => {
    const broken = path.join(localDir, 'broken.conf');
    await writeFile(broken, '[duty-local-inbound]\nexten => 8000,n,Goto(duty-dest-desk,s,1)\n');
    const check = cli(['dialplan', 'check', '--dialplan-dir', path.join(repoRoot, 'dialplan'), '--local-dir', localDir]);
    await expect(check).rejects.toBeInstanceOf(CliError);
    await expect(check).rejects.toThrow(/WARNING\[\d+\] pbx_config\.c: Can't use 'next' priority on the first entry at line 2 of \/etc\/asterisk\/dialplan\/local\/broken\.conf!/);

    await writeFile(broken, '[duty-local-inbound\nexten => 8000,1,Goto(duty-dest-desk,s,1)\n');
    await expect(cli(['dialplan', 'check', '--dialplan-dir', path.join(repoRoot, 'dialplan'), '--local-dir', localDir])).rejects.toThrow(
      /WARNING\[\d+\] config\.c: parse error: no closing '\]', line 1 of \/etc\/asterisk\/dialplan\/local\/broken\.conf/,
    );
    // The check staged and then removed the override: the sandbox routes as before.
    expect(await asteriskRx('dialplan show duty-route')).toContain("Context 'duty-route'");
    await expect(readFile(path.join(settings.root, 'etc', 'asterisk', 'dialplan', 'local', 'broken.conf'))).rejects.toThrow(/ENOENT/);
  });

  it('flags a local override that forwards the duty line off the PBX (002 §二(五))', async () => {
    await writeFile(path.join(localDir, 'broken.conf'), '[duty-local-inbound]\nexten => 8000,1,Dial(PJSIP/13800138000@trunk,20)\n');
    await expect(cli(['dialplan', 'check', '--dialplan-dir', path.join(repoRoot, 'dialplan'), '--local-dir', localDir])).rejects.toThrow(
      /broken\.conf:2: \[duty-local-inbound\] Dial\(PJSIP\/13800138000@trunk,20\): .*not be forwarded/,
    );
  });
});

/**
 * The PBX sandbox does what each sipp scenario says, on the real Asterisk.
 *
 *   DUTY_DIAL_TIMEOUT=6 bash scripts/pbx.sh up      # short ringing for tests (any value works)
 *   npx vitest run --project pbx test/pbx/sandbox.test.ts
 *
 * Calls are routed by the duty schedule (the generated dialplan): the PBX clock is pinned to
 * office hours (libfaketime), so the desk is the phone that rings, and put back afterwards. When
 * the desk does not answer, the schedule's fallback chain (leader, bureau) is dialled next; no
 * other phone is registered here, so those dials fail at once (CHANUNAVAIL).
 *
 * Each call's outcome is read from Asterisk itself: AMI (DialBegin/DialEnd, the dialplan's
 * UserEvent DutyDial) and the "DUTY-DIAL ..." line in the full log.
 * DUTY_WRITE_AMI_FIXTURES=1 also saves each call's raw AMI events to test/fixtures/ami/<scenario>.txt
 * (recorded frames for the translation layer's unit tests).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  asteriskRx,
  ensurePbxUp,
  liveDialTimeoutS,
  SANDBOX_OFFICE_HOURS,
  openAmiTap,
  pbxSettings,
  repoRoot,
  restartAsterisk,
  setPbxClock,
  type AmiFrame,
  type AmiTap,
} from '../support/pbx/sandbox.js';
import { placeCall, registerPhone, SippError, startDesk, unregisterDesk, unregisterPhone, type DeskHandle } from '../support/pbx/sipp.js';

const settings = pbxSettings();
let ami: AmiTap;
let dialTimeoutS: number;
let desk: DeskHandle | undefined;
let callerSeq = 0;

/** A caller number unique to this run, to find the call's channel on AMI. */
function nextCaller(): string {
  callerSeq += 1;
  return `1390${String(Date.now() % 1_000_000).padStart(6, '0')}${callerSeq}`;
}

beforeAll(async () => {
  await ensurePbxUp(settings);
  await setPbxClock(SANDBOX_OFFICE_HOURS); // may restart Asterisk (libfaketime): before the AMI tap
  await Promise.all(['leader', 'bureau'].map((p) => unregisterPhone(p, settings)));
  ami = await openAmiTap(settings);
  dialTimeoutS = await liveDialTimeoutS();
});

afterAll(async () => {
  ami?.close();
  await setPbxClock('real');
});

beforeEach(async () => {
  await unregisterDesk(settings); // every scenario starts with no desk contact
});

afterEach(async () => {
  await desk?.stop();
  desk = undefined;
});

interface ObservedCall {
  linkedid: string;
  frames: AmiFrame[];
  events: string[];
  dialEnd: Record<string, string> | undefined;
  report: Record<string, string>;
}

/** Wait for the call from `caller` (placed after `from`) to end; collect what Asterisk reported. */
async function observe(caller: string, from: number): Promise<ObservedCall> {
  const first = await ami.waitFor((f) => f.Event === 'Newchannel' && f.CallerIDNum === caller, { from });
  const linkedid = first.fields.Linkedid ?? '';
  expect(linkedid).toBe(first.fields.Uniqueid); // the caller's channel starts the call
  const report = await ami.waitFor((f) => f.Event === 'UserEvent' && f.UserEvent === 'DutyDial' && f.Linkedid === linkedid, { from });
  const frames = await ami.waitCallEnded(linkedid, { from });
  const ordered = frames.filter((f) => f.fields.Event !== 'VarSet' && f.fields.Event !== 'Newexten');
  return {
    linkedid,
    frames,
    events: ordered.map((f) => f.fields.Event ?? ''),
    dialEnd: frames.find((f) => f.fields.Event === 'DialEnd')?.fields,
    report: report.fields,
  };
}

async function fullLogReport(linkedid: string): Promise<string | undefined> {
  const log = await readFile(settings.fullLogPath, 'utf8');
  return log.split('\n').find((l) => l.includes('NOTICE') && l.includes(`DUTY-DIAL linkedid=${linkedid} `));
}

/** With DUTY_WRITE_AMI_FIXTURES=1: every AMI event from `from` until the call ended, verbatim (CRLF). */
async function saveFixture(name: string, from: number, call: ObservedCall, note: string): Promise<void> {
  if (process.env.DUTY_WRITE_AMI_FIXTURES !== '1') return;
  const last = ami.frames.indexOf(call.frames[call.frames.length - 1] as AmiFrame);
  const frames = ami.frames.slice(from, last + 1);
  const dir = path.join(repoRoot, 'test', 'fixtures', 'ami');
  await mkdir(dir, { recursive: true });
  const header = [
    `# Raw AMI events captured from the real Asterisk 22 sandbox by test/pbx/sandbox.test.ts`,
    `# scenario ${name} - ${note}`,
    `# Linkedid of the call ${call.linkedid}; dial timeout ${dialTimeoutS} s; blank line between events`,
  ];
  // Byte for byte as Asterisk sent them: CRLF line ends, an empty line after each event.
  const text = `${header.join('\r\n')}\r\n\r\n${frames.map((f) => `${f.raw}\r\n\r\n`).join('')}`;
  await writeFile(path.join(dir, `${name}.txt`), text);
}

const ts = (f: Record<string, string> | undefined) => Number(f?.Timestamp);

describe('PBX sandbox: real Asterisk, sipp phones and callers', () => {
  it('a desk that picks up: Dial() ends ANSWER, the caller number comes through', async () => {
    desk = startDesk({ behaviour: 'answer-after', answerAfterMs: 1500 });
    await desk.registered;
    expect(await asteriskRx('pjsip show contacts')).toContain(`desk/sip:desk@${settings.host}:${settings.deskPort}`);
    const caller = nextCaller();
    const from = ami.mark();

    const call = await placeCall({ from: caller, hangupAfterMs: 1000 });
    expect(call.answered).toBe(true);
    expect(call.finalStatus).toBe(200);
    await desk.done;

    const seen = await observe(caller, from);
    expect(seen.dialEnd?.DialStatus).toBe('ANSWER');
    expect(seen.dialEnd?.DestChannel).toMatch(/^PJSIP\/desk-[0-9a-f]+$/);
    expect(seen.report).toMatchObject({ Endpoint: 'desk', Role: 'desk', DialStatus: 'ANSWER' });
    expect(seen.events).toEqual(expect.arrayContaining(['Newchannel', 'DialBegin', 'DialState', 'DialEnd', 'BridgeEnter', 'Hangup']));
    const begin = seen.frames.find((f) => f.fields.Event === 'DialBegin')?.fields;
    expect(ts(seen.dialEnd) - ts(begin)).toBeGreaterThan(1.2); // it rang for the answer delay
    expect(await fullLogReport(seen.linkedid)).toContain('status=ANSWER');
    await saveFixture('answered', from, seen, 'desk answers after 1.5 s of ringing, caller hangs up 1 s later');
  });

  it('a desk nobody picks up: Dial() gives up after DUTY_DIAL_TIMEOUT with NOANSWER', async () => {
    desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    const caller = nextCaller();
    const from = ami.mark();

    const call = await placeCall({ from: caller, timeoutMs: (dialTimeoutS + 30) * 1000 });
    expect(call.answered).toBe(false);
    await desk.done; // the desk got Asterisk's CANCEL

    const seen = await observe(caller, from);
    expect(seen.dialEnd?.DialStatus).toBe('NOANSWER');
    expect(seen.report.DialStatus).toBe('NOANSWER');
    const begin = seen.frames.find((f) => f.fields.Event === 'DialBegin')?.fields;
    // Rang for the whole dial timeout (Asterisk's own timestamps).
    expect(ts(seen.dialEnd) - ts(begin)).toBeGreaterThanOrEqual(dialTimeoutS - 0.1);
    expect(ts(seen.dialEnd) - ts(begin)).toBeLessThan(dialTimeoutS + 1.5);
    expect(await fullLogReport(seen.linkedid)).toContain('status=NOANSWER');
    await saveFixture('no-answer', from, seen, `desk rings, never answers; Dial() times out after ${dialTimeoutS} s`);
  }, 60_000);

  it('a busy desk: Dial() ends BUSY and the caller hears busy (486)', async () => {
    desk = startDesk({ behaviour: 'busy' });
    await desk.registered;
    const caller = nextCaller();
    const from = ami.mark();

    const call = await placeCall({ from: caller });
    expect(call.finalStatus).toBe(486);
    await desk.done;

    const seen = await observe(caller, from);
    expect(seen.dialEnd?.DialStatus).toBe('BUSY');
    expect(seen.report.DialStatus).toBe('BUSY');
    expect(await fullLogReport(seen.linkedid)).toContain('status=BUSY');
    await saveFixture('busy', from, seen, 'desk answers the INVITE with 486 Busy Here');
  });

  it('an unregistered desk: Dial() fails at once with CHANUNAVAIL, no DialBegin', async () => {
    expect(await asteriskRx('pjsip show aor desk')).not.toContain('contact  : desk/');
    const caller = nextCaller();
    const from = ami.mark();

    const call = await placeCall({ from: caller });
    expect(call.answered).toBe(false);

    const seen = await observe(caller, from);
    expect(seen.report).toMatchObject({ Endpoint: 'desk', DialStatus: 'CHANUNAVAIL' });
    expect(seen.events).not.toContain('DialBegin');
    expect(seen.dialEnd).toBeUndefined();
    expect(await fullLogReport(seen.linkedid)).toContain('status=CHANUNAVAIL');
    await saveFixture('unregistered', from, seen, 'no desk contact registered; the dialplan reports CHANUNAVAIL via UserEvent DutyDial');
  });

  it('a caller who hangs up while it rings: Dial() ends CANCEL', async () => {
    desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    const caller = nextCaller();
    const from = ami.mark();

    const call = await placeCall({ from: caller, cancelAfterMs: 1500 });
    expect(call.finalStatus).toBe(487);
    await desk.done; // the desk got the CANCEL too

    const seen = await observe(caller, from);
    expect(seen.dialEnd?.DialStatus).toBe('CANCEL');
    expect(seen.report.DialStatus).toBe('CANCEL');
    expect(await fullLogReport(seen.linkedid)).toContain('status=CANCEL');
    await saveFixture('caller-cancel', from, seen, 'desk rings, caller hangs up (CANCEL) after 1.5 s of ringing');
  });

  it('the sipp wrapper reports a phone that cannot start, with the reason', async () => {
    desk = startDesk({ behaviour: 'busy', register: false });
    await desk.registered;
    const second = startDesk({ behaviour: 'busy', register: false });
    await expect(second.registered).rejects.toThrow(`UDP port ${settings.deskPort} is already in use`);
    await expect(second.done).rejects.toBeInstanceOf(SippError);
  });

  it('restartAsterisk() brings Asterisk back with the same config; the registration survives', async () => {
    await registerPhone('desk', settings.deskPort, { settings });
    await restartAsterisk();
    await ami.closed; // the old AMI connection is gone
    await ensurePbxUp(settings);
    expect(await liveDialTimeoutS()).toBe(dialTimeoutS);
    expect(await asteriskRx('pjsip show contacts')).toContain('desk/sip:desk@');
    ami = await openAmiTap(settings);
    await unregisterDesk(settings);
  }, 60_000);
});

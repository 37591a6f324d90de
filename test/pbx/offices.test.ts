/**
 * One service, two offices at once: the real sandbox Asterisk is office "city", a scripted AMI
 * server playing a real Asterisk capture is office "county". The capture is given the very call
 * id the real PBX gave the real call, so the two offices' rows share their PBX call id: each is
 * stored under its office, with its own absence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedCall, startFakePbx, type FakePbx } from '../support/fake-pbx.js';
import { ensurePbxUp, SANDBOX_OFFICE_HOURS, setPbxClock } from '../support/pbx/sandbox.js';
import { placeCall, startDesk } from '../support/pbx/sipp.js';
import { eventually } from '../support/poll.js';
import { startTestService, uniqueCaller, type CallJson, type RecordJson, type TestService } from '../support/service-harness.js';

let county: FakePbx;
let sut: TestService;

beforeAll(async () => {
  await ensurePbxUp();
  await setPbxClock(SANDBOX_OFFICE_HOURS);
  county = await startFakePbx();
  sut = await startTestService({ kind: 'postgres', offices: [{ id: 'city', pbx: 'sandbox' }, { id: 'county', pbx: county }] });
  await eventually('the county PBX connected', () => sut.service.offices[1]!.pbx.state === 'connected');
});
afterAll(async () => {
  await sut?.stop();
  await county?.close();
  await setPbxClock('real');
});

describe('two offices watched at once (sandbox Asterisk + scripted AMI server)', () => {
  it("keeps each office's calls and absences apart, the same PBX call id in both", async () => {
    const desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    const from = uniqueCaller();
    let real: CallJson;
    try {
      const calling = placeCall({ from, timeoutMs: 60_000 });
      real = await sut.waitForCall(from, (c) => c.outcome === 'absence');
      await calling;
    } finally {
      await desk.stop();
    }
    expect(real.officeId).toBe('city');

    // The capture of a desk unanswered for 3 rings, its call id made the real call's.
    const capture = recordedCall('no-answer');
    const twin = { ...capture, pbxCallId: real.pbxCallId, wire: capture.wire.replaceAll(capture.pbxCallId, real.pbxCallId) };
    expect(county.play(twin)).toBe(1);

    const both = await eventually('the call in both offices, ended', async () => {
      const rows = await sut.callsFor(real.pbxCallId);
      return rows.length === 2 && rows.every((c) => c.endedAt !== null) ? rows : false;
    }, 30_000);
    expect(both.map((c) => [c.officeId, c.outcome, c.callerNumber]).sort()).toEqual([
      ['city', 'absence', from],
      ['county', 'absence', '13909765682'],
    ]);
    const records = await eventually('an absence in each office', async () => {
      const found = await sut.recordsFor(real.pbxCallId);
      return found.length === 2 ? found : false;
    });
    expect(records.map((r: RecordJson) => [r.officeId, r.type]).sort()).toEqual([
      ['city', 'absence'],
      ['county', 'absence'],
    ]);
    const countyOnly = await sut.json<{ items: CallJson[] }>('/calls?office=county&limit=1000');
    expect(countyOnly.items.map((c) => c.pbxCallId)).toEqual([real.pbxCallId]);

    const health = await sut.health();
    expect(health.offices.map((o) => [o.id, o.ami.state])).toEqual([
      ['city', 'connected'],
      ['county', 'connected'],
    ]);
  });
});

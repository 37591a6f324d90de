/**
 * Absence latency on the real sandbox PBX (a script, not a test): how late AMI events arrive after
 * Asterisk stamps them, and how soon after the N-th ring is over the absence is readable in
 * GET /discipline-records, with the default decision settings (rings.decisionGraceMs, then a Ping
 * to the PBX as the barrier: src/calls/call-tracker.ts).
 *
 *   DUTY_DIAL_TIMEOUT=8 DUTY_RING_ON_MS=200 DUTY_RING_OFF_MS=800 npm run pbx:up
 *   npm run bench:absence-latency -- [--calls 20] [--db pglite|postgres]
 *
 * Arrival lag is the time between an event's Timestamp and its arrival, less the smallest such
 * difference seen (the PBX clock is shifted by libfaketime, so only the spread above the fastest
 * event is a lag). Visibility is measured from the deadline (first desk Ringing + 3 rings, on the
 * PBX's clock, moved to this host's clock with the same smallest offset) to the first poll (every
 * 2 ms) that returns the record.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/platform/config/load-config.js';
import { ensurePbxUp, openAmiTap, SANDBOX_OFFICE_HOURS, setPbxClock } from '../test/support/pbx/sandbox.js';
import { startTestService, TEST_RINGS, uniqueCaller, type DatabaseKind } from '../test/support/service-harness.js';
import { placeCall, startDesk, unregisterPhone } from '../test/support/pbx/sipp.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20' }, db: { type: 'string', default: 'pglite' } } });
const calls = Number(values.calls);
const kind = values.db as DatabaseKind;
const ringMs = TEST_RINGS.onMs + TEST_RINGS.offMs;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const summary = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p90 ${pct(xs, 90).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

await ensurePbxUp();
await setPbxClock(SANDBOX_OFFICE_HOURS);
for (const phone of ['leader', 'bureau']) await unregisterPhone(phone);
// The defaults are what is measured (the PBX tests use a longer grace).
const grace = loadConfig().rings.decisionGraceMs;
const sut = await startTestService({ kind: kind, pbx: 'sandbox', config: { 'rings.decisionGraceMs': grace } });
await sut.service.database.opened;
const tap = await openAmiTap();
const visible: number[] = [];
try {
  for (let i = 0; i < calls; i++) {
    const desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    const from = uniqueCaller();
    const calling = placeCall({ from, cancelAfterMs: 4 * ringMs });
    const ringing = await sut.waitForCall(from, (c) => c.deskRingingAt !== null, 10_000);
    let seenAt = 0;
    for (;;) {
      if ((await sut.recordsFor(ringing.pbxCallId)).length > 0) {
        seenAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await calling;
    await desk.stop();
    // The PBX's offset from the fastest event seen so far: deadline on the PBX clock → this host's clock.
    const offsets = tap.frames.filter((f) => f.fields.Timestamp).map((f) => f.receivedAt - Number(f.fields.Timestamp) * 1000);
    const offset = Math.min(...offsets);
    const deadline = Date.parse(ringing.deskRingingAt!) + TEST_RINGS.threshold * ringMs + offset;
    visible.push(seenAt - deadline);
  }
  const offsets = tap.frames.filter((f) => f.fields.Timestamp).map((f) => f.receivedAt - Number(f.fields.Timestamp) * 1000);
  const min = Math.min(...offsets);
  console.log(`database ${kind}, decision grace ${grace} ms (default), ${calls} absences`);
  console.log(`AMI arrival lag above the fastest event: ${summary(offsets.map((o) => o - min))}`);
  console.log(`absence readable after the 3rd ring's end: ${summary(visible)}`);
} finally {
  tap.close();
  await sut.stop();
  await setPbxClock('real');
}

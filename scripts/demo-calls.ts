/**
 * The demo's callers: three real calls through the sandbox Asterisk (sipp plays the citizen and
 * the desk phone), then the resulting call-log entries and discipline records, read back from
 * the running service's HTTP API. Run by scripts/demo.sh.
 */
import { placeCall, startDesk } from '../test/support/pbx/sipp.js';

const api = process.env.DEMO_API ?? 'http://127.0.0.1:8080';
const ringMs = Number(process.env.DUTY_RING_ON_MS ?? 1000) + Number(process.env.DUTY_RING_OFF_MS ?? 4000);

interface Call {
  id: string;
  pbxCallId: string;
  callerNumber: string | null;
  offeredAt: string;
  outcome: string;
  ringCount: number | null;
  endedAt: string | null;
  answeredBy: string | null;
}
interface DisciplineRecord {
  type: string;
  pbxCallId: string;
  occurredAt: string;
  reason: string;
  deskEndpoint: string | null;
  evidence: Array<{ at: string; what: string }>;
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${api}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitEnded(from: string): Promise<Call> {
  const until = Date.now() + 60_000;
  for (;;) {
    const { items } = await get<{ items: Call[] }>('/calls?limit=100');
    const call = items.find((c) => c.callerNumber === from && c.endedAt);
    if (call) return call;
    if (Date.now() > until) throw new Error(`the service logged no finished call from ${from} within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stamp = String(Date.now() % 1e6).padStart(6, '0');
const scenarios = [
  { title: 'desk answers during ring 2', from: `13800${stamp}`, desk: { behaviour: 'answer-after' as const, answerAfterMs: Math.round(ringMs * 1.5) }, call: { hangupAfterMs: 1000 } },
  { title: 'desk never answers (3 rings → absence)', from: `13801${stamp}`, desk: { behaviour: 'never-answer' as const }, call: {} },
  { title: 'caller hangs up during ring 2', from: `13802${stamp}`, desk: { behaviour: 'never-answer' as const }, call: { cancelAfterMs: Math.round(ringMs * 1.5) } },
];

console.log(`demo: ring cadence ${ringMs} ms per ring, absence after 3 rings (${(3 * ringMs) / 1000} s)\n`);
const logged: Call[] = [];
for (const s of scenarios) {
  process.stdout.write(`calling from ${s.from}: ${s.title} … `);
  const desk = startDesk(s.desk);
  await desk.registered;
  await placeCall({ from: s.from, ...s.call });
  await desk.stop();
  const call = await waitEnded(s.from);
  logged.push(call);
  console.log(`logged as ${call.outcome}${call.ringCount ? ` (ring ${call.ringCount})` : ''}`);
}

console.log('\nGET /calls (值班记录):');
console.table(logged.map((c) => ({ caller: c.callerNumber, offeredAt: c.offeredAt, outcome: c.outcome, rings: c.ringCount, answeredBy: c.answeredBy })));

const ours = new Set(logged.map((c) => c.pbxCallId));
const { items: records } = await get<{ items: DisciplineRecord[] }>('/discipline-records?limit=100');
const mine = records.filter((r) => ours.has(r.pbxCallId));
console.log('GET /discipline-records (离岗 absences):');
for (const r of mine) {
  console.log(`  ${r.type} at ${r.occurredAt} on desk phone ${r.deskEndpoint}: ${r.reason}`);
  for (const e of r.evidence) console.log(`      ${e.at}  ${e.what}`);
}
const outcomes = logged.map((c) => c.outcome);
const ok = outcomes.includes('answered') && outcomes.includes('absence') && outcomes.includes('abandoned') && mine.length === 1;
console.log(ok ? '\ndemo: answered, absence and abandoned calls logged; one absence recorded.' : '\ndemo: unexpected results (see above)');
process.exit(ok ? 0 : 1);

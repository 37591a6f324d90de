/**
 * The demo through the running service's HTTP API: the supervisor (made by the CLI) signs in,
 * adds the demo users and officers, imports and publishes November's roster from a CSV as the
 * duty office keeps it; then three real calls through the sandbox Asterisk (sipp plays the
 * citizen and the desk phone), and the resulting call-log entries, the absence with who was on
 * duty, and the audit log, read back as the roles that may read them. Run by scripts/demo.sh.
 */
import { placeCall, startDesk } from '../test/support/pbx/sipp.js';

const api = process.env.DEMO_API ?? 'http://127.0.0.1:8080';
const ringMs = Number(process.env.DUTY_RING_ON_MS ?? 1000) + Number(process.env.DUTY_RING_OFF_MS ?? 4000);
const password = process.env.DEMO_PASSWORD ?? 'zhiban-demo-2026';
const supervisorName = process.env.DEMO_SUPERVISOR ?? 'wang.zhuren';

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
  officer: string | null;
  duty: { shift: string | null; officers: string[]; leader: string | null; noOneRostered: boolean } | null;
  evidence: Array<{ at: string; what: string }>;
}

/** A signed-in user: requests carry their session cookie. */
async function signIn(name: string): Promise<string> {
  const res = await fetch(`${api}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  if (!res.ok) throw new Error(`sign-in as ${name}: HTTP ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function call<T>(cookie: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined && { 'content-type': contentType }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const supervisor = await signIn(supervisorName);
const officers: Record<string, string> = {};
for (const [name, section] of [['张伟', '综合科'], ['李娜', '综合科'], ['赵建国', '办公室']] as const) {
  officers[name] = (await call<{ id: string }>(supervisor, 'POST', '/officers', { name, section })).id;
}
const demoUsers = [
  { name: 'zhang.wei', displayName: '张伟', role: 'duty-officer', officerId: officers['张伟'] },
  { name: 'shen.ji', displayName: '沈计', role: 'auditor' },
  { name: 'ops.zhao', displayName: '赵运维', role: 'ops' },
];
for (const u of demoUsers) await call(supervisor, 'POST', '/users', { ...u, password });

// November's roster as the duty office keeps it (the sandbox's clock stands at Monday 2026-11-23 10:00).
const csv = ['办公室总值班室2026年11月值班表,,,,,,', '日期,星期,班次,值班台,值班人员,带班领导,备注', '2026/11/23,一,08:20–12:00,desk,张伟,赵建国,', '2026/11/23,一,13:50–17:30,desk,李娜,赵建国,'].join('\r\n');
await call(supervisor, 'POST', '/rosters', { month: '2026-11' });
const imported = await call<{ shifts: unknown[]; encoding: string }>(supervisor, 'PUT', '/rosters/2026-11/shifts?fileName=2026-11.csv', csv, 'text/csv');
for (const step of ['submit', 'approve', 'publish']) await call(supervisor, 'POST', `/rosters/2026-11/${step}`);
console.log(`demo: roster 2026-11 imported (${imported.shifts.length} shifts, ${imported.encoding}), submitted, approved and published: 张伟 on the desk 08:20–12:00, leader on duty 赵建国\n`);

async function waitEnded(from: string): Promise<Call> {
  const until = Date.now() + 60_000;
  for (;;) {
    const { items } = await call<{ items: Call[] }>(supervisor, 'GET', '/calls?limit=100');
    const found = items.find((c) => c.callerNumber === from && c.endedAt);
    if (found) return found;
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
  const found = await waitEnded(s.from);
  logged.push(found);
  console.log(`logged as ${found.outcome}${found.ringCount ? ` (ring ${found.ringCount})` : ''}`);
}

console.log('\nGET /calls (值班记录), as the supervisor:');
console.table(logged.map((c) => ({ caller: c.callerNumber, offeredAt: c.offeredAt, outcome: c.outcome, rings: c.ringCount, answeredBy: c.answeredBy })));

const ours = new Set(logged.map((c) => c.pbxCallId));
const officer = await signIn('zhang.wei');
const { items: records } = await call<{ items: DisciplineRecord[] }>(officer, 'GET', '/discipline-records?limit=100');
const mine = records.filter((r) => ours.has(r.pbxCallId));
console.log('GET /discipline-records (离岗 absences), as the duty officer 张伟 (his shifts only):');
for (const r of mine) {
  console.log(`  ${r.type} at ${r.occurredAt} on desk phone ${r.deskEndpoint}: ${r.reason}`);
  console.log(`      on duty: ${r.duty?.officers.join('、') ?? '(not attributed)'}, leader on duty ${r.duty?.leader ?? '—'}, shift ${r.duty?.shift ?? '—'}`);
  for (const e of r.evidence) console.log(`      ${e.at}  ${e.what}`);
}

const auditor = await signIn('shen.ji');
const { items: audit } = await call<{ items: Array<{ userName: string; action: string; route: string }> }>(auditor, 'GET', '/audit-log?limit=500');
const reads = audit.filter((e) => e.action.startsWith('calls.') || e.action.startsWith('records.'));
console.log(`\nGET /audit-log, as the auditor: ${reads.length} reads of duty records so far, the latest: ${reads[0] ? `${reads[0].userName} ${reads[0].route}` : '—'}`);

const outcomes = logged.map((c) => c.outcome);
const attributed = mine.length === 1 && mine[0]!.officer === '张伟' && mine[0]!.duty?.leader === '赵建国';
const ok = outcomes.includes('answered') && outcomes.includes('absence') && outcomes.includes('abandoned') && attributed;
console.log('\ndemo sign-ins (password for all: ' + password + `): ${supervisorName} (supervisor), ${demoUsers.map((u) => `${u.name} (${u.role})`).join(', ')}; API docs at ${api}/docs`);
console.log(ok ? 'demo: answered, absence and abandoned calls logged; one absence recorded against 张伟 with leader 赵建国.' : '\ndemo: unexpected results (see above)');
process.exit(ok ? 0 : 1);

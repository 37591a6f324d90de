/// <reference lib="dom" />
/**
 * The web console in headless Chromium (Debian's, driven by playwright-core) against the API
 * plugin as the service composes it, serving the built console (web/dist) on a port: each role
 * signs in through the page and sees only its views (the server refuses the rest whatever the
 * page does); a supervisor completes a call's duty-log entry, confirms one record and waives
 * another, approves a swap, and exports the call log as CSV (the downloaded file is read back).
 * Screenshots of each view go to test-output/console/.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsoleDir } from '../../src/app/web-console.js';
import { MemoryCallStore } from '../../src/calls/memory-call-store.js';
import { loadScheduleSetup } from '../../src/cli/cli-support.js';
import { renderDialplanFiles } from '../../src/dialplan/dialplan-files.js';
import { MemoryDisciplineStore } from '../../src/discipline/memory-discipline-store.js';
import { PbxError } from '../../src/pbx/pbx-port.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { loadScheduleFile } from '../../src/schedule/schedule-file.js';
import { PASSWORD } from '../support/access-api.js';
import { launchChromium, officePage, screenshot, signIn } from '../support/browser.js';
import { buildApi, publishRoster, type TestApi } from '../support/http.js';
import { repoRoot } from '../support/pbx/sandbox.js';
import { baselineCalendar } from '../support/schedule-test-data.js';
import { disciplineInput, snapshot } from '../support/store-contract.js';

const calls = new MemoryCallStore();
const discipline = new MemoryDisciplineStore();
let api: TestApi;
let base: string;
let browser: Browser;
let swapId: string;
let liveDir: string;
let nextRosterMonth: string;
const EXAMPLE = path.join(repoRoot, 'dialplan', 'schedule.example.yaml');
const records: Record<'a1' | 'a2', string> = { a1: '', a2: '' };
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  const consoleDir = defaultConsoleDir();
  if (!consoleDir) throw new Error('the web console is not built: npm run build:web');
  // The ops view's schedule, calendar and dialplan: the example schedule; its 2026 dialplan "applied" with one line edited by hand.
  liveDir = await mkdtemp(path.join(tmpdir(), 'dh-console-live-'));
  const config = loadConfig({ env: {}, overrides: { 'schedule.file': EXAMPLE, 'schedule.liveDir': liveDir, 'schedule.years': [2026], 'schedule.calendarOverrides': path.join(liveDir, 'none.yaml') } });
  const [rendered] = renderDialplanFiles(await loadScheduleSetup(config), [2026]);
  await writeFile(path.join(liveDir, rendered!.name), rendered!.text.replace('Dial(PJSIP/leader', 'Dial(PJSIP/leader-old'));
  const unreachable = { command: async () => Promise.reject(new PbxError('not-connected', 'not connected to the PBX')), reloadDialplan: async () => [] };
  api = await buildApi({
    calls,
    discipline,
    consoleDir,
    officeSchedule: { schedule: await loadScheduleFile(EXAMPLE), calendar: baselineCalendar },
    routingDialplan: async () => ({ file: path.join(liveDir, rendered!.name), text: rendered!.text }),
    dialplan: { config, clock: { now: () => new Date() }, officeOf: () => ({ scheduleFile: EXAMPLE, pbx: unreachable }) },
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;

  await calls.save(snapshot('c-today', { callerNumber: '13800138000', offeredAt: new Date(now - 600_000), deskEndpoint: 'desk', answeredAt: new Date(now - 595_000), answeredBy: 'desk', outcome: 'answered', ringCount: 2 }));
  // Three calls the desk missed this month, on the shift on now (李四's): two absences, one the caller gave up on.
  for (const [id, minutes, outcome, ringCount] of [
    ['c-missed-1', 20, 'absence', 3],
    ['c-missed-2', 30, 'abandoned', 2],
    ['c-missed-3', 40, 'absence', 3],
  ] as const) {
    await calls.save(snapshot(id, { callerNumber: '13900139000', offeredAt: new Date(now - minutes * 60_000), deskEndpoint: 'desk', outcome, ringCount, endedAt: new Date(now - minutes * 60_000 + 5_000) }));
  }
  records.a1 = (await discipline.recordOnce(disciplineInput('c-a1', { occurredAt: new Date(now - 3600_000), officer: '李四' }))).record.id;
  records.a2 = (await discipline.recordOnce(disciplineInput('c-a2', { occurredAt: new Date(now - 7200_000), officer: '李四' }))).record.id;

  // The officer's shift before this one (its hand-over note written) and the one on now, then two
  // more, the second asked to be swapped and agreed to. Published per month, should they straddle one.
  const by = { by: 'clerk', at: new Date(now) };
  const wang = await api.roster.addOfficer({ officeId: 'default', name: '王五', phone: null, section: null }, by);
  const hour = 3600_000;
  const block = [
    { startsAt: iso(now - 3 * hour), endsAt: iso(now - hour), officerIds: [api.officerId] },
    { startsAt: iso(now - hour), endsAt: iso(now + hour), officerIds: [api.officerId] },
    { startsAt: iso(now + hour), endsAt: iso(now + 2 * hour), officerIds: [api.officerId] },
    { startsAt: iso(now + 2 * hour), endsAt: iso(now + 3 * hour), officerIds: [api.officerId] },
  ];
  const monthOf = (at: string) => new Date(Date.parse(at) + 8 * hour).toISOString().slice(0, 7);
  const shifts = [];
  for (const month of [...new Set(block.map((b) => monthOf(b.startsAt)))]) shifts.push(...(await publishRoster(api.roster, block.filter((b) => monthOf(b.startsAt) === month), new Date(now - 4 * hour))));
  const [previous, , , later] = shifts;
  const officer = { id: 'test-officer', officerId: api.officerId, dutyDirector: false };
  const swap = await api.roster.requestSwap({ officeId: 'default', shiftId: later!.id, requesterId: api.officerId, counterpartId: wang.id, counterpartShiftId: null, reason: '家中有事', by: officer, at: new Date(now) });
  await api.roster.answerSwap('default', swap.id, 'agree', { id: 'wang', officerId: wang.id, dutyDirector: false }, new Date(now));
  swapId = swap.id;
  const wrote = await api.inject({ method: 'PUT', url: `/shifts/${previous!.id}/handover`, payload: { note: '夜间无重大事项，空调报修未完成' }, headers: api.as('duty-officer') });
  if (wrote.statusCode !== 200) throw new Error(`the previous shift's hand-over: ${wrote.statusCode} ${wrote.body}`);

  // A roster two months on, drawn up and submitted: the duty director approves and publishes it on the page.
  const clerk = { id: 'clerk', officerId: null, dutyDirector: false };
  const day = new Date(now + 62 * 24 * hour);
  nextRosterMonth = monthOf(day.toISOString());
  await api.roster.openMonth('default', nextRosterMonth, clerk, new Date(now));
  const startsAt = new Date(`${nextRosterMonth}-10T08:30:00+08:00`);
  await api.roster.reviseShifts('default', nextRosterMonth, [{ officeId: 'default', date: `${nextRosterMonth}-10`, periodLabel: '08:30–17:30', startsAt, endsAt: new Date(startsAt.getTime() + 9 * hour), deskEndpoint: 'desk', officerIds: [wang.id], leaderId: null }], clerk, new Date(now));
  await api.roster.submit('default', nextRosterMonth, clerk, new Date(now));

  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (liveDir) await rm(liveDir, { recursive: true, force: true });
});

const navOf = async (page: Page) => page.$$eval('[data-test^="nav-"]', (items) => items.map((i) => i.getAttribute('data-test')));

describe('signing in', () => {
  it.each([
    ['test-officer', ['nav-desk']],
    ['test-supervisor', ['nav-desk', 'nav-supervisor']],
    ['test-ops', ['nav-ops']],
    ['test-auditor', ['nav-supervisor', 'nav-audit']],
  ])('%s sees only its views', async (name, views) => {
    const page = await officePage(browser);
    await signIn(page, base, name, PASSWORD);
    expect(await navOf(page)).toEqual(views);
    await page.waitForLoadState('networkidle');
    await screenshot(page, `${name}-${views[0]!.slice(4)}`);
    for (const view of views.slice(1)) {
      await page.click(`[data-test="nav-${view.slice(4)}"]`);
      await page.waitForLoadState('networkidle');
      await screenshot(page, `${name}-${view.slice(4)}`);
    }
    await page.context().close();
  });

  it('a wrong password is refused on the page; a duty officer who asks the server for the audit log is refused there', async () => {
    const page = await officePage(browser);
    await page.goto(`${base}/console/`);
    await page.fill('input[name="name"]', 'test-officer');
    await page.fill('input[name="password"]', 'not the password');
    await page.click('[data-test="sign-in"]');
    expect(await page.textContent('[data-test="sign-in-error"]')).toContain('用户名或密码错误');
    await screenshot(page, 'sign-in');
    await signIn(page, base, 'test-officer', PASSWORD);
    const status = await page.evaluate(async () => (await fetch('/audit-log')).status);
    expect(status).toBe(403);
    await page.context().close();
  });
});

describe("the duty officer's desk", () => {
  it('shows a call as soon as it is stored: the stream tells the page, no reload', async () => {
    const page = await officePage(browser);
    await signIn(page, base, 'test-officer', PASSWORD);
    await page.waitForSelector('[data-test="alerts-state"]:has-text("已连接")');
    await page.waitForSelector('[data-test="calls"] tbody tr');
    const before = await page.$$eval('[data-test="calls"] tbody tr', (trs) => trs.length);
    const offeredAt = new Date(now - 50 * 60_000);
    const ringing = await calls.save(snapshot('c-ringing', { callerNumber: '13700137000', offeredAt, deskEndpoint: 'desk', deskRingingAt: offeredAt, outcome: 'in-progress' }));
    api.alerts.callChanged({ id: ringing.id, officeId: 'default', offeredAt });
    await page.waitForSelector('[data-test="calls"] tbody tr:has-text("13700137000")', { timeout: 3000 });
    expect(await page.$$eval('[data-test="calls"] tbody tr', (trs) => trs.length)).toBe(before + 1);
    await page.context().close();
  });

  it("shows the shift on now and the last shift's hand-over note, and acknowledges it", async () => {
    const page = await officePage(browser);
    await signIn(page, base, 'test-officer', PASSWORD);
    await page.waitForSelector('[data-test="handed-from"]');
    expect(await page.textContent('[data-test="handed-from"]')).toContain('夜间无重大事项，空调报修未完成');
    expect(await page.textContent('[data-test="handover-shift"]')).toContain('李四');
    await screenshot(page, 'test-officer-handover');
    await page.click('[data-test="acknowledge"]');
    await page.waitForSelector('.el-message--success');
    const view = (await api.inject({ url: `/shifts/${(await currentShiftId())}/handover`, headers: api.as('duty-officer') })).json() as { handed: { from: { shiftId: string } } };
    const previous = (await api.inject({ url: `/shifts/${view.handed.from.shiftId}/handover`, headers: api.as('duty-officer') })).json() as { handover: { acknowledgedBy: string | null } };
    expect(previous.handover.acknowledgedBy).not.toBeNull();
    await page.context().close();
  });
});

async function currentShiftId(): Promise<string> {
  return ((await api.inject({ url: '/on-duty?desk=desk' })).json() as { shift: { id: string } }).shift.id;
}

describe("the supervisor's work", () => {
  let page: Page;
  beforeAll(async () => {
    page = await officePage(browser);
    await signIn(page, base, 'test-supervisor', PASSWORD);
  });
  afterAll(() => page.context().close());

  it("completes a call's duty-log entry from the duty desk", async () => {
    await page.click('[data-test="nav-desk"]');
    await page.waitForSelector('[data-test="edit-' + (await calls.list({ limit: 1, offset: 0 }))[0]!.id + '"]');
    expect(await page.textContent('[data-test="count-open"]')).toBe('1');
    const [call] = await calls.list({ limit: 1, offset: 0 });
    await page.click(`[data-test="edit-${call!.id}"]`);
    await page.fill('[data-test="duty-log-form"] input[name="callerUnit"]', '市应急管理局');
    await page.fill('[data-test="duty-log-form"] textarea[name="content"]', '报告某路段积水');
    await page.fill('[data-test="duty-log-form"] textarea[name="handling"]', '已通知市政值班');
    await screenshot(page, 'supervisor-duty-log-form');
    await page.click('[data-test="save-duty-log"]');
    await page.waitForFunction(() => document.querySelector('[data-test="count-open"]')?.textContent === '0');
    const entry = await api.inject({ url: `/calls/${call!.id}/duty-log` });
    expect(entry.json()).toMatchObject({ version: 1, fields: { callerUnit: '市应急管理局', content: '报告某路段积水', handling: '已通知市政值班' }, missing: [] });
  });

  it('confirms one record and waives another, each with a reason', async () => {
    await page.click('[data-test="nav-supervisor"]');
    for (const [id, decision, reason] of [
      [records.a1, 'confirm', '确属离岗'],
      [records.a2, 'waive', '话机故障'],
    ] as const) {
      await page.click(`[data-test="${decision}-${id}"]`);
      await page.fill('.el-message-box input', reason);
      await page.click('.el-message-box .el-button--primary');
      await page.waitForFunction(([i, label]) => document.querySelector(`[data-test="status-${i}"]`)?.textContent === label, [id, decision === 'confirm' ? '已确认' : '已免除'] as const);
    }
    await screenshot(page, 'supervisor-records-reviewed');
    expect((await discipline.get(records.a1))).toMatchObject({ status: 'confirmed' });
    expect((await discipline.get(records.a2))).toMatchObject({ status: 'waived' });
  });

  it('filters the missed calls on the server by officer and outcome, and shows the answer ring distribution', async () => {
    await page.waitForSelector('[data-test="supervisor-complete"]', { state: 'attached' });
    expect(await page.textContent('[data-test="month-missed"]')).toBe('3');
    const rows = () => page.$$eval('[data-test="missed-calls"] tbody tr', (trs) => trs.map((tr) => tr.children[2]?.textContent));
    expect(await rows()).toEqual(['离岗未接', '来电方挂断', '离岗未接']);
    const asked: string[] = [];
    page.on('request', (r) => void (r.url().includes('/reports/missed-calls?') && asked.push(new URL(r.url()).search)));
    await page.click('[data-test="outcome-filter"]');
    await page.click('.el-select-dropdown__item:visible >> text=离岗未接');
    await page.waitForFunction(() => document.querySelectorAll('[data-test="missed-calls"] tbody tr').length === 2);
    expect(await rows()).toEqual(['离岗未接', '离岗未接']);
    expect(asked.at(-1)).toContain('outcome=absence');
    expect(asked.at(-1)).toContain('limit=20&offset=0');
    expect(await page.textContent('[data-test="missed-pages"] .el-pagination__total')).toContain('2');
    await page.click('[data-test="officer-filter"]');
    const answered = page.waitForResponse((r) => r.url().includes('officerId='));
    await page.click('.el-select-dropdown__item:visible >> text=李四');
    expect(new URL((await answered).url()).searchParams.get('officerId')).toBe(api.officerId);
    expect(await rows()).toEqual(['离岗未接', '离岗未接']);
    expect(await page.locator('[data-test="ring-chart"]').count()).toBe(1);
    await screenshot(page, 'supervisor-filtered');
  });

  it("shows a record's history: raised by the system, then confirmed with the reason", async () => {
    await page.click(`[data-test="history-${records.a1}"]`);
    await page.waitForSelector('[data-test="record-history"] tbody tr', { state: 'attached' });
    const history = await page.$$eval('[data-test="record-history"] tbody tr', (trs) => trs.map((tr) => [tr.children[1]?.textContent, tr.children[2]?.textContent, tr.children[3]?.textContent]));
    expect(history.at(-1)).toEqual(['确认', 'test-supervisor', '确属离岗']);
    expect(history[0]![0]).toBe('系统记录');
    await screenshot(page, 'supervisor-record-history');
    await page.keyboard.press('Escape');
  });

  it('approves and publishes the roster submitted for a later month', async () => {
    await page.click(`[data-test="roster-approve-${nextRosterMonth}"]`);
    await page.waitForFunction((m) => document.querySelector(`[data-test="roster-status-${m}"]`)?.textContent === '已批准待发布', nextRosterMonth);
    await page.click(`[data-test="roster-publish-${nextRosterMonth}"]`);
    await page.waitForFunction((m) => document.querySelector(`[data-test="roster-status-${m}"]`)?.textContent === '已发布', nextRosterMonth);
    const roster = (await api.inject({ url: `/rosters/${nextRosterMonth}` })).json();
    expect(roster.roster.status).toBe('published');
    expect(roster.shifts.map((s: { officers: string[] }) => s.officers)).toEqual([['王五']]);
    await screenshot(page, 'supervisor-roster-published');
  });

  it('approves the swap asked for and agreed to', async () => {
    await page.click(`[data-test="approve-${swapId}"]`);
    await page.waitForSelector(`[data-test="approve-${swapId}"]`, { state: 'detached' });
    expect(await page.textContent(`[data-test="swap-status-${swapId}"]`)).toBe('已批准');
    const swaps = (await api.inject({ url: '/swaps?status=approved' })).json().items as { id: string }[];
    expect(swaps.map((s) => s.id)).toEqual([swapId]);
  });

  it('exports the month’s call log as CSV: the file the browser downloads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="export-calls"]')]);
    const text = await readFile((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/^值班记录.*\.csv$/);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = text.slice(1).trim().split('\r\n');
    expect(header!.split(',').slice(0, 2)).toEqual(['来电时间', '主叫号码']);
    expect(rows.some((r) => r.includes('13800138000'))).toBe(true);
  });
});

describe("ops' view", () => {
  it('shows the holiday calendar with its warning, who covers a moment, the schedule, and a dialplan out of date', async () => {
    const page = await officePage(browser);
    await signIn(page, base, 'test-ops', PASSWORD);
    await page.waitForSelector('[data-test="holidays"] .el-table__row');
    const nationalDay = await page.locator('[data-test="holidays"] .el-table__row', { hasText: '国庆节' }).innerText();
    expect(nationalDay.replace(/\s+/g, ' ')).toBe('国庆节 10-01 至 10-07（7 天） 09-20、10-10');
    expect(await page.textContent('[data-test="calendar-warning"]')).toContain('2027 年节假日数据尚未导入');

    const input = page.locator('[data-test="coverage-at"] input');
    await input.fill('2026-10-10 23:00:00');
    await input.press('Enter');
    await page.click('[data-test="who-covers"]');
    await page.waitForFunction(() => document.querySelector('[data-test="coverage"]')?.textContent?.includes('2026-10-10 23:00'));
    expect(await page.textContent('[data-test="coverage-destination"]')).toBe('机要局');
    expect(await page.textContent('[data-test="coverage-verdict"]')).toBe('与值班时间表一致');

    expect(await page.locator('[data-test="schedule"] .el-table__row').count()).toBe(2);
    expect((await page.textContent('[data-test="dialplan-state"]'))?.trim()).toBe('交换机上的拨号方案与现在生成的不一致');
    expect((await page.textContent('[data-test="dialplan-loaded"]'))?.trim()).toBe('未能查询交换机');
    await page.click('text=查看差异');
    expect(await page.textContent('pre.diff')).toContain('+ same => n,Dial(PJSIP/leader,');
    await screenshot(page, 'test-ops-ops-detail');
    await page.context().close();
  });
});

describe("the auditor's view", () => {
  it('the audit log filtered by action: the supervisor confirming a record, in Chinese', async () => {
    const page = await officePage(browser);
    await signIn(page, base, 'test-auditor', PASSWORD);
    await page.click('[data-test="nav-audit"]');
    await page.waitForSelector('[data-test="audit-log"] tbody tr');
    await page.click('[data-test="audit-action"]');
    const answered = page.waitForResponse((r) => r.url().includes('action=records.confirm'));
    await page.click('.el-select-dropdown__item:visible >> text=确认记录');
    expect(new URL((await answered).url()).searchParams.get('limit')).toBe('51');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test="audit-log"] tbody tr')].every((tr) => tr.children[2]?.textContent === '确认记录'));
    const rows = await page.$$eval('[data-test="audit-log"] tbody tr', (trs) => trs.map((tr) => [tr.children[1]?.textContent, tr.children[2]?.textContent]));
    expect(rows).toEqual([['test-supervisor', '确认记录']]);
    await screenshot(page, 'test-auditor-audit-filtered');
    await page.context().close();
  });
});

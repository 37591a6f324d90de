/**
 * The ops view's API: the schedule, who covers a moment, a year of the holiday calendar
 * (GET /schedule, /schedule/coverage, /calendar) and the generated dialplan against the live
 * folder (GET /dialplan). The PBX side of /dialplan (what Asterisk loaded) is held against the
 * real sandbox in test/pbx/schedule-routing.test.ts; here the PBX is one that cannot be reached.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCallStore } from '../../../src/calls/memory-call-store.js';
import { loadScheduleSetup } from '../../../src/cli/cli-support.js';
import { renderDialplanFiles } from '../../../src/dialplan/dialplan-files.js';
import type { DialplanStateDeps } from '../../../src/dialplan/dialplan-state.js';
import { MemoryDisciplineStore } from '../../../src/discipline/memory-discipline-store.js';
import { PbxError } from '../../../src/pbx/pbx-port.js';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { parseScheduleFile } from '../../../src/schedule/schedule-file.js';
import { buildApi, type TestApi } from '../../support/http.js';
import { baselineCalendar, readRepoFile } from '../../support/schedule-test-data.js';

const EXAMPLE = path.resolve('dialplan/schedule.example.yaml');
const NOW = new Date('2026-12-03T10:00:00+08:00');
const unreachable = { command: async () => Promise.reject(new PbxError('not-connected', 'not connected to the PBX (AMI 127.0.0.1:5038)')), reloadDialplan: async () => [] };

let dir: string;
let api: TestApi;
let dialplan: DialplanStateDeps;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dh-ops-'));
  const config = loadConfig({ env: {}, overrides: { 'schedule.liveDir': path.join(dir, 'live'), 'schedule.years': [2026], 'schedule.calendarOverrides': path.join(dir, 'overrides.yaml') } });
  dialplan = { config, clock: { now: () => NOW }, officeOf: (officeId) => (officeId === 'default' ? { scheduleFile: EXAMPLE, pbx: unreachable } : null) };
  const schedule = parseScheduleFile(readRepoFile('dialplan/schedule.example.yaml'), 'schedule.example.yaml');
  api = await buildApi({
    calls: new MemoryCallStore(),
    discipline: new MemoryDisciplineStore(),
    clock: { now: () => NOW },
    officeSchedule: { schedule, calendar: baselineCalendar },
    routingDialplan: async () => ({ file: 'duty-schedule.conf', text: renderDialplanFiles(await loadScheduleSetup(config), [2026])[0]!.text }),
    // read through `dialplan`, so a test can give the office another schedule file
    dialplan: { ...dialplan, officeOf: (officeId) => dialplan.officeOf(officeId) },
  });
});

afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = async (url: string, role: 'ops' | 'supervisor' | 'duty-officer' = 'ops') => api.inject({ url, headers: api.as(role) });

describe('GET /schedule', () => {
  it("the office's destinations, fallback chain and seasons, as the schedule file has them", async () => {
    const res = await get('/schedule');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ office: '办公室总值班室', timezone: 'Asia/Shanghai', fallback: ['leader', 'bureau'], safeDefault: 'bureau' });
    expect(body.destinations).toEqual([
      { key: 'desk', name: 'desk', endpoint: 'desk', role: 'desk' },
      { key: 'leader', name: 'leader', endpoint: 'leader', role: 'fallback' },
      { key: 'bureau', name: 'bureau', endpoint: 'bureau', role: 'bureau' },
    ]);
    expect(body.seasons).toEqual([
      { name: 'summer', starts: '05-01', plans: [{ key: 'every-day', periods: [{ label: '07:50–11:30', cover: 'desk' }, { label: '14:50–18:00', cover: 'desk' }, { label: '19:20–22:10', cover: 'desk' }], otherwise: 'bureau' }] },
      { name: 'winter', starts: '10-01', plans: [{ key: 'every-day', periods: [{ label: '08:20–12:00', cover: 'desk' }, { label: '13:50–17:30', cover: 'desk' }, { label: '18:50–22:10', cover: 'desk' }], otherwise: 'bureau' }] },
    ]);
  });

  it('a duty officer may not read it (403)', async () => {
    expect((await get('/schedule', 'duty-officer')).statusCode).toBe(403);
  });
});

describe('GET /schedule/coverage', () => {
  it('office hours on an adjusted working day: the desk, then the leader and the bureau; the dialplan agrees', async () => {
    const res = await get('/schedule/coverage?at=2026-10-10T09:00:00%2B08:00');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      at: '2026-10-10T01:00:00.000Z',
      timezone: 'Asia/Shanghai',
      local: '2026-10-10 09:00',
      bySchedule: {
        destination: 'desk',
        endpoint: 'desk',
        role: 'desk',
        season: 'winter',
        dayType: 'workday',
        holiday: { name: 'National Day', nameZh: '国庆节' },
        adjustedWorkday: true,
        plan: 'winter/every-day',
        planDate: '2026-10-10',
        rule: 'winter/every-day period 08:20–12:00',
        calendarKnown: true,
        fallback: [
          { name: 'leader', endpoint: 'leader', role: 'fallback' },
          { name: 'bureau', endpoint: 'bureau', role: 'bureau' },
        ],
      },
      byDialplan: {
        verdict: 'agrees',
        file: 'duty-schedule.conf',
        destination: 'desk',
        phones: [
          { endpoint: 'desk', role: 'desk' },
          { endpoint: 'leader', role: 'fallback' },
          { endpoint: 'bureau', role: 'bureau' },
        ],
        message: 'the dialplan the PBX loads dials what the schedule says',
      },
    });
  });

  it('after hours: the bureau line, no fallback', async () => {
    const body = (await get('/schedule/coverage?at=2026-10-10T23:00:00%2B08:00')).json();
    expect(body.bySchedule).toMatchObject({ destination: 'bureau', role: 'bureau', rule: 'winter/every-day otherwise', fallback: [] });
    expect(body.byDialplan).toMatchObject({ verdict: 'agrees', destination: 'bureau', phones: [{ endpoint: 'bureau', role: 'bureau' }] });
  });

  it('a month the rendered dialplan has no rules for: its safe default, said so', async () => {
    const body = (await get('/schedule/coverage?at=2027-03-01T09:00:00%2B08:00')).json();
    expect(body.bySchedule).toMatchObject({ destination: 'desk', calendarKnown: false });
    expect(body.byDialplan).toMatchObject({ verdict: 'no-rules-for-month', destination: 'bureau', message: 'no dated rules for 2027-03: every call goes to the safe default bureau' });
  });

  it('a malformed instant is a 400 naming the parameter', async () => {
    const res = await get('/schedule/coverage?at=yesterday');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/querystring\/at/);
  });
});

describe('GET /calendar', () => {
  it("a year's holidays with their days off and adjusted working days, in date order; next year's missing warning in December", async () => {
    const res = await get('/calendar?year=2026', 'supervisor');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ year: 2026, known: true, source: 'chinese-days 1.5.7' });
    expect(body.holidays.map((h: { nameZh: string }) => h.nameZh)).toEqual(['元旦', '春节', '清明', '劳动节', '端午', '中秋', '国庆节']);
    expect(body.holidays.at(-1)).toEqual({
      slug: 'national-day',
      name: 'National Day',
      nameZh: '国庆节',
      days: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
      workdays: ['2026-09-20', '2026-10-10'],
    });
    expect(body.years.at(-1)).toBe(2026);
    expect(body.warning).toMatch(/^holiday calendar for 2027 is not loaded yet/);
  });

  it('a year without data: known false, no holidays; the default year is this one', async () => {
    expect((await get('/calendar?year=2030')).json()).toMatchObject({ year: 2030, known: false, source: null, holidays: [] });
    expect((await get('/calendar')).json().year).toBe(2026);
  });

  it('a year out of range is a 400', async () => {
    expect((await get('/calendar?year=1999')).statusCode).toBe(400);
  });
});

describe('GET /dialplan', () => {
  const live = () => path.join(dir, 'live', 'duty-schedule.conf');

  it('nothing applied yet: the whole rendered file is to add; the PBX cannot be asked, and says why', async () => {
    const body = (await get('/dialplan')).json();
    expect(body).toMatchObject({ scheduleFile: EXAMPLE, liveDir: path.join(dir, 'live'), years: [2026], renderError: null, upToDate: false });
    expect(body.files).toHaveLength(1);
    expect(body.files[0]).toMatchObject({ name: 'duty-schedule.conf', live: false, rendered: true, removed: 0, diffTruncated: true });
    expect(body.files[0].diff.split('\n')).toHaveLength(400);
    expect(body.pbx).toEqual({ checked: false, error: 'not connected to the PBX (AMI 127.0.0.1:5038)', problems: [] });
  });

  it('the live file as rendered: up to date; one line changed there: one to add and one to remove, with the diff', async () => {
    const config = dialplan.config;
    const [file] = renderDialplanFiles(await loadScheduleSetup({ ...config, schedule: { ...config.schedule, file: EXAMPLE } }), [2026]);
    await mkdir(path.dirname(live()), { recursive: true });
    await writeFile(live(), file!.text);
    expect((await get('/dialplan')).json()).toMatchObject({ upToDate: true, files: [{ name: 'duty-schedule.conf', live: true, rendered: true, added: 0, removed: 0, diff: '', diffTruncated: false }] });

    const text = await readFile(live(), 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('same => n,Set(DUTY_DESTINATION=') || l.includes('Dial(PJSIP/leader'))!;
    await writeFile(live(), text.replace(line, `${line} ; edited by hand`));
    const body = (await get('/dialplan')).json();
    expect(body.upToDate).toBe(false);
    expect(body.files[0]).toMatchObject({ added: 1, removed: 1 });
    expect(body.files[0].diff).toContain(`-${line} ; edited by hand`);
    expect(body.files[0].diff).toContain(`+${line}\n`);
  });

  it('a schedule file that cannot be read: renderError names it, nothing is rendered', async () => {
    dialplan.officeOf = () => ({ scheduleFile: path.join(dir, 'missing.yaml'), pbx: unreachable });
    const body = (await get('/dialplan')).json();
    expect(body.renderError).toMatch(/^cannot read the schedule file .*missing\.yaml/);
    expect(body.upToDate).toBe(false);
    expect(body.files[0]).toMatchObject({ live: true, rendered: false });
  });

  it('only ops (dialplan:manage): a supervisor gets 403', async () => {
    expect((await get('/dialplan', 'supervisor')).statusCode).toBe(403);
  });
});

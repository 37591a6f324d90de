import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { calendarYearChanges, parseCalendarImport } from '../../../src/schedule/calendar-import.js';
import { fileCalendarOverrideStore, loadHolidayCalendar, memoryCalendarOverrideStore } from '../../../src/schedule/calendar-override-store.js';
import { chineseDaysBaseline } from '../../../src/schedule/chinese-days-baseline.js';
import { buildHolidayCalendar, missingYearWarning } from '../../../src/schedule/holiday-calendar.js';
import { FileValidationError } from '../../../src/schedule/yaml-source.js';
import { baselineCalendar, readRepoFile, shanghai } from '../../support/schedule-test-data.js';

const IMPORT_2027 = 'test/fixtures/schedule/calendar-2027.fictitious.yaml';
const import2027 = () => parseCalendarImport(readRepoFile(IMPORT_2027), IMPORT_2027);

function importProblems(yaml: string): string[] {
  try {
    parseCalendarImport(yaml, 'notice.yaml');
  } catch (err) {
    if (err instanceof FileValidationError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('the chinese-days baseline for 2026', () => {
  it.each([
    ['2026-01-01', { type: 'holiday', adjustedWorkday: false, holiday: { slug: 'new-years-day', name: "New Year's Day", nameZh: '元旦' } }],
    ['2026-02-14', { type: 'workday', adjustedWorkday: true, holiday: { slug: 'spring-festival', name: 'Spring Festival', nameZh: '春节' } }],
    ['2026-02-15', { type: 'holiday', adjustedWorkday: false, holiday: { slug: 'spring-festival' } }],
    ['2026-10-01', { type: 'holiday', holiday: { slug: 'national-day', name: 'National Day', nameZh: '国庆节' } }],
    ['2026-10-07', { type: 'holiday', holiday: { slug: 'national-day' } }],
    ['2026-10-08', { type: 'workday', adjustedWorkday: false }],
    ['2026-10-10', { type: 'workday', adjustedWorkday: true, holiday: { slug: 'national-day' } }],
    ['2026-10-11', { type: 'weekend', adjustedWorkday: false }],
  ])('%s', (date, expected) => {
    expect(baselineCalendar.dayOf(date)).toMatchObject({ ...expected, known: true });
  });

  it('knows 2026 but not 2027 (INFRA.md "Holidays"): 2027-01-01 is then just a Friday', () => {
    expect(baselineCalendar.years.has(2026)).toBe(true);
    expect(baselineCalendar.years.has(2027)).toBe(false);
    expect(baselineCalendar.dayOf('2027-01-01')).toEqual({ type: 'workday', adjustedWorkday: false, known: false });
    expect(baselineCalendar.sourceOf(2026)).toMatch(/^chinese-days \d/);
  });
});

describe('calendar import (State Council notice)', () => {
  it('reads ranges and single dates, Chinese or English names', () => {
    const y = import2027();
    expect(y.year).toBe(2027);
    expect(y.source).toBe('fictitious test transcription');
    expect(y.holidays.size).toBe(3 + 9 + 7);
    expect(y.holidays.get('2027-02-05')).toEqual({ slug: 'spring-festival', name: 'Spring Festival', nameZh: '春节' });
    expect(y.workdays.get('2027-09-26')).toMatchObject({ slug: 'national-day' });
  });

  it('loads the imported year and applies it', () => {
    const calendar = buildHolidayCalendar(chineseDaysBaseline(), [import2027()]);
    expect(calendar.years.has(2027)).toBe(true);
    expect(calendar.sourceOf(2027)).toBe('fictitious test transcription');
    expect(calendar.dayOf('2027-01-01')).toMatchObject({ type: 'holiday', known: true });
    expect(calendar.dayOf('2027-02-20')).toMatchObject({ type: 'workday', adjustedWorkday: true });
    expect(calendar.dayOf('2026-10-01')).toMatchObject({ type: 'holiday' });
  });

  it('overrides the baseline in both directions: the notice is the whole truth for its year', () => {
    const notice = `\
year: 2026
holidays:
  - { from: 2026-10-01, to: 2026-10-06, name: 国庆节 }
  - { date: 2026-10-08, name: 国庆节 }
workdays:
  - { date: 2026-10-10, name: 国庆节 }
`;
    const imported = parseCalendarImport(notice, 'notice-2026.yaml');
    const calendar = buildHolidayCalendar(chineseDaysBaseline(), [imported]);
    // 10-07 was a holiday in the baseline, the notice makes it an ordinary Wednesday …
    expect(calendar.dayOf('2026-10-07')).toEqual({ type: 'workday', adjustedWorkday: false, known: true });
    // … and 10-08, an ordinary Thursday there, a holiday.
    expect(calendar.dayOf('2026-10-08')).toMatchObject({ type: 'holiday', holiday: { slug: 'national-day' } });
    // Dates the notice does not list are ordinary days, baseline or not (Spring Festival 2026 was not imported).
    expect(calendar.dayOf('2026-02-16')).toMatchObject({ type: 'workday', adjustedWorkday: false });
    expect(calendar.dayOf('2026-02-14')).toMatchObject({ type: 'weekend' });
    expect(calendar.sourceOf(2026)).toBe('import of notice-2026.yaml');

    const baseline2026 = chineseDaysBaseline().find((y) => y.year === 2026);
    const changes = calendarYearChanges(baseline2026, imported);
    expect(changes).toContain('2026-10-07: holiday (National Day 国庆节) → ordinary day');
    expect(changes).toContain('2026-10-08: ordinary day → holiday (National Day 国庆节)');
    expect(changes).toContain('2026-02-14: adjusted working day (Spring Festival 春节) → ordinary day');
    expect(changes.filter((line) => line.startsWith('2026-10-01'))).toEqual([]);
  });

  it('reports every problem with its line', () => {
    const notice = `\
year: 2027
holidays:
  - { date: 2027-02-30, name: 春节 }
  - { date: 2027-10-01, name: 国庆 }
  - { date: 2027-10-01, name: National Day }
  - { date: 2026-05-01, name: Labour Day }
  - { date: 2027-05-01, name: Qixi }
  - { from: 2027-05-05, to: 2027-05-01, name: 劳动节 }
workdays:
  - { date: 2027-10-01, name: 国庆节 }
  - { date: 2027-10-08, name: 国庆节 }
`;
    expect(importProblems(notice)).toEqual([
      'notice.yaml:3: holidays[0].date: bad date "2027-02-30" (expected YYYY-MM-DD)',
      'notice.yaml:5: holidays[2]: 2027-10-01 is listed twice',
      'notice.yaml:6: holidays[3].date: 2026-05-01 is not in 2027',
      expect.stringMatching(/^notice\.yaml:7: holidays\[4\]\.name: unknown holiday "Qixi" \(known: New Year's Day 元旦, Spring Festival 春节/),
      'notice.yaml:8: holidays[5]: bad range 2027-05-05..2027-05-01',
      'notice.yaml:10: workdays[0]: 2027-10-01 is listed both as a holiday and as a working day',
      'notice.yaml:11: workdays[1]: 2027-10-08 is a weekday, already a working day: workdays lists weekend days made working days (调休)',
    ]);
    expect(importProblems('holidays: []\n')).toEqual(['notice.yaml:1: year: is missing', 'notice.yaml:1: holidays: lists no holiday']);
  });
});

describe('the calendar override store', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps imports in a JSON file, one entry per year, the latest import winning', async () => {
    dir = await mkdtemp(join(tmpdir(), 'duty-calendar-'));
    const path = join(dir, 'data', 'calendar-overrides.json');
    const store = fileCalendarOverrideStore(path);
    expect(await store.load()).toEqual([]);

    await store.save(import2027());
    await store.save(parseCalendarImport('year: 2027\nholidays: [{ date: 2027-01-01, name: 元旦 }]\n', 'second.yaml'));
    const years = await store.load();
    expect(years.map((y) => [y.year, y.source, y.holidays.size])).toEqual([[2027, 'import of second.yaml', 1]]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      years: [{ year: 2027, source: 'import of second.yaml', holidays: [{ date: '2027-01-01', name: "New Year's Day" }], workdays: [] }],
    });

    const calendar = await loadHolidayCalendar(store);
    expect(calendar.years.has(2026) && calendar.years.has(2027)).toBe(true);
  });

  it('round-trips an import through the file unchanged', async () => {
    dir = await mkdtemp(join(tmpdir(), 'duty-calendar-'));
    const store = fileCalendarOverrideStore(join(dir, 'overrides.json'));
    await store.save(import2027());
    expect(await store.load()).toEqual([import2027()]);
  });

  it('has an in-memory twin for tests', async () => {
    const store = memoryCalendarOverrideStore();
    await store.save(import2027());
    expect((await loadHolidayCalendar(store)).years.has(2027)).toBe(true);
  });
});

describe('the missing-year warning', () => {
  const with2027 = buildHolidayCalendar(chineseDaysBaseline(), [import2027()]);

  it('stays quiet until October 31 in Shanghai, warns from November 1 while 2027 is not loaded', () => {
    expect(missingYearWarning(baselineCalendar, shanghai('2026-10-31 23:59'))).toBeNull();
    expect(missingYearWarning(baselineCalendar, shanghai('2026-11-01 00:00'))).toMatch(/^holiday calendar for 2027 is not loaded yet: from 2027-01-01 the dialplan has no rules and routes every call to the bureau line; .*duty-hotline calendar import FILE/);
    expect(missingYearWarning(baselineCalendar, shanghai('2026-12-31 23:59'))).toMatch(/2027/);
  });

  it('stops once 2027 is imported', () => {
    expect(missingYearWarning(with2027, shanghai('2026-11-23 10:00'))).toBeNull();
  });

  it('warns about the current year when it is not loaded at all', () => {
    expect(missingYearWarning(baselineCalendar, shanghai('2027-01-01 00:00'))).toMatch(/^holiday calendar for 2027 is not loaded: the dialplan has no rules for 2027 and routes every call to the bureau line; /);
    expect(missingYearWarning(with2027, shanghai('2027-06-01 00:00'))).toBeNull();
    expect(missingYearWarning(with2027, shanghai('2027-11-01 00:00'))).toMatch(/for 2028/);
  });
});

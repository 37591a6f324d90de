import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { Officer } from '../../../src/core/roster/roster-model.js';
import { formatProblem, importRoster, type RosterImportContext } from '../../../src/roster/roster-import.js';
import { parseScheduleFile } from '../../../src/schedule/schedule-file.js';
import { baselineCalendar, readRepoFile } from '../../support/schedule-test-data.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/roster/${name}`, import.meta.url)));
const at = (iso: string) => new Date(iso);

const officer = (id: string, name: string, active = true): Officer => ({ id, officeId: 'city', name, phone: null, section: null, active });
const OFFICERS = [
  officer('o-zhang', '张伟'),
  officer('o-li', '李娜'),
  officer('o-wang', '王芳'),
  officer('o-liu', '刘洋'),
  officer('o-zhao', '赵建国'),
  officer('o-sun', '孙丽'),
  officer('o-chen', '陈静', false),
];
const context: RosterImportContext = {
  officeId: 'city',
  month: '2026-10',
  schedule: parseScheduleFile(readRepoFile('test/fixtures/roster/schedule.yaml'), 'test/fixtures/roster/schedule.yaml'),
  calendar: baselineCalendar,
  officers: OFFICERS,
};

/** The roster of October 2026 in every fixture (Asia/Shanghai is UTC+8). */
const OCTOBER_SHIFTS = [
  { officeId: 'city', date: '2026-10-01', periodLabel: '08:30–20:30', startsAt: at('2026-10-01T00:30:00Z'), endsAt: at('2026-10-01T12:30:00Z'), deskEndpoint: 'desk', officerIds: ['o-zhang'], leaderId: 'o-zhao' },
  { officeId: 'city', date: '2026-10-01', periodLabel: '20:30–08:30', startsAt: at('2026-10-01T12:30:00Z'), endsAt: at('2026-10-02T00:30:00Z'), deskEndpoint: 'night-desk', officerIds: ['o-li', 'o-wang'], leaderId: 'o-zhao' },
  { officeId: 'city', date: '2026-10-09', periodLabel: '08:30–17:30', startsAt: at('2026-10-09T00:30:00Z'), endsAt: at('2026-10-09T09:30:00Z'), deskEndpoint: 'desk', officerIds: ['o-liu'], leaderId: 'o-sun' },
  { officeId: 'city', date: '2026-10-09', periodLabel: '17:30–08:30', startsAt: at('2026-10-09T09:30:00Z'), endsAt: at('2026-10-10T00:30:00Z'), deskEndpoint: 'night-desk', officerIds: ['o-zhang'], leaderId: 'o-sun' },
  { officeId: 'city', date: '2026-10-10', periodLabel: '08:30–17:30', startsAt: at('2026-10-10T00:30:00Z'), endsAt: at('2026-10-10T09:30:00Z'), deskEndpoint: 'desk', officerIds: ['o-wang'], leaderId: 'o-zhao' },
  { officeId: 'city', date: '2026-10-10', periodLabel: '17:30–08:30', startsAt: at('2026-10-10T09:30:00Z'), endsAt: at('2026-10-11T00:30:00Z'), deskEndpoint: 'night-desk', officerIds: ['o-liu', 'o-li'], leaderId: null },
];
const OCTOBER_ROWS = [3, 4, 5, 6, 8, 9];

describe('roster import: the same roster however the office saved it', () => {
  it.each([
    ['roster-2026-10.utf8.csv', 'csv', 'utf-8', null],
    ['roster-2026-10.utf8-bom.csv', 'csv', 'utf-8 (BOM)', null],
    ['roster-2026-10.gb18030.csv', 'csv', 'gb18030', null],
    ['roster-2026-10.xlsx', 'xlsx', null, '2026年10月'],
  ])('%s', async (name, format, encoding, sheet) => {
    expect(await importRoster(fixture(name), context)).toEqual({ ok: true, format, encoding, sheet, shifts: OCTOBER_SHIFTS, rows: OCTOBER_ROWS });
  });

  it('UTF-16 text (Excel "Unicode 文本", tab-separated) reads the same', async () => {
    const tsv = new TextDecoder().decode(fixture('roster-2026-10.utf8.csv')).replace(/,/g, '\t').replace('"刘洋\t李娜"', '刘洋、李娜');
    const bytes = new Uint8Array([0xff, 0xfe, ...iconv.encode(tsv, 'utf-16le')]);
    expect(await importRoster(bytes, context)).toEqual({ ok: true, format: 'csv', encoding: 'utf-16le', sheet: null, shifts: OCTOBER_SHIFTS, rows: OCTOBER_ROWS });
  });
});

describe('roster import: a wrong file imports nothing and names every problem', () => {
  const problems = async (name: string, ctx = context) => {
    const result = await importRoster(fixture(name), ctx);
    if (result.ok) throw new Error(`${name} imported`);
    return result.problems.map(formatProblem);
  };

  it('two shifts on one desk at once', async () => {
    expect(await problems('errors/overlap.csv')).toEqual(['row 4, column C (班次): desk desk has two shifts at once: 2026-10-01 08:30–20:30 overlaps row 2 (2026-10-01 08:30–20:30)']);
  });

  it('an unknown officer, an inactive one', async () => {
    expect(await problems('errors/unknown-officer.csv')).toEqual([
      'row 2, column E (值班人员): unknown officer "王五": office city has no officer of this name',
      'row 3, column F (带班领导): 陈静 is not an active officer',
    ]);
  });

  it('a date outside the month', async () => {
    expect(await problems('errors/date-outside-month.csv')).toEqual(["row 3, column A (日期): 2026-11-01 is not in the roster's month 2026-10"]);
  });

  it('a period not in the schedule that day', async () => {
    expect(await problems('errors/period-not-in-schedule.csv')).toEqual([
      'row 2, column C (班次): period 08:30–17:30 is not in the schedule on 2026-10-01 (all-year/every-day: 08:30–20:30, 20:30–08:30)',
      'row 3, column C (班次): period 09:00–17:00 is not in the schedule on 2026-10-09 (all-year/workday: 08:30–17:30, 17:30–08:30)',
    ]);
  });

  it('an unreadable encoding: neither UTF-8 nor GB18030', async () => {
    expect(await problems('errors/unreadable-encoding.csv')).toEqual(['row 3, column E (值班人员): unreadable text encoding: neither UTF-8 nor GB18030/GBK (byte FF at offset 142)']);
  });

  it('several problems of an XLSX, with its rows as Excel numbers them', async () => {
    expect(await problems('errors/several.xlsx')).toEqual([
      'row 4, column E (值班人员): unknown officer "王五": office city has no officer of this name',
      "row 5, column A (日期): 2026-11-01 is not in the roster's month 2026-10",
    ]);
  });
});

describe('roster import: other problems, stated in the file it is in', () => {
  const csv = (text: string) => new TextEncoder().encode(text);
  const problems = async (bytes: Uint8Array, ctx = context) => {
    const result = await importRoster(bytes, ctx);
    if (result.ok) throw new Error('imported');
    return result.problems.map(formatProblem);
  };
  const HEADER = '日期,班次,值班台,值班人员,带班领导\n';

  it('cells that are not what their column holds', async () => {
    expect(
      await problems(
        csv(
          HEADER +
            '10月1日,08:30–20:30,desk,张伟,赵建国\n' +
            '2026-10-01,白班,desk,张伟,\n' +
            '2026-10-01,20:30–08:30,3号台,张伟、张伟,赵建国、孙丽\n' +
            '2026-10-02,08:30–20:30,desk,,\n' +
            ',,desk,,\n',
        ),
      ),
    ).toEqual([
      'row 2, column A (日期): "10月1日" is not a date (e.g. 2026-10-01 or 2026/10/1)',
      'row 3, column B (班次): "白班" is not a period: write it as the schedule labels it, e.g. 08:30–17:30',
      'row 4, column C (值班台): unknown desk "3号台": the desks are desk, night-desk',
      'row 4, column D (值班人员): 张伟 is named twice',
      'row 4, column E (带班领导): one leader on duty per shift, not 2: 赵建国, 孙丽',
      'row 5, column D (值班人员): no duty officer named',
      'row 6, column A (日期): no date',
      'row 6, column B (班次): no period',
      'row 6, column D (值班人员): no duty officer named',
    ]);
  });

  it('a duty officer on two desks at once', async () => {
    expect(await problems(csv(HEADER + '2026-10-01,08:30–20:30,desk,张伟,赵建国\n2026-10-01,08:30–20:30,night-desk,李娜 张伟,赵建国\n'))).toEqual([
      'row 3, column D (值班人员): 张伟 is on two shifts at once: 2026-10-01 08:30–20:30 at night-desk and row 2 (2026-10-01 08:30–20:30 at desk)',
    ]);
  });

  it('no desk named for a period the schedule gives to the bureau', async () => {
    const hired = { ...context, schedule: parseScheduleFile(readRepoFile('test/fixtures/schedule/regular-and-hired-staff.yaml'), 'regular-and-hired-staff.yaml') };
    expect(await problems(csv('日期,班次,值班人员\n2026-10-09,22:00–08:00,张伟\n2026-10-09,08:00-12:00,李娜\n'), hired)).toEqual([
      'row 2: no desk named, and the schedule routes 2026-10-09 22:00–08:00 to bureau, not a desk',
    ]);
    const ok = await importRoster(csv('日期,班次,值班人员\n2026-10-09,12:00-14:30,李娜\n'), hired);
    expect(ok).toMatchObject({ ok: true, shifts: [{ deskEndpoint: 'hired-desk', periodLabel: '12:00–14:30', startsAt: at('2026-10-09T04:00:00Z'), endsAt: at('2026-10-09T06:30:00Z') }] });
  });

  it('missing columns, no header row, no shifts', async () => {
    expect(await problems(csv('日期,值班台,值班人员\n2026-10-01,desk,张伟\n'))).toEqual(['row 1: no 班次 column (班次 / 时段 / 值班时段 / 值班时间)']);
    expect(await problems(csv('日期,班次,值班人员,值班人员\n'))).toEqual(['row 1, column D (值班人员): a second 值班人员 column (the first is column C)']);
    expect(await problems(csv('date,shift,officers\n2026-10-01,08:30–20:30,张伟\n'))).toEqual([
      'no header row: none of the first 10 rows names both 日期 and 值班人员 (columns: 日期, 班次, 值班人员, optional 值班台/席位, 带班领导)',
    ]);
    expect(await problems(csv('值班表\n日期,班次,值班人员\n,,\n'))).toEqual(['no shifts: the rows under the header (row 2) are empty']);
    expect(await problems(new Uint8Array())).toEqual([
      'no header row: none of the first 10 rows names both 日期 and 值班人员 (columns: 日期, 班次, 值班人员, optional 值班台/席位, 带班领导)',
    ]);
  });

  it('files that are not a CSV or XLSX it can read', async () => {
    expect(await problems(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toEqual(['an Excel 97–2003 workbook (.xls): save it as .xlsx or as CSV']);
    expect((await problems(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])))[0]).toMatch(/^not a readable XLSX workbook: /);
    expect(await problems(new Uint8Array([0xef, 0xbb, 0xbf, ...csv('日期,班次,值班人员\n2026-10-01,08:30–20:30,张'), 0xc3, 0x28]))).toEqual([
      'row 2, column C (值班人员): the file starts with a UTF-8 byte order mark but is not valid UTF-8',
    ]);
    expect(await problems(csv('日期,班次,值班人员\n2026-10-01,"08:30–20:30,张伟\n'))).toEqual(['row 2: not readable as CSV: Quote Not Closed: the parsing is finished with an opening quote at line 2']);
    expect(await problems(csv('日期,班次,值班人员\n2026-10-01,08:30\0,张伟\n'))).toEqual(['row 2, column B (班次): the file holds NUL bytes: not a text file (or UTF-16 without a byte order mark)']);
  });

  it('GBK as Excel writes it, with the euro sign (0x80) and Windows line ends', async () => {
    const bytes = iconv.encode('日期,班次,值班人员,备注\r\n2026/10/1,08:30–20:30,张伟,€\r\n', 'gb18030');
    expect(bytes.includes(0x80)).toBe(false); // GB18030 writes € as A2E3; Windows' GBK writes 80
    const gbk = Buffer.from([...iconv.encode('日期,班次,值班人员,备注\r\n2026/10/1,08:30–20:30,张伟,', 'gbk'), 0x80, 0x0d, 0x0a]);
    expect(await importRoster(gbk, context)).toMatchObject({ ok: true, encoding: 'gb18030', shifts: [{ date: '2026-10-01', officerIds: ['o-zhang'] }] });
  });

  it('dates as Excel and people write them; officers by name however padded', async () => {
    const result = await importRoster(
      csv('日期,时段,席位,值班人员\n2026年10月2日,08:30–20:30,desk,"王芳\n李娜"\n2026.10.3 0:00,08:30 至 20:30,desk,刘　洋\n'),
      context,
    );
    expect(result).toMatchObject({
      ok: true,
      shifts: [
        { date: '2026-10-02', periodLabel: '08:30–20:30', officerIds: ['o-wang', 'o-li'], leaderId: null },
        { date: '2026-10-03', periodLabel: '08:30–20:30', officerIds: ['o-liu'] },
      ],
      rows: [2, 3],
    });
  });
});

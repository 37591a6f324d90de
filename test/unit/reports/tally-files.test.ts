import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import readXlsxFile from 'read-excel-file/node';
import { describe, expect, it } from 'vitest';
import { SHEET_NAME, tallyCsv, tallyXlsx } from '../../../src/reports/tally-export-routes.js';
import type { TallyTable } from '../../../src/reports/tally-table.js';

// A small table of the shape tallyTable gives, with text that a spreadsheet would take for a formula.
const table: TallyTable = {
  columns: [
    { header: '姓名', kind: 'text' },
    { header: '值班天数', kind: 'count' },
    { header: '实发补助(元)', kind: 'yuan' },
    { header: '呼入来电', kind: 'count' },
  ],
  rows: [
    ['=HYPERLINK("http://x","点")', 1, '-12.66', null],
    ['王芳, "小王"', 2, '12.34', null],
    ['合计', 3, '-0.32', 7],
  ],
};

describe('tallyCsv', () => {
  const csv = tallyCsv(table);

  it('is BOM, the header row and the rows, CRLF, formula-like text escaped, yuan written as numbers with two decimals', () => {
    expect(csv).toBe(
      '\uFEFF姓名,值班天数,实发补助(元),呼入来电\r\n' +
        `"'=HYPERLINK(""http://x"",""点"")",1,-12.66,\r\n` +
        '"王芳, ""小王""",2,12.34,\r\n' +
        '合计,3,-0.32,7\r\n',
    );
    expect(parse(csv, { bom: true })).toEqual([
      ['姓名', '值班天数', '实发补助(元)', '呼入来电'],
      [`'=HYPERLINK("http://x","点")`, '1', '-12.66', ''],
      ['王芳, "小王"', '2', '12.34', ''],
      ['合计', '3', '-0.32', '7'],
    ]);
  });
});

describe('tallyXlsx', () => {
  it('is one sheet: the title over the table, numbers as numbers, text as text', async () => {
    const file = await tallyXlsx(table, '2027-01');
    const sheets = await readXlsxFile(file);
    expect(sheets.map((s) => s.sheet)).toEqual([SHEET_NAME]);
    expect(sheets[0]!.data).toEqual([
      ['2027年1月 值班统计', null, null, null],
      ['姓名', '值班天数', '实发补助(元)', '呼入来电'],
      ['=HYPERLINK("http://x","点")', 1, -12.66, null],
      ['王芳, "小王"', 2, 12.34, null],
      ['合计', 3, -0.32, 7],
    ]);
  });

  it('writes no formula: the text is a string cell, and amounts carry the 0.00 format', async () => {
    const files = unzipSync(new Uint8Array(await tallyXlsx(table, '2027-01')));
    const sheet = strFromU8(files['xl/worksheets/sheet1.xml']!);
    expect(sheet).not.toMatch(/<f[ >]/);
    expect(strFromU8(files['xl/styles.xml']!)).toContain('formatCode="0.00"');
  });
});

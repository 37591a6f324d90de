/**
 * A spreadsheet file as rows of cells, whatever it was saved as: XLSX (read-excel-file), or CSV
 * (csv-parse) in any encoding text-encoding.ts reads. Row i of `rows` is the sheet's row i + 1, as
 * Excel numbers it; empty rows stay, so numbers match what the office sees.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { decodeText, type TextEncoding } from './text-encoding.js';

export type Cell = string | number | boolean | Date | null;

export interface Sheet {
  format: 'csv' | 'xlsx';
  /** CSV only. */
  encoding: TextEncoding | null;
  /** XLSX: the sheet's name. */
  name: string | null;
  rows: Cell[][];
}

/** Where a file could not be read at all; row and column (1-based) when the trouble is in a cell. */
export interface SheetProblem {
  row: number | null;
  column: number | null;
  message: string;
  /** The rows read before the trouble (CSV), to name the column by its header. */
  rowsBefore?: Cell[][];
}

export type SheetRead = { ok: true; sheets: Sheet[] } | { ok: false; problem: SheetProblem };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** Every sheet of an XLSX file (in workbook order); a CSV file is one sheet. The file's name is not trusted: its bytes decide. */
export async function readSheets(bytes: Uint8Array): Promise<SheetRead> {
  if (startsWith(bytes, ZIP)) return readXlsx(bytes);
  if (startsWith(bytes, OLE2)) {
    return { ok: false, problem: { row: null, column: null, message: 'an Excel 97–2003 workbook (.xls): save it as .xlsx or as CSV' } };
  }
  return readCsv(bytes);
}

async function readXlsx(bytes: Uint8Array): Promise<SheetRead> {
  try {
    const sheets = await readXlsxFile(Buffer.from(bytes), { trim: false });
    return { ok: true, sheets: sheets.map((s) => ({ format: 'xlsx', encoding: null, name: s.sheet, rows: s.data as Cell[][] })) };
  } catch (err) {
    return { ok: false, problem: { row: null, column: null, message: `not a readable XLSX workbook: ${(err as Error).message}` } };
  }
}

function readCsv(bytes: Uint8Array): SheetRead {
  const decoded = decodeText(bytes);
  if (!decoded.ok) {
    const delimiter = delimiterOf(decoded.before);
    const { row, column } = positionAfter(decoded.before, delimiter);
    return { ok: false, problem: { row, column, message: decoded.message, rowsBefore: parseLeniently(decoded.before, delimiter) } };
  }
  const delimiter = delimiterOf(decoded.text);
  try {
    const rows: string[][] = parseCsv(decoded.text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: false });
    return { ok: true, sheets: [{ format: 'csv', encoding: decoded.encoding, name: null, rows }] };
  } catch (err) {
    const e = err as Error & { records?: number };
    return { ok: false, problem: { row: e.records !== undefined ? e.records + 1 : null, column: null, message: `not readable as CSV: ${e.message}` } };
  }
}

function parseLeniently(text: string, delimiter: string): Cell[][] {
  try {
    return parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: false });
  } catch {
    return [];
  }
}

/** Comma unless the first line has more tabs ("Unicode 文本" is tab-separated) or semicolons. */
function delimiterOf(text: string): string {
  const line = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', '\t', ';'].map((d) => [d, line.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** The row and column (1-based) of the cell the text ends in, as a CSV parser would count them. */
function positionAfter(text: string, delimiter: string): { row: number; column: number } {
  let row = 1;
  let column = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === delimiter) column += 1;
    else if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      row += 1;
      column = 1;
    }
  }
  return { row, column };
}

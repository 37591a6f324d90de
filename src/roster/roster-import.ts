/**
 * A month's roster from the spreadsheet the office keeps (值班表): XLSX, or CSV as Excel / WPS save
 * it (UTF-8 with or without BOM, GBK/GB18030, UTF-16; see text-encoding.ts). All or nothing: a file
 * with any problem gives no shifts, and every problem found, each with its row, column and what is
 * wrong.
 *
 * The sheet: the first one with a header row, that is a row among its first 10 naming both 日期
 * and 值班人员 (a title row above it is fine). Columns in any order; others (星期, 备注, 联系电话 …)
 * are ignored. Headers are matched without spaces, full-width forms folded (（席位） = (席位)).
 *
 *   日期 (值班日期)                 required  the date, in the roster's month: 2026-10-01, 2026/10/1,
 *                                            2026.10.1, 2026年10月1日, or a date cell
 *   班次 (时段, 值班时段, 值班时间)   required  a period of the office schedule on that date, as the
 *                                            schedule labels it: 08:30–17:30, 17:30–08:30 (crossing
 *                                            midnight: belongs to the date it starts on). Any dash
 *                                            (- – — ~ ～ 至 到); 8:30 is 08:30
 *   值班台 / 席位 (值班席位)          optional  the desk: a desk destination of the schedule, by name
 *                                            or by endpoint. Empty or no such column: the desk the
 *                                            schedule routes that period to
 *   值班人员 (值班人, 值班员)         required  one or more duty officers by name, separated by 、，,；;/
 *                                            or line breaks; spaces inside a name are ignored (张  伟)
 *   带班领导 (带班, 值班领导)         optional  the leader on duty, one officer by name; empty: none
 *
 * Officers are the office's active officers, matched by name. Problems: a date not in the month or
 * not a date, a period not in the schedule that day, an unknown desk, an unknown or inactive
 * officer, two shifts on one desk at once, a duty officer on two shifts at once, a file that
 * cannot be read (its encoding, a broken CSV or XLSX), a missing column.
 */
import type { OfficeId } from '../core/office.js';
import type { Officer, PlannedShift, YearMonth } from '../core/roster/roster-model.js';
import { deskOverlaps, officerOverlaps, periodTimes } from '../core/roster/roster-shifts.js';
import { monthOf } from '../core/roster/year-month.js';
import { planLabel, planOn } from '../core/schedule/schedule-coverage.js';
import { formatDate, formatMinute, isValidDate } from '../core/schedule/schedule-local-time.js';
import type { DayCalendar, LocalDate, Period, Schedule } from '../core/schedule/schedule-model.js';
import { readSheets, type Cell, type Sheet } from './roster-sheet.js';
import type { TextEncoding } from './text-encoding.js';

export interface RosterImportContext {
  officeId: OfficeId;
  month: YearMonth;
  schedule: Schedule;
  calendar: DayCalendar;
  /** The office's officers, inactive ones too (naming one is a problem of its own). */
  officers: readonly Officer[];
  /** Desk names the 值班台 column accepts → the desk's endpoint. Default: the schedule's desk destinations, by name and by endpoint. */
  desks?: ReadonlyMap<string, string>;
}

export interface ImportProblem {
  /** The sheet's row number (1 = its first row), null when the problem is the whole file. */
  row: number | null;
  /** The column's letter as the spreadsheet shows it (A, B, … AA). */
  column: string | null;
  /** The column's header, when known. */
  header: string | null;
  message: string;
}

export type RosterImportResult =
  | {
      ok: true;
      format: Sheet['format'];
      encoding: TextEncoding | null;
      sheet: string | null;
      /** In the file's order. */
      shifts: PlannedShift[];
      /** The sheet row each shift came from. */
      rows: number[];
    }
  | { ok: false; problems: ImportProblem[] };

type Field = 'date' | 'period' | 'desk' | 'officers' | 'leader';

const HEADERS: Record<Field, readonly string[]> = {
  date: ['日期', '值班日期'],
  period: ['班次', '时段', '值班时段', '值班时间'],
  desk: ['值班台', '席位', '值班席位', '值班台/席位', '值班台(席位)'],
  officers: ['值班人员', '值班人', '值班员'],
  leader: ['带班领导', '带班', '值班领导'],
};
const REQUIRED: readonly Field[] = ['date', 'period', 'officers'];
const HEADER_SEARCH_ROWS = 10;

/** Folds full-width forms (NFKC) and drops whitespace: how headers and names are compared. */
const fold = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');

export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** "row 5, column E (值班人员): unknown officer …" */
export function formatProblem(p: ImportProblem): string {
  const where = [p.row !== null ? `row ${p.row}` : null, p.column !== null ? `column ${p.column}${p.header ? ` (${p.header})` : ''}` : null].filter(Boolean).join(', ');
  return where ? `${where}: ${p.message}` : p.message;
}

function fieldOf(header: string): Field | null {
  const h = fold(header);
  for (const [field, names] of Object.entries(HEADERS) as [Field, readonly string[]][]) if (names.includes(h)) return field;
  return null;
}

function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

function findHeader(rows: readonly Cell[][]): number {
  for (let r = 0; r < Math.min(rows.length, HEADER_SEARCH_ROWS); r++) {
    const fields = new Set(rows[r]!.map((c) => fieldOf(cellText(c))));
    if (fields.has('date') && fields.has('officers')) return r;
  }
  return -1;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** A date cell, an Excel day number, or text such as 2026-10-01, 2026/10/1, 2026年10月1日 (a time after it, as Excel may write, is ignored). */
function dateOf(cell: Cell | undefined): LocalDate | null {
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return Number.isInteger(cell) && cell > 0 && cell < 2_958_466 ? new Date(EXCEL_EPOCH_MS + cell * 86_400_000).toISOString().slice(0, 10) : null;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(cellText(cell).normalize('NFKC'));
  if (!m) return null;
  const date = formatDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return isValidDate(date) ? date : null;
}

/** "08:30–17:30" and its spellings → minutes [from, to] since midnight (to < from: crosses midnight). */
function periodOf(text: string): [number, number] | null {
  const m = /^(\d{1,2})[:：](\d{2})\s*(?:-|–|—|−|~|～|至|到)+\s*(\d{1,2})[:：](\d{2})$/.exec(text.normalize('NFKC').replace(/\s+/g, ' ').trim());
  if (!m) return null;
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59) return null;
  return [h1 * 60 + m1, h2 * 60 + m2];
}

const sameMinute = (a: number, b: number) => a % 1440 === b % 1440;

interface OfficerIndex {
  find(name: string): { officer?: Officer; problem?: string };
}

function officerIndex(officeId: OfficeId, officers: readonly Officer[]): OfficerIndex {
  const byName = new Map<string, Officer[]>();
  for (const o of officers) byName.set(fold(o.name), [...(byName.get(fold(o.name)) ?? []), o]);
  const lookup = (name: string) => {
    const found = byName.get(fold(name)) ?? [];
    const active = found.filter((o) => o.active);
    if (active.length === 1) return { officer: active[0]! };
    if (active.length > 1) return { problem: `"${name}" names ${active.length} officers: ${active.map((o) => o.name).join(', ')}` };
    if (found.length > 0) return { problem: `${found[0]!.name} is not an active officer` };
    return { problem: `unknown officer "${name}": office ${officeId} has no officer of this name` };
  };
  return { find: lookup };
}

const NAME_SEPARATORS = /[、，,；;／/\r\n]+/;

/** The officers a cell names; a token with spaces that is no officer is tried as names separated by spaces. */
function officersOf(text: string, index: OfficerIndex): { officers: Officer[]; problems: string[] } {
  const officers: Officer[] = [];
  const problems: string[] = [];
  for (const token of text.split(NAME_SEPARATORS).map((t) => t.trim()).filter(Boolean)) {
    const whole = index.find(token);
    if (whole.officer) {
      officers.push(whole.officer);
      continue;
    }
    const parts = token.split(/\s+/);
    const each = parts.length > 1 ? parts.map((p) => index.find(p)) : [];
    if (each.length > 0 && each.every((p) => p.officer)) officers.push(...each.map((p) => p.officer!));
    else problems.push(whole.problem!);
  }
  const seen = new Set<string>();
  for (const o of officers) {
    if (seen.has(o.id)) problems.push(`${o.name} is named twice`);
    seen.add(o.id);
  }
  return { officers: officers.filter((o, i) => officers.indexOf(o) === i), problems };
}

function defaultDesks(schedule: Schedule): Map<string, string> {
  const desks = new Map<string, string>();
  for (const d of schedule.destinations.values()) {
    if (d.role !== 'desk') continue;
    desks.set(d.name, d.endpoint);
    desks.set(d.endpoint, d.endpoint);
  }
  return desks;
}

const foldedKeys = (desks: ReadonlyMap<string, string>) => new Map([...desks].map(([name, endpoint]) => [fold(name), endpoint]));

export async function importRoster(bytes: Uint8Array, context: RosterImportContext): Promise<RosterImportResult> {
  const read = await readSheets(bytes);
  if (!read.ok) {
    const { row, column, message, rowsBefore = [] } = read.problem;
    const headerRow = rowsBefore[findHeader(rowsBefore)];
    const header = headerRow && column !== null && row !== null && row > rowsBefore.indexOf(headerRow) + 1 ? cellText(headerRow[column - 1]) || null : null;
    return { ok: false, problems: [{ row, column: column === null ? null : columnLetter(column - 1), header, message }] };
  }
  const sheet = read.sheets.find((s) => findHeader(s.rows) >= 0);
  if (!sheet) {
    return {
      ok: false,
      problems: [
        {
          row: null,
          column: null,
          header: null,
          message: `no header row: none of the first ${HEADER_SEARCH_ROWS} rows${read.sheets.length > 1 ? ' of any sheet' : ''} names both 日期 and 值班人员 (columns: 日期, 班次, 值班人员, optional 值班台/席位, 带班领导)`,
        },
      ],
    };
  }
  return importSheet(sheet, context);
}

function importSheet(sheet: Sheet, context: RosterImportContext): RosterImportResult {
  const headerIndex = findHeader(sheet.rows);
  const headerRow = sheet.rows[headerIndex]!;
  const problems: ImportProblem[] = [];
  const columns = new Map<Field, number>();
  headerRow.forEach((cell, i) => {
    const field = fieldOf(cellText(cell));
    if (!field) return;
    if (columns.has(field)) {
      problems.push({ row: headerIndex + 1, column: columnLetter(i), header: cellText(cell), message: `a second ${HEADERS[field][0]} column (the first is column ${columnLetter(columns.get(field)!)})` });
    } else columns.set(field, i);
  });
  for (const field of REQUIRED) {
    if (!columns.has(field)) problems.push({ row: headerIndex + 1, column: null, header: null, message: `no ${HEADERS[field][0]} column (${HEADERS[field].join(' / ')})` });
  }
  if (problems.length > 0) return { ok: false, problems };

  const headerOf = (field: Field) => cellText(headerRow[columns.get(field)!]);
  const problemAt = (row: number, field: Field, message: string): ImportProblem => ({ row, column: columnLetter(columns.get(field)!), header: headerOf(field), message });
  const officers = officerIndex(context.officeId, context.officers);
  const desks = context.desks ?? defaultDesks(context.schedule);
  const deskByName = foldedKeys(desks);
  const { timezone } = context.schedule;

  const shifts: PlannedShift[] = [];
  const rows: number[] = [];
  for (let r = headerIndex + 1; r < sheet.rows.length; r++) {
    const cells = sheet.rows[r]!;
    if (cells.every((c) => cellText(c) === '')) continue;
    const row = r + 1;
    const cell = (field: Field) => (columns.has(field) ? cells[columns.get(field)!] : undefined);
    const before = problems.length;

    const dateText = cellText(cell('date'));
    const date = dateOf(cell('date'));
    if (!dateText) problems.push(problemAt(row, 'date', 'no date'));
    else if (!date) problems.push(problemAt(row, 'date', `"${dateText}" is not a date (e.g. ${context.month}-01 or ${context.month.replace('-', '/')}/1)`));
    else if (monthOf(date) !== context.month) problems.push(problemAt(row, 'date', `${date} is not in the roster's month ${context.month}`));

    const periodText = cellText(cell('period'));
    const minutes = periodOf(periodText);
    let period: Period | undefined;
    if (!periodText) problems.push(problemAt(row, 'period', 'no period'));
    else if (!minutes) problems.push(problemAt(row, 'period', `"${periodText}" is not a period: write it as the schedule labels it, e.g. 08:30–17:30`));
    else if (date && monthOf(date) === context.month) {
      const plan = planOn(context.schedule, context.calendar, date);
      period = plan.plan.periods.find((p) => p.from === minutes[0] && sameMinute(p.to, minutes[1]));
      if (!period) {
        const labels = plan.plan.periods.map((p) => p.label).join(', ') || 'none';
        problems.push(problemAt(row, 'period', `period ${formatMinute(minutes[0])}–${formatMinute(minutes[1])} is not in the schedule on ${date} (${planLabel(plan)}: ${labels})`));
      }
    }

    const deskText = cellText(cell('desk'));
    let desk: string | undefined;
    if (deskText) {
      desk = deskByName.get(fold(deskText));
      if (!desk) problems.push(problemAt(row, 'desk', `unknown desk "${deskText}": the desks are ${[...new Set(desks.keys())].join(', ')}`));
    } else if (period && date) {
      const cover = context.schedule.destinations.get(period.cover);
      if (cover?.role === 'desk') desk = cover.endpoint;
      else problems.push({ row, column: columns.has('desk') ? columnLetter(columns.get('desk')!) : null, header: columns.has('desk') ? headerOf('desk') : null, message: `no desk named, and the schedule routes ${date} ${period.label} to ${period.cover}, not a desk` });
    }

    const named = officersOf(cellText(cell('officers')), officers);
    for (const p of named.problems) problems.push(problemAt(row, 'officers', p));
    if (named.officers.length === 0 && named.problems.length === 0) problems.push(problemAt(row, 'officers', 'no duty officer named'));

    let leaderId: string | null = null;
    const leaderText = cellText(cell('leader'));
    if (leaderText) {
      const leader = officersOf(leaderText, officers);
      for (const p of leader.problems) problems.push(problemAt(row, 'leader', p));
      if (leader.officers.length > 1) problems.push(problemAt(row, 'leader', `one leader on duty per shift, not ${leader.officers.length}: ${leader.officers.map((o) => o.name).join(', ')}`));
      else if (leader.officers.length === 1) leaderId = leader.officers[0]!.id;
    }

    if (problems.length > before || !date || !period || !desk) continue;
    shifts.push({
      officeId: context.officeId,
      date,
      periodLabel: period.label,
      ...periodTimes(date, period, timezone),
      deskEndpoint: desk,
      officerIds: named.officers.map((o) => o.id),
      leaderId,
    });
    rows.push(row);
  }

  const describe = (i: number) => `${shifts[i]!.date} ${shifts[i]!.periodLabel}`;
  for (const o of deskOverlaps(shifts)) {
    problems.push(problemAt(rows[o.index]!, 'period', `desk ${o.key} has two shifts at once: ${describe(o.index)} overlaps row ${rows[o.other]} (${describe(o.other)})`));
  }
  const nameOf = new Map(context.officers.map((o) => [o.id, o.name]));
  for (const o of officerOverlaps(shifts)) {
    problems.push(problemAt(rows[o.index]!, 'officers', `${nameOf.get(o.key)} is on two shifts at once: ${describe(o.index)} at ${shifts[o.index]!.deskEndpoint} and row ${rows[o.other]} (${describe(o.other)} at ${shifts[o.other]!.deskEndpoint})`));
  }

  if (problems.length === 0 && shifts.length === 0) problems.push({ row: null, column: null, header: null, message: `no shifts: the rows under the header (row ${headerIndex + 1}) are empty` });
  if (problems.length > 0) {
    // by row, then column (A … Z, AA …); stable, so a cell's problems stay in the order found
    const columnKey = (p: ImportProblem) => (p.column === null ? '' : p.column.padStart(3, ' '));
    return { ok: false, problems: problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (columnKey(a) < columnKey(b) ? -1 : columnKey(a) > columnKey(b) ? 1 : 0)) };
  }
  return { ok: true, format: sheet.format, encoding: sheet.encoding, sheet: sheet.name, shifts, rows };
}

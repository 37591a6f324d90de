/**
 * 漏接电话-YYYY-MM.csv: a row per missed call, then a row per period duty-hotline was not
 * watching the PBX (结果 未监控: calls then may be missing from the file), in the house CSV
 * conventions (src/platform/http/csv-export.ts). Times are wall-clock times in the office's zone.
 */
import { OUTCOME_LABELS } from '../calls/call-export-routes.js';
import type { MissedCallReport } from '../core/reports/missed-call-report.js';
import { formatMinute, wallClockAt } from '../core/schedule/schedule-local-time.js';
import type { CsvColumn } from '../platform/http/csv-export.js';

export const NOT_WATCHING = '未监控';

export interface MissedCsvRow {
  date: string;
  time: string;
  desk: string | null;
  result: string;
  rings: number | null;
  shift: string | null;
  officers: string;
  leader: string | null;
  /** 是 / 否; empty for a call to no desk and for a not-watching period. */
  noOneRostered: string;
  note: string;
}

export const MISSED_CALL_COLUMNS: readonly CsvColumn<MissedCsvRow>[] = [
  { header: '日期', value: (r) => r.date },
  { header: '时间', value: (r) => r.time },
  { header: '值班台', value: (r) => r.desk },
  { header: '结果', value: (r) => r.result },
  { header: '响铃次数', value: (r) => r.rings },
  { header: '班次', value: (r) => r.shift },
  { header: '值班人员', value: (r) => r.officers },
  { header: '带班领导', value: (r) => r.leader },
  { header: '无人排班', value: (r) => r.noOneRostered },
  { header: '说明', value: (r) => r.note },
];

/** "2026-12-01", "08:00:05" in `timezone` (offsets are whole minutes, so the seconds are UTC's). */
function localTime(at: Date, timezone: string): { date: string; time: string } {
  const { date, minute } = wallClockAt(at, timezone);
  return { date, time: `${formatMinute(minute)}:${String(at.getUTCSeconds()).padStart(2, '0')}` };
}

export function missedCallRows(report: MissedCallReport): MissedCsvRow[] {
  const { timezone } = report;
  const calls = report.calls.map((c): MissedCsvRow => ({
    ...localTime(c.offeredAt, timezone),
    desk: c.desk,
    result: OUTCOME_LABELS[c.outcome],
    rings: c.rings,
    shift: c.shift,
    officers: c.officers.join('、'),
    leader: c.leader,
    noOneRostered: c.desk === null ? '' : c.noOneRostered ? '是' : '否',
    note: c.outcome === 'no-one-reachable' ? '未呼叫值班台，其他话机均未接听' : '',
  }));
  const gaps = report.notWatching.map((g): MissedCsvRow => {
    const end = localTime(g.to, timezone);
    return {
      ...localTime(g.from, timezone),
      desk: null,
      result: NOT_WATCHING,
      rings: null,
      shift: null,
      officers: '',
      leader: null,
      noOneRostered: '',
      note: `${g.label}，至 ${end.date} ${end.time}${g.open ? '（仍未恢复）' : ''}`,
    };
  });
  return [...calls, ...gaps];
}

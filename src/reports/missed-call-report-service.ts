/**
 * The missed-call report (漏接电话报告) of an office's month: the stored roster, the month's
 * missed inbound calls (only those: the store filters by outcome) and the periods duty-hotline
 * was not watching the PBX, handed to the pure report (src/core/reports/missed-call-report.ts).
 * For supervisors and auditors (the whole office). The counts are always the whole month's; the
 * calls listed are those matching the reader's filter (./missed-call-filter.ts), a page of them
 * or, for the CSV, all. One audit entry per report, naming the calls listed and the filter.
 */
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import type { CallStore } from '../calls/call-store.js';
import type { OfficeId } from '../core/office.js';
import { filterMissedCalls, missedCallPage, type MissedCallFilter, type MissedCallPage, type Page } from '../core/reports/missed-call-filter.js';
import { REPORTED_OUTCOMES } from '../core/reports/missed-call-outcomes.js';
import { missedCallReport, type MissedCallReport } from '../core/reports/missed-call-report.js';
import { reportWindow } from '../core/reports/report-window.js';
import type { WatchGap } from '../core/watch/watch-gap.js';
import type { Clock } from '../platform/clock.js';
import { ApiError } from '../platform/http/errors.js';
import type { RosterStores } from '../roster/roster-store.js';
import { rosterOfWindow } from './monthly-tally-service.js';

/** The office's not-watching periods overlapping [from, to), open ones (to null) included. */
export type WatchGaps = (officeId: OfficeId, from: Date, to: Date) => Promise<WatchGap[]>;

export interface MissedCallReportDeps {
  roster: RosterStores;
  calls: Pick<CallStore, 'listForReport'>;
  watchGaps: WatchGaps;
  audit: Pick<AuditTrail, 'record'>;
  /** The office's time zone (its schedule's). */
  timezoneOf: (officeId: OfficeId) => string;
  /** Where an open gap ends (the local clock: gaps are the service's own record). */
  clock: Pick<Clock, 'now'>;
}

/** The month's counts with a page of the calls matching the filter. */
export type MissedCallReportPage = Omit<MissedCallReport, 'calls'> & MissedCallPage;

export class MissedCallReportService {
  constructor(private readonly deps: MissedCallReportDeps) {}

  /** The month's counts and the `page` of its calls matching `filter`: audited as reports.missed-calls, with the calls on the page. */
  async report(month: string, viewer: Viewer, filter: MissedCallFilter, page: Page): Promise<MissedCallReportPage> {
    const { calls, ...rest } = await this.month(month, viewer);
    const result = { ...rest, ...missedCallPage(calls, filter, page) };
    await this.deps.audit.record(viewer.reader, { action: 'reports.missed-calls', route: viewer.route, ids: result.calls.map((c) => c.id), query: { month, ...filter, ...page } });
    return result;
  }

  /** The month's counts and every call matching `filter` (the CSV's): audited as reports.missed-calls.export. */
  async export(month: string, viewer: Viewer, filter: MissedCallFilter): Promise<MissedCallReport> {
    const report = await this.month(month, viewer);
    const result = { ...report, calls: filterMissedCalls(report.calls, filter) };
    await this.deps.audit.record(viewer.reader, { action: 'reports.missed-calls.export', route: viewer.route, ids: result.calls.map((c) => c.id), query: { month, ...filter } });
    return result;
  }

  private async month(month: string, viewer: Viewer): Promise<MissedCallReport> {
    if (viewer.scope.kind !== 'office') throw new ApiError('NOT_YOURS', "the month's missed calls cover the whole office: a supervisor's or an auditor's");
    const officeId = viewer.scope.officeId;
    const timezone = this.deps.timezoneOf(officeId);
    const { from, to, monthFrom, monthTo } = reportWindow(month, timezone);
    const [roster, calls, gaps] = await Promise.all([
      rosterOfWindow(this.deps.roster, officeId, from, to),
      this.deps.calls.listForReport({ officeId, direction: 'inbound', from, to, outcomes: REPORTED_OUTCOMES }),
      this.deps.watchGaps(officeId, monthFrom, monthTo),
    ]);
    return missedCallReport({ timezone, month, now: this.deps.clock.now(), ...roster, calls, gaps });
  }
}

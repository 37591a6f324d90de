/**
 * The missed-call report (漏接电话报告) of an office's month: the stored roster, the month's
 * missed inbound calls (only those: the store filters by outcome) and the periods duty-hotline
 * was not watching the PBX, handed to the pure report (src/core/reports/missed-call-report.ts).
 * For supervisors and auditors (the whole office); one audit entry per report, naming the calls listed.
 */
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import type { CallStore } from '../calls/call-store.js';
import type { OfficeId } from '../core/office.js';
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

export type MissedCallsAction = 'reports.missed-calls' | 'reports.missed-calls.export';

export class MissedCallReportService {
  constructor(private readonly deps: MissedCallReportDeps) {}

  /** `action`: what the audit entry says was done (the JSON report, or its CSV). */
  async report(month: string, viewer: Viewer, action: MissedCallsAction = 'reports.missed-calls'): Promise<MissedCallReport> {
    if (viewer.scope.kind !== 'office') throw new ApiError('NOT_YOURS', "the month's missed calls cover the whole office: a supervisor's or an auditor's");
    const officeId = viewer.scope.officeId;
    const timezone = this.deps.timezoneOf(officeId);
    const { from, to, monthFrom, monthTo } = reportWindow(month, timezone);
    const [roster, calls, gaps] = await Promise.all([
      rosterOfWindow(this.deps.roster, officeId, from, to),
      this.deps.calls.listForReport({ officeId, direction: 'inbound', from, to, outcomes: REPORTED_OUTCOMES }),
      this.deps.watchGaps(officeId, monthFrom, monthTo),
    ]);
    const result = missedCallReport({ timezone, month, now: this.deps.clock.now(), ...roster, calls, gaps });
    await this.deps.audit.record(viewer.reader, { action, route: viewer.route, ids: result.calls.map((c) => c.id), query: { month } });
    return result;
  }
}

/**
 * The supervisor's month, per office: the stored roster, calls and records of the month read
 * and handed to the pure tally (src/core/tally/monthly-tally.ts) with the configured subsidy
 * policy. Reads the stores directly (a report over the office, not a read of single entries),
 * each in one query of the few columns the tally needs, and records one audit entry per report.
 */
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import type { CallStore } from '../calls/call-store.js';
import type { OfficeId } from '../core/office.js';
import { reportWindow } from '../core/reports/report-window.js';
import type { Officer, Shift, SwapRequest } from '../core/roster/roster-model.js';
import { monthlyTally, type MonthlyTally } from '../core/tally/monthly-tally.js';
import type { SubsidyPolicy } from '../core/tally/subsidy-rules.js';
import type { DisciplineStore } from '../discipline/discipline-store.js';
import { ApiError } from '../platform/http/errors.js';
import type { RosterStores } from '../roster/roster-store.js';

export interface MonthlyTallyDeps {
  roster: RosterStores;
  calls: Pick<CallStore, 'listForTally'>;
  discipline: Pick<DisciplineStore, 'listForTally'>;
  audit: Pick<AuditTrail, 'record'>;
  policy: SubsidyPolicy;
  /** The office's time zone (its schedule's). */
  timezoneOf: (officeId: OfficeId) => string;
}

export class MonthlyTallyService {
  constructor(private readonly deps: MonthlyTallyDeps) {}

  async tally(month: string, viewer: Viewer): Promise<MonthlyTally> {
    if (viewer.scope.kind !== 'office') throw new ApiError('NOT_YOURS', "the month's tally covers the whole office: a supervisor's or an auditor's");
    const officeId = viewer.scope.officeId;
    const timezone = this.deps.timezoneOf(officeId);
    const { from, to } = reportWindow(month, timezone);
    const [roster, calls, records] = await Promise.all([
      rosterOfWindow(this.deps.roster, officeId, from, to),
      this.deps.calls.listForTally({ officeId, from, to }),
      this.deps.discipline.listForTally({ officeId, from, to }),
    ]);
    const result = monthlyTally({ timezone, month, policy: this.deps.policy, ...roster, calls, records });
    await this.deps.audit.record(viewer.reader, { action: 'reports.tally', route: viewer.route, ids: [], query: { month } });
    return result;
  }
}

export interface RosterOfWindow {
  officers: Pick<Officer, 'id' | 'name'>[];
  shifts: Shift[];
  swaps: SwapRequest[];
}

/** The published shifts overlapping [from, to), their swaps (any status) and every officer of the office (inactive ones too). */
export async function rosterOfWindow({ officers, rosters, swaps }: RosterStores, officeId: OfficeId, from: Date, to: Date): Promise<RosterOfWindow> {
  const [shifts, all] = await Promise.all([rosters.listPublishedShifts(officeId, from, to), officers.list(officeId)]);
  return {
    officers: all.map((o) => ({ id: o.id, name: o.name })),
    shifts,
    swaps: shifts.length === 0 ? [] : await swaps.listForShifts(officeId, shifts.map((s) => s.id)),
  };
}

/**
 * The supervisor's month, per office: the stored roster, calls and records of the month read
 * and handed to the pure tally (src/core/tally/monthly-tally.ts) with the configured subsidy
 * policy. Reads the stores directly (a report over the office, not a read of single entries),
 * and records one audit entry per report.
 */
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import type { CallStore } from '../calls/call-store.js';
import type { OfficeId } from '../core/office.js';
import { daysOf } from '../core/roster/year-month.js';
import { addDays, instantOf } from '../core/schedule/schedule-local-time.js';
import { monthlyTally, type MonthlyTally, type TallyCall, type TallyRecord } from '../core/tally/monthly-tally.js';
import type { SubsidyPolicy } from '../core/tally/subsidy-rules.js';
import type { DisciplineStore } from '../discipline/discipline-store.js';
import { ApiError } from '../platform/http/errors.js';
import type { RosterStores } from '../roster/roster-store.js';

const PAGE = 1000;

export interface MonthlyTallyDeps {
  roster: RosterStores;
  calls: Pick<CallStore, 'list'>;
  discipline: Pick<DisciplineStore, 'list'>;
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
    const days = daysOf(month);
    // From the night before the 1st (its calls of the 1st's small hours) to the day after the last (its night shift).
    const from = instantOf(addDays(days[0]!, -1), 0, timezone);
    const to = instantOf(addDays(days.at(-1)!, 2), 0, timezone);
    const { officers, rosters, swaps } = this.deps.roster;
    const shifts = await rosters.listPublishedShifts(officeId, from, to);
    const result = monthlyTally({
      timezone,
      month,
      policy: this.deps.policy,
      officers: (await officers.list(officeId)).map((o) => ({ id: o.id, name: o.name })),
      shifts,
      swaps: shifts.length === 0 ? [] : await swaps.listForShifts(officeId, shifts.map((s) => s.id)),
      calls: await this.#all<TallyCall>((offset) => this.deps.calls.list({ officeId, direction: 'inbound', from, to, limit: PAGE, offset })),
      records: await this.#all<TallyRecord>((offset) => this.deps.discipline.list({ officeId, from, to, limit: PAGE, offset })),
    });
    await this.deps.audit.record(viewer.reader, { action: 'reports.tally', route: viewer.route, ids: [], query: { month } });
    return result;
  }

  async #all<T>(page: (offset: number) => Promise<T[]>): Promise<T[]> {
    const all: T[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const rows = await page(offset);
      all.push(...rows);
      if (rows.length < PAGE) return all;
    }
  }
}

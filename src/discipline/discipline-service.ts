import { checkReview, describeLifecycleError, isIllegalTransition, raiseMistake, type LifecycleError, type MistakeReport, type ReviewAction } from '../core/discipline/record-lifecycle.js';
import { mayReadRecord, scopedQuery } from '../core/access/roles.js';
import { officerNames, type DutyAttribution } from '../core/discipline/discipline-model.js';
import type { OfficeId } from '../core/office.js';
import type { AuditTrail } from '../access/audit-trail.js';
import type { Viewer } from '../access/viewer.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { ApiError, badRequest, notFound } from '../platform/http/errors.js';
import type { DisciplineQuery, DisciplineRecord, DisciplineRecordWithHistory } from './discipline-record.js';
import type { DisciplineStore } from './discipline-store.js';

/**
 * Discipline records as the API uses them: routes call this, never the store. Every read is
 * confined to the viewer's scope (a duty officer: their shifts; a supervisor or auditor: their
 * office) and written to the audit trail before it is answered; a record out of scope is not
 * found. Changes are made in the viewer's name: an objection only by an officer the record names,
 * a decision or a mistake raised by hand only in the supervisor's own office.
 *
 * Refusals are answered from the error catalogue: a field the lifecycle does not accept is a 400
 * naming it (body/<field>), an unknown record a 404, a transition the lifecycle does not have
 * (confirming a waived record, an objection after the decision, a second objection) a 409.
 */
export class DisciplineService {
  constructor(
    private readonly store: DisciplineStore,
    private readonly audit: Pick<AuditTrail, 'read' | 'record'>,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
    /** Who the roster held accountable for a shift (a mistake about a shift is attributed by it); none: not attributed. */
    private readonly shiftAttribution: (officeId: OfficeId, shiftId: string) => Promise<DutyAttribution | null> = async () => null,
  ) {}

  /** Records matching `query` within the viewer's scope, newest first. */
  async list(query: DisciplineQuery, viewer: Viewer): Promise<DisciplineRecord[]> {
    const scoped = scopedQuery(viewer.scope, query);
    const items = scoped ? await this.store.list(scoped) : [];
    await this.audit.read(viewer.reader, { action: 'records.list', route: viewer.route, ids: items.map((r) => r.id), query: viewer.query });
    return items;
  }

  /** One record with its history; 404 when there is none, or none the viewer may read. */
  async get(id: string, viewer: Viewer): Promise<DisciplineRecordWithHistory> {
    const record = await this.#readable(id, viewer);
    await this.audit.read(viewer.reader, { action: 'records.get', route: viewer.route, ids: record ? [record.id] : [], query: { id } });
    if (!record) throw notFound(`discipline record ${id}`);
    return record;
  }

  async #readable(id: string, viewer: Viewer): Promise<DisciplineRecordWithHistory | null> {
    const found = await this.store.get(id);
    return found && mayReadRecord(viewer.scope, found) ? found : null;
  }

  /** The officer's objection (申诉): the record stays open, the objection joins its history. Only an officer the record names may file it. */
  async object(id: string, text: string, viewer: Viewer): Promise<DisciplineRecordWithHistory> {
    const input = checkReview({ kind: 'object', text }, viewer.user.name);
    if (!input.ok) throw refusal(input.error);
    const record = await this.#readable(id, viewer);
    if (!record) throw notFound(`discipline record ${id}`);
    const officerId = viewer.user.officerId;
    if (officerId === null || !record.duty?.officerIds.includes(officerId)) {
      throw new ApiError('NOT_YOURS', `discipline record ${id} does not name you as its officer: only the officer it names may object`);
    }
    return this.#review(id, { kind: 'object', text }, viewer);
  }

  /** A supervisor confirms the record, with a reason. */
  confirm(id: string, reason: string, viewer: Viewer): Promise<DisciplineRecordWithHistory> {
    return this.#decide(id, { kind: 'confirm', reason }, viewer);
  }

  /** A supervisor waives the record, with a reason. */
  waive(id: string, reason: string, viewer: Viewer): Promise<DisciplineRecordWithHistory> {
    return this.#decide(id, { kind: 'waive', reason }, viewer);
  }

  /**
   * A mistake (失误) a supervisor raises by hand, in their own office. One record of each type per
   * subject: when the subject already has a mistake record, nothing is written and the answer is
   * a 409 naming it.
   */
  async raiseMistake(report: MistakeReport, viewer: Viewer): Promise<DisciplineRecordWithHistory> {
    if (report.officeId !== viewer.user.officeId) throw new ApiError('NOT_YOURS', `office ${report.officeId} is not yours (${viewer.user.officeId})`);
    const raised = raiseMistake(report, viewer.user.name, this.clock.now());
    if (!raised.ok) throw refusal(raised.error);
    // A mistake about a shift of the published roster names who held it, unless the supervisor names someone.
    const duty = report.subject.kind === 'shift' ? await this.shiftAttribution(report.officeId, raised.input.subject.id) : null;
    const input = duty ? { ...raised.input, duty, officer: raised.input.officer ?? officerNames(duty) } : raised.input;
    const { record, created } = await this.store.raise(input, raised.event);
    if (!created) {
      throw new ApiError('CONFLICT', `${report.subject.kind} ${raised.input.subject.id} already has a mistake record (${record.id}): one record of each type per subject`);
    }
    await this.audit.record(viewer.reader, { action: 'records.raise', route: viewer.route, ids: [record.id] });
    return record;
  }

  async #decide(id: string, action: ReviewAction, viewer: Viewer): Promise<DisciplineRecordWithHistory> {
    // What needs no record is refused before the store is asked (a bad request is a 400 even while the database is down).
    const input = checkReview(action, viewer.user.name);
    if (!input.ok) throw refusal(input.error);
    if (!(await this.#readable(id, viewer))) throw notFound(`discipline record ${id}`);
    return this.#review(id, action, viewer);
  }

  async #review(id: string, action: ReviewAction, viewer: Viewer): Promise<DisciplineRecordWithHistory> {
    const outcome = await this.store.review(id, action, viewer.user.name, this.clock.now());
    if (!outcome) throw notFound(`discipline record ${id}`);
    if (!outcome.ok) throw refusal(outcome.error, id);
    await this.audit.record(viewer.reader, { action: `records.${action.kind}`, route: viewer.route, ids: [id] });
    return outcome.record;
  }
}

function refusal(error: LifecycleError, id?: string): ApiError {
  if (isIllegalTransition(error)) return new ApiError('CONFLICT', `discipline record ${id}: ${describeLifecycleError(error)}`);
  // The actor is no field of the request: it is the signed-in user; a name the lifecycle refuses is no known caller.
  return error.field === 'actor' ? new ApiError('UNAUTHORIZED') : badRequest(`body/${describeLifecycleError(error)}`);
}

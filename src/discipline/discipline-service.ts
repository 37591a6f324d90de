import { checkReview, describeLifecycleError, isIllegalTransition, raiseMistake, type LifecycleError, type MistakeReport, type ReviewAction } from '../core/discipline/record-lifecycle.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { ApiError, badRequest, notFound } from '../platform/http/errors.js';
import type { DisciplineQuery, DisciplineRecord, DisciplineRecordWithHistory } from './discipline-record.js';
import type { DisciplineStore } from './discipline-store.js';

/**
 * Discipline records as the API uses them: routes call this, never the store. It is where the
 * caller's permission check and the audit of who read or changed which record will go (access
 * control and audit, the next issues); today every change is made in the name of the `actor` the
 * route passes, checked by nothing but the lifecycle.
 *
 * Refusals are answered from the error catalogue: a field the lifecycle does not accept is a 400
 * naming it (body/<field>), an unknown record a 404, a transition the lifecycle does not have
 * (confirming a waived record, an objection after the decision, a second objection) a 409.
 */
export class DisciplineService {
  constructor(
    private readonly store: DisciplineStore,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {}

  /** Records matching `query`, newest first. */
  list(query: DisciplineQuery): Promise<DisciplineRecord[]> {
    return this.store.list(query);
  }

  /** One record with its history; 404 when there is none. */
  async get(id: string): Promise<DisciplineRecordWithHistory> {
    const record = await this.store.get(id);
    if (!record) throw notFound(`discipline record ${id}`);
    return record;
  }

  /** The officer's objection (申诉): the record stays open, the objection joins its history. */
  object(id: string, text: string, actor: string): Promise<DisciplineRecordWithHistory> {
    return this.#review(id, { kind: 'object', text }, actor);
  }

  /** A supervisor confirms the record, with a reason. */
  confirm(id: string, reason: string, actor: string): Promise<DisciplineRecordWithHistory> {
    return this.#review(id, { kind: 'confirm', reason }, actor);
  }

  /** A supervisor waives the record, with a reason. */
  waive(id: string, reason: string, actor: string): Promise<DisciplineRecordWithHistory> {
    return this.#review(id, { kind: 'waive', reason }, actor);
  }

  /**
   * A mistake (失误) a supervisor raises by hand. One record of each type per subject: when the
   * subject already has a mistake record, nothing is written and the answer is a 409 naming it.
   */
  async raiseMistake(report: MistakeReport, actor: string): Promise<DisciplineRecordWithHistory> {
    const raised = raiseMistake(report, actor, this.clock.now());
    if (!raised.ok) throw refusal(raised.error);
    const { record, created } = await this.store.raise(raised.input, raised.event);
    if (!created) {
      throw new ApiError('CONFLICT', `${report.subject.kind} ${raised.input.subject.id} already has a mistake record (${record.id}): one record of each type per subject`);
    }
    return record;
  }

  async #review(id: string, action: ReviewAction, actor: string): Promise<DisciplineRecordWithHistory> {
    // What needs no record is refused before the store is asked (a bad request is a 400 even while the database is down).
    const input = checkReview(action, actor);
    if (!input.ok) throw refusal(input.error);
    const outcome = await this.store.review(id, action, actor, this.clock.now());
    if (!outcome) throw notFound(`discipline record ${id}`);
    if (!outcome.ok) throw refusal(outcome.error, id);
    return outcome.record;
  }
}

function refusal(error: LifecycleError, id?: string): ApiError {
  if (isIllegalTransition(error)) return new ApiError('CONFLICT', `discipline record ${id}: ${describeLifecycleError(error)}`);
  // The actor is no field of the request: access control supplies it (the routes' actor()); none is no known caller.
  return error.field === 'actor' ? new ApiError('UNAUTHORIZED') : badRequest(`body/${describeLifecycleError(error)}`);
}

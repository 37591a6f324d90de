/**
 * The duty log's deadlines kept: every `intervalMs` (and when asked), for each office, the
 * answered calls of the last week are checked against src/core/duty-log/duty-log-deadlines.ts
 * and the records due are stored with recordOnce — one record of a type per subject, so a sweep
 * after a restart, or the first one after the service was down at a deadline, stores each once.
 * Runs only while the database is open; a failed sweep is tried again at the next tick.
 */
import type { Logger } from 'pino';
import type { CallStore } from '../calls/call-store.js';
import { dueRecords, type DutyLogDeadlinePolicy } from '../core/duty-log/duty-log-deadlines.js';
import { pickFields } from '../core/duty-log/duty-log-entry.js';
import type { DutyAttribution } from '../core/discipline/discipline-model.js';
import type { OfficeId } from '../core/office.js';
import type { DisciplineStore } from '../discipline/discipline-store.js';
import type { DutyLogStore } from './duty-log-store.js';

const LOOKBACK_MS = 7 * 24 * 3600_000;
const PAGE = 1000;

export interface SweptOffice {
  id: OfficeId;
  /** The office's PBX time: calls and deadlines are PBX times. */
  now: () => Date;
  /** The office's time zone (its schedule's): the times in a record's reason are its wall clock. */
  timezone: string;
  /** Who was accountable for the desk then, and when that shift ended; null: not known. */
  onDutyAt: (desk: string | null, at: Date) => { duty: DutyAttribution; shiftEndsAt: Date | null } | null;
}

export interface DeadlineSweepDeps {
  offices: readonly SweptOffice[];
  calls: Pick<CallStore, 'list'>;
  dutyLog: Pick<DutyLogStore, 'latest'>;
  discipline: Pick<DisciplineStore, 'recordOnce'>;
  policy: DutyLogDeadlinePolicy;
  logger: Logger;
}

export class DeadlineSweep {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  /** Subjects stored by this process: not asked again. */
  readonly #stored = new Set<string>();

  constructor(private readonly deps: DeadlineSweepDeps) {}

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.sweep().catch(() => {}), intervalMs).unref();
    void this.sweep().catch(() => {});
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One sweep of every office (one at a time); resolves with the records it created. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #sweep(): Promise<number> {
    let created = 0;
    try {
      for (const office of this.deps.offices) created += await this.#sweepOffice(office);
    } catch (err) {
      this.deps.logger.warn({ err }, 'duty log deadline sweep failed; the next one tries again');
      throw err;
    }
    if (created > 0) this.deps.logger.info({ created }, 'duty log deadlines passed: records raised');
    return created;
  }

  async #sweepOffice(office: SweptOffice): Promise<number> {
    const now = office.now();
    let created = 0;
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.deps.calls.list({ officeId: office.id, direction: 'inbound', outcome: 'answered', from: new Date(now.getTime() - LOOKBACK_MS), limit: PAGE, offset });
      for (const call of page) {
        if (!call.answeredAt) continue;
        const latest = await this.deps.dutyLog.latest(office.id, call.pbxCallId);
        const desk = call.answeredBy ?? call.deskEndpoint;
        const onDuty = office.onDutyAt(desk, call.answeredAt);
        const due = dueRecords(
          { officeId: office.id, pbxCallId: call.pbxCallId, offeredAt: call.offeredAt, answeredAt: call.answeredAt, deskEndpoint: desk },
          { entry: latest ? pickFields(latest) : null, shiftEndsAt: onDuty?.shiftEndsAt ?? null, duty: onDuty?.duty ?? null, now, timezone: office.timezone },
          this.deps.policy,
        );
        for (const record of due) {
          const key = JSON.stringify([record.officeId, record.subject.kind, record.subject.id, record.type]);
          if (this.#stored.has(key)) continue;
          if ((await this.deps.discipline.recordOnce(record)).created) created += 1;
          this.#stored.add(key);
        }
      }
      if (page.length < PAGE) return created;
    }
  }
}

/**
 * The hand-over reminder (seed 002 §二(三)): an hour (handover.reminderLeadMs) before a shift
 * ends, the fact `handover.reminder` is published with the shift and who hands over to whom, and
 * logged. Looks at each office's live roster every checkIntervalMs on that office's PBX clock; a
 * reminder is sent once per shift by this process (a restart inside the hour sends it again:
 * a reminder twice is better than none).
 */
import type { Logger } from 'pino';
import type { DutyAttribution } from '../core/discipline/discipline-model.js';
import { remindersDue } from '../core/handover/handover.js';
import type { OfficeId } from '../core/office.js';
import type { Shift } from '../core/roster/roster-model.js';

export interface HandoverFacts {
  'handover.reminder': { officeId: OfficeId; shiftId: string; shift: string; changeAt: Date; officers: string[]; leader: string | null };
}

export interface RemindedOffice {
  id: OfficeId;
  now: () => Date;
  shiftsEnding: (from: Date, to: Date) => { shift: Shift; duty: DutyAttribution }[];
}

export class HandoverReminders {
  #timer: NodeJS.Timeout | undefined;
  readonly #sent = new Map<string, Date>();

  constructor(
    private readonly offices: readonly RemindedOffice[],
    private readonly leadMs: number,
    private readonly publish: (fact: { name: 'handover.reminder' } & HandoverFacts['handover.reminder']) => void,
    private readonly log: Pick<Logger, 'info'>,
  ) {}

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => this.check(), intervalMs).unref();
    this.check();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Sends the reminders due now; returns how many. */
  check(): number {
    let sent = 0;
    for (const office of this.offices) {
      const now = office.now();
      // [now, now + lead]: a shift ending exactly an hour from now is due now.
      const ending = office.shiftsEnding(now, new Date(now.getTime() + this.leadMs + 1));
      const due = remindersDue(ending.map((e) => ({ id: e.shift.id, endsAt: e.shift.endsAt, e })), now, { reminderLeadMs: this.leadMs }, new Set(this.#sent.keys()));
      for (const { e } of due) {
        this.#sent.set(e.shift.id, e.shift.endsAt);
        const fact = { officeId: office.id, shiftId: e.shift.id, shift: e.duty.shiftLabel ?? e.shift.id, changeAt: e.shift.endsAt, officers: e.duty.officers, leader: e.duty.leader };
        this.log.info(fact, 'hand-over due within the hour: write the hand-over note (交班)');
        this.publish({ name: 'handover.reminder', ...fact });
        sent += 1;
      }
      for (const [id, endsAt] of this.#sent) if (endsAt.getTime() < now.getTime() - this.leadMs) this.#sent.delete(id);
    }
    return sent;
  }
}

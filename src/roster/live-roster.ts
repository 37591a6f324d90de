/**
 * The published roster of one office kept in memory for the live path (attribution at the N-th
 * ring must not wait on the database): the shifts of published rosters from two days back to
 * forty days ahead, the swaps touching them and the officers' names. Reloaded whole when the
 * roster changes (publication, a swap decided, an officer renamed: RosterService's `changed`),
 * and every ten minutes so the window follows the clock; a failed reload keeps what it had.
 */
import type { Logger } from 'pino';
import type { DutyAttribution } from '../core/discipline/discipline-model.js';
import { NOBODY_ROSTERED } from '../core/discipline/discipline-model.js';
import type { OfficeId } from '../core/office.js';
import type { Shift, SwapRequest } from '../core/roster/roster-model.js';
import { effectiveDuty } from '../core/roster/shift-swaps.js';
import { dutyAttribution, dutyLookup, NO_ONE_ROSTERED, type DutyLookup } from '../core/roster/who-is-on-duty.js';
import type { Clock } from '../platform/clock.js';
import type { RosterStores } from './roster-store.js';

const DAY_MS = 24 * 3600_000;
const WINDOW_BACK_MS = 2 * DAY_MS;
const WINDOW_AHEAD_MS = 40 * DAY_MS;
const REFRESH_MS = 10 * 60_000;

interface Loaded {
  shifts: Shift[];
  swaps: SwapRequest[];
  onDuty: DutyLookup;
  names: ReadonlyMap<string, string>;
  from: Date;
  to: Date;
}

/** One office's published roster in memory, answering the live path's "who is on duty" without a query. */
export class LiveRoster {
  #loaded: Loaded | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reload: Promise<void> | undefined;
  #again = false;

  constructor(
    readonly officeId: OfficeId,
    private readonly stores: RosterStores,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly log: Logger,
  ) {}

  /** Loads now (when the database opens) and every ten minutes until stop(). */
  start(): Promise<void> {
    this.#timer ??= setInterval(() => void this.refresh(), REFRESH_MS).unref();
    return this.refresh();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reloads; a change arriving while a reload runs makes one more reload after it. */
  refresh(): Promise<void> {
    if (this.#reload) {
      this.#again = true;
      return this.#reload;
    }
    this.#reload = (async () => {
      do {
        this.#again = false;
        try {
          const now = this.clock.now().getTime();
          this.#loaded = await this.#load(new Date(now - WINDOW_BACK_MS), new Date(now + WINDOW_AHEAD_MS));
        } catch (err) {
          this.log.warn({ err, office: this.officeId }, 'could not reload the published roster; attribution keeps the one it had');
        }
      } while (this.#again);
    })().finally(() => (this.#reload = undefined));
    return this.#reload;
  }

  /**
   * Who the approved roster holds accountable for `desk` at `at`; null while nothing could be
   * loaded yet (or `at` lies outside what was loaded): not known, rather than a false "no one".
   */
  dutyAt(desk: string | null, at: Date): DutyAttribution | null {
    return this.onDutyAt(desk, at)?.duty ?? null;
  }

  /** dutyAt with the end of that shift (null: no one rostered), for the duty log's deadline. */
  onDutyAt(desk: string | null, at: Date): { duty: DutyAttribution; shiftEndsAt: Date | null } | null {
    const loaded = this.#loaded;
    if (!loaded) return null;
    if (at < loaded.from || at >= loaded.to) {
      void this.refresh(); // the clock moved past the window (a PBX clock unlike ours): the next one is known
      return null;
    }
    const onDuty = desk === null ? NO_ONE_ROSTERED : loaded.onDuty(desk, at);
    if (onDuty === NO_ONE_ROSTERED) return { duty: NOBODY_ROSTERED, shiftEndsAt: null };
    const shift = loaded.shifts.find((s) => s.id === onDuty.shiftId)!;
    return { duty: dutyAttribution(shift, onDuty, (id) => loaded.names.get(id) ?? id), shiftEndsAt: shift.endsAt };
  }

  /** The shifts ending in [from, to) with who is accountable for them (swaps approved by their last instant); none while nothing is loaded. */
  shiftsEnding(from: Date, to: Date): { shift: Shift; duty: DutyAttribution }[] {
    const loaded = this.#loaded;
    if (!loaded) return [];
    return loaded.shifts
      .filter((s) => s.endsAt >= from && s.endsAt < to)
      .map((shift) => ({ shift, duty: dutyAttribution(shift, effectiveDuty(shift, loaded.swaps, new Date(shift.endsAt.getTime() - 1)), (id) => loaded.names.get(id) ?? id) }));
  }

  /** Loads the shifts of [from, to) once (for work on past times: the CLI's rebuild), instead of the window around the clock. */
  async loadWindow(from: Date, to: Date): Promise<void> {
    this.#loaded = await this.#load(from, to);
  }

  async #load(from: Date, to: Date): Promise<Loaded> {
    const shifts = await this.stores.rosters.listPublishedShifts(this.officeId, from, to);
    const swaps = shifts.length === 0 ? [] : await this.stores.swaps.listForShifts(this.officeId, shifts.map((s) => s.id));
    const officers = await this.stores.officers.list(this.officeId);
    return { shifts, swaps, onDuty: dutyLookup(shifts, swaps), names: new Map(officers.map((o) => [o.id, o.name])), from, to };
  }
}

/**
 * Calls rebuilt from the PBX's own event log (CEL, src/pbx/asterisk/cel-file-log.ts) for the
 * times duty-hotline was not watching: stopped, restarting, killed, or cut from AMI. Each call
 * that ended in the log goes through the same rules as a live one (replayCall over the rules'
 * `step`), marked on its timeline as rebuilt, and is stored with its records batch by batch
 * straight into the stores (the log itself is the durable copy: the position moves only once a
 * batch is stored, so a failed batch is read again by the next run; rebuilt calls raise no live
 * facts). A call is rebuilt only when the call log has no row for it, or one the live path could
 * not finish (in-progress, interrupted): one the live path saw to its end is never touched, and
 * a rebuilt one is not rebuilt again. Records are idempotent per call and type (recordOnce).
 *
 * Runs resume from the position stored per office and log (the high-water mark); a call this
 * process is following or still has a save queued for is left for the next run, and the position
 * is kept at its start so that run reads it again.
 */
import type { Logger } from 'pino';
import type { CallOutcome, CallSnapshot } from '../core/call/call-model.js';
import { replayCall } from '../core/call/call-replay.js';
import type { RulesContext } from '../core/call/call-rules.js';
import type { OfficeId } from '../core/office.js';
import type { PbxCallLog } from '../pbx/pbx-port.js';
import type { WatchStore } from '../watch/watch-store.js';
import type { DisciplineInput } from '../core/discipline/discipline-model.js';
import type { DisciplineStore } from '../discipline/discipline-store.js';
import type { CallStore } from './call-store.js';
import { readBesideOwnCalls, type OwnCalls } from './own-calls.js';

export const REBUILT_NOTE = "rebuilt from the PBX's event log (CEL): duty-hotline was not watching this call";

/** Outcomes of a row the live path could not finish: the log's account replaces them. */
const UNFINISHED: ReadonlySet<CallOutcome> = new Set(['in-progress', 'interrupted']);

export interface CallRebuildOptions extends OwnCalls {
  officeId: OfficeId;
  log: PbxCallLog;
  positions: Pick<WatchStore, 'logPosition' | 'setLogPosition'>;
  calls: Pick<CallStore, 'outcomesOf' | 'saveMany'>;
  records: Pick<DisciplineStore, 'recordMany'>;
  rules: RulesContext;
  now: () => Date;
  logger: Logger;
}

export interface RebuildReport {
  /** Calls that ended in the part of the log read. */
  read: number;
  rebuilt: number;
  records: number;
  /** Seen live (stored whole), or this process's own for now. */
  skipped: number;
  position: number;
}

export class CallRebuild {
  #running: Promise<RebuildReport> | undefined;

  constructor(private readonly opts: CallRebuildOptions) {}

  /**
   * One run to the end of the log (a run already going is joined, not doubled). With a range
   * (on demand: `duty-hotline calls rebuild`), the whole log is read for the calls offered in
   * [from, to) and the stored position is neither used nor moved.
   */
  run(options: { from?: Date; to?: Date; onProgress?: (report: RebuildReport) => void } = {}): Promise<RebuildReport> {
    this.#running ??= this.#run(options).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #run({ from: since, to: until, onProgress }: { from?: Date; to?: Date; onProgress?: (report: RebuildReport) => void }): Promise<RebuildReport> {
    const { officeId, log } = this.opts;
    const ranged = since !== undefined || until !== undefined;
    const inRange = (at: Date | undefined) => !ranged || (at !== undefined && (!since || at >= since) && (!until || at < until));
    const report: RebuildReport = { read: 0, rebuilt: 0, records: 0, skipped: 0, position: ranged ? 0 : await this.opts.positions.logPosition(officeId, log.source) };
    for (;;) {
      const from = report.position;
      const batch = await log.read(from);
      if (batch.skippedLines > 0) this.opts.logger.warn({ lines: batch.skippedLines, log: log.source }, 'lines of the PBX event log that are no CEL record were skipped');
      const { result: stored, own } = await readBesideOwnCalls(this.opts, () => this.opts.calls.outcomesOf(officeId, batch.calls.map((c) => c.callId)));
      const saves: CallSnapshot[] = [];
      const records: DisciplineInput[] = [];
      let next = batch.next;
      const inBatch = new Set<string>();
      for (const call of batch.calls) {
        if (!inRange(call.events[0]?.at)) continue;
        report.read++;
        // A call id the PBX handed out again (restarted with its clock set back): the call log holds one call per id.
        if (inBatch.has(call.callId)) {
          report.skipped++;
          continue;
        }
        inBatch.add(call.callId);
        if (own.has(call.callId)) {
          next = Math.min(next, call.position);
          report.skipped++;
          continue;
        }
        const outcome = stored.get(call.callId);
        if (outcome !== undefined && !UNFINISHED.has(outcome)) {
          report.skipped++;
          continue;
        }
        this.#rebuild(call.events, saves, records);
      }
      // Records first: a call stored whole is skipped by the next run, so its records must be in by then.
      report.records += await this.opts.records.recordMany(records);
      await this.opts.calls.saveMany(saves);
      report.rebuilt += saves.length;
      report.position = ranged ? batch.next : next;
      if (!ranged) await this.opts.positions.setLogPosition(officeId, log.source, next, this.opts.now());
      onProgress?.({ ...report });
      if (batch.done || report.position <= from) return report;
    }
  }

  /** The call as the rules end it, marked rebuilt, and its records (each in its last form: evidence to the call's end). */
  #rebuild(events: Parameters<typeof replayCall>[0], saves: CallSnapshot[], records: DisciplineInput[]): void {
    const { state, effects } = replayCall(events, this.opts.rules);
    if (!state?.ended) return;
    let last: CallSnapshot | undefined;
    const byType = new Map<string, DisciplineInput>();
    for (const effect of effects) {
      if (effect.kind === 'save') last = effect.call;
      else if (effect.kind === 'record') byType.set(effect.record.type, effect.record);
      else if (effect.kind === 'unreached') this.opts.logger.warn({ callId: effect.call.pbxCallId, outcome: effect.call.outcome }, 'a rebuilt call to the duty line reached nobody');
    }
    if (!last) return;
    const at = (last.endedAt ?? last.offeredAt).toISOString();
    saves.push({ ...last, timeline: [...last.timeline, { at, what: REBUILT_NOTE }] });
    records.push(...byType.values());
    this.opts.logger.info({ callId: last.pbxCallId, outcome: last.outcome, ringCount: last.ringCount }, 'call rebuilt from the PBX event log');
  }
}

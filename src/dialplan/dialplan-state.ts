/**
 * The generated dialplan's state for ops, as `dialplan diff` and `dialplan apply`'s check see it:
 * what would be rendered now from the office's schedule file and holiday calendar, against the
 * live PBX's generated folder (schedule.liveDir), and whether the PBX has every context of the
 * live files loaded (`dialplan show` over AMI: the caller gives the commands; the service runs
 * them over a connection of their own, the answer being larger than its event connection's frames).
 */
import { loadScheduleSetup, yearsToRender } from '../cli/cli-support.js';
import type { OfficeId } from '../core/office.js';
import type { PbxCommands } from '../pbx/pbx-port.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config/config-schema.js';
import { ApiError } from '../platform/http/errors.js';
import { diffDialplanFiles, liveDirOf, readConfFiles, renderDialplanFiles, type DialplanFile } from './dialplan-files.js';
import { parseDialplanShow, verifyLoaded } from './dialplan-verify.js';

/** A diff longer than this is cut (a first render's diff is the whole year's file). */
export const DIFF_MAX_LINES = 400;

export interface DialplanFileState {
  name: string;
  /** In the live folder. */
  live: boolean;
  /** Would be rendered now. */
  rendered: boolean;
  added: number;
  removed: number;
  /** diff -u, live → rendered, at most DIFF_MAX_LINES lines; '' when they are equal. */
  diff: string;
  diffTruncated: boolean;
}

export interface DialplanState {
  scheduleFile: string;
  liveDir: string;
  /** The years rendered (every year the calendar has from this year on, or schedule.years). */
  years: number[];
  /** Why nothing could be rendered (a broken schedule file, a year without calendar data); null when rendered. */
  renderError: string | null;
  /** The live folder holds exactly what would be rendered now. */
  upToDate: boolean;
  files: DialplanFileState[];
  pbx: {
    /** The PBX was asked (`dialplan show`). */
    checked: boolean;
    /** Why it could not be asked. */
    error: string | null;
    /** Contexts of the live files missing or incomplete in what the PBX loaded, Dial()s that leave the PBX. */
    problems: string[];
  };
}

export interface DialplanStateDeps {
  config: Config;
  /** The office's schedule file and its PBX's commands; null for an office not configured. */
  officeOf: (officeId: OfficeId) => { scheduleFile: string; pbx: PbxCommands } | null;
  clock: Pick<Clock, 'now'>;
}

export async function dialplanState(deps: DialplanStateDeps, officeId: OfficeId): Promise<DialplanState> {
  const office = deps.officeOf(officeId);
  if (!office) throw new ApiError('CONFLICT', `office ${officeId} is not configured on this service`);
  const liveDir = liveDirOf(deps.config);
  const live = await readConfFiles(liveDir).catch((err: Error) => err);
  let rendered: DialplanFile[] = [];
  let years: number[] = [];
  let renderError: string | null = null;
  try {
    const setup = await loadScheduleSetup({ ...deps.config, schedule: { ...deps.config.schedule, file: office.scheduleFile } });
    years = yearsToRender(setup, deps.clock.now());
    rendered = renderDialplanFiles(setup, years);
  } catch (err) {
    renderError = (err as Error).message;
  }
  const liveFiles = live instanceof Error ? [] : live;
  if (live instanceof Error) renderError = [renderError, live.message].filter(Boolean).join('; ');

  const files = diffDialplanFiles(liveFiles, rendered, { liveDir, years }).map(({ name, live, rendered, diff, added, removed }): DialplanFileState => {
    const lines = diff.split('\n');
    return { name, live: live !== undefined, rendered: rendered !== undefined, added, removed, diff: lines.slice(0, DIFF_MAX_LINES).join('\n'), diffTruncated: lines.length > DIFF_MAX_LINES };
  });

  const pbx: DialplanState['pbx'] = { checked: false, error: null, problems: [] };
  try {
    pbx.problems = verifyLoaded(liveFiles, parseDialplanShow(await office.pbx.command('dialplan show')));
    pbx.checked = true;
  } catch (err) {
    pbx.error = (err as Error).message;
  }
  return {
    scheduleFile: office.scheduleFile,
    liveDir,
    years,
    renderError,
    upToDate: renderError === null && files.every((f) => f.added + f.removed === 0),
    files,
    pbx,
  };
}

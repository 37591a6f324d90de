import type { OfficeId } from '../office.js';

/** Why duty-hotline was not watching an office's PBX for a while. */
export const WATCH_GAP_REASONS = ['service-down', 'ami-disconnected'] as const;
export type WatchGapReason = (typeof WATCH_GAP_REASONS)[number];

export const WATCH_GAP_LABELS: Readonly<Record<WatchGapReason, string>> = {
  'service-down': '服务未运行',
  'ami-disconnected': '与交换机断开',
};

/**
 * A period when duty-hotline was not watching an office's PBX: calls then may be missing from
 * the call log, so a quiet stretch in a report is not a clean one. `to` null: still going on.
 */
export interface WatchGap {
  officeId: OfficeId;
  from: Date;
  to: Date | null;
  reason: WatchGapReason;
}

/** Gaps shorter than this are not recorded: a reconnect within a second or two loses nothing the PBX's own retries would not cover. */
export const MIN_RECORDED_GAP_MS = 2000;

/**
 * What a start finds and records: the last run's open gaps end at its last heartbeat (it died
 * then, or soon after), and from that heartbeat until this start no one was watching. No
 * heartbeat: this office was never watched before, so no gap.
 */
export function gapsAtStart(officeId: OfficeId, lastBeat: Date | null, startedAt: Date): { closeOpenAt: Date | null; serviceDown: WatchGap | null } {
  if (!lastBeat) return { closeOpenAt: null, serviceDown: null };
  const down = startedAt.getTime() - lastBeat.getTime() >= MIN_RECORDED_GAP_MS ? { officeId, from: lastBeat, to: startedAt, reason: 'service-down' as const } : null;
  return { closeOpenAt: lastBeat, serviceDown: down };
}

/** The gaps overlapping [from, to), each clipped to it (an open one runs to `to`), oldest first. */
export function clipGaps(gaps: readonly WatchGap[], from: Date, to: Date): (WatchGap & { to: Date })[] {
  return gaps
    .filter((g) => g.from < to && (g.to === null || g.to > from))
    .map((g) => ({ ...g, from: g.from < from ? from : g.from, to: g.to === null || g.to > to ? to : g.to }))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * The periods duty-hotline was not watching the PBX (WatchGap), as a report of a window shows
 * them: clipped to the window, an open gap (to null) running to the window's end or `now`,
 * whichever comes first; and how much of each day they cover (their union: two gaps at once count once).
 */
import { WATCH_GAP_LABELS, type WatchGap, type WatchGapReason } from '../watch/watch-gap.js';

export interface NotWatching {
  from: Date;
  to: Date;
  reason: WatchGapReason;
  /** The reason as officers read it (服务未运行, 与交换机断开). */
  label: string;
  /** Still going on when the report was made (its `to` is then the report's end or now). */
  open: boolean;
}

export interface Window {
  from: Date;
  to: Date;
}

/** The gaps overlapping [window.from, min(window.to, now)), clipped, oldest first. */
export function notWatchingIn(gaps: readonly Pick<WatchGap, 'from' | 'to' | 'reason'>[], window: Window, now: Date): NotWatching[] {
  const end = Math.min(window.to.getTime(), now.getTime());
  const periods: NotWatching[] = [];
  for (const gap of gaps) {
    const from = Math.max(gap.from.getTime(), window.from.getTime());
    const to = Math.min(gap.to?.getTime() ?? end, window.to.getTime());
    if (from < to) periods.push({ from: new Date(from), to: new Date(to), reason: gap.reason, label: WATCH_GAP_LABELS[gap.reason], open: gap.to === null });
  }
  return periods.sort((a, b) => a.from.getTime() - b.from.getTime() || a.to.getTime() - b.to.getTime());
}

/** Milliseconds of `window` covered by at least one of `periods` (sorted by from, as notWatchingIn gives them). */
export function coveredMs(periods: readonly Window[], window: Window): number {
  let total = 0;
  let reached = window.from.getTime();
  for (const p of periods) {
    const from = Math.max(p.from.getTime(), reached);
    const to = Math.min(p.to.getTime(), window.to.getTime());
    if (from < to) {
      total += to - from;
      reached = to;
    }
  }
  return total;
}

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

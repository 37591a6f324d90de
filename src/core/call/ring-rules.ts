/**
 * Ring arithmetic: the duty desk must answer within N rings (000 §二.2, 002 §二(五):
 * 电话铃响三声无人接听视为离岗). Rings are counted from the desk leg's first Ringing,
 * on the PBX's clock, with the country's cadence (China: 1 s on, 4 s off — a ring every 5 s).
 */
export interface RingRules {
  /** How many unanswered rings make an absence (default 3). */
  threshold: number;
  /** Ring cadence: tone on, then silence. One ring lasts onMs + offMs. */
  cadence: { onMs: number; offMs: number };
}

export const CHINA_RING_RULES: RingRules = { threshold: 3, cadence: { onMs: 1000, offMs: 4000 } };

export function ringPeriodMs(rules: RingRules): number {
  return rules.cadence.onMs + rules.cadence.offMs;
}

/** The ring in progress at `at` (1 = the first ring). Before ringing began: 0. */
export function ringNumberAt(rules: RingRules, ringingSince: Date, at: Date): number {
  const elapsed = at.getTime() - ringingSince.getTime();
  if (elapsed < 0) return 0;
  return Math.floor(elapsed / ringPeriodMs(rules)) + 1;
}

/** The moment the N-th ring is over: from then on the call is an absence if still unanswered. */
export function absenceDeadline(rules: RingRules, ringingSince: Date): Date {
  return new Date(ringingSince.getTime() + rules.threshold * ringPeriodMs(rules));
}

/** Start time of each ring 1..count. */
export function ringTimes(rules: RingRules, ringingSince: Date, count: number): Date[] {
  const period = ringPeriodMs(rules);
  return Array.from({ length: count }, (_, i) => new Date(ringingSince.getTime() + i * period));
}

/**
 * The duty subsidy (值班补助, 000 §三.2): paid in full (全额发放) to whoever kept duty by the rules,
 * withheld (扣发) for an absence (离岗) or a major mistake (重大失误). The policy is config-shaped plain
 * data; every amount is in fen (分, a whole number: 1 yuan = 100 fen), so sums stay exact.
 */
import { MISTAKE_KINDS, type MistakeKind } from '../discipline/discipline-model.js';

/** Money in fen (分): a whole number, 1 yuan = 100 fen. */
export type Fen = number;

export const SUBSIDY_BASES = ['duty-day', 'shift'] as const;
export type SubsidyBasis = (typeof SUBSIDY_BASES)[number];

export interface SubsidyPolicy {
  /** What one unit is paid for: a duty day (a distinct office-local date with a shift) or each shift. */
  basis: SubsidyBasis;
  amountPerUnit: Fen;
  deductions: {
    /** Per confirmed absence (离岗). */
    absence: Fen;
    /** Per confirmed mistake (失误) whose kind has no amount below, and per mistake without a kind. */
    mistake: Fen;
    /** Per confirmed mistake of that kind, instead of `mistake` (0: that kind withholds nothing). */
    mistakeByKind?: Partial<Record<MistakeKind, Fen>>;
  };
  /** true: the net stops at 0 (扣发 withholds the subsidy, it does not charge the officer). */
  floorAtZero: boolean;
}

/**
 * PLACEHOLDER amounts: the seeds name none. 50 yuan a duty day; an absence withholds one day's
 * subsidy, an unreported major incident (未报告, the seeds' 重大失误) too; any other mistake 20 yuan.
 * Each office configures its own.
 */
export const DEFAULT_SUBSIDY_POLICY: SubsidyPolicy = {
  basis: 'duty-day',
  amountPerUnit: 5000,
  deductions: { absence: 5000, mistake: 2000, mistakeByKind: { 'unreported-incident': 5000 } },
  floorAtZero: true,
};

/** A mistake's kind as tallied: 'unspecified' for a mistake raised without one. */
export const MISTAKE_KEYS = [...MISTAKE_KINDS, 'unspecified'] as const;
export type MistakeKey = (typeof MISTAKE_KEYS)[number];

/** 1,000,000 yuan: above it an amount is a typo, and below it every month's sum stays an exact integer. */
export const MAX_FEN = 100_000_000;

/** What is wrong with `value` as a subsidy policy, a sentence each; empty: it is one. */
export function validateSubsidyPolicy(value: unknown): string[] {
  if (!isObject(value)) return ['the subsidy policy must be an object'];
  const problems: string[] = [];
  unknownKeys(value, ['basis', 'amountPerUnit', 'deductions', 'floorAtZero'], '', problems);
  if (!(SUBSIDY_BASES as readonly unknown[]).includes(value.basis)) problems.push(`basis must be one of ${SUBSIDY_BASES.join(', ')}, not ${shown(value.basis)}`);
  checkFen(value.amountPerUnit, 'amountPerUnit', problems);
  const d = value.deductions;
  if (!isObject(d)) problems.push(`deductions must be an object, not ${shown(d)}`);
  else {
    unknownKeys(d, ['absence', 'mistake', 'mistakeByKind'], 'deductions.', problems);
    checkFen(d.absence, 'deductions.absence', problems);
    checkFen(d.mistake, 'deductions.mistake', problems);
    const byKind = d.mistakeByKind;
    if (byKind !== undefined && !isObject(byKind)) problems.push(`deductions.mistakeByKind must be an object, not ${shown(byKind)}`);
    else if (byKind !== undefined) {
      for (const [kind, amount] of Object.entries(byKind)) {
        if (!(MISTAKE_KINDS as readonly string[]).includes(kind)) problems.push(`deductions.mistakeByKind: ${kind} is not a mistake kind (${MISTAKE_KINDS.join(', ')})`);
        else checkFen(amount, `deductions.mistakeByKind.${kind}`, problems);
      }
    }
  }
  if (typeof value.floorAtZero !== 'boolean') problems.push(`floorAtZero must be true or false, not ${shown(value.floorAtZero)}`);
  return problems;
}

export interface Subsidy {
  /** units × amountPerUnit. */
  base: Fen;
  /** Everything the confirmed records withhold, in full (even beyond the base). */
  deductions: Fen;
  /** base − deductions, at least 0 when the policy floors it. */
  net: Fen;
}

/** An officer's subsidy for the month, from what they worked and their confirmed records. */
export function subsidyOf(
  policy: SubsidyPolicy,
  worked: { dutyDays: number; shifts: number },
  confirmed: { absences: number; mistakes: Readonly<Record<MistakeKey, number>> },
): Subsidy {
  const base = (policy.basis === 'duty-day' ? worked.dutyDays : worked.shifts) * policy.amountPerUnit;
  let deductions = confirmed.absences * policy.deductions.absence;
  for (const key of MISTAKE_KEYS) deductions += confirmed.mistakes[key] * mistakeDeduction(policy, key);
  const net = base - deductions;
  return { base, deductions, net: policy.floorAtZero ? Math.max(0, net) : net };
}

function mistakeDeduction(policy: SubsidyPolicy, key: MistakeKey): Fen {
  return (key === 'unspecified' ? undefined : policy.deductions.mistakeByKind?.[key]) ?? policy.deductions.mistake;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], prefix: string, problems: string[]): void {
  for (const key of Object.keys(value)) if (!known.includes(key)) problems.push(`${prefix}${key} is not a setting of the subsidy policy`);
}

function checkFen(value: unknown, field: string, problems: string[]): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_FEN) {
    problems.push(`${field} must be a whole number of fen (分, 1 yuan = 100 fen) from 0 to ${MAX_FEN}, not ${shown(value)}`);
  }
}

function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

import type { SubsidyPolicy } from '../core/tally/subsidy-rules.js';
import type { Config } from '../platform/config/config-schema.js';

/** The config's `subsidy` section as the tally's policy. */
export function subsidyPolicyOf(c: Config['subsidy']): SubsidyPolicy {
  return {
    basis: c.basis,
    amountPerUnit: c.amountPerUnitFen,
    deductions: { absence: c.absenceDeductionFen, mistake: c.mistakeDeductionFen, mistakeByKind: c.mistakeDeductionByKindFen },
    floorAtZero: c.floorAtZero,
  };
}

// Indonesian sentences for what the services say as stable codes: a rejected
// import row's reason (ImportRowError.code, listed in each importing
// service's README), a budget line's effect source and why it was or was not
// funded (BudgetLine.effect_source_code and reason_code, listed in
// services/scoring/README.md).  The services' English text (`reason`,
// `effectSource`) is never shown: a code this catalogue does not know gets
// a general Indonesian sentence.  Kept apart from the pages (no DOM) so that
// the mapping is unit-tested (explain.test.ts).
import { formatInteger, formatNumber, toNumber } from './format';
import { t } from './i18n/id';
import type { Int64 } from './types';

export interface ImportRowError {
  row?: string; line?: string; column?: number; field?: string; id?: string; reason?: string; code?: string;
}

/** A rejected row's reason in Indonesian, from its stable code. */
export function importReason(e: ImportRowError): string {
  const code = e.code ?? '';
  // A missing required item names its column when the file has one.
  if (code === 'MISSING_ITEM' && e.field) return t.imports.why.missingItem(e.field);
  return Object.hasOwn(t.imports.codes, code) ? t.imports.codes[code] : t.imports.why.other;
}

export interface BudgetLine {
  program: string; cohorts?: number; participants?: Int64; cost?: Int64; effectPerParticipant?: number;
  effectSource?: string; effectSourceCode?: string; effectCohorts?: number; effectPairs?: Int64;
  expectedImprovement?: number; improvementPerMillion?: number; reason?: string; reasonCode?: string;
}

/** Where a programme's expected effect comes from, in Indonesian, with its n. */
export function effectSource(line: BudgetLine): string {
  switch (line.effectSourceCode) {
    case 'EFFECT_MEASURED':
      return t.analysis.measured(formatInteger(line.effectCohorts ?? 0), formatInteger(toNumber(line.effectPairs)));
    case 'EFFECT_GIVEN': return t.analysis.given;
    case 'EFFECT_NOT_MEASURED': return t.analysis.noMeasure;
    default: return t.analysis.otherSource;
  }
}

/** Why a candidate was or was not funded, from the line's code (and, when
 * funded, its cohorts of the `maxCohorts` the organiser allowed). */
export function budgetReason(line: BudgetLine, maxCohorts: number): string {
  switch (line.reasonCode) {
    case 'FUNDED':
      return t.analysis.fundedReason(formatInteger(line.cohorts ?? 0), formatInteger(maxCohorts), formatNumber(line.improvementPerMillion ?? 0));
    case 'NO_EXPECTED_IMPROVEMENT': return t.analysis.noImprovement;
    case 'COHORT_OVER_BUDGET': return t.analysis.tooExpensive;
    case 'BETTER_COMBINATION': return t.analysis.betterCombination;
    default: return t.analysis.otherReason;
  }
}

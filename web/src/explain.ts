// Indonesian sentences for what the services say in English text without a
// stable code: a rejected import row's reason (ImportRowError.reason), a
// budget line's effect source and why it was or was not funded.  Kept apart
// from the pages (no DOM) so that the patterns are unit-tested
// (explain.test.ts) against the services' own wording.
import { formatInteger, formatNumber, toNumber } from './format';
import { t } from './i18n/id';
import type { Int64 } from './types';

export interface ImportRowError { row?: string; line?: string; column?: number; field?: string; id?: string; reason?: string }

/** A rejected row's reason in Indonesian, from the column it is about and
 * what the service said (the services give English text; the patterns
 * below are the reasons their READMEs list). */
export function importReason(e: ImportRowError): string {
  const r = e.reason ?? '';
  const f = e.field ?? '';
  const m = /has (\d+) fields, the header has (\d+)/.exec(r);
  if (m) return t.imports.why.fieldCount(m[1], m[2]);
  const range = /(-?\d+) is outside (-?\d+)\.\.(-?\d+)/.exec(r);
  if (range) return t.imports.why.outside(range[1], range[2], range[3]);
  if (/not enrolled/i.test(r)) return t.imports.why.notEnrolled;
  const item = /item ([^\s)]+)\)?: required item is missing/.exec(r);
  if (item) return t.imports.why.missingItem(item[1]);
  if (/own supervisor/i.test(r)) return t.imports.why.ownSupervisor;
  if (/supervisor/i.test(r) || f === 'supervisor_nip' || f === 'nip_atasan') return t.imports.why.supervisor;
  if (/NIP|18 digits/i.test(r) || f === 'nip' || f === 'subject_nip') return t.imports.why.nip;
  if (/unit/i.test(r) || f === 'unit' || f === 'kode_instansi') return t.imports.why.unit;
  if (/PNS or PPPK/.test(r) || f === 'employment_type') return t.imports.why.employmentType;
  if (f === 'grade') return t.imports.why.grade;
  if (/classification|klasifikasi/i.test(r) || f === 'klasifikasi') return t.imports.why.classification;
  if (/status has no time/i.test(r)) return t.imports.why.statusTime;
  if (/beyond the status/i.test(r)) return t.imports.why.beyondStatus;
  if (/before/i.test(r)) return t.imports.why.before;
  if (/status/i.test(r) || f === 'status') return t.imports.why.status;
  if (/time|date|parse/i.test(r) || f.startsWith('waktu') || f === 'submit_time') return t.imports.why.time;
  if (/not one of/i.test(r)) return t.imports.why.choice;
  if (/required|must not be empty|is empty|missing|must be set/i.test(r)) return t.imports.why.required;
  if (/expects|not a number/i.test(r)) return t.imports.why.type;
  if (/already|twice|duplicate/i.test(r)) return t.imports.why.duplicate;
  if (/longer than|at most/i.test(r)) return t.imports.why.tooLong;
  return t.imports.why.other;
}

export interface BudgetLine {
  program: string; cohorts?: number; participants?: Int64; cost?: Int64; effectPerParticipant?: number;
  effectSource?: string; expectedImprovement?: number; improvementPerMillion?: number; reason?: string;
}

/** Where a programme's expected effect comes from, in Indonesian, with its n. */
export function effectSource(s: string | undefined): string {
  const m = /of (\d+) cohort\(s\), n = (\d+) pairs/.exec(s ?? '');
  if (m) return t.analysis.measured(formatInteger(Number(m[1])), formatInteger(Number(m[2])));
  if (/given/.test(s ?? '')) return t.analysis.given;
  return t.analysis.noMeasure;
}

/** Why a candidate was or was not funded, from the line's figures. */
export function budgetReason(line: BudgetLine, funded: boolean, maxCohorts: number, budget: number): string {
  if (funded) return t.analysis.fundedReason(formatInteger(line.cohorts ?? 0), formatInteger(maxCohorts), formatNumber(line.improvementPerMillion ?? 0));
  if ((line.expectedImprovement ?? 0) <= 0) return t.analysis.noImprovement;
  if (toNumber(line.cost) > budget) return t.analysis.tooExpensive;
  return t.analysis.betterCombination;
}

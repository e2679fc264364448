// The head of agency's months from one BatchGetUnitMonths answer (complaint
// service): complaints per 1,000 transactions and the IKM of each month,
// computed from the month's SKM element sums as
// protos/pelita/complaint/v1/complaint.proto describes (PermenPANRB
// 14/2017): NRR_i = sum_i / answered_i, IKM = (Σ NRR_i / 9) x 25.  The
// category comes from the IKM rounded half up to two decimals exactly from
// the integer sums (as the service's IkmConvertedCents), never from a
// binary double: D ≤ 64,99 < C ≤ 76,60 < B ≤ 88,30 < A.
import { toNumber } from './format';
import type { Int64 } from './types';

export interface UnitMonth {
  unit?: string; period?: string; complaintsReceived?: Int64; monthlyServiceVolume?: Int64; transactions?: number;
  skmRespondents?: Int64; elementSums?: Int64[]; elementAnswered?: Int64[]; scoreSum?: number;
  scoreSumSquares?: number; skmWithheld?: boolean;
}

/** Why a month's IKM is not shown (keys of t.head.suppression). */
export type IkmWithheld = 'TOO_FEW_RESPONDENTS' | 'ELEMENT_TOO_FEW_ANSWERS' | 'NO_RESPONDENTS';

export interface MonthFigures {
  period: string;
  received: number;
  /** Complaints per 1,000 transactions; undefined without a service volume. */
  per1000?: number;
  respondents: number;
  /** The IKM (25–100) and its category, or why it is withheld. */
  ikm?: number;
  category?: string;
  withheld?: IkmWithheld;
}

const big = (v: Int64 | undefined) => BigInt(String(v ?? 0).split('.')[0] || '0');

/** The IKM in hundredths, rounded half up exactly: ⌊(5000·N + 9·D) / (18·D)⌋
 * with Σ sum_i / answered_i = N / D; null when an element has no answer. */
export function ikmCents(sums: Int64[], answered: Int64[]): number | null {
  if (sums.length !== 9 || answered.length !== 9) return null;
  let n = 0n;
  let d = 1n;
  for (let i = 0; i < 9; i++) {
    const a = big(answered[i]);
    if (a <= 0n) return null;
    // n/d + s/a = (n·a + s·d) / (d·a)
    n = n * a + big(sums[i]) * d;
    d *= a;
  }
  return Number((5000n * n + 9n * d) / (18n * d));
}

/** The IKM (25–100) as a number, from the same sums. */
export function ikmValue(sums: Int64[], answered: Int64[]): number | null {
  if (sums.length !== 9 || answered.length !== 9) return null;
  let total = 0;
  for (let i = 0; i < 9; i++) {
    const a = toNumber(answered[i]);
    if (a <= 0) return null;
    total += toNumber(sums[i]) / a;
  }
  return (total / 9) * 25;
}

export function ikmCategoryOfCents(cents: number): string {
  if (cents <= 6499) return 'D';
  if (cents <= 7660) return 'C';
  if (cents <= 8830) return 'B';
  return 'A';
}

/** One month's figures as the page shows them. */
export function monthFigures(m: UnitMonth): MonthFigures {
  const received = toNumber(m.complaintsReceived);
  const transactions = m.transactions ?? 0;
  const respondents = toNumber(m.skmRespondents);
  const out: MonthFigures = {
    period: m.period ?? '', received, respondents,
    per1000: transactions > 0 ? (received / transactions) * 1000 : undefined,
  };
  if (m.skmWithheld) {
    out.withheld = respondents === 0 ? 'NO_RESPONDENTS' : respondents < 5 ? 'TOO_FEW_RESPONDENTS' : 'ELEMENT_TOO_FEW_ANSWERS';
    return out;
  }
  const cents = ikmCents(m.elementSums ?? [], m.elementAnswered ?? []);
  const value = ikmValue(m.elementSums ?? [], m.elementAnswered ?? []);
  if (cents === null || value === null) {
    out.withheld = respondents === 0 ? 'NO_RESPONDENTS' : 'ELEMENT_TOO_FEW_ANSWERS';
    return out;
  }
  out.ikm = value;
  out.category = ikmCategoryOfCents(cents);
  return out;
}

import { describe, expect, it } from 'vitest';
import { ikmCategoryOfCents, ikmCents, ikmValue, monthFigures } from './ikm';

// Nine elements, each answered by `n` respondents with these sums.
const nine = (sum: number, n = 10) => ({ sums: Array(9).fill(String(sum)), answered: Array(9).fill(String(n)) });

describe('IKM from the SKM element sums', () => {
  it('is the mean of the nine NRR x 25', () => {
    // Every element 3.2 on average: IKM = 3.2 x 25 = 80.
    const { sums, answered } = nine(32);
    expect(ikmValue(sums, answered)).toBeCloseTo(80, 12);
    expect(ikmCents(sums, answered)).toBe(8000);
    // Elements answered by different numbers of respondents: NRR_i each.
    const s = ['40', '30', '20', '36', '27', '18', '44', '33', '22'];
    const a = ['10', '10', '10', '12', '9', '6', '11', '11', '11'];
    const nrr = s.map((v, i) => Number(v) / Number(a[i]));
    const want = (nrr.reduce((x, y) => x + y, 0) / 9) * 25;
    expect(ikmValue(s, a)).toBeCloseTo(want, 12);
    expect(ikmCents(s, a)).toBe(Math.floor(want * 100 + 0.5));
  });
  it('rounds half up exactly from the integers, where a double would not', () => {
    // Σ NRR = 23.3982 (9 x 2.5998) gives exactly 64.995: 65.00, category C.
    // 2.5998 = 12999 / 5000.
    const { sums, answered } = nine(12999, 5000);
    expect(ikmCents(sums, answered)).toBe(6500);
    expect(ikmCategoryOfCents(ikmCents(sums, answered)!)).toBe('C');
    // The category bounds, in hundredths.
    expect(ikmCategoryOfCents(6499)).toBe('D');
    expect(ikmCategoryOfCents(7660)).toBe('C');
    expect(ikmCategoryOfCents(7661)).toBe('B');
    expect(ikmCategoryOfCents(8830)).toBe('B');
    expect(ikmCategoryOfCents(8831)).toBe('A');
  });
  it('has no value when an element has no answer or the sums are incomplete', () => {
    const { sums, answered } = nine(32);
    answered[4] = '0';
    expect(ikmCents(sums, answered)).toBeNull();
    expect(ikmValue(sums.slice(0, 8), answered.slice(0, 8))).toBeNull();
  });
});

describe('monthFigures', () => {
  it('gives complaints per 1,000 transactions and the IKM with its category', () => {
    const { sums, answered } = nine(32);
    const f = monthFigures({ period: '2026-03', complaintsReceived: '12', transactions: 4000, skmRespondents: '10',
      elementSums: sums, elementAnswered: answered });
    expect(f).toMatchObject({ period: '2026-03', received: 12, per1000: 3, respondents: 10, category: 'B' });
    expect(f.ikm).toBeCloseTo(80, 12);
    expect(f.withheld).toBeUndefined();
  });
  it('has no rate without a service volume', () => {
    expect(monthFigures({ period: '2026-03', complaintsReceived: '3', transactions: 0 }).per1000).toBeUndefined();
  });
  it('says why a withheld month has no IKM', () => {
    expect(monthFigures({ period: '2026-03', skmRespondents: '3', skmWithheld: true }).withheld).toBe('TOO_FEW_RESPONDENTS');
    expect(monthFigures({ period: '2026-03', skmRespondents: '30', skmWithheld: true }).withheld).toBe('ELEMENT_TOO_FEW_ANSWERS');
    expect(monthFigures({ period: '2026-03', skmRespondents: '0', skmWithheld: true }).withheld).toBe('NO_RESPONDENTS');
    const w = monthFigures({ period: '2026-03', skmRespondents: '30', skmWithheld: true });
    expect(w.ikm).toBeUndefined();
    expect(w.category).toBeUndefined();
  });
});

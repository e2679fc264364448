// @vitest-environment jsdom
// Component test of the report's charts (issue 16): the real ReportCharts,
// drawn by Observable Plot in jsdom's document, with a report shaped as
// scoring's GetCohortEvaluation answers (types.ts): each bar drawn is a
// figure given, at its length on the scale, labelled with its value in
// id-ID and its n; a withheld figure is not drawn and is listed with its
// reason in Indonesian; each chart has a text alternative; the SVG has no
// inline style for the gateway's CSP to refuse.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../i18n/id';
import type { Evaluation } from '../types';
import ReportCharts, { niceCeil, ResultsCharts } from './ReportCharts';

const evaluation: Evaluation = {
  name: 'tenants/1504/programs/pelayanan-publik-2026/cohorts/angkatan-01/evaluation',
  programTitle: 'Pelayanan Publik Prima', enrolled: '30', completed: '28', minN: 5,
  reaction: {
    dimensions: [
      { dimension: 'materi', score: { value: 75.25, n: '26' } },
      { dimension: 'instruktur', score: { value: 74.04, n: '26' } },
      { dimension: 'fasilitas', score: { withheld: true, n: '3', reason: 'below minimum n', reasonCode: 'BELOW_MIN_N' } },
      { dimension: 'penyelenggaraan', score: { value: 69.2, n: '25' } },
    ],
    overall: { value: 72.8, n: '26' }, responseRate: { value: 0.9286, n: '28' },
  },
  learning: { pairs: { value: 27, n: '27' }, meanPre: { value: 48.9, n: '27' }, meanPost: { value: 68.15, n: '27' },
    meanGain: { value: 19.25, n: '27' } },
};

/** Plot's frame in jsdom (no layout: the chart's default 640 px width,
 * less its left and right margins): the length of a full bar. */
const FRAME = 640 - 8 - 44;

/** The bars drawn in a chart: label, value and n, the length of the bar
 * (its width in px), its top, and the texts written in its row, found by
 * their place: the category label just above the bar, the value at its end. */
function bars(chart: HTMLElement) {
  const texts = (cls: string) => [...chart.querySelectorAll(`svg g.${cls} text`)].map((x) => ({
    text: x.textContent, ...position(x) }));
  const categories = texts('chart-category');
  const values = texts('chart-value');
  return [...chart.querySelectorAll('svg g.chart-bars rect')].map((r) => {
    const x = Number(r.getAttribute('x'));
    const y = Number(r.getAttribute('y'));
    const width = Number(r.getAttribute('width'));
    const height = Number(r.getAttribute('height'));
    return {
      label: r.getAttribute('data-label'), value: Number(r.getAttribute('data-value')), n: Number(r.getAttribute('data-n')), width,
      category: categories.find((c) => c.y < y && c.y > y - 20 && Math.abs(c.x - x) < 1)?.text,
      shown: values.find((v) => v.y > y && v.y < y + height && v.x > x + width && v.x < x + width + 10)?.text,
    };
  });
}

/** Where a text of a Plot mark sits: its transform plus its group's. */
function position(el: Element) {
  const at = (e: Element | null) => /translate\(([-\d.]+),([-\d.]+)\)/.exec(e?.getAttribute('transform') ?? '')?.slice(1).map(Number) ?? [0, 0];
  const [x1, y1] = at(el);
  const [x2, y2] = at(el.parentElement);
  return { x: x1 + x2, y: y1 + y2 };
}

describe('ReportCharts', () => {
  afterEach(cleanup);

  it('draws each shown L1 figure at its length, labelled with its value and n', () => {
    render(<ReportCharts evaluation={evaluation} />);
    const l1 = screen.getByTestId('chart-l1');
    const drawn = bars(l1);
    expect(drawn.map((b) => [b.label, b.value, b.n])).toEqual([
      ['Materi', 75.25, 26], ['Instruktur', 74.04, 26], ['Penyelenggaraan', 69.2, 25]]);
    // Lengths on the 0–100 scale: proportional to the values, 100 a full bar.
    const perPoint = drawn.map((b) => b.width / b.value);
    for (const r of perPoint) expect(r).toBeCloseTo(perPoint[0], 6);
    expect(perPoint[0] * 100).toBeCloseTo(FRAME, 6);
    // Values in id-ID, one decimal, rounded half away from zero; n beside the label.
    expect(drawn.map((b) => b.shown)).toEqual(['75,3', '74,0', '69,2']);
    expect(drawn.map((b) => b.category)).toEqual(['Materi (n 26)', 'Instruktur (n 26)', 'Penyelenggaraan (n 25)']);
    // The scale's ticks: 0 to 100.
    expect([...l1.querySelectorAll('.chart-ticks text')].map((x) => x.textContent)).toEqual(['0', '25', '50', '75', '100']);
  });

  it('does not draw a withheld figure and says why in Indonesian', () => {
    render(<ReportCharts evaluation={evaluation} />);
    const l1 = screen.getByTestId('chart-l1');
    expect(bars(l1).some((b) => b.label === 'Fasilitas')).toBe(false);
    expect(l1.querySelector('svg')!.textContent).not.toContain('Fasilitas');
    const list = within(l1).getByRole('list', { name: t.report.chartWithheld });
    expect(list.textContent).toBe(`Fasilitas tidak digambar (n 3): ${t.figureReasons.BELOW_MIN_N}`);
    expect(list.textContent).toContain('Responden terlalu sedikit');
    expect(list.textContent).not.toContain('below minimum n');  // scoring's English text is never shown
  });

  it('gives each chart a text alternative with every value and n', () => {
    render(<ReportCharts evaluation={evaluation} />);
    const l1 = screen.getByRole('img', { name: /^Grafik skor reaksi per dimensi:/ });
    expect(l1.getAttribute('aria-label')).toBe(
      `${t.report.chartL1}: Materi 75,3 (n 26); Instruktur 74,0 (n 26); Penyelenggaraan 69,2 (n 25)`);
    const l2 = screen.getByRole('img', { name: /^Grafik rata-rata pra-tes dan pasca-tes:/ });
    expect(l2.getAttribute('aria-label')).toBe(`${t.report.chartL2}: Pra-tes 48,9 (n 27); Pasca-tes 68,2 (n 27)`);
    expect(screen.getByText(t.report.chartL1).tagName).toBe('FIGCAPTION');
    expect(l1.getAttribute('aria-describedby')).toBe(screen.getByText(t.report.chartL1).id);
    // Inside the image, nothing else is named (Plot's own labels are English).
    expect(l1.querySelectorAll('[aria-label]').length).toBe(0);
  });

  it('leaves no inline style in the SVG for the CSP (style-src \'self\') to refuse', () => {
    const { container } = render(<ReportCharts evaluation={evaluation} />);
    expect(container.querySelectorAll('svg').length).toBe(2);
    expect(container.querySelectorAll('style').length).toBe(0);
    expect(container.querySelectorAll('[style]').length).toBe(0);
    for (const svg of container.querySelectorAll('svg')) expect(svg.getAttribute('class')).toBe('chart-plot');
  });

  it('draws L2 pre and post on a scale that holds both, and thousands in id-ID', () => {
    const big: Evaluation = { name: evaluation.name, learning: { meanPre: { value: 1234.5, n: '1234' }, meanPost: { value: 1800, n: '1234' } } };
    render(<ReportCharts evaluation={big} />);
    const l2 = screen.getByTestId('chart-l2');
    const [pre, post] = bars(l2);
    expect([pre.shown, post.shown]).toEqual(['1.234,5', '1.800,0']);
    expect(pre.category).toBe('Pra-tes (n 1.234)');
    expect(pre.width / post.width).toBeCloseTo(1234.5 / 1800, 3);
    expect([...l2.querySelectorAll('.chart-ticks text')].map((x) => x.textContent)).toEqual(['0', '500', '1.000', '1.500', '2.000']);
    expect(screen.queryByTestId('chart-l1')).toBeNull();
  });

  it('draws no chart when every figure is withheld, but lists them all with their reasons', () => {
    const none: Evaluation = { name: evaluation.name, reaction: { dimensions: [
      { dimension: 'materi', score: { withheld: true, n: '2', reasonCode: 'BELOW_MIN_N' } },
      { dimension: 'instruktur', score: { withheld: true, n: '0', reasonCode: 'DATA_ABSENT' } }] } };
    render(<ReportCharts evaluation={none} />);
    const l1 = screen.getByTestId('chart-l1');
    expect(l1.querySelector('svg')).toBeNull();
    expect(within(l1).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      `Materi tidak digambar (n 2): ${t.figureReasons.BELOW_MIN_N}`,
      `Instruktur tidak digambar (n 0): ${t.figureReasons.DATA_ABSENT}`]);
  });

  it('renders nothing for a report without L1 and L2 figures', () => {
    const { container } = render(<ReportCharts evaluation={{ name: evaluation.name, enrolled: '0' }} />);
    expect(container.innerHTML).toBe('');
  });

  it('rounds the scale up to a nice number', () => {
    expect([niceCeil(68.15), niceCeil(100), niceCeil(1800), niceCeil(0.3), niceCeil(0)]).toEqual([100, 100, 2000, 0.5, 1]);
  });

  it('draws the L2 distribution as paired columns per band, each at its count, with n and a table of the counts', () => {
    const pre = [0, 1, 3, 5, 8, 6, 3, 1, 0, 0];
    const post = [0, 0, 0, 1, 2, 5, 8, 6, 3, 2];
    const withDist: Evaluation = { name: evaluation.name, learning: { ...evaluation.learning, distribution: { n: '27',
      bands: pre.map((p, i) => ({ lower: i * 10, upper: i * 10 + 10, pre: String(p), post: String(post[i]) })) } } };
    render(<ReportCharts evaluation={withDist} />);
    const chart = screen.getByTestId('chart-l2-dist');
    const rects = [...chart.querySelectorAll('svg g.chart-dist rect')];
    const of = (series: string) => rects.filter((r) => r.getAttribute('data-series') === series);
    expect(of('pre').map((r) => Number(r.getAttribute('data-value')))).toEqual(pre);
    expect(of('post').map((r) => Number(r.getAttribute('data-value')))).toEqual(post);
    expect(of('pre').map((r) => r.getAttribute('data-band'))).toEqual(pre.map((_, i) => `${i * 10}–${i * 10 + 10}`));
    expect(new Set(rects.map((r) => r.getAttribute('data-n')))).toEqual(new Set(['27']));
    // Heights proportional to the counts (the tallest, 8, reaches the scale's top).
    const h = (r: Element) => Number(r.getAttribute('height') ?? 0);
    const per = h(of('pre')[4]) / 8;
    expect(per).toBeGreaterThan(0);
    for (const [i, r] of of('post').entries()) expect(h(r)).toBeCloseTo(per * post[i], 6);
    // Pre left of post in each band.
    for (let i = 0; i < 10; i++) expect(Number(of('pre')[i].getAttribute('x'))).toBeLessThan(Number(of('post')[i].getAttribute('x')));
    expect(screen.getByText(t.report.distTitle('27')).tagName).toBe('FIGCAPTION');
    const img = within(chart).getByRole('img');
    expect(img.getAttribute('aria-label')).toContain(`${t.report.distTitle('27')}: 0–10: pra-tes 0, pasca-tes 0; 10–20: pra-tes 1, pasca-tes 0`);
    expect(img.getAttribute('aria-label')).toContain('60–70: pra-tes 3, pasca-tes 8');
    expect(img.querySelectorAll('[aria-label]').length).toBe(0);
    const rows = [...within(chart).getByTestId('dist-table').querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(rows[6]).toEqual(['60–70', '3', '8']);
    expect(rows.length).toBe(10);
    expect(chart.querySelectorAll('style, [style]').length).toBe(0);
  });

  it('does not draw a withheld L2 distribution and says why in Indonesian', () => {
    const withheld: Evaluation = { name: evaluation.name, learning: { distribution: { n: '3', withheld: true, reason: 'below min n', reasonCode: 'BELOW_MIN_N' } } };
    render(<ReportCharts evaluation={withheld} />);
    const chart = screen.getByTestId('chart-l2-dist');
    expect(chart.querySelector('svg')).toBeNull();
    expect(chart.textContent).toBe(t.report.distWithheld('3', t.figureReasons.BELOW_MIN_N));
    expect(chart.textContent).not.toContain('below min n');
  });

  const month = (period: string, inBefore: boolean, inAfter: boolean, tr: number | string, cr: number | string, ti: number | string, ci: number | string) => {
    const f = (v: number | string, n: string) => (typeof v === 'string' ? { withheld: true, n: '0', reasonCode: v } : { value: v, n });
    return { period, inBefore, inAfter, treatedComplaintRate: f(tr, '12'), controlComplaintRate: f(cr, '30'), treatedIkm: f(ti, '40'), controlIkm: f(ci, '90') };
  };
  const series = [
    month('2025-11', true, false, 2.5, 2.0, 70.5, 72),
    month('2025-12', true, false, 2.25, 'TOO_FEW_CONTROL_UNITS', 'BELOW_MIN_N', 73),
    month('2026-01', true, false, 2.75, 1.75, 71.25, 72.5),
    month('2026-02', false, false, 2.0, 1.9, 74, 73),
    month('2026-03', false, true, 'VOLUME_UNKNOWN', 1.8, 78.5, 72.75),
    month('2026-04', false, true, 1.25, 1.95, 80, 'DATA_ABSENT'),
  ];
  const l4: Evaluation = { name: evaluation.name, results: { series } };

  it('draws L4 lines per month for trained and comparison units, gaps as breaks not points, windows shaded', () => {
    render(<ResultsCharts evaluation={l4} />);
    const rate = screen.getByTestId('chart-l4-rate');
    const dots = (chart: HTMLElement, group: string) => [...chart.querySelectorAll(`svg g.chart-dots-${group} circle`)]
      .map((c) => [c.getAttribute('data-period'), Number(c.getAttribute('data-value')), Number(c.getAttribute('data-n'))]);
    expect(dots(rate, 'treated')).toEqual([['2025-11', 2.5, 12], ['2025-12', 2.25, 12], ['2026-01', 2.75, 12], ['2026-02', 2, 12], ['2026-04', 1.25, 12]]);
    expect(dots(rate, 'control')).toEqual([['2025-11', 2, 30], ['2026-01', 1.75, 30], ['2026-02', 1.9, 30], ['2026-03', 1.8, 30], ['2026-04', 1.95, 30]]);
    const ikm = screen.getByTestId('chart-l4-ikm');
    expect(dots(ikm, 'treated').map((d) => d[0])).toEqual(['2025-11', '2026-01', '2026-02', '2026-03', '2026-04']);
    expect(dots(ikm, 'control').map((d) => d[1])).toEqual([72, 73, 72.5, 73, 72.75]);
    // A gap breaks the line (a path with two pieces: M...L... M...), no point drawn at 0.
    const path = rate.querySelector('svg g.chart-line-treated path')!.getAttribute('d')!;
    expect(path.match(/M/g)!.length).toBe(2);
    const zeroY = Math.max(...[...rate.querySelectorAll('svg g.chart-dots circle')].map((c) => Number(c.getAttribute('cy'))));
    const rates = [2.5, 2.25, 2.75, 2, 1.25, 2, 1.75, 1.9, 1.8, 1.95];
    expect(rate.querySelectorAll('svg g.chart-dots circle').length).toBe(rates.length);
    // The lowest point drawn is the smallest value (1.25), not a 0.
    const lowest = [...rate.querySelectorAll('svg g.chart-dots circle')].find((c) => Number(c.getAttribute('cy')) === zeroY)!;
    expect(lowest.getAttribute('data-value')).toBe('1.25');
    // The windows: before over the first three months, after over the last two.
    const windows = [...rate.querySelectorAll('svg g.chart-window rect')];
    expect(windows.length).toBe(2);
    const xs = [...rate.querySelectorAll('svg g.chart-dots-treated circle')].map((c) => Number(c.getAttribute('cx')));
    const [before, after] = windows.map((w) => [Number(w.getAttribute('x')), Number(w.getAttribute('x')) + Number(w.getAttribute('width'))]);
    expect(before[0]).toBeLessThan(xs[0]); expect(before[1]).toBeGreaterThan(xs[2]); expect(before[1]).toBeLessThan(xs[3]);
    expect(after[0]).toBeGreaterThan(xs[3]); expect(after[1]).toBeGreaterThan(xs[4]);
    // Axis labels and months in Indonesian.
    expect(rate.querySelector('svg')!.textContent).toContain(t.report.rateAxis);
    expect(rate.querySelector('svg')!.textContent).toContain('Bulan');
    expect([...rate.querySelectorAll('.chart-ticks text')].map((x) => x.textContent)).toContain('Jan 2026');
    expect(ikm.querySelector('svg')!.textContent).toContain('IKM (25–100)');
    expect(rate.querySelectorAll('style, [style]').length).toBe(0);
  });

  it('lists every gap with its reason in Indonesian, and names each line chart in Indonesian', () => {
    render(<ResultsCharts evaluation={l4} />);
    const gaps = screen.getByRole('list', { name: t.report.gapsList });
    expect([...gaps.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      `Des 2025, pengaduan unit pembanding: ${t.figureReasons.TOO_FEW_CONTROL_UNITS}`,
      `Des 2025, IKM unit peserta: ${t.figureReasons.BELOW_MIN_N}`,
      `Mar 2026, pengaduan unit peserta: ${t.figureReasons.VOLUME_UNKNOWN}`,
      `Apr 2026, IKM unit pembanding: ${t.figureReasons.DATA_ABSENT}`]);
    const img = within(screen.getByTestId('chart-l4-rate')).getByRole('img');
    expect(img.getAttribute('aria-label')).toBe(`${t.report.rateChart}: masa sebelum Nov 2025 – Jan 2026, masa sesudah Mar 2026 – Apr 2026; `
      + 'Unit peserta: Nov 2025 2,5 (n 12), Des 2025 2,25 (n 12), Jan 2026 2,75 (n 12), Feb 2026 2 (n 12), Apr 2026 1,25 (n 12); '
      + 'Unit pembanding: Nov 2025 2 (n 30), Jan 2026 1,75 (n 30), Feb 2026 1,9 (n 30), Mar 2026 1,8 (n 30), Apr 2026 1,95 (n 30)');
    expect(img.getAttribute('aria-describedby')).toBe(screen.getByText(t.report.rateChart).id);
    expect(img.querySelectorAll('[aria-label]').length).toBe(0);
    expect(screen.getByText(t.report.trained).closest('ul')!.className).toBe('chart-legend');
  });

  it('says why the L4 lines are missing', () => {
    render(<ResultsCharts evaluation={{ name: evaluation.name, results: { seriesMissing: 'complaints unavailable', seriesMissingCode: 'RESULTS_UNAVAILABLE' } }} />);
    expect(screen.getByTestId('series-missing').textContent).toBe(t.report.seriesMissing(t.figureReasons.RESULTS_UNAVAILABLE));
    expect(document.querySelector('svg')).toBeNull();
  });
});

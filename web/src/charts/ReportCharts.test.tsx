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
import ReportCharts, { niceCeil } from './ReportCharts';

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
});

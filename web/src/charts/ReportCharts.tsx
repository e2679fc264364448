// The report's charts: L1 score per dimension and L2 pre/post means, drawn
// with Observable Plot (SVG: vector in the A4 print, text a screen reader
// can be given).  Bars run left to right, each under its label, so long
// Indonesian names such as "Penyelenggaraan" fit a 360 px phone; the chart
// is drawn at its box's width (measured, and again when the box changes
// width) and the stylesheet scales it to the box in print.
//
// Every bar is labelled with its value (id-ID) and its n; a withheld figure
// is not drawn, and is listed under the chart with its reason in
// Indonesian; each chart has a text alternative (role="img", aria-label)
// and a figcaption.
//
// The gateway's CSP allows no inline style (style-src 'self').  Plot puts a
// <style> element in each SVG it makes; it is taken out before the SVG is
// put in the page (a detached <style> is never applied, so never refused)
// and its two rules are in styles.css under the class given (.chart-plot).
import { useId, useLayoutEffect, useRef } from 'react';
import { axisX, barX, gridX, plot, text } from '@observablehq/plot';
import { formatInteger, formatScore, toNumber } from '../format';
import { t } from '../i18n/id';
import type { Evaluation, Figure } from '../types';

/** One bar of a chart: a figure with its label. */
export interface Bar { label: string; figure: Figure }

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^k) at or above v. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v - 1e-9 * p) return m * p;
  return 10 * p;
}

/** Why a figure is withheld, in Indonesian (scoring's reason_code). */
function reasonOf(f: Figure): string {
  return t.figureReasons[f.reasonCode ?? ''] ?? t.figureReasonUnknown;
}

/** A bar as drawn: its value, n and the texts written beside it. */
interface Drawn { label: string; value: number; n: number; category: string; shown: string }

/** The chart's layout in px: a row per bar (its label, then the bar under
 * it), the scale below; room on the right for the value at a full bar. */
const ROW = 40;
const BAR_TOP = 18;
const BAR_BOTTOM = 4;
const MARGIN = { top: 2, right: 44, bottom: 22, left: 8 };
/** Width drawn at when the box has none (jsdom, a hidden box). */
const DEFAULT_WIDTH = 640;

/** The SVG of a horizontal bar chart of `bars` on the scale 0..top, made by
 * Plot in `doc`, `width` px wide: ticks at quarters of the scale, each bar's
 * rect carrying data-label, data-value and data-n (the figure drawn). */
export function barChartSvg(bars: Drawn[], top: number, width: number, ariaLabel: string, doc: Document = document): SVGSVGElement {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((k) => k * top);
  const rows = bars.map((_, i) => i);
  const svg = plot({
    document: doc,
    className: 'chart-plot',
    width,
    height: MARGIN.top + MARGIN.bottom + ROW * bars.length,
    marginTop: MARGIN.top, marginRight: MARGIN.right, marginBottom: MARGIN.bottom, marginLeft: MARGIN.left,
    x: { domain: [0, top], clamp: true },
    y: { domain: rows, padding: 0, axis: null },
    marks: [
      gridX(ticks, { stroke: '#d0d0d0', strokeOpacity: 1, className: 'chart-grid' }),
      axisX(ticks, { tickFormat: (v: number) => formatScore(v).replace(/,0$/, ''), tickSize: 0, label: null, className: 'chart-ticks' }),
      barX(bars, {
        x: 'value', y: (_: Drawn, i: number) => i, insetTop: BAR_TOP, insetBottom: BAR_BOTTOM, fill: '#1d5fa8', className: 'chart-bars',
        // Each rect says which figure it draws (the e2e compares them with the API's).
        render(index, scales, values, dimensions, context, next) {
          const g = next!(index, scales, values, dimensions, context)!;
          g.querySelectorAll('rect').forEach((rect, j) => {
            const b = bars[index[j]];
            rect.setAttribute('data-label', b.label);
            rect.setAttribute('data-value', String(b.value));
            rect.setAttribute('data-n', String(b.n));
          });
          return g;
        },
      }),
      text(bars, { x: 0, y: (_: Drawn, i: number) => i, text: 'category', textAnchor: 'start', dy: BAR_TOP / 2 - ROW / 2 - 1, className: 'chart-category' }),
      text(bars, { x: 'value', y: (_: Drawn, i: number) => i, text: 'shown', textAnchor: 'start', dx: 4, dy: (BAR_TOP - BAR_BOTTOM) / 2, className: 'chart-value' }),
    ],
  }) as SVGSVGElement;
  svg.querySelector('style')?.remove();
  // The chart is one image to a screen reader, named in Indonesian (Plot's
  // own aria-labels, "bar", "x-axis tick", are English).
  svg.querySelectorAll('[aria-label]').forEach((el) => el.removeAttribute('aria-label'));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', ariaLabel);
  return svg;
}

/** A bar chart of figures with the same scale; `max` fixes the axis' top
 * (100 for 0–100 scores), otherwise it is the nice ceiling of the values. */
export function BarChart({ title, bars, max, testId }: { title: string; bars: Bar[]; max?: number; testId?: string }) {
  const captionId = useId();
  const box = useRef<HTMLDivElement>(null);
  const shown: Drawn[] = bars.filter((b) => !b.figure.withheld).map((b) => {
    const value = b.figure.value ?? 0;
    const n = toNumber(b.figure.n);
    return { label: b.label, value, n, category: `${b.label} (${t.report.chartN(formatInteger(n))})`, shown: formatScore(value) };
  });
  const withheld = bars.filter((b) => b.figure.withheld);
  const top = max ?? niceCeil(Math.max(0, ...shown.map((b) => b.value)));
  const alt = `${title}: ${shown.map((b) => t.report.chartBarAlt(b.label, b.shown, formatInteger(b.n))).join('; ')}`;
  const key = JSON.stringify([shown, top, alt]);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || shown.length === 0) return;
    let drawnAt = -1;
    const draw = () => {
      const width = Math.floor(el.clientWidth) || DEFAULT_WIDTH;
      if (width === drawnAt) return;
      drawnAt = width;
      const svg = barChartSvg(shown, top, width, alt, el.ownerDocument);
      svg.setAttribute('aria-describedby', captionId);
      el.replaceChildren(svg);
    };
    draw();
    const resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(draw);
    resized?.observe(el);
    return () => { resized?.disconnect(); el.replaceChildren(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, captionId]);

  return (
    <figure className="chart" data-testid={testId}>
      {shown.length > 0 && <div ref={box} className="chart-box" />}
      <figcaption id={captionId}>{title}</figcaption>
      {withheld.length > 0 && (
        <ul className="chart-withheld hint" aria-label={t.report.chartWithheld}>
          {withheld.map((b) => (
            <li key={b.label}>{t.report.chartWithheldItem(b.label, formatInteger(toNumber(b.figure.n)), reasonOf(b.figure))}</li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** L1: the reaction score (0–100) of each dimension. */
export function reactionBars(e: Evaluation): Bar[] {
  return (e.reaction?.dimensions ?? []).filter((d) => d.score)
    .map((d) => ({ label: t.report.dimensions[d.dimension] ?? d.dimension, figure: d.score! }));
}

/** L2: the mean pre-test and post-test scores. */
export function learningBars(e: Evaluation): Bar[] {
  const l = e.learning;
  return [
    ...(l?.meanPre ? [{ label: t.report.chartPre, figure: l.meanPre }] : []),
    ...(l?.meanPost ? [{ label: t.report.chartPost, figure: l.meanPost }] : []),
  ];
}

export default function ReportCharts({ evaluation: e }: { evaluation: Evaluation }) {
  const l1 = reactionBars(e);
  const l2 = learningBars(e);
  if (l1.length === 0 && l2.length === 0) return null;
  return (
    <section className="card report-section charts" aria-label={t.report.charts}>
      {l1.length > 0 && <BarChart title={t.report.chartL1} bars={l1} max={100} testId="chart-l1" />}
      {l2.length > 0 && <BarChart title={t.report.chartL2} bars={l2} testId="chart-l2" />}
    </section>
  );
}

// The report's charts: L1 score per dimension and L2 pre/post means, as
// plain SVG drawn by React in the same render as the report's tables (no
// chart library: ECharts took ~0.65 s at 4x CPU slowdown to draw these two
// small charts the first time a page did, see docs/BENCHMARKS.md).  Bars
// run left to right, each under its label; every coordinate is a
// percentage of the chart's box and text keeps its size, so one drawing
// fits a 360 px phone, a desktop and the A4 print (the stylesheet sets the
// box's height: .chart-canvas, .chart-short for one or two bars); the
// output is vector in print.
//
// Every bar is labelled with its value (id-ID) and its n; a withheld figure
// is not drawn, and is listed under the chart with its reason in
// Indonesian; each chart has a text alternative (role="img", aria-label).
import { useId } from 'react';
import { formatInteger, formatScore, toNumber } from '../format';
import { t } from '../i18n/id';
import type { Evaluation, Figure } from '../types';

/** One bar of a chart: a figure with its label. */
export interface Bar { label: string; figure: Figure }

/** The plot area inside the chart's box, in percent of its width and
 * height: bars run left to right, each under its label (long Indonesian
 * names such as "Penyelenggaraan" fit a 360 px phone), the value at the
 * bar's end, the scale below. */
const PLOT = { left: 1, right: 88, top: 1, bottom: 86 };

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^k) at or above v. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v - 1e-9 * p) return m * p;
  return 10 * p;
}

const pct = (x: number) => `${Math.round(x * 100) / 100}%`;

/** Why a figure is withheld, in Indonesian (scoring's reason_code). */
function reasonOf(f: Figure): string {
  return t.figureReasons[f.reasonCode ?? ''] ?? t.figureReasonUnknown;
}

/** A bar chart of figures with the same scale; `max` fixes the axis' top
 * (100 for 0–100 scores), otherwise it is the nice ceiling of the values. */
export function BarChart({ title, bars, max, testId }: { title: string; bars: Bar[]; max?: number; testId?: string }) {
  const captionId = useId();
  const shown = bars.filter((b) => !b.figure.withheld);
  const withheld = bars.filter((b) => b.figure.withheld);
  const top = max ?? niceCeil(Math.max(0, ...shown.map((b) => b.figure.value ?? 0)));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((k) => k * top);
  const x = (v: number) => PLOT.left + (Math.min(Math.max(v, 0), top) / top) * (PLOT.right - PLOT.left);
  const row = (PLOT.bottom - PLOT.top) / Math.max(shown.length, 1);
  const alt = shown.map((b) => t.report.chartBarAlt(b.label, formatScore(b.figure.value ?? 0), formatInteger(toNumber(b.figure.n))));
  return (
    <figure className="chart" data-testid={testId}>
      {shown.length > 0 && (
        <svg className={shown.length <= 2 ? 'chart-canvas chart-short' : 'chart-canvas'} role="img" aria-label={`${title}: ${alt.join('; ')}`} aria-describedby={captionId}
          xmlns="http://www.w3.org/2000/svg">
          {ticks.map((v) => (
            <g key={v} className="chart-tick">
              <line x1={pct(x(v))} x2={pct(x(v))} y1={pct(PLOT.top)} y2={pct(PLOT.bottom)} />
              <text x={pct(x(v))} y={pct(PLOT.bottom)} dy="1.2em" textAnchor={v === 0 ? 'start' : 'middle'}>{formatScore(v).replace(/,0$/, '')}</text>
            </g>
          ))}
          {shown.map((b, i) => {
            const v = b.figure.value ?? 0;
            const y0 = PLOT.top + row * i;
            return (
              <g key={b.label} className="chart-bar" data-label={b.label} data-value={v} data-n={toNumber(b.figure.n)}>
                <text className="chart-category" x={pct(PLOT.left)} y={pct(y0)} dy="1.1em">
                  {b.label} <tspan className="chart-n">({t.report.chartN(formatInteger(toNumber(b.figure.n)))})</tspan>
                </text>
                <rect x={pct(PLOT.left)} width={pct(x(v) - PLOT.left)} y={pct(y0 + row * 0.42)} height={pct(row * 0.45)} />
                <text className="chart-value" x={pct(x(v) + 1)} y={pct(y0 + row * 0.645)} dy="0.35em">{formatScore(v)}</text>
              </g>
            );
          })}
        </svg>
      )}
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

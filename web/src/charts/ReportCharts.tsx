// The report's charts: L1 score per dimension, L2 pre/post means and the
// pairs' pre/post distribution in ten bands, and L4's before/after lines
// (complaints per 1,000 transactions and IKM per month, trained against
// comparison units, the windows shaded, a month without data a break in
// the line, never a 0), drawn with Observable Plot (SVG: vector in the A4 print, text a screen reader
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
import { axisX, axisY, barX, dot, gridX, gridY, line, plot, rect, text } from '@observablehq/plot';
import { formatInteger, formatMonth, formatNumber, formatScore, toNumber } from '../format';
import { t } from '../i18n/id';
import type { Evaluation, Figure, ResultsMonth, ScoreDistribution } from '../types';

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
  return forThePage(svg, ariaLabel);
}

/** Plot's SVG made fit for the page: its <style> removed (CSP), one image
 * to a screen reader, named in Indonesian (Plot's own aria-labels, "bar",
 * "x-axis tick", are English). */
function forThePage(svg: SVGSVGElement, ariaLabel: string): SVGSVGElement {
  svg.querySelector('style')?.remove();
  svg.querySelectorAll('[aria-label]').forEach((el) => el.removeAttribute('aria-label'));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', ariaLabel);
  return svg;
}

/** The box a chart is drawn in, at its width (measured, and again when the
 * box changes width); `key` says when the drawing changes. */
function PlotBox({ draw, drawKey, captionId }: { draw: (width: number, doc: Document) => SVGSVGElement; drawKey: string; captionId: string }) {
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    let drawnAt = -1;
    const redraw = () => {
      const width = Math.floor(el.clientWidth) || DEFAULT_WIDTH;
      if (width === drawnAt) return;
      drawnAt = width;
      const svg = draw(width, el.ownerDocument);
      svg.setAttribute('aria-describedby', captionId);
      el.replaceChildren(svg);
    };
    redraw();
    const resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(redraw);
    resized?.observe(el);
    return () => { resized?.disconnect(); el.replaceChildren(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [drawKey, captionId]);
  return <div ref={box} className="chart-box" />;
}

/** A bar chart of figures with the same scale; `max` fixes the axis' top
 * (100 for 0–100 scores), otherwise it is the nice ceiling of the values. */
export function BarChart({ title, bars, max, testId }: { title: string; bars: Bar[]; max?: number; testId?: string }) {
  const captionId = useId();
  const shown: Drawn[] = bars.filter((b) => !b.figure.withheld).map((b) => {
    const value = b.figure.value ?? 0;
    const n = toNumber(b.figure.n);
    return { label: b.label, value, n, category: `${b.label} (${t.report.chartN(formatInteger(n))})`, shown: formatScore(value) };
  });
  const withheld = bars.filter((b) => b.figure.withheld);
  const top = max ?? niceCeil(Math.max(0, ...shown.map((b) => b.value)));
  const alt = `${title}: ${shown.map((b) => t.report.chartBarAlt(b.label, b.shown, formatInteger(b.n))).join('; ')}`;
  const key = JSON.stringify([shown, top, alt]);

  return (
    <figure className="chart" data-testid={testId}>
      {shown.length > 0 && <PlotBox drawKey={key} captionId={captionId} draw={(width, doc) => barChartSvg(shown, top, width, alt, doc)} />}
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

/** Plot's axis label, without the arrow it adds to continuous scales. */
const AXIS = { labelArrow: 'none' as const, tickSize: 0, className: 'chart-ticks' };
/** Colours (the post-test and the trained units in the primary colour). */
const PRIMARY = '#1d5fa8';
const SECOND = '#b35c00';
const PRE = '#8fb3dc';

/** A step of 1, 2, 2.5, 5 × 10^k (whole numbers when `whole`) that cuts 0..max in about four. */
function tickStep(max: number, whole: boolean): number {
  const step = niceCeil(max / 4);
  return whole ? Math.max(1, Math.ceil(step)) : step;
}
/** Every k-th of `count` ticks, k so that labels of about `labelPx` fit `framePx`. */
function everyKth(count: number, framePx: number, labelPx: number): number[] {
  const k = Math.max(1, Math.ceil((count * labelPx) / Math.max(1, framePx)));
  return Array.from({ length: count }, (_, i) => i).filter((i) => i % k === 0);
}

/** One band of the L2 distribution as drawn. */
export interface BandDrawn { band: string; lower: number; pre: number; post: number }

/** The L2 distribution's bands (empty when withheld). */
export function distributionBands(d: ScoreDistribution | undefined): BandDrawn[] {
  if (!d || d.withheld) return [];
  return (d.bands ?? []).map((b) => ({ band: `${b.lower ?? 0}–${b.upper ?? 0}`, lower: b.lower ?? 0, pre: toNumber(b.pre), post: toNumber(b.post) }));
}

const DIST_MARGIN = { top: 22, right: 8, bottom: 42, left: 36 };

/** Paired columns per band, pre-test then post-test, each rect carrying
 * data-band, data-series (pre/post), data-value (its count) and data-n. */
export function distributionSvg(bands: BandDrawn[], n: number, width: number, ariaLabel: string, doc: Document = document): SVGSVGElement {
  const max = Math.max(1, ...bands.flatMap((b) => [b.pre, b.post]));
  const step = tickStep(max, true);
  const top = Math.ceil(max / step) * step;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const narrow = width < 520;
  const cols = bands.flatMap((b, i) => [
    { ...b, series: 'pre', value: b.pre, x1: i - 0.4, x2: i },
    { ...b, series: 'post', value: b.post, x1: i, x2: i + 0.4 }]);
  const svg = plot({
    document: doc, className: 'chart-plot', width, height: 240,
    marginTop: DIST_MARGIN.top, marginRight: DIST_MARGIN.right, marginBottom: DIST_MARGIN.bottom, marginLeft: DIST_MARGIN.left,
    x: { domain: [-0.5, bands.length - 0.5] },
    y: { domain: [0, top] },
    marks: [
      gridY(ticks, { stroke: '#d0d0d0', strokeOpacity: 1, className: 'chart-grid' }),
      axisY(ticks, { ...AXIS, tickFormat: (v: number) => formatInteger(v), label: t.report.distCountAxis, labelAnchor: 'top' }),
      axisX(bands.map((_, i) => i), { ...AXIS, tickFormat: (i: number) => (narrow ? String(bands[i].lower) : bands[i].band),
        label: t.report.distBandAxis, labelAnchor: 'center', labelOffset: 36 }),
      rect(cols, {
        x1: 'x1', x2: 'x2', y1: 0, y2: 'value', insetLeft: 1, insetRight: 1,
        fill: (c: { series: string }) => (c.series === 'pre' ? PRE : PRIMARY), className: 'chart-dist',
        render(index, scales, values, dimensions, context, next) {
          const g = next!(index, scales, values, dimensions, context)!;
          g.querySelectorAll('rect').forEach((el, j) => {
            const c = cols[index[j]];
            el.setAttribute('data-band', c.band);
            el.setAttribute('data-series', c.series);
            el.setAttribute('data-value', String(c.value));
            el.setAttribute('data-n', String(n));
          });
          return g;
        },
      }),
    ],
  }) as SVGSVGElement;
  return forThePage(svg, ariaLabel);
}

/** L2: the pairs' pre-test and post-test scores in ten bands, with n; the
 * counts also as a table; withheld, the reason instead. */
export function DistributionChart({ distribution: d }: { distribution: ScoreDistribution }) {
  const captionId = useId();
  const n = toNumber(d.n);
  const bands = distributionBands(d);
  if (bands.length === 0) {
    return (
      <figure className="chart" data-testid="chart-l2-dist">
        <p className="chart-withheld hint">{t.report.distWithheld(formatInteger(n), reasonOf(d as Figure))}</p>
      </figure>
    );
  }
  const title = t.report.distTitle(formatInteger(n));
  const alt = `${title}: ${bands.map((b) => t.report.distAlt(b.band, formatInteger(b.pre), formatInteger(b.post))).join('; ')}`;
  return (
    <figure className="chart chart-wide" data-testid="chart-l2-dist">
      <ul className="chart-legend" aria-hidden="true">
        <li><span className="swatch swatch-pre" />{t.report.chartPre}</li>
        <li><span className="swatch swatch-post" />{t.report.chartPost}</li>
      </ul>
      <PlotBox drawKey={JSON.stringify([bands, n, alt])} captionId={captionId} draw={(width, doc) => distributionSvg(bands, n, width, alt, doc)} />
      <figcaption id={captionId}>{title}</figcaption>
      <details className="chart-table">
        <summary>{t.report.distTable}</summary>
        <table data-testid="dist-table">
          <thead><tr><th scope="col">{t.report.distBand}</th><th scope="col" className="num">{t.report.distPre}</th><th scope="col" className="num">{t.report.distPost}</th></tr></thead>
          <tbody>{bands.map((b) => (
            <tr key={b.band}><th scope="row">{b.band}</th><td className="num">{formatInteger(b.pre)}</td><td className="num">{formatInteger(b.post)}</td></tr>))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** A point of a before/after line: the month, its value (null: a gap) and n. */
export interface Point { i: number; period: string; value: number | null; n: number }
type Group = 'treated' | 'control';
type Measure = 'rate' | 'ikm';
const FIELDS: Record<Measure, Record<Group, keyof ResultsMonth>> = {
  rate: { treated: 'treatedComplaintRate', control: 'controlComplaintRate' },
  ikm: { treated: 'treatedIkm', control: 'controlIkm' },
};

/** A group's line of one measure: a withheld month is a gap (null), never 0. */
export function linePoints(series: ResultsMonth[], measure: Measure, group: Group): Point[] {
  return series.map((m, i) => {
    const f = m[FIELDS[measure][group]] as Figure | undefined;
    return { i, period: m.period, value: !f || f.withheld ? null : f.value ?? 0, n: toNumber(f?.n) };
  });
}

/** The months a window spans, as x1..x2 around the months' points. */
function spanOf(series: ResultsMonth[], inWindow: (m: ResultsMonth) => boolean | undefined, label: string, fill: string) {
  const idx = series.map((m, i) => (inWindow(m) ? i : -1)).filter((i) => i >= 0);
  return idx.length === 0 ? [] : [{ x1: idx[0] - 0.5, x2: idx[idx.length - 1] + 0.5, label, fill }];
}

const LINE_MARGIN = { top: 22, right: 12, bottom: 42, left: 40 };

/** A chart of two lines per month, the windows shaded; each shown point is
 * a circle carrying data-series, data-period, data-value and data-n. */
export function lineChartSvg(series: ResultsMonth[], measure: Measure, width: number, ariaLabel: string, doc: Document = document): SVGSVGElement {
  const lines = { treated: linePoints(series, measure, 'treated'), control: linePoints(series, measure, 'control') };
  const values = [...lines.treated, ...lines.control].map((p) => p.value).filter((v): v is number => v !== null);
  let lo: number; let hi: number;
  if (measure === 'rate') {
    // Room above the highest point for the windows' labels, the top a tick.
    const raw = Math.max(0, ...values) * 1.2 || 1;
    lo = 0; hi = Math.ceil(raw / tickStep(raw, false) - 1e-9) * tickStep(raw, false);
  }
  else {
    lo = values.length ? Math.max(25, Math.floor(Math.min(...values) / 5) * 5 - 5) : 25;
    hi = values.length ? Math.min(100, Math.ceil(Math.max(...values) / 5) * 5 + 5) : 100;
  }
  const step = tickStep(hi - lo, false);
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(v);
  const spans = [...spanOf(series, (m) => m.inBefore, t.report.before, '#e6e6e6'), ...spanOf(series, (m) => m.inAfter, t.report.after, '#dbe8f6')];
  const frame = width - LINE_MARGIN.left - LINE_MARGIN.right;
  const months = everyKth(series.length, frame, 62);
  const fmt = (v: number) => formatNumber(v, measure === 'rate' ? 2 : 0);
  const pointMarks = (group: Group, colour: string) => {
    const shown = lines[group].filter((p) => p.value !== null);
    return [
      line(lines[group], { x: 'i', y: 'value', stroke: colour, strokeWidth: 2, strokeDasharray: group === 'control' ? '5,3' : undefined, className: `chart-line chart-line-${group}` }),
      dot(shown, {
        x: 'i', y: 'value', r: 3, fill: colour, className: `chart-dots chart-dots-${group}`,
        render(index, scales, vals, dimensions, context, next) {
          const g = next!(index, scales, vals, dimensions, context)!;
          g.querySelectorAll('circle').forEach((el, j) => {
            const p = shown[index[j]];
            el.setAttribute('data-series', group);
            el.setAttribute('data-period', p.period);
            el.setAttribute('data-value', String(p.value));
            el.setAttribute('data-n', String(p.n));
          });
          return g;
        },
      }),
    ];
  };
  const svg = plot({
    document: doc, className: 'chart-plot', width, height: 240,
    marginTop: LINE_MARGIN.top, marginRight: LINE_MARGIN.right, marginBottom: LINE_MARGIN.bottom, marginLeft: LINE_MARGIN.left,
    x: { domain: [-0.5, series.length - 0.5] },
    y: { domain: [lo, hi], clamp: true },
    marks: [
      rect(spans, { x1: 'x1', x2: 'x2', fill: 'fill', className: 'chart-window' }),
      text(spans, { x: (s: { x1: number; x2: number }) => (s.x1 + s.x2) / 2, frameAnchor: 'top', dy: 9, text: 'label', className: 'chart-window-label' }),
      gridY(ticks, { stroke: '#d0d0d0', strokeOpacity: 1, className: 'chart-grid' }),
      axisY(ticks, { ...AXIS, tickFormat: fmt, label: measure === 'rate' ? t.report.rateAxis : t.report.ikmAxis, labelAnchor: 'top', labelOffset: 36 }),
      axisX(months, { ...AXIS, tickFormat: (i: number) => formatMonth(series[i]?.period), label: t.report.monthAxis, labelAnchor: 'center', labelOffset: 36 }),
      ...pointMarks('control', SECOND),
      ...pointMarks('treated', PRIMARY),
    ],
  }) as SVGSVGElement;
  return forThePage(svg, ariaLabel);
}

/** The text alternative of a line chart: the windows, then each group's shown months with n. */
export function lineAlt(series: ResultsMonth[], measure: Measure, title: string): string {
  const months = (w: (m: ResultsMonth) => boolean | undefined) => {
    const ms = series.filter(w);
    return ms.length ? `${formatMonth(ms[0].period)} – ${formatMonth(ms[ms.length - 1].period)}` : '—';
  };
  const group = (g: Group, label: string) => t.report.lineAlt(label, linePoints(series, measure, g).filter((p) => p.value !== null)
    .map((p) => t.report.linePointAlt(formatMonth(p.period), formatNumber(p.value!, 2), formatInteger(p.n))).join(', '));
  return `${title}: ${t.report.windowsAlt(months((m) => m.inBefore), months((m) => m.inAfter))}; ${group('treated', t.report.trained)}; ${group('control', t.report.control)}`;
}

function LineChart({ series, measure, title, testId }: { series: ResultsMonth[]; measure: Measure; title: string; testId: string }) {
  const captionId = useId();
  const alt = lineAlt(series, measure, title);
  return (
    <figure className="chart" data-testid={testId}>
      <PlotBox drawKey={JSON.stringify([series, alt])} captionId={captionId} draw={(width, doc) => lineChartSvg(series, measure, width, alt, doc)} />
      <figcaption id={captionId}>{title}</figcaption>
    </figure>
  );
}

/** Every gap of the lines, with its reason in Indonesian. */
export function seriesGaps(series: ResultsMonth[]): string[] {
  const what: [keyof ResultsMonth, string][] = [
    ['treatedComplaintRate', t.report.gapWhat.treatedRate], ['controlComplaintRate', t.report.gapWhat.controlRate],
    ['treatedIkm', t.report.gapWhat.treatedIkm], ['controlIkm', t.report.gapWhat.controlIkm]];
  return series.flatMap((m) => what.flatMap(([k, label]) => {
    const f = m[k] as Figure | undefined;
    return !f || f.withheld ? [t.report.gapItem(formatMonth(m.period), label, f ? reasonOf(f) : t.figureReasons.DATA_ABSENT)] : [];
  }));
}

/** L4: the before/after lines of complaints and IKM, trained against
 * comparison units; without a series, the reason. */
export function ResultsCharts({ evaluation: e }: { evaluation: Evaluation }) {
  const r = e.results;
  const series = r?.series ?? [];
  if (series.length === 0) {
    if (!r?.seriesMissingCode) return null;
    return (
      <section className="card report-section" aria-label={t.report.chartsL4}>
        <p className="hint" data-testid="series-missing">{t.report.seriesMissing(t.figureReasons[r.seriesMissingCode] ?? t.figureReasonUnknown)}</p>
      </section>
    );
  }
  const gaps = seriesGaps(series);
  return (
    <section className="card report-section charts-l4" aria-labelledby="r-lines">
      <h2 id="r-lines">{t.report.linesTitle}</h2>
      <ul className="chart-legend" aria-hidden="true">
        <li><span className="swatch swatch-trained" />{t.report.trained}</li>
        <li><span className="swatch swatch-control" />{t.report.control}</li>
        <li><span className="swatch swatch-before" />{t.report.before}</li>
        <li><span className="swatch swatch-after" />{t.report.after}</li>
      </ul>
      <div className="charts">
        <LineChart series={series} measure="rate" title={t.report.rateChart} testId="chart-l4-rate" />
        <LineChart series={series} measure="ikm" title={t.report.ikmChart} testId="chart-l4-ikm" />
      </div>
      {gaps.length > 0 && (
        <>
          <p className="hint">{t.report.gapsNote(formatInteger(gaps.length))}</p>
          <ul className="chart-gaps hint" aria-label={t.report.gapsList} data-testid="series-gaps">
            {gaps.map((g) => <li key={g}>{g}</li>)}
          </ul>
        </>
      )}
    </section>
  );
}

export default function ReportCharts({ evaluation: e }: { evaluation: Evaluation }) {
  const l1 = reactionBars(e);
  const l2 = learningBars(e);
  const dist = e.learning?.distribution;
  if (l1.length === 0 && l2.length === 0 && !dist) return null;
  return (
    <section className="card report-section charts" aria-label={t.report.charts}>
      {l1.length > 0 && <BarChart title={t.report.chartL1} bars={l1} max={100} testId="chart-l1" />}
      {l2.length > 0 && <BarChart title={t.report.chartL2} bars={l2} testId="chart-l2" />}
      {dist && <DistributionChart distribution={dist} />}
    </section>
  );
}

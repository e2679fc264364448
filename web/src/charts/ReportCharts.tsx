// The report's charts, in their own chunk: ECharts' modular build (only the
// bar chart, grid, tooltip and the SVG renderer: vector output when the
// report is printed) is loaded when a report
// opens, so the sign-in page stays small.  Withheld figures are left out of
// a chart (the tables beside it say why); a chart has a text alternative.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { formatScore } from '../format';
import { t } from '../i18n/id';
import type { Evaluation } from '../types';

echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

function Bars({ label, names, values, max }: { label: string; names: string[]; values: number[]; max?: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'svg', locale: 'EN' });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatScore(Number(v)) },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, fontSize: 11 } },
      yAxis: { type: 'value', min: 0, max, axisLabel: { formatter: (v: number) => String(v) } },
      series: [{ type: 'bar', data: values, itemStyle: { color: '#1d5fa8' },
        label: { show: true, position: 'top', formatter: (p: { value: unknown }) => formatScore(Number(p.value)) } }],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => { window.removeEventListener('resize', onResize); chart.dispose(); };
  }, [names.join('|'), values.join('|'), max]);
  const alt = names.map((n, i) => `${n} ${formatScore(values[i])}`).join('; ');
  return (
    <figure className="chart">
      <div ref={el} className="chart-canvas" role="img" aria-label={`${label}: ${alt}`} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

export default function ReportCharts({ evaluation: e }: { evaluation: Evaluation }) {
  const dims = (e.reaction?.dimensions ?? []).filter((d) => d.score && !d.score.withheld);
  const pre = e.learning?.meanPre;
  const post = e.learning?.meanPost;
  const l2 = pre && post && !pre.withheld && !post.withheld;
  if (dims.length === 0 && !l2) return null;
  return (
    <section className="card report-section charts" aria-label={t.report.chartL1}>
      {dims.length > 0 && (
        <Bars label={t.report.chartL1}
          names={dims.map((d) => t.report.dimensions[d.dimension] ?? d.dimension)}
          values={dims.map((d) => d.score?.value ?? 0)} max={100} />
      )}
      {l2 && (
        <Bars label={t.report.chartL2} names={[t.report.pre, t.report.post]}
          values={[pre!.value ?? 0, post!.value ?? 0]} />
      )}
    </section>
  );
}

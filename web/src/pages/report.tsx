// The evaluation report of one cohort (Kirkpatrick L1–L4, cost, ROI/BCR):
// every figure with its n; a withheld figure with its reason in plain
// Indonesian (from scoring's reason_code, never its English text); charts
// loaded lazily (ECharts is only in this page's chunk); a print stylesheet
// makes the page an A4 report.
import { lazy, Suspense } from 'react';
import { get, TENANT } from '../api';
import { formatInteger, formatNumber, formatPercent, formatRupiah, formatScore, formatIsoDay, formatTimestampDate, toNumber } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n/id';
import { humanizeSlug } from '../names';
import type { Evaluation, Figure } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';

const ReportCharts = lazy(() => import('../charts/ReportCharts'));

export type FigureKind = 'score' | 'percent' | 'rupiah' | 'number' | 'signed' | 'p' | 'count';

/** A shown figure's value as text, by what it measures. */
export function formatFigureValue(v: number, kind: FigureKind): string {
  switch (kind) {
    case 'score': return formatScore(v);
    case 'percent': return formatPercent(v);
    case 'rupiah': return formatRupiah(v);
    case 'signed': return `${v > 0 ? '+' : ''}${formatNumber(v, 2)}`;
    case 'p': return v < 0.001 ? '< 0,001' : formatNumber(v, 3);
    case 'count': return formatInteger(v);
    default: return formatNumber(v, 2);
  }
}

/** Why a figure is withheld, in Indonesian. */
export function withheldReason(f: Figure): string {
  return t.figureReasons[f.reasonCode ?? ''] ?? t.figureReasonUnknown;
}

function FigureRow({ label, f, kind }: { label: string; f?: Figure; kind: FigureKind }) {
  if (!f) return null;
  const n = toNumber(f.n);
  return (
    <tr className={f.withheld ? 'withheld' : undefined}>
      <th scope="row">{label}</th>
      <td className="num">{f.withheld ? <span>{t.report.withheld}</span> : formatFigureValue(f.value ?? 0, kind)}</td>
      <td className="num">{formatInteger(n)}</td>
      <td>{f.withheld ? withheldReason(f)
        : f.hasInterval ? `${formatFigureValue(f.ciLow ?? 0, kind)} – ${formatFigureValue(f.ciHigh ?? 0, kind)}${f.inconclusive ? `. ${t.report.inconclusive}` : ''}`
        : f.inconclusive ? t.report.inconclusive : ''}</td>
    </tr>
  );
}

function FigureTable({ title, id, children }: { title: string; id: string; children: React.ReactNode }) {
  return (
    <section className="card report-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <TableWrap label={title}><table>
        <thead><tr>
          <th scope="col">{t.report.figure}</th><th scope="col" className="num">{t.report.value}</th>
          <th scope="col" className="num">{t.report.n}</th><th scope="col">{t.report.interval}</th>
        </tr></thead>
        <tbody>{children}</tbody>
      </table></TableWrap>
    </section>
  );
}

export function ReportPage({ program, cohort }: { program: string; cohort: string }) {
  const q = useAsync(() => get<Evaluation>(
    `/v1/tenants/${TENANT}/programs/${program}/cohorts/${cohort}/evaluation`), [program, cohort]);
  const e = q.data;
  return (
    <Page title={t.report.title} wide>
      <p className="subtitle">{e?.programTitle ?? humanizeSlug(program)} · {humanizeSlug(cohort)}</p>
      <p className="no-print"><button type="button" onClick={() => window.print()}>{t.app.print}</button></p>
      {q.loading && !e && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {e && (
        <>
          <section className="card report-section" aria-labelledby="r-sum">
            <h2 id="r-sum">{t.report.summary}</h2>
            <dl className="facts">
              <dt>{t.report.enrolled}</dt><dd data-testid="r-enrolled">{formatInteger(toNumber(e.enrolled))}</dd>
              <dt>{t.report.completed}</dt><dd>{formatInteger(toNumber(e.completed))}</dd>
              <dt>{t.report.minN}</dt><dd>{formatInteger(e.minN ?? 0)}</dd>
              {e.computeTime && <><dt>{t.report.computed}</dt><dd>{formatTimestampDate(e.computeTime)}</dd></>}
            </dl>
          </section>
          <Suspense fallback={<p className="loading">{t.report.chartLoading}</p>}>
            <ReportCharts evaluation={e} />
          </Suspense>
          <FigureTable title={t.report.l1} id="r-l1">
            {(e.reaction?.dimensions ?? []).map((d) => (
              <FigureRow key={d.dimension} label={t.report.dimensions[d.dimension] ?? humanizeSlug(d.dimension)} f={d.score} kind="score" />
            ))}
            <FigureRow label={t.report.overall} f={e.reaction?.overall} kind="score" />
            <FigureRow label={t.report.responseRate} f={e.reaction?.responseRate} kind="percent" />
            <FigureRow label={t.report.alpha} f={e.reaction?.cronbachAlpha} kind="number" />
          </FigureTable>
          <FigureTable title={t.report.l2} id="r-l2">
            <FigureRow label={t.report.pre} f={e.learning?.meanPre} kind="score" />
            <FigureRow label={t.report.post} f={e.learning?.meanPost} kind="score" />
            <FigureRow label={t.report.gain} f={e.learning?.meanGain} kind="signed" />
            <FigureRow label={`${t.report.normGain}${e.learning?.gainBand ? ` (${t.report.band[e.learning.gainBand] ?? e.learning.gainBand})` : ''}`}
              f={e.learning?.normalisedGain} kind="number" />
            <FigureRow label={t.report.pValue} f={e.learning?.pValue} kind="p" />
            <FigureRow label={t.report.dz} f={e.learning?.cohensDz} kind="number" />
          </FigureTable>
          <FigureTable title={t.report.l3} id="r-l3">
            <FigureRow label={t.report.applied} f={e.behaviour?.appliedShare} kind="percent" />
            <FigureRow label={t.report.scrap} f={e.behaviour?.scrapLearningRate} kind="percent" />
            <FigureRow label={t.report.selfApplied} f={e.behaviour?.selfReportedAppliedShare} kind="percent" />
            <FigureRow label={t.report.l3Response} f={e.behaviour?.responseRate} kind="percent" />
          </FigureTable>
          <FigureTable title={t.report.l4} id="r-l4">
            <FigureRow label={t.report.complaintDid} f={e.results?.complaintRateDid} kind="signed" />
            <FigureRow label={t.report.ikmDid} f={e.results?.ikmDid} kind="signed" />
            <FigureRow label={t.report.avoided} f={e.results?.complaintsAvoided} kind="number" />
          </FigureTable>
          {e.results?.beforeStart && (
            <p className="hint">{t.report.windows(formatIsoDay(e.results.beforeStart), formatIsoDay(e.results.beforeEnd),
              formatIsoDay(e.results.afterStart), formatIsoDay(e.results.afterEnd))}
              {' · '}{t.report.controlUnits}: {formatInteger(toNumber(e.results.controlUnitCount))}</p>
          )}
          <FigureTable title={t.report.cost} id="r-cost">
            <FigureRow label={t.report.costTotal} f={e.cost?.total} kind="rupiah" />
            <FigureRow label={t.report.perParticipant} f={e.cost?.perParticipant} kind="rupiah" />
            <FigureRow label={t.report.perCompleted} f={e.cost?.perCompleted} kind="rupiah" />
            <FigureRow label={t.report.perJp} f={e.cost?.perJp} kind="rupiah" />
            <FigureRow label={t.report.roi} f={e.cost?.roiPct ? { ...e.cost.roiPct, value: (e.cost.roiPct.value ?? 0) / 100,
              ciLow: (e.cost.roiPct.ciLow ?? 0) / 100, ciHigh: (e.cost.roiPct.ciHigh ?? 0) / 100 } : undefined} kind="percent" />
            <FigureRow label={t.report.bcr} f={e.cost?.bcr} kind="number" />
            <FigureRow label={t.report.composite} f={e.composite?.score} kind="score" />
          </FigureTable>
        </>
      )}
    </Page>
  );
}

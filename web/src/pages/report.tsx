// The evaluation report of one cohort (Kirkpatrick L1–L4, cost, ROI/BCR):
// every figure with its n; a withheld figure with its reason in plain
// Indonesian (from scoring's reason_code, never its English text); the L1
// and L2 charts and L4's before/after lines drawn as SVG by Observable Plot
// (src/charts), in a chunk of their own that the cohort list fetches ahead; a print stylesheet makes
// the page an A4 report.
import { lazy, Suspense } from 'react';
import { get, listAll, TENANT } from '../api';
import { formatInteger, formatNumber, formatPercent, formatRupiah, formatScore, formatIsoDay, formatTimestampDate, toNumber } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n/id';
import { humanizeSlug } from '../names';
import type { WorkResults, Evaluation, Figure, TextAnswers, Unit, UnitChange } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { DownloadButton } from '../components/download';
import { loadedReportCharts, loadReportCharts } from '../charts/load';

const LazyReportCharts = lazy(loadReportCharts);
const LazyResultsCharts = lazy(() => loadReportCharts().then((m) => ({ default: m.ResultsCharts })));

/** The L1 and L2 charts (part l12) or L4's lines (l4): drawn at once if
 * their chunk is loaded (the cohort list loads it ahead), else after it
 * arrives. */
function ReportCharts({ evaluation, part = 'l12' }: { evaluation: Evaluation; part?: 'l12' | 'l4' }) {
  const m = loadedReportCharts();
  const Loaded = m && (part === 'l4' ? m.ResultsCharts : m.default);
  if (Loaded) return <Loaded evaluation={evaluation} />;
  const Lazy = part === 'l4' ? LazyResultsCharts : LazyReportCharts;
  return (
    <Suspense fallback={<p className="loading">{t.report.chartLoading}</p>}>
      <Lazy evaluation={evaluation} />
    </Suspense>
  );
}

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
      <td className="num" data-label={t.report.value}>{f.withheld ? <span>{t.report.withheld}</span> : formatFigureValue(f.value ?? 0, kind)}</td>
      <td className="num" data-label={t.report.n}>{formatInteger(n)}</td>
      <td data-label={t.report.interval}>{f.withheld ? withheldReason(f)
        : f.hasInterval ? `${formatFigureValue(f.ciLow ?? 0, kind)} – ${formatFigureValue(f.ciHigh ?? 0, kind)}${f.inconclusive ? `. ${t.report.inconclusive}` : ''}`
        : f.inconclusive ? t.report.inconclusive : ''}</td>
    </tr>
  );
}

function FigureTable({ title, id, children }: { title: string; id: string; children: React.ReactNode }) {
  return (
    <section className="card report-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <TableWrap label={title}><table className="figures">
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
  const q = useAsync(async () => {
    const [evaluation, units] = await Promise.all([
      get<Evaluation>(`/v1/tenants/${TENANT}/programs/${program}/cohorts/${cohort}/evaluation`),
      // Unit names for the L4 table; a role that may not list units sees the slugs.
      listAll<Unit>(`/v1/tenants/${TENANT}/units`, 'units').catch(() => [] as Unit[]),
    ]);
    return { evaluation, unitNames: new Map(units.map((u) => [u.name, u.displayName ?? ''])) };
  }, [program, cohort]);
  const e = q.data?.evaluation;
  const name = `/v1/tenants/${TENANT}/programs/${program}/cohorts/${cohort}/evaluation`;
  return (
    <Page title={t.report.title} wide>
      <p className="subtitle">{e?.programTitle ?? humanizeSlug(program)} · {humanizeSlug(cohort)}</p>
      <p className="no-print actions">
        <button type="button" onClick={() => window.print()}>{t.app.print}</button>{' '}
        <DownloadButton path={`${name}:report?format=PDF`} filename={`laporan-evaluasi-${program}-${cohort}.pdf`}
          label={t.documents.pdf} testId="report-pdf" />{' '}
        <DownloadButton path={`${name}:report?format=XLSX`} filename={`laporan-evaluasi-${program}-${cohort}.xlsx`}
          label={t.documents.xlsx} testId="report-xlsx" />
      </p>
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
          <ReportCharts evaluation={e} />
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
            {e.behaviour?.skpChange && <>
              <FigureRow label={t.report.skpRose} f={e.behaviour.skpChange.roseShare} kind="percent" />
              <FigureRow label={t.report.skpStayed} f={e.behaviour.skpChange.stayedShare} kind="percent" />
              <FigureRow label={t.report.skpFell} f={e.behaviour.skpChange.fellShare} kind="percent" />
              <FigureRow label={t.report.skpSignTest} f={e.behaviour.skpChange.signTestP} kind="p" />
            </>}
          </FigureTable>
          <TextSummaries answers={e.behaviour?.textAnswers ?? []} />
          <FigureTable title={t.report.l4} id="r-l4">
            <FigureRow label={t.report.complaintDid} f={e.results?.complaintRateDid} kind="signed" />
            <FigureRow label={t.report.ikmDid} f={e.results?.ikmDid} kind="signed" />
            <FigureRow label={t.report.avoided} f={e.results?.complaintsAvoided} kind="number" />
          </FigureTable>
          {e.results?.work && <WorkFigures w={e.results.work} />}
          {e.results?.beforeStart && (
            <p className="hint">{t.report.windows(formatIsoDay(e.results.beforeStart), formatIsoDay(e.results.beforeEnd),
              formatIsoDay(e.results.afterStart), formatIsoDay(e.results.afterEnd))}
              {' · '}{t.report.controlUnits}: {formatInteger(toNumber(e.results.controlUnitCount))}</p>
          )}
          <ReportCharts evaluation={e} part="l4" />
          <TreatedUnits units={e.results?.treatedUnits ?? []} names={q.data?.unitNames ?? new Map()} />
          <FigureTable title={t.report.cost} id="r-cost">
            <FigureRow label={t.report.costTotal} f={e.cost?.total} kind="rupiah" />
            <FigureRow label={t.report.perParticipant} f={e.cost?.perParticipant} kind="rupiah" />
            <FigureRow label={t.report.perCompleted} f={e.cost?.perCompleted} kind="rupiah" />
            <FigureRow label={t.report.perJp} f={e.cost?.perJp} kind="rupiah" />
            <FigureRow label={t.report.roi} f={e.cost?.roiPct ? { ...e.cost.roiPct, value: (e.cost.roiPct.value ?? 0) / 100,
              ciLow: (e.cost.roiPct.ciLow ?? 0) / 100, ciHigh: (e.cost.roiPct.ciHigh ?? 0) / 100 } : undefined} kind="percent" />
            <FigureRow label={t.report.bcr} f={e.cost?.bcr} kind="number" />
            {e.cost?.hoursSavedBenefit && <>
              <FigureRow label={t.report.hoursBenefit} f={e.cost.hoursSavedBenefit} kind="rupiah" />
              <FigureRow label={t.report.roiFromHours} f={e.cost.roiPctFromHours ? { ...e.cost.roiPctFromHours,
                value: (e.cost.roiPctFromHours.value ?? 0) / 100, ciLow: (e.cost.roiPctFromHours.ciLow ?? 0) / 100,
                ciHigh: (e.cost.roiPctFromHours.ciHigh ?? 0) / 100 } : undefined} kind="percent" />
            </>}
            <FigureRow label={t.report.composite} f={e.composite?.score} kind="score" />
          </FigureTable>
        </>
      )}
    </Page>
  );
}

/** What observers and interviewers wrote, item by item: the number of
 * answers, the words most answers contain, the latest excerpts (organisers
 * only: scoring sends none to other roles); below the minimum n only the
 * count, with the reason. */
function TextSummaries({ answers }: { answers: TextAnswers[] }) {
  if (answers.length === 0) return null;
  return (
    <section className="card report-section" aria-labelledby="r-text" data-testid="text-summaries">
      <h2 id="r-text">{t.report.textTitle}</h2>
      {answers.map((a) => (
        <div key={`${a.instrument}|${a.item}`} className="text-summary" data-testid="text-summary">
          <h3>{t.report.textItem(a.item ?? '', t.report.textKind[a.kind ?? ''] ?? a.kind ?? '', formatInteger(toNumber(a.n)))}</h3>
          {a.withheld ? <p className="hint">{t.figureReasons[a.reasonCode ?? ''] ?? t.figureReasonUnknown}</p> : (
            <>
              {(a.topTerms ?? []).length > 0 && (
                <p>{t.report.textTerms}: {(a.topTerms ?? []).map((x) => `${x.term} (${formatInteger(toNumber(x.answers))})`).join(', ')}</p>)}
              {(a.excerpts ?? []).length > 0 && (
                <ul>{(a.excerpts ?? []).map((x, i) => <li key={i}><q>{x}</q></li>)}</ul>)}
            </>
          )}
        </div>
      ))}
    </section>
  );
}

/** One cell of a shown-or-withheld figure (the reason is in the cell's text). */
export function FigureCell({ f, kind }: { f?: Figure; kind: FigureKind }) {
  if (!f) return <td className="num">—</td>;
  if (f.withheld) return <td className="num withheld-cell">{t.report.withheld}<span className="hint"><br />{withheldReason(f)}</span></td>;
  return <td className="num">{formatFigureValue(f.value ?? 0, kind)}<span className="hint"> (n {formatInteger(toNumber(f.n))})</span></td>;
}

/** L4 per trained unit: complaint rate and IKM before and after, each with its n. */
function TreatedUnits({ units, names }: { units: UnitChange[]; names: Map<string, string> }) {
  if (units.length === 0) return null;
  return (
    <section className="card report-section" aria-labelledby="r-units">
      <h2 id="r-units">{t.report.treatedTitle}</h2>
      <TableWrap label={t.report.treatedTitle}><table>
        <thead><tr>
          <th scope="col">{t.report.unit}</th>
          <th scope="col" className="num">{t.report.rateBefore}</th><th scope="col" className="num">{t.report.rateAfter}</th>
          <th scope="col" className="num">{t.report.ikmBefore}</th><th scope="col" className="num">{t.report.ikmAfter}</th>
        </tr></thead>
        <tbody>{units.map((u) => (
          <tr key={u.unit}>
            <th scope="row">{names.get(u.unit) || humanizeSlug(u.unit.split('/').pop() ?? '')}
              {u.complaintsExcludedCode && <span className="hint"><br />{t.report.excluded}: {t.figureReasons[u.complaintsExcludedCode] ?? t.figureReasonUnknown}</span>}</th>
            <FigureCell f={u.complaintRateBefore} kind="number" /><FigureCell f={u.complaintRateAfter} kind="number" />
            <FigureCell f={u.ikmBefore} kind="score" /><FigureCell f={u.ikmAfter} kind="score" />
          </tr>))}
        </tbody>
      </table></TableWrap>
    </section>
  );
}

/** L4 from the work itself (issue 18): processing errors, on-time service
 * and processing time of the trained units and the comparison units, with
 * the differences-in-differences (percentage points, hours). */
export function WorkFigures({ w }: { w: WorkResults }) {
  return (
    <FigureTable title={t.report.workTitle} id="r-work">
      <FigureRow label={t.report.errorBefore} f={w.treatedErrorRateBefore} kind="percent" />
      <FigureRow label={t.report.errorAfter} f={w.treatedErrorRateAfter} kind="percent" />
      <FigureRow label={t.report.errorControlBefore} f={w.controlErrorRateBefore} kind="percent" />
      <FigureRow label={t.report.errorControlAfter} f={w.controlErrorRateAfter} kind="percent" />
      <FigureRow label={t.report.errorDid} f={w.errorRateDid} kind="signed" />
      <FigureRow label={t.report.onTimeBefore} f={w.treatedOnTimeRateBefore} kind="percent" />
      <FigureRow label={t.report.onTimeAfter} f={w.treatedOnTimeRateAfter} kind="percent" />
      <FigureRow label={t.report.onTimeDid} f={w.onTimeRateDid} kind="signed" />
      <FigureRow label={t.report.hoursBefore} f={w.treatedHoursBefore} kind="number" />
      <FigureRow label={t.report.hoursAfter} f={w.treatedHoursAfter} kind="number" />
      <FigureRow label={t.report.hoursDid} f={w.processingHoursDid} kind="signed" />
      <FigureRow label={t.report.hoursSaved} f={w.hoursSaved} kind="number" />
    </FigureTable>
  );
}

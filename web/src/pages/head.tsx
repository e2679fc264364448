// Head of agency (kepala OPD): the unit's complaints and IKM, its service
// performance (kinerja: error and on-time rates, processing time), and the
// 20 JP compliance of its staff.  The token names the unit; the gateway refuses
// any other unit (OUTSIDE_REACH).
import { get, listAll, TENANT } from '../api';
import { formatDate, formatInteger, formatNumber, formatPercent, formatScore, toNumber } from '../format';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { getClaims } from '../session';
import type { Cohort, ComplaintStatistics, Employee, LearningHours, Satisfaction, Unit, UnitPerformance } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { ComplianceTable, loadCompliance } from './organiser';
import { pelitaJpOf, thisYear } from './participant';
import { DownloadButton } from '../components/download';
import { monthFigures, type MonthFigures, type UnitMonth } from '../ikm';

export function HeadHome() {
  const unit = getClaims()?.unit ?? '';
  const year = thisYear();
  const q = useAsync(async () => {
    const enc = encodeURIComponent(unit);
    const [u, stats, sat, compliance, perf] = await Promise.all([
      get<Unit>(`/v1/${unit}`).catch(() => null),
      get<ComplaintStatistics>(`/v1/tenants/${TENANT}/complaintStatistics?unit=${enc}&period=${year}`),
      get<Satisfaction>(`/v1/${unit}/satisfaction?period=${year}`),
      loadCompliance(year),
      // A unit without service indicators (or a platform without the
      // performance service) has no kinerja tile.
      get<UnitPerformance>(`/v1/${unit}/performance?period=${year}`).catch(() => null),
    ]);
    // The unit's staff (the enrolment service narrows the list to the
    // head's unit) and each one's hours of the year.
    const staff = await listAll<Employee>(`/v1/tenants/${TENANT}/employees?unit=${enc}`, 'employees');
    const hours = await mapLimit(staff, 4, (e) =>
      get<LearningHours>(`/v1/${e.name}/learningHours?year=${year}`).catch(() => null));
    return { u, stats, sat, perf, staff: staff.map((e, i) => ({ e, h: hours[i] })), compliance: compliance.filter((c) => c.unit === unit) };
  }, [unit, year]);
  const title = q.data?.u?.displayName ?? t.head.title;
  return (
    <Page title={title} wide>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <div className="tiles">
            <section className="tile" aria-labelledby="h-compl">
              <h2 id="h-compl">{t.head.complaints}</h2>
              {q.data.stats.startDate && <p className="hint">{t.head.period(formatDate(q.data.stats.startDate), formatDate(q.data.stats.endDate))}</p>}
              <dl className="facts">
                <dt>{t.head.received}</dt><dd data-testid="h-received">{formatInteger(toNumber(q.data.stats.received))}</dd>
                <dt>{t.head.completedCount}</dt><dd>{formatInteger(toNumber(q.data.stats.completed))}</dd>
                <dt>{t.head.backlog}</dt><dd>{formatInteger(toNumber(q.data.stats.openBacklog))}</dd>
                <dt>{t.head.perThousand}</dt><dd>{formatNumber(q.data.stats.complaintsPer1000 ?? 0, 2)}</dd>
                <dt>{t.head.slaBreaches}</dt><dd>{formatInteger(toNumber(q.data.stats.followUpSlaBreaches))}</dd>
              </dl>
            </section>
            <section className="tile" aria-labelledby="h-ikm">
              <h2 id="h-ikm">{t.head.ikm}</h2>
              {q.data.sat.suppressed ? <p>{t.head.ikmSuppressed}</p> : (
                <>
                  <p className="big" data-testid="h-ikm">{formatScore(q.data.sat.ikmConverted ?? 0)}</p>
                  <p>{t.head.category}: {t.ikmCategory[q.data.sat.category ?? ''] ?? '—'}</p>
                </>
              )}
              <p>{t.head.respondents}: {formatInteger(toNumber(q.data.sat.respondents))}</p>
              <p className="no-print actions"><DownloadButton path={`/v1/${unit}/satisfaction:report?period=${year}`}
                filename={`laporan-ikm-${unit.split('/').pop() ?? ''}-${year}.pdf`} label={t.documents.ikm} testId="ikm-pdf" />{' '}
                <DownloadButton path={`/v1/${unit}/satisfaction:report?period=${year}&format=XLSX`}
                  filename={`laporan-ikm-${unit.split('/').pop() ?? ''}-${year}.xlsx`} label={t.documents.ikmXlsx} testId="ikm-xlsx" /></p>
            </section>
            {q.data.perf && (q.data.perf.total?.monthsWithData ?? 0) > 0 && <PerformanceTile p={q.data.perf} />}
          </div>
          <MonthlySeries unit={unit} year={year}
            completed={q.data.staff.flatMap(({ h }) => h?.completedEnrolments ?? [])} />
          <section className="card" aria-labelledby="h-staff">
            <h2 id="h-staff">{t.head.staffCompliance}</h2>
            <ComplianceTable rows={q.data.compliance} />
            <TableWrap label={t.head.staffList}><table data-testid="h-staff-table">
              <caption className="sr-only">{t.head.staffList}</caption>
              <thead><tr>
                <th scope="col">{t.supervisor.name}</th><th scope="col">{t.supervisor.position}</th>
                <th scope="col" className="num">{t.supervisor.hours}</th>
                <th scope="col" className="num">{t.supervisor.pelitaJp}</th>
                <th scope="col" className="num">{t.supervisor.externalJp}</th>
                <th scope="col">{t.head.jpStatus}</th>
              </tr></thead>
              <tbody>{q.data.staff.map(({ e, h }) => (
                <tr key={e.nip}>
                  <th scope="row">{e.fullName || e.nip}</th><td>{e.position}</td>
                  <td className="num">{h ? formatInteger(h.jp ?? 0) : '—'}</td>
                  <td className="num">{h ? formatInteger(pelitaJpOf(h)) : '—'}</td>
                  <td className="num">{h ? formatInteger(h.externalJp ?? 0) : '—'}</td>
                  <td>{!h ? '—' : (h.jp ?? 0) >= (h.requiredJp ?? 20) ? t.head.met : t.head.notMet(formatInteger((h.requiredJp ?? 20) - (h.jp ?? 0)))}</td>
                </tr>))}
              </tbody>
            </table></TableWrap>
          </section>
        </>
      )}
    </Page>
  );
}

/** The months of the year so far, "2026-01" ... (WIB). */
export function monthsSoFar(year: number, today = new Date()): string[] {
  const wib = new Date(today.getTime() + 7 * 3600 * 1000);
  const last = wib.getUTCFullYear() > year ? 12 : wib.getUTCFullYear() < year ? 0 : wib.getUTCMonth() + 1;
  return Array.from({ length: last }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** The unit's months (complaints, transactions, SKM sums) in one
 * BatchGetUnitMonths request; a month the answer lacks counts as empty. */
export async function loadMonths(unit: string, months: string[]): Promise<MonthFigures[]> {
  if (months.length === 0) return [];
  const q = new URLSearchParams({ units: unit, startPeriod: months[0], endPeriod: months[months.length - 1] });
  const answer = await get<{ unitMonths?: UnitMonth[] }>(`/v1/tenants/${TENANT}/unitMonths:batchGet?${q}`);
  const byPeriod = new Map((answer.unitMonths ?? []).filter((m) => m.unit === unit).map((m) => [m.period ?? '', m]));
  return months.map((m) => monthFigures(byPeriod.get(m) ?? { unit, period: m, skmWithheld: true }));
}

/** "tenants/1504/programs/p/cohorts/c/enrolments/nip" -> the cohort's name. */
const cohortOf = (enrolment: string) => enrolment.replace(/\/enrolments\/[^/]+$/, '');

/** The month ("2026-03") of a cohort's last day. */
const monthOf = (c: Cohort) => (c.endDate?.year && c.endDate.month
  ? `${c.endDate.year}-${String(c.endDate.month).padStart(2, '0')}` : '');

/** The unit's complaints and IKM month by month, in one request for the
 * whole series (complaint service: BatchGetUnitMonths; the IKM of each month
 * computed from its SKM element sums, src/ikm.ts), each with its n; a month
 * whose IKM is withheld says why; and in which month the unit's staff
 * finished their trainings (the cohorts' last days), so that the months
 * before and after can be read side by side. */
function MonthlySeries({ unit, year, completed }: { unit: string; year: number; completed: string[] }) {
  const q = useAsync(async () => {
    const cohorts = [...new Set(completed.map(cohortOf))];
    const [months, ends] = await Promise.all([
      loadMonths(unit, monthsSoFar(year)),
      mapLimit(cohorts, 4, (c) => get<Cohort>(`/v1/${c}`).then(monthOf, () => '')),
    ]);
    // People (not cohorts) who finished a training, by the month it ended.
    const endOf = new Map(cohorts.map((c, i) => [c, ends[i]]));
    const trained = new Map<string, number>();
    for (const e of completed) {
      const m = endOf.get(cohortOf(e)) ?? '';
      if (m) trained.set(m, (trained.get(m) ?? 0) + 1);
    }
    return months.map((row) => ({ ...row, trained: trained.get(row.period) ?? 0 }));
  }, [unit, year, completed.join()]);
  return (
    <section className="card" aria-labelledby="h-series">
      <h2 id="h-series">{t.head.seriesTitle(year)}</h2>
      <p className="hint">{t.head.seriesIntro}</p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <TableWrap label={t.head.seriesTitle(year)}><table data-testid="h-series">
          <caption className="sr-only">{t.head.seriesTitle(year)}</caption>
          <thead><tr>
            <th scope="col">{t.head.month}</th><th scope="col" className="num">{t.head.received}</th>
            <th scope="col" className="num">{t.head.perThousand}</th>
            <th scope="col" className="num">{t.head.ikmShort}</th><th scope="col">{t.head.category}</th>
            <th scope="col" className="num">{t.head.trained}</th>
          </tr></thead>
          <tbody>{q.data.map(({ period: m, received, per1000, respondents, ikm, category, withheld, trained }) => (
            <tr key={m} data-month={m}>
              <th scope="row">{`${t.months[Number(m.slice(5)) - 1]} ${m.slice(0, 4)}`}</th>
              <td className="num">{formatInteger(received)}</td>
              <td className="num">{per1000 === undefined ? '—' : formatNumber(per1000, 2)}</td>
              {withheld || ikm === undefined ? (
                <td className="num withheld-cell">{t.report.withheld}<span className="hint"><br />
                  {t.head.suppression[withheld ?? ''] ?? t.head.ikmSuppressed} (n {formatInteger(respondents)})</span></td>
              ) : (
                <td className="num">{formatScore(ikm)}<span className="hint"> (n {formatInteger(respondents)})</span></td>
              )}
              <td>{withheld ? '—' : t.ikmCategory[category ?? ''] ?? '—'}</td>
              <td className="num">{trained > 0 ? formatInteger(trained) : ''}</td>
            </tr>))}
          </tbody>
        </table></TableWrap>
      )}
    </section>
  );
}

/** The unit's service performance this year (the performance service):
 * returned or corrected ÷ completed and on time ÷ completed, each with its
 * n, and the median processing time ("at least" in the open band). */
function PerformanceTile({ p }: { p: UnitPerformance }) {
  const f = p.total ?? {};
  const n = toNumber(f.completed);
  const hours = f.processingTime;
  return (
    <section className="tile" aria-labelledby="h-perf" data-testid="h-perf">
      <h2 id="h-perf">{t.head.performance}</h2>
      <p className="hint">{t.head.performanceMonths(formatInteger(f.monthsWithData ?? 0))}</p>
      <dl className="facts">
        <dt>{t.head.errorRate}</dt><dd data-testid="h-error-rate">{n > 0 ? formatPercent(f.errorRate?.value ?? 0) : '—'}</dd>
        <dt>{t.head.onTimeRate}</dt><dd>{n > 0 ? formatPercent(f.onTimeRate?.value ?? 0) : '—'}</dd>
        <dt>{t.head.medianHours}</dt><dd>{toNumber(hours?.count) > 0
          ? `${hours?.medianAtLeast ? t.head.atLeast : ''}${formatNumber(hours?.medianHours ?? 0, 1)} ${t.head.hoursUnit}` : '—'}</dd>
        <dt>{t.head.documents}</dt><dd>{formatInteger(n)}</dd>
      </dl>
    </section>
  );
}

// Organiser (BKPSDM): the year's dashboard — programmes, cohorts by state,
// units under 20 JP, each number a link to its list — and those lists.
import { useEffect } from 'react';
import { get, lastSegment, listAll, TENANT } from '../api';
import { formatDate, formatInteger, formatNumber, formatPercent, formatRupiah, toNumber, type ProtoDate } from '../format';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { Link, useLocation } from '../router';
import type { Cohort, FollowUpTask, Program, Unit, UnitCompliance } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { humanizeSlug } from '../names';
import { thisYear } from './participant';
import { NewCohortForm, NewProgramForm } from './cohort';
import { ResponseTile } from './responses';
import { tk } from '../i18n/ikm-units';
import { DownloadButton } from '../components/download';
import { loadReportCharts } from '../charts/load';

export type CohortState = 'planned' | 'running' | 'finished';
const stateSlug: Record<CohortState, string> = { planned: 'belum-dimulai', running: 'berjalan', finished: 'selesai' };
const slugState = Object.fromEntries(Object.entries(stateSlug).map(([k, v]) => [v, k])) as Record<string, CohortState>;
const stateLabel = (s: CohortState) => ({ planned: t.organiser.planned, running: t.organiser.running, finished: t.organiser.finished })[s];

const dayNumber = (d?: ProtoDate) => (d?.year && d.month && d.day ? d.year * 10000 + d.month * 100 + d.day : 0);

/** A cohort's state from its dates against today (the tenant's WIB day). */
export function cohortState(c: Cohort, today = new Date()): CohortState {
  const wib = new Date(today.getTime() + 7 * 3600 * 1000);
  const now = wib.getUTCFullYear() * 10000 + (wib.getUTCMonth() + 1) * 100 + wib.getUTCDate();
  const start = dayNumber(c.startDate);
  const end = dayNumber(c.endDate);
  if (start && now < start) return 'planned';
  if (end && now > end) return 'finished';
  return start ? 'running' : 'planned';
}

export async function loadYear(year: number) {
  const programs = (await listAll<Program>(`/v1/tenants/${TENANT}/programs`, 'programs'))
    .filter((p) => !p.year || p.year === year);
  const cohortLists = await mapLimit(programs, 4, (p) => listAll<Cohort>(`/v1/${p.name}/cohorts`, 'cohorts'));
  const cohorts = programs.flatMap((p, i) => cohortLists[i].map((c) => ({ program: p, cohort: c })));
  return { programs, cohorts };
}

async function loadCompliance(year: number) {
  const [comp, units] = await Promise.all([
    get<{ units?: UnitCompliance[] }>(`/v1/tenants/${TENANT}/learningCompliance?year=${year}`),
    listAll<Unit>(`/v1/tenants/${TENANT}/units`, 'units').catch(() => [] as Unit[]),
  ]);
  const names = new Map(units.map((u) => [u.name, u.displayName ?? lastSegment(u.name)]));
  return (comp.units ?? []).map((u) => ({ ...u, displayName: names.get(u.unit) ?? lastSegment(u.unit) }));
}

const under20 = (u: UnitCompliance) => (u.employeeCount ?? 0) > 0 && (u.compliantCount ?? 0) < (u.employeeCount ?? 0);

/** Open follow-up tasks past their due day (followup service). */
const loadOverdue = () => listAll<FollowUpTask>(`/v1/tenants/${TENANT}/followUpTasks?overdue=true`, 'tasks');

export function Dashboard() {
  const year = thisYear();
  const q = useAsync(async () => {
    const [y, compliance, overdue] = await Promise.all([loadYear(year), loadCompliance(year), loadOverdue()]);
    return { ...y, compliance, overdue };
  }, [year]);
  return (
    <Page title={t.organiser.dashboardTitle(year)} wide>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (() => {
        const counts: Record<CohortState, number> = { planned: 0, running: 0, finished: 0 };
        q.data.cohorts.forEach(({ cohort }) => { counts[cohortState(cohort)] += 1; });
        const under = q.data.compliance.filter(under20).length;
        return (
          <div className="tiles">
            <section className="tile" aria-labelledby="tile-programs">
              <h2 id="tile-programs">{t.organiser.programs}</h2>
              <p className="big"><Link to="/program" data-testid="count-programs">{formatInteger(q.data.programs.length)}</Link></p>
            </section>
            <section className="tile" aria-labelledby="tile-cohorts">
              <h2 id="tile-cohorts">{t.organiser.cohortsByState}</h2>
              <ul className="counts">
                {(['planned', 'running', 'finished'] as CohortState[]).map((s) => (
                  <li key={s}><Link to={`/angkatan?keadaan=${stateSlug[s]}`} data-testid={`count-${s}`}>
                    <span className="big">{formatInteger(counts[s])}</span> {stateLabel(s)}</Link></li>
                ))}
              </ul>
            </section>
            <section className="tile" aria-labelledby="tile-under">
              <h2 id="tile-under">{t.organiser.unitsUnder}</h2>
              <p className="big"><Link to="/kepatuhan?di-bawah=1" data-testid="count-under">{formatInteger(under)}</Link></p>
              <p className="hint">{t.organiser.unitsUnderNote}</p>
            </section>
            <section className="tile" aria-labelledby="tile-overdue">
              <h2 id="tile-overdue">{t.organiser.overdue}</h2>
              <p className="big"><Link to="/tindak-lanjut?terlambat=1" data-testid="count-overdue">{formatInteger(q.data.overdue.length)}</Link></p>
              <p className="hint">{t.organiser.overdueNote}</p>
            </section>
            <ResponseTile year={year} cohorts={q.data.cohorts} />
            <nav className="tile" aria-labelledby="tile-tools">
              <h2 id="tile-tools">{t.organiser.tools}</h2>
              <ul className="tool-links">
                <li><Link to="/instrumen">{t.instruments.title}</Link></li>
                <li><Link to="/impor">{t.imports.title}</Link></li>
                <li><Link to="/integrasi-siasn">{t.organiser.siasn}</Link></li>
                <li><Link to="/ikm">{tk.title}</Link></li>
                <li><Link to="/rekap">{t.analysis.rollUpTitle}</Link></li>
                <li><Link to="/peringkat">{t.analysis.rankTitle}</Link></li>
                <li><Link to="/saran-anggaran">{t.analysis.budgetTitle(year + 1)}</Link></li>
              </ul>
            </nav>
          </div>
        );
      })()}
    </Page>
  );
}

export function ProgramsPage() {
  const year = thisYear();
  const q = useAsync(() => loadYear(year), [year]);
  return (
    <Page title={t.organiser.programsTitle} wide>
      <NewProgramForm year={year} onCreated={q.reload} />
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <TableWrap label={t.organiser.programsTitle}><table>
          <caption className="sr-only">{t.organiser.programsTitle}</caption>
          <thead><tr>
            <th scope="col">{t.organiser.title}</th><th scope="col">{t.organiser.competency}</th>
            <th scope="col" className="num">{t.organiser.jp}</th><th scope="col" className="num">{t.organiser.cohorts}</th>
            <th scope="col" className="num">{t.organiser.budget}</th>
          </tr></thead>
          <tbody>{q.data.programs.map((p) => (
            <tr key={p.name}>
              <th scope="row"><Link to={`/program/${lastSegment(p.name)}`}>{p.title || lastSegment(p.name)}</Link></th>
              <td>{t.competency[p.competencyType ?? 'COMPETENCY_TYPE_UNSPECIFIED']}</td>
              <td className="num">{formatInteger(p.jp ?? 0)}</td>
              <td className="num">{formatInteger(q.data!.cohorts.filter((c) => c.program.name === p.name).length)}</td>
              <td className="num">{formatRupiah(toNumber(p.budget))}</td>
            </tr>))}
          </tbody>
        </table></TableWrap>
      )}
    </Page>
  );
}

function CohortTable({ rows, caption }: { rows: { program: Program; cohort: Cohort }[]; caption: string }) {
  // The report's chart chunk (Observable Plot) is fetched and run while the
  // user reads this list of links to reports, not by the first page.
  useEffect(() => { void loadReportCharts(); }, []);
  if (rows.length === 0) return <p>{t.app.none}</p>;
  return (
    <TableWrap label={caption}><table>
      <caption className="sr-only">{caption}</caption>
      <thead><tr>
        <th scope="col">{t.participant.cohort}</th><th scope="col">{t.organiser.dates}</th>
        <th scope="col">{t.organiser.venue}</th><th scope="col" className="num">{t.organiser.enrolled}</th>
        <th scope="col">{t.participant.state}</th><th scope="col">{t.organiser.report}</th>
        <th scope="col">{t.links.open}</th>
      </tr></thead>
      <tbody>{rows.map(({ program, cohort: c }) => {
        const label = c.displayName || lastSegment(c.name);
        return (
          <tr key={c.name}>
            <th scope="row"><Link to={`/program/${lastSegment(program.name)}/angkatan/${lastSegment(c.name)}`}>{label}</Link>
              <br /><span className="hint">{program.title}</span></th>
            <td>{formatDate(c.startDate)} – {formatDate(c.endDate)}</td>
            <td>{c.venue}</td>
            <td className="num">{formatInteger(c.enrolledCount ?? 0)} / {formatInteger(c.capacity ?? 0)}</td>
            <td>{stateLabel(cohortState(c))}</td>
            <td><Link to={`/program/${lastSegment(program.name)}/angkatan/${lastSegment(c.name)}/laporan`}>
              {t.organiser.report}<span className="sr-only">: {label}</span></Link></td>
            <td><Link to={`/program/${lastSegment(program.name)}/angkatan/${lastSegment(c.name)}/tautan`}>
              {t.links.open}<span className="sr-only">: {label}</span></Link></td>
          </tr>);
      })}</tbody>
    </table></TableWrap>
  );
}

export function ProgramPage({ program }: { program: string }) {
  const q = useAsync(async () => {
    const p = await get<Program>(`/v1/tenants/${TENANT}/programs/${program}`);
    const cohorts = await listAll<Cohort>(`/v1/${p.name}/cohorts`, 'cohorts');
    return { p, cohorts };
  }, [program]);
  const title = q.data ? t.organiser.cohortsOf(q.data.p.title ?? program) : t.organiser.cohorts;
  return (
    <Page title={title} wide>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <dl className="facts">
            <dt>{t.organiser.competency}</dt><dd>{t.competency[q.data.p.competencyType ?? 'COMPETENCY_TYPE_UNSPECIFIED']}</dd>
            <dt>{t.organiser.jp}</dt><dd>{formatInteger(q.data.p.jp ?? 0)}</dd>
            <dt>{t.organiser.budget}</dt><dd>{formatRupiah(toNumber(q.data.p.budget))}</dd>
            <dt>{t.organiser.costPerParticipant}</dt><dd>{formatRupiah(toNumber(q.data.p.costPerParticipant))}</dd>
          </dl>
          <p className="actions"><DownloadButton path={`/v1/${q.data.p.name}:report`} filename={`laporan-program-${program}.pdf`}
            label={t.documents.program} testId="program-pdf" />{' '}
            <DownloadButton path={`/v1/${q.data.p.name}:report?format=XLSX`} filename={`laporan-program-${program}.xlsx`}
              label={t.documents.programXlsx} testId="program-xlsx" /></p>
          <NewCohortForm program={program} />
          <CohortTable rows={q.data.cohorts.map((c) => ({ program: q.data!.p, cohort: c }))} caption={title} />
        </>
      )}
    </Page>
  );
}

export function CohortsPage() {
  const { query } = useLocation();
  const state = slugState[query.get('keadaan') ?? ''];
  const year = thisYear();
  const q = useAsync(() => loadYear(year), [year]);
  const title = state ? `${t.organiser.cohorts}: ${stateLabel(state).toLowerCase()}` : t.organiser.cohorts;
  return (
    <Page title={title} wide>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && <CohortTable caption={title}
        rows={q.data.cohorts.filter((r) => !state || cohortState(r.cohort) === state)} />}
    </Page>
  );
}

export function CompliancePage({ onlyUnit }: { onlyUnit?: string }) {
  const { query } = useLocation();
  const onlyUnder = query.get('di-bawah') === '1';
  const year = thisYear();
  const q = useAsync(() => loadCompliance(year), [year]);
  const rows = (q.data ?? []).filter((u) => (!onlyUnder || under20(u)) && (!onlyUnit || u.unit === onlyUnit));
  return (
    <Page title={t.organiser.complianceTitle(year)} wide>
      {!onlyUnit && (
        <p>{onlyUnder ? <Link to="/kepatuhan">{t.organiser.showAll}</Link>
          : <Link to="/kepatuhan?di-bawah=1">{t.organiser.filterUnder}</Link>}</p>
      )}
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && <ComplianceTable rows={rows} />}
    </Page>
  );
}

export function ComplianceTable({ rows }: { rows: (UnitCompliance & { displayName: string })[] }) {
  if (rows.length === 0) return <p>{t.app.none}</p>;
  return (
    <TableWrap label={t.nav.compliance}><table data-testid="compliance">
      <caption className="sr-only">{t.nav.compliance}</caption>
      <thead><tr>
        <th scope="col">{t.supervisor.unit}</th><th scope="col" className="num">{t.organiser.employees}</th>
        <th scope="col" className="num">{t.organiser.compliantCount}</th>
        <th scope="col" className="num">{t.organiser.compliantShare}</th><th scope="col" className="num">{t.organiser.meanJp}</th>
      </tr></thead>
      <tbody>{rows.map((u) => (
        <tr key={u.unit}>
          <th scope="row">{u.displayName}</th>
          <td className="num">{formatInteger(u.employeeCount ?? 0)}</td>
          <td className="num">{formatInteger(u.compliantCount ?? 0)}</td>
          <td className="num">{formatPercent(u.compliantShare ?? 0)}</td>
          <td className="num">{formatNumber(u.meanJp ?? 0)}</td>
        </tr>))}
      </tbody>
    </table></TableWrap>
  );
}

export { loadCompliance };

export function OverduePage() {
  const q = useAsync(loadOverdue, []);
  return (
    <Page title={t.organiser.overdueTitle} wide>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (q.data.length === 0 ? <p>{t.app.none}</p> : (
        <TableWrap label={t.organiser.overdueTitle}><table data-testid="overdue">
          <caption className="sr-only">{t.organiser.overdueTitle}</caption>
          <thead><tr>
            <th scope="col">{t.participant.cohort}</th><th scope="col">{t.organiser.participantNip}</th>
            <th scope="col">{t.organiser.who}</th><th scope="col">{t.organiser.waveCol}</th><th scope="col">{t.organiser.due}</th>
          </tr></thead>
          <tbody>{q.data.map((task) => {
            const m = /programs\/([^/]+)\/cohorts\/([^/]+)/.exec(task.cohort ?? task.enrolment ?? '');
            return (
              <tr key={task.name}>
                <th scope="row">{m ? `${humanizeSlug(m[1])} · ${humanizeSlug(m[2])}` : '—'}</th>
                <td>{task.participantNip}</td>
                <td>{t.organiser.taskRole[task.role ?? ''] ?? '—'}{task.role === 'SUPERVISOR_ASSESSMENT' && task.supervisorNip ? ` (${task.supervisorNip})` : ''}</td>
                <td>{t.organiser.wave(task.offsetDays ?? 0)}</td>
                <td>{formatDate(task.dueDate)}</td>
              </tr>);
          })}</tbody>
        </table></TableWrap>
      ))}
    </Page>
  );
}

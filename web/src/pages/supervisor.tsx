// Supervisor (atasan langsung): the staff whose supervisor_nip is theirs —
// names, positions and units, never birth dates — and each one's action
// plans to approve or return.
import { get, listAll, TENANT } from '../api';
import { formatInteger } from '../format';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { enrolmentParts, humanizeSlug, planPath } from '../names';
import { Link } from '../router';
import type { Employee, LearningHours } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { HoursCard, loadTrainings, thisYear } from './participant';

const unitLabel = (unit?: string) => humanizeSlug((unit ?? '').split('/').pop() ?? '');

export function StaffPage() {
  const year = thisYear();
  const q = useAsync(async () => {
    // The enrolment service narrows the list to the caller's staff.
    const staff = await listAll<Employee>(`/v1/tenants/${TENANT}/employees`, 'employees');
    const hours = await mapLimit(staff, 4, (e) =>
      get<LearningHours>(`/v1/${e.name}/learningHours?year=${year}`).catch(() => null));
    // Plans waiting for this supervisor's decision, per staff member.
    const waiting = staff.map(() => 0);
    await mapLimit(staff.map((e, i) => ({ e, i })), 4, async ({ e, i }) => {
      const trainings = await loadTrainings(e.nip ?? '').catch(() => []);
      waiting[i] = trainings.filter((x) => x.plan?.state === 'SUBMITTED').length;
    });
    return staff.map((e, i) => ({ employee: e, hours: hours[i], waiting: waiting[i] }));
  }, [year]);
  return (
    <Page title={t.supervisor.title}>
      <p>{t.supervisor.intro}</p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (q.data.length === 0 ? <p>{t.supervisor.noStaff}</p> : (
        <TableWrap label={t.supervisor.title}>
          <table>
            <caption className="sr-only">{t.supervisor.title}</caption>
            <thead><tr>
              <th scope="col">{t.supervisor.name}</th><th scope="col">{t.supervisor.position}</th>
              <th scope="col">{t.supervisor.unit}</th><th scope="col" className="num">{t.supervisor.hours}</th>
              <th scope="col" className="num">{t.supervisor.waiting}</th>
            </tr></thead>
            <tbody>
              {q.data.map(({ employee: e, hours, waiting }) => (
                <tr key={e.nip}>
                  <th scope="row"><Link to={`/staf/${e.nip}`}>{e.fullName || e.nip}</Link><br /><span className="hint">{e.nip}</span></th>
                  <td>{e.position}</td>
                  <td>{unitLabel(e.unit)}</td>
                  <td className="num">{hours ? formatInteger(hours.jp ?? 0) : '—'}</td>
                  <td className="num" data-testid={`waiting-${e.nip}`}>{waiting > 0
                    ? <Link to={`/staf/${e.nip}`}><span className="badge state-SUBMITTED">{formatInteger(waiting)}</span><span className="sr-only"> {t.supervisor.waitingOf(e.fullName || e.nip)}</span></Link>
                    : formatInteger(0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ))}
    </Page>
  );
}

export function StaffMemberPage({ nip }: { nip: string }) {
  const year = thisYear();
  const q = useAsync(async () => {
    const [employee, hours] = await Promise.all([
      get<Employee>(`/v1/tenants/${TENANT}/employees/${nip}`),
      get<LearningHours>(`/v1/tenants/${TENANT}/employees/${nip}/learningHours?year=${year}`),
    ]);
    return { employee, hours, trainings: await loadTrainings(nip) };
  }, [nip, year]);
  return (
    <Page title={t.supervisor.staffPage(q.data?.employee.fullName ?? nip)}>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <p>{q.data.employee.position} · {unitLabel(q.data.employee.unit)}</p>
          <HoursCard hours={q.data.hours} year={year} />
          <section className="card" aria-labelledby="plans-title">
            <h2 id="plans-title">{t.supervisor.plans}</h2>
            {q.data.trainings.filter((x) => x.plan).length === 0 ? <p>{t.supervisor.noPlans}</p> : (
              <ul className="list">
                {q.data.trainings.filter((x) => x.plan).map(({ enrolment, plan }) => {
                  const parts = enrolmentParts(enrolment.name)!;
                  return (
                    <li key={enrolment.name} className="list-item">
                      <Link to={planPath(parts)}>{humanizeSlug(parts.program)} · {humanizeSlug(parts.cohort)}</Link>{' '}
                      <span className={`badge state-${plan!.state}`}>{t.plan.states[plan!.state ?? 'STATE_UNSPECIFIED']}</span>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </>
      )}
    </Page>
  );
}

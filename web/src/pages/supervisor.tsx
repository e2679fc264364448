// Supervisor (atasan langsung): the staff whose supervisor_nip is theirs —
// names, positions and units, never birth dates — and each one's action
// plans to approve or return.
import { get, listAll, TENANT } from '../api';
import { formatDate, formatInteger } from '../format';
import { ApiError } from '../errors';
import { getClaims } from '../session';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { enrolmentParts, humanizeSlug, planPath } from '../names';
import { Link } from '../router';
import type { Employee, FollowUpTask, LearningHours } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { HoursCard, loadTrainings, pelitaJpOf, thisYear } from './participant';

const unitLabel = (unit?: string) => humanizeSlug((unit ?? '').split('/').pop() ?? '');

// The waves of a training whose cohort names none (a server before
// Training.follow_up_windows): the programmes' default offsets.
const DEFAULT_WAVES = [30, 60, 90];

type Assessment = FollowUpTask & { who: string; training: string };
export interface CompletedTraining { e: Employee; program: string; cohort: string; title: string; waves: number[] }

/** The follow-up waves (days after the cohort's last day) of a training, as
 * its cohort configures them (ListEmployeeTrainings' follow_up_windows). */
export function wavesOf(training: { followUpWindows?: { offsetDays?: number }[] }): number[] {
  const waves = (training.followUpWindows ?? []).map((w) => w.offsetDays ?? 0).filter((d) => d > 0);
  return waves.length > 0 ? [...new Set(waves)] : DEFAULT_WAVES;
}

/** The open assessments this supervisor owes: for each completed training
 * of their staff, the supervisor task of each of its cohort's waves, by its
 * name (`{p}.{c}.{nip}.{days}.supervisor`); a wave without a task is skipped. */
export async function loadAssessments(done: CompletedTraining[]): Promise<Assessment[]> {
  const me = getClaims()?.sub ?? '';
  const wanted = done.flatMap((d) => d.waves.map((w) => ({ d, id: `${d.program}.${d.cohort}.${d.e.nip}.${w}.supervisor` })));
  const got = await mapLimit(wanted, 4, ({ id }) => get<FollowUpTask>(`/v1/tenants/${TENANT}/followUpTasks/${id}`).catch((e) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
    throw e;
  }));
  return got.flatMap((task, i) => task && task.state === 'OPEN' && task.supervisorNip === me
    ? [{ ...task, who: wanted[i].d.e.fullName ?? wanted[i].d.e.nip, training: wanted[i].d.title }] : [])
    .sort((a, b) => formatKey(a) - formatKey(b));
}
const formatKey = (x: FollowUpTask) => (x.dueDate?.year ?? 9999) * 10000 + (x.dueDate?.month ?? 0) * 100 + (x.dueDate?.day ?? 0);

export function AssessmentsDue({ tasks }: { tasks: Assessment[] }) {
  return (
    <section className="card" aria-labelledby="due-h">
      <h2 id="due-h">{t.supervisor.dueTitle}</h2>
      <p className="hint">{t.supervisor.dueIntro}</p>
      {tasks.length === 0 ? <p data-testid="due-none">{t.supervisor.dueNone}</p> : (
        <TableWrap label={t.supervisor.dueTitle}><table data-testid="due-table">
          <thead><tr>
            <th scope="col">{t.supervisor.name}</th><th scope="col">{t.supervisor.training}</th>
            <th scope="col">{t.organiser.waveCol}</th><th scope="col">{t.organiser.due}</th>
          </tr></thead>
          <tbody>{tasks.map((x) => (
            <tr key={x.name} className={x.overdue ? 'overdue' : undefined}>
              <th scope="row">{x.who}<br /><span className="hint">{x.participantNip}</span></th>
              <td>{x.training}</td>
              <td>{t.organiser.wave(x.offsetDays ?? 0)}</td>
              <td>{formatDate(x.dueDate)}{x.overdue && <> — <strong>{t.supervisor.late}</strong></>}</td>
            </tr>))}
          </tbody>
        </table></TableWrap>
      )}
    </section>
  );
}

export function StaffPage() {
  const year = thisYear();
  const q = useAsync(async () => {
    // The enrolment service narrows the list to the caller's staff.
    const staff = await listAll<Employee>(`/v1/tenants/${TENANT}/employees`, 'employees');
    const hours = await mapLimit(staff, 4, (e) =>
      get<LearningHours>(`/v1/${e.name}/learningHours?year=${year}`).catch(() => null));
    // Plans waiting for this supervisor's decision, per staff member.
    const waiting = staff.map(() => 0);
    const completed: CompletedTraining[] = [];
    await mapLimit(staff.map((e, i) => ({ e, i })), 4, async ({ e, i }) => {
      const trainings = await loadTrainings(e.nip ?? '').catch(() => []);
      waiting[i] = trainings.filter((x) => x.plan?.state === 'SUBMITTED').length;
      for (const x of trainings) {
        const parts = enrolmentParts(x.enrolment.name);
        if (x.enrolment.state === 'COMPLETED' && parts) {
          completed.push({ e, program: parts.program, cohort: parts.cohort, title: x.programTitle ?? parts.program, waves: wavesOf(x) });
        }
      }
    });
    const tasks = await loadAssessments(completed);
    return { rows: staff.map((e, i) => ({ employee: e, hours: hours[i], waiting: waiting[i] })), tasks };
  }, [year]);
  return (
    <Page title={t.supervisor.title}>
      <p>{t.supervisor.intro}</p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && <AssessmentsDue tasks={q.data.tasks} />}
      {q.data && (q.data.rows.length === 0 ? <p>{t.supervisor.noStaff}</p> : (
        <TableWrap label={t.supervisor.title}>
          <table>
            <caption className="sr-only">{t.supervisor.title}</caption>
            <thead><tr>
              <th scope="col">{t.supervisor.name}</th><th scope="col">{t.supervisor.position}</th>
              <th scope="col">{t.supervisor.unit}</th><th scope="col" className="num">{t.supervisor.hours}</th>
              <th scope="col" className="num">{t.supervisor.pelitaJp}</th>
              <th scope="col" className="num">{t.supervisor.externalJp}</th>
              <th scope="col" className="num">{t.supervisor.waiting}</th>
            </tr></thead>
            <tbody>
              {q.data.rows.map(({ employee: e, hours, waiting }) => (
                <tr key={e.nip}>
                  <th scope="row"><Link to={`/staf/${e.nip}`}>{e.fullName || e.nip}</Link><br /><span className="hint">{e.nip}</span></th>
                  <td>{e.position}</td>
                  <td>{unitLabel(e.unit)}</td>
                  <td className="num">{hours ? formatInteger(hours.jp ?? 0) : '—'}</td>
                  <td className="num" data-testid={`jp-pelita-${e.nip}`}>{hours ? formatInteger(pelitaJpOf(hours)) : '—'}</td>
                  <td className="num" data-testid={`jp-external-${e.nip}`}>{hours ? formatInteger(hours.externalJp ?? 0) : '—'}</td>
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

// Participant (and supervisor as a person): learning hours against 20 JP,
// the trainings completed this year, and the action plan of each.
import { get, TENANT } from '../api';
import { ApiError } from '../errors';
import { formatInteger, formatTimestampDate } from '../format';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { enrolmentParts, humanizeSlug, planPath } from '../names';
import { Link } from '../router';
import { getClaims } from '../session';
import type { ActionPlan, Employee, Enrolment, LearningHours } from '../types';
import { ErrorBox, JpBar, Loading, Page } from '../components/ui';

export const thisYear = () => new Date().getFullYear();

export interface Training {
  enrolment: Enrolment;
  plan: ActionPlan | null;
}

/** A person's completed trainings of the year, each with its action plan
 * (null when none was written yet).  From learningHours' completed
 * enrolments: the list of all of a person's enrolments (any state) is not
 * in the API yet. */
export async function loadTrainings(hours: LearningHours): Promise<Training[]> {
  return mapLimit(hours.completedEnrolments ?? [], 4, async (name) => {
    const [enrolment, plan] = await Promise.all([
      get<Enrolment>(`/v1/${name}`).catch(() => ({ name, state: 'COMPLETED' }) as Enrolment),
      get<ActionPlan>(`/v1/${name}/actionPlan`).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    ]);
    return { enrolment, plan };
  });
}

export function ParticipantHome() {
  const nip = getClaims()?.sub ?? '';
  const year = thisYear();
  const q = useAsync(async () => {
    const [employee, hours] = await Promise.all([
      get<Employee>(`/v1/tenants/${TENANT}/employees/${nip}`),
      get<LearningHours>(`/v1/tenants/${TENANT}/employees/${nip}/learningHours?year=${year}`),
    ]);
    return { employee, hours, trainings: await loadTrainings(hours) };
  }, [nip, year]);

  const title = q.data?.employee.fullName ? t.participant.greeting(q.data.employee.fullName) : t.nav.home;
  return (
    <Page title={title}>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <HoursCard hours={q.data.hours} year={year} />
          <TrainingList trainings={q.data.trainings} />
        </>
      )}
    </Page>
  );
}

export function HoursCard({ hours, year }: { hours: LearningHours; year: number }) {
  const jp = hours.jp ?? 0;
  const req = hours.requiredJp ?? 20;
  return (
    <section className="card" aria-labelledby="jp-title">
      <h2 id="jp-title">{t.participant.hoursTitle(year)}</h2>
      <p className="big" data-testid="jp-number">{t.participant.hoursOf(formatInteger(jp), formatInteger(req))}</p>
      <JpBar jp={jp} required={req} label={t.participant.hoursBar} />
      <p>{jp >= req ? t.participant.compliant : t.participant.notCompliant(formatInteger(req - jp))}</p>
    </section>
  );
}

function TrainingList({ trainings }: { trainings: Training[] }) {
  return (
    <section className="card" aria-labelledby="tr-title">
      <h2 id="tr-title">{t.participant.trainingsTitle}</h2>
      <p className="hint">{t.participant.trainingsNote}</p>
      {trainings.length === 0 ? <p>{t.participant.noTrainings}</p> : (
        <ul className="list">
          {trainings.map(({ enrolment, plan }) => {
            const parts = enrolmentParts(enrolment.name);
            if (!parts) return null;
            return (
              <li key={enrolment.name} className="list-item">
                <h3>{humanizeSlug(parts.program)}</h3>
                <p>{humanizeSlug(parts.cohort)}
                  {enrolment.completeTime ? ` · ${t.enrolmentState.COMPLETED} ${formatTimestampDate(enrolment.completeTime)}` : ''}</p>
                {enrolment.certificateNumber && <p>{t.participant.certificate}: {enrolment.certificateNumber}</p>}
                <p>
                  {t.plan.state}: <span className={`badge state-${plan?.state ?? 'NONE'}`}>
                    {t.plan.states[plan?.state ?? 'STATE_UNSPECIFIED']}</span>{' '}
                  <Link to={planPath(parts)}>{t.participant.openPlan}<span className="sr-only">: {humanizeSlug(parts.program)}</span></Link>
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}


// Participant (and supervisor as a person): learning hours against 20 JP,
// their surveys and tests (tasks.tsx), the trainings, and the action plan
// of each.
import { get, TENANT } from '../api';
import { ApiError } from '../errors';
import { formatDate, formatInteger, formatTimestampDate } from '../format';
import type { ProtoDate } from '../format';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { enrolmentParts, humanizeSlug, planPath } from '../names';
import { DownloadButton } from '../components/download';
import { Link } from '../router';
import { getClaims } from '../session';
import type { ActionPlan, Employee, Enrolment, LearningHours } from '../types';
import { ErrorBox, JpBar, Loading, Page, TableWrap } from '../components/ui';
import { AnswerTasks } from './tasks';

export const thisYear = () => new Date().getFullYear();

/** One of a person's trainings as the API lists them
 * (GET .../employees/{nip}/trainings). */
interface TrainingRow {
  enrolment: Enrolment;
  program?: string; programTitle?: string; jp?: number;
  cohort?: string; cohortDisplayName?: string; startDate?: ProtoDate; endDate?: ProtoDate;
  /** The cohort's follow-up waves (the programme's follow_up_offsets_days). */
  followUpWindows?: { offsetDays?: number; firstDay?: ProtoDate; lastDay?: ProtoDate }[];
}

export interface Training extends TrainingRow {
  /** The action plan of a completed training (null when none was written yet). */
  plan: ActionPlan | null;
}

/** A person's trainings, newest first: every cohort they are enrolled or
 * wait-listed in or completed, with the programme's title and the cohort's
 * name and days; the action plan of each completed one. */
export async function loadTrainings(nip: string): Promise<Training[]> {
  const r = await get<{ trainings?: TrainingRow[] }>(`/v1/tenants/${TENANT}/employees/${nip}/trainings`);
  return mapLimit(r.trainings ?? [], 4, async (row) => {
    if (row.enrolment.state !== 'COMPLETED') return { ...row, plan: null };
    const plan = await get<ActionPlan>(`/v1/${row.enrolment.name}/actionPlan`).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
    return { ...row, plan };
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
    return { employee, hours, trainings: await loadTrainings(nip) };
  }, [nip, year]);

  const title = q.data?.employee.fullName ? t.participant.greeting(q.data.employee.fullName) : t.nav.home;
  return (
    <Page title={title}>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <HoursCard hours={q.data.hours} year={year} />
          <ExternalTrainings hours={q.data.hours} />
          <AnswerTasks nip={nip} cohortNames={cohortNames(q.data.trainings)} />
          <TrainingList trainings={q.data.trainings} />
        </>
      )}
    </Page>
  );
}

/** Each training's cohort -> "programme · cohort" as the list shows it. */
function cohortNames(trainings: Training[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tr of trainings) {
    const parts = enrolmentParts(tr.enrolment.name);
    if (!tr.cohort || !parts) continue;
    const program = tr.programTitle || humanizeSlug(parts.program);
    const cohort = tr.cohortDisplayName || humanizeSlug(parts.cohort);
    // A cohort's name often carries its programme's ("Angkatan I — Pelayanan Publik Prima").
    out[tr.cohort] = cohort.includes(program) ? cohort : `${program} · ${cohort}`;
  }
  return out;
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
      <JpSplit hours={hours} />
    </section>
  );
}

/** The JP earned in Pelita; an answer without the split (an older
 * service) is all Pelita's. */
export function pelitaJpOf(hours: LearningHours): number {
  return hours.pelitaJp ?? ((hours.externalJp ?? 0) > 0 ? 0 : hours.jp ?? 0);
}

/** Where the year's JP come from: Pelita's completed trainings and those
 * SIASN records elsewhere. */
export function JpSplit({ hours }: { hours: LearningHours }) {
  const pelita = pelitaJpOf(hours);
  return (
    <dl className="facts">
      <dt>{t.participant.pelitaJp}</dt><dd data-testid="jp-pelita">{formatInteger(pelita)}</dd>
      <dt>{t.participant.externalJp}</dt><dd data-testid="jp-external">{formatInteger(hours.externalJp ?? 0)}</dd>
    </dl>
  );
}

/** The source of an external training in words ("SIASN riwayat kursus"). */
export function sourceLabel(source: string | undefined): string {
  return t.participant.externalSources[source ?? ''] ?? source ?? '';
}

/** The external trainings (SIASN) that counted in the year, and a note on
 * those not counted because they are Pelita's own, read back from SIASN. */
export function ExternalTrainings({ hours }: { hours: LearningHours }) {
  const counted = hours.externalTrainings ?? [];
  const duplicates = hours.duplicates ?? [];
  const c = t.participant.externalColumns;
  return (
    <section className="card" aria-labelledby="ext-title">
      <h2 id="ext-title">{t.participant.externalTitle}</h2>
      <p className="hint">{t.participant.externalNote}</p>
      {counted.length === 0 ? <p>{t.participant.noExternal}</p> : (
        <TableWrap label={t.participant.externalTitle}>
          <table data-testid="external-table">
            <caption className="sr-only">{t.participant.externalTitle}</caption>
            <thead><tr>
              <th scope="col">{c.title}</th><th scope="col">{c.institution}</th><th scope="col">{c.endDate}</th>
              <th scope="col" className="num">{c.jp}</th><th scope="col">{c.source}</th>
            </tr></thead>
            <tbody>{counted.map((x) => (
              <tr key={x.name ?? `${x.source}.${x.sourceId}`}>
                <th scope="row">{x.title || '—'}</th><td>{x.institution || '—'}</td>
                <td>{formatDate(x.endDate) || '—'}</td><td className="num">{formatInteger(x.jp ?? 0)}</td>
                <td>{sourceLabel(x.source)}</td>
              </tr>))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {duplicates.length > 0 && (
        <>
          <p data-testid="external-duplicates">{t.participant.duplicatesNote(formatInteger(duplicates.length))}</p>
          <ul className="list">{duplicates.map((x) => (
            <li key={x.name ?? `${x.source}.${x.sourceId}`} className="hint">
              {x.title || '—'} · {formatDate(x.endDate)} · {formatInteger(x.jp ?? 0)} JP · {sourceLabel(x.source)}:{' '}
              {t.participant.duplicateItem}
            </li>))}
          </ul>
        </>
      )}
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
          {trainings.map(({ enrolment, plan, programTitle, cohortDisplayName, startDate, endDate, jp }) => {
            const parts = enrolmentParts(enrolment.name);
            if (!parts) return null;
            const title = programTitle || humanizeSlug(parts.program);
            const completed = enrolment.state === 'COMPLETED';
            return (
              <li key={enrolment.name} className="list-item">
                <h3>{title}</h3>
                <p>{cohortDisplayName || humanizeSlug(parts.cohort)}
                  {startDate ? ` · ${formatDate(startDate)}${endDate ? ` – ${formatDate(endDate)}` : ''}` : ''}
                  {jp ? ` · ${formatInteger(jp)} JP` : ''}</p>
                <p>{t.enrolmentState[enrolment.state ?? ''] ?? ''}
                  {enrolment.completeTime ? ` ${formatTimestampDate(enrolment.completeTime)}` : ''}</p>
                {enrolment.certificateNumber && <p>{t.participant.certificate}: {enrolment.certificateNumber}{' '}
                  <DownloadButton path={`/v1/${enrolment.name}:certificate`} label={t.participant.certificatePdf}
                    filename={`sertifikat-${parts?.program ?? ""}-${parts?.cohort ?? ""}.pdf`} testId="certificate-pdf" /></p>}
                {completed && (
                  <p>
                    {t.plan.state}: <span className={`badge state-${plan?.state ?? 'NONE'}`}>
                      {t.plan.states[plan?.state ?? 'STATE_UNSPECIFIED']}</span>{' '}
                    <Link to={planPath(parts)}>{t.participant.openPlan}<span className="sr-only">: {title}</span></Link>
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}


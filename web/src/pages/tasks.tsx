// "Survei dan tes saya" (issue 16): the surveys and tests a signed-in
// participant was asked to answer — and, for a supervisor, the assessments
// of their staff — from GET .../employees/{nip}/answerTasks.  An open one
// opens the same one-question-a-screen form as its personal link (/jawab,
// answers kept on the device while offline); an anonymous survey is only
// said to exist: Pelita keeps no link between a person and its answer.
import { get, TENANT } from '../api';
import { formatTimestampDate } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n/id';
import { humanizeSlug } from '../names';
import { Link } from '../router';
import type { AnswerTask } from '../types';
import { ErrorBox, Loading } from '../components/ui';

/** "tenants/1504/programs/p/cohorts/c" -> the training's name as the
 * person's trainings list gives it, else from the slugs. */
function cohortLabel(cohort: string, names: Record<string, string>): string {
  if (names[cohort]) return names[cohort];
  const m = /programs\/([^/]+)\/cohorts\/([^/]+)$/.exec(cohort);
  return m ? `${humanizeSlug(m[1])} · ${humanizeSlug(m[2])}` : cohort;
}

function what(task: AnswerTask): string {
  const kind = t.tasks.kinds[task.instrumentKind ?? ''] ?? '';
  if (task.followupRole === 'SUPERVISOR_ASSESSMENT') return `${kind} · ${t.tasks.about(task.subjectNip ?? '')}`;
  if (task.followupRole === 'SELF_REPORT') return `${kind} · ${t.tasks.self}`;
  return kind;
}

/** The list; `cohortNames` maps a cohort's resource name to the label of
 * the person's own training (supervisors' assessments fall back to slugs). */
export function AnswerTasks({ nip, cohortNames = {} }: { nip: string; cohortNames?: Record<string, string> }) {
  const q = useAsync(() => get<{ tasks?: AnswerTask[] }>(`/v1/tenants/${TENANT}/employees/${nip}/answerTasks`), [nip]);
  const tasks = q.data?.tasks ?? [];
  return (
    <section className="card" aria-labelledby="tasks-title" data-testid="answer-tasks">
      <h2 id="tasks-title">{t.tasks.title}</h2>
      <p className="hint">{t.tasks.intro}</p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (tasks.length === 0 ? <p data-testid="tasks-none">{t.tasks.none}</p> : (
        <ul className="list">
          {tasks.map((task) => {
            const state = task.state ?? 'STATE_UNSPECIFIED';
            const title = task.instrumentTitle || humanizeSlug(task.instrument.split('/').pop() ?? '');
            const date = formatTimestampDate(task.expireTime);
            return (
              <li key={`${task.cohort}|${task.instrument}|${task.followupRole ?? ''}|${task.subjectNip ?? ''}`}
                className="list-item" data-testid="answer-task" data-state={state}>
                <h3>{title}</h3>
                <p>{what(task)}</p>
                <p>{cohortLabel(task.cohort, cohortNames)}</p>
                <p><span className={`badge task-${state}`}>{t.tasks.states[state] ?? ''}</span></p>
                {state === 'OPEN' && task.token && (
                  <>
                    <p>{t.tasks.until(date)}</p>
                    <p><Link to={`/jawab#${task.token}`} className="button-link">
                      {t.tasks.open}<span className="sr-only">: {title}</span></Link></p>
                  </>
                )}
                {state === 'ANSWERED' && <p>{t.tasks.answered}</p>}
                {state === 'EXPIRED' && <p>{t.tasks.expired(date)}</p>}
                {state === 'ANONYMOUS' && <p>{t.tasks.anonymous(date)}</p>}
              </li>
            );
          })}
        </ul>
      ))}
    </section>
  );
}

// One action plan (rencana tindak lanjut, RTL): the participant writes 1–5
// actions, saves the draft and submits it; the supervisor approves it or
// returns it with a comment.  What the user typed stays in the form when a
// save fails.
import { useEffect, useState, type FormEvent } from 'react';
import { api, get, TENANT } from '../api';
import { ApiError } from '../errors';
import { dateToInput, formatDate, formatTimestampDate, inputToDate } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n/id';
import { humanizeSlug, nipOf } from '../names';
import { getClaims } from '../session';
import type { Action, ActionPlan, Employee } from '../types';
import { ErrorBox, Loading, Notice, Page } from '../components/ui';

const MAX_ACTIONS = 5;
const emptyAction = (): Action => ({ change: '', competency: '', indicator: '' });

export function PlanPage({ program, cohort, nip }: { program: string; cohort: string; nip: string }) {
  const name = `tenants/${TENANT}/programs/${program}/cohorts/${cohort}/enrolments/${nip}/actionPlan`;
  const me = getClaims();
  const own = me?.sub === nip;
  const q = useAsync(async () => {
    const plan = await get<ActionPlan>(`/v1/${name}`).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
    // The supervisor to name on a new plan: the roster's atasan langsung.
    const employee = await get<Employee>(`/v1/tenants/${TENANT}/employees/${nip}`).catch(() => null);
    return { plan, employee };
  }, [name]);

  return (
    <Page title={t.plan.title}>
      <p className="subtitle">{humanizeSlug(program)} · {humanizeSlug(cohort)}
        {!own && q.data?.employee?.fullName ? ` · ${q.data.employee.fullName}` : ''}</p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (own
        ? <PlanEditor name={name} plan={q.data.plan} supervisorNip={q.data.employee?.supervisorNip ?? ''} onChanged={q.reload} />
        : <PlanReview name={name} plan={q.data.plan} onChanged={q.reload} />)}
    </Page>
  );
}

function PlanStatus({ plan }: { plan: ActionPlan | null }) {
  const state = plan?.state ?? 'STATE_UNSPECIFIED';
  return (
    <section className="card" aria-labelledby="plan-state">
      <h2 id="plan-state">{t.plan.state}</h2>
      <p><span className={`badge state-${state}`} data-testid="plan-state">{t.plan.states[state]}</span>
        {plan?.approveTime && state === 'APPROVED' ? ` · ${formatTimestampDate(plan.approveTime)}` : ''}
        {plan?.submitTime && state === 'SUBMITTED' ? ` · ${formatTimestampDate(plan.submitTime)}` : ''}</p>
      {plan?.reviewComment && (
        <div>
          <h3>{t.plan.comment}</h3>
          <blockquote data-testid="review-comment">{plan.reviewComment}</blockquote>
        </div>
      )}
    </section>
  );
}

function PlanEditor({ name, plan, supervisorNip, onChanged }: {
  name: string; plan: ActionPlan | null; supervisorNip: string; onChanged: () => void;
}) {
  const editable = !plan || plan.state === 'DRAFT' || plan.state === 'RETURNED';
  const [supervisor, setSupervisor] = useState(nipOf(plan?.supervisor) || supervisorNip);
  const [actions, setActions] = useState<Action[]>(plan?.actions?.length ? plan.actions : [emptyAction()]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (plan?.actions?.length) setActions(plan.actions);
  }, [plan]);

  const set = (i: number, patch: Partial<Action>) =>
    setActions((a) => a.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  const save = async () => {
    const body: ActionPlan = {
      name,
      supervisor: `tenants/${TENANT}/employees/${supervisor.trim()}`,
      actions: actions.map((a) => ({
        change: a.change?.trim(), competency: a.competency?.trim(), indicator: a.indicator?.trim(),
        ...(a.dueDate ? { dueDate: a.dueDate } : {}),
      })),
    };
    return api<ActionPlan>('PATCH', `/v1/${name}?updateMask=supervisor,actions`, body);
  };
  const run = async (what: 'save' | 'submit') => {
    setError(null);
    setNotice('');
    setBusy(true);
    try {
      await save();
      if (what === 'submit') await api<ActionPlan>('POST', `/v1/${name}:submit`, {});
      setNotice(what === 'submit' ? t.plan.submitted : t.plan.savedDraft);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: FormEvent) => { e.preventDefault(); void run('submit'); };

  return (
    <>
      <PlanStatus plan={plan} />
      {notice && <Notice>{notice}</Notice>}
      {!editable ? (
        <section className="card">
          <p>{t.plan.readOnly}</p>
          <ActionList actions={plan?.actions ?? []} />
        </section>
      ) : (
        <form className="form card" onSubmit={onSubmit} noValidate>
          <p>{plan ? t.plan.intro : t.plan.notYet}</p>
          <label htmlFor="supervisor">{t.plan.supervisor}</label>
          <input id="supervisor" inputMode="numeric" value={supervisor} onChange={(e) => setSupervisor(e.target.value)} />
          {actions.map((a, i) => (
            <fieldset key={i} className="action">
              <legend>{t.plan.action(i + 1)}</legend>
              <label htmlFor={`change-${i}`}>{t.plan.change}</label>
              <textarea id={`change-${i}`} rows={3} value={a.change ?? ''} onChange={(e) => set(i, { change: e.target.value })} />
              <label htmlFor={`competency-${i}`}>{t.plan.competency}</label>
              <input id={`competency-${i}`} value={a.competency ?? ''} onChange={(e) => set(i, { competency: e.target.value })} />
              <label htmlFor={`indicator-${i}`}>{t.plan.indicator}</label>
              <input id={`indicator-${i}`} value={a.indicator ?? ''} onChange={(e) => set(i, { indicator: e.target.value })} />
              <label htmlFor={`due-${i}`}>{t.plan.dueDate}</label>
              <input id={`due-${i}`} type="date" value={dateToInput(a.dueDate)}
                onChange={(e) => set(i, { dueDate: inputToDate(e.target.value) })} />
              {actions.length > 1 && (
                <button type="button" className="secondary" onClick={() => setActions((x) => x.filter((_, j) => j !== i))}>
                  {t.plan.removeAction(i + 1)}</button>
              )}
            </fieldset>
          ))}
          {actions.length < MAX_ACTIONS && (
            <p><button type="button" className="secondary" onClick={() => setActions((x) => [...x, emptyAction()])}>
              {t.plan.addAction}</button></p>
          )}
          {error != null && <ErrorBox error={error} />}
          <p className="actions">
            <button type="button" className="secondary" disabled={busy} onClick={() => void run('save')}>{busy ? t.app.saving : t.plan.save}</button>
            <button type="submit" disabled={busy}>{t.plan.submit}</button>
          </p>
        </form>
      )}
    </>
  );
}

function ActionList({ actions }: { actions: Action[] }) {
  return (
    <ol className="actions-list">
      {actions.map((a, i) => (
        <li key={a.id ?? i}>
          <p><strong>{a.change}</strong></p>
          <dl className="facts">
            <dt>{t.plan.competency}</dt><dd>{a.competency || '—'}</dd>
            <dt>{t.plan.indicator}</dt><dd>{a.indicator || '—'}</dd>
            <dt>{t.plan.dueDate}</dt><dd>{formatDate(a.dueDate) || '—'}</dd>
            <dt>{t.plan.state}</dt><dd>{t.plan.actionStatus[a.status ?? 'STATUS_UNSPECIFIED']}</dd>
          </dl>
        </li>
      ))}
    </ol>
  );
}

/** The supervisor's view: the plan and, while submitted, approve or return. */
function PlanReview({ name, plan, onChanged }: { name: string; plan: ActionPlan | null; onChanged: () => void }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  if (!plan) return <p>{t.supervisor.noPlans}</p>;
  const decide = async (what: 'approve' | 'return') => {
    setError(null);
    setNotice('');
    if (what === 'return' && !comment.trim()) { setProblem(t.plan.commentRequired); return; }
    setProblem('');
    setBusy(true);
    try {
      await api<ActionPlan>('POST', `/v1/${name}:${what}`, { comment: comment.trim() });
      setNotice(what === 'approve' ? t.plan.approved : t.plan.returned);
      setComment('');
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PlanStatus plan={plan} />
      {notice && <Notice>{notice}</Notice>}
      <section className="card"><ActionList actions={plan.actions ?? []} /></section>
      {plan.state === 'SUBMITTED' && (
        <form className="form card" onSubmit={(e) => { e.preventDefault(); void decide('approve'); }} noValidate>
          <h2>{t.supervisor.reviewTitle}</h2>
          <label htmlFor="comment">{t.plan.reviewComment}</label>
          <textarea id="comment" rows={3} value={comment} aria-describedby="comment-hint" onChange={(e) => setComment(e.target.value)} />
          <p id="comment-hint" className="hint">{t.plan.reviewCommentHint}</p>
          {problem && <p className="error" role="alert">{problem}</p>}
          {error != null && <ErrorBox error={error} />}
          <p className="actions">
            <button type="submit" disabled={busy}>{t.plan.approve}</button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void decide('return')}>{t.plan.return}</button>
          </p>
        </form>
      )}
    </>
  );
}

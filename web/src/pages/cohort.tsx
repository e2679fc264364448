// The organiser's forms for the training calendar: a new programme, a new
// cohort (real date pickers), and a cohort's own page
// (/program/<p>/angkatan/<c>): its details edited in place, enrolment from
// a searchable roster (a full cohort puts people on the wait list), the
// attendance grid (one box per participant and day) and completion.  What
// was typed stays in the form when the server refuses it; the refusal is
// shown from its reason and fields.
import { useMemo, useState, type FormEvent } from 'react';
import { api, get, lastSegment, listAll, TENANT } from '../api';
import { formatDate, formatInteger, type ProtoDate } from '../format';
import { useAction, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { Link, navigate } from '../router';
import type { Cohort, Employee, Enrolment, Program, Unit } from '../types';
import { ErrorBox, Loading, Notice, Page, TableWrap } from '../components/ui';
import { DownloadButton } from '../components/download';

/** "Angkatan I 2027" -> "angkatan-i-2027" (a resource id: [a-z0-9-], 1-63). */
export function slugify(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/g, '');
}

const toIsoDay = (d?: ProtoDate) =>
  d?.year ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : '';
const fromIsoDay = (s: string): ProtoDate | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
};

/** The days from start to end inclusive, as YYYY-MM-DD (at most 60). */
export function cohortDays(start?: ProtoDate, end?: ProtoDate): string[] {
  if (!start?.year || !end?.year) return [];
  const out: string[] = [];
  const d = new Date(Date.UTC(start.year, (start.month ?? 1) - 1, start.day ?? 1));
  const last = Date.UTC(end.year, (end.month ?? 1) - 1, end.day ?? 1);
  while (d.getTime() <= last && out.length < 60) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

export function NewProgramForm({ year, onCreated }: { year: number; onCreated: () => void }) {
  const [title, setTitle] = useState('');
  const [competency, setCompetency] = useState('TEKNIS');
  const [jp, setJp] = useState('20');
  const [budget, setBudget] = useState('');
  const [cost, setCost] = useState('');
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const p = await api<Program>('POST', `/v1/tenants/${TENANT}/programs?programId=${encodeURIComponent(slugify(`${title} ${year}`))}`, {
        title: title.trim(), competencyType: competency, jp: Number(jp), budget: budget || '0',
        costPerParticipant: cost || '0', year,
      });
      onCreated();
      navigate(`/program/${lastSegment(p.name)}`);
    });
  };
  return (
    <details className="card">
      <summary>{t.forms.newProgram}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <label htmlFor="p-title">{t.organiser.title}</label>
        <input id="p-title" value={title} onChange={(e) => setTitle(e.target.value)} required />
        <label htmlFor="p-competency">{t.organiser.competency}</label>
        <select id="p-competency" value={competency} onChange={(e) => setCompetency(e.target.value)}>
          {['TEKNIS', 'MANAJERIAL', 'SOSIAL_KULTURAL'].map((c) => <option key={c} value={c}>{t.competency[c]}</option>)}
        </select>
        <label htmlFor="p-jp">{t.organiser.jp}</label>
        <input id="p-jp" type="number" inputMode="numeric" min={1} value={jp} onChange={(e) => setJp(e.target.value)} />
        <label htmlFor="p-budget">{t.forms.budgetRp}</label>
        <input id="p-budget" type="number" inputMode="numeric" min={0} value={budget} onChange={(e) => setBudget(e.target.value)} />
        <label htmlFor="p-cost">{t.forms.costRp}</label>
        <input id="p-cost" type="number" inputMode="numeric" min={0} value={cost} onChange={(e) => setCost(e.target.value)} />
        {error != null && <ErrorBox error={error} />}
        <button type="submit" disabled={busy || !title.trim()}>{t.forms.create}</button>
      </form>
    </details>
  );
}

function CohortFields(p: {
  name: string; setName: (v: string) => void; start: string; setStart: (v: string) => void;
  end: string; setEnd: (v: string) => void; venue: string; setVenue: (v: string) => void;
  capacity: string; setCapacity: (v: string) => void; prefix: string;
}) {
  return (
    <>
      <label htmlFor={`${p.prefix}-name`}>{t.forms.cohortName}</label>
      <input id={`${p.prefix}-name`} value={p.name} onChange={(e) => p.setName(e.target.value)} required />
      <label htmlFor={`${p.prefix}-start`}>{t.forms.start}</label>
      <input id={`${p.prefix}-start`} type="date" value={p.start} onChange={(e) => p.setStart(e.target.value)} required />
      <label htmlFor={`${p.prefix}-end`}>{t.forms.end}</label>
      <input id={`${p.prefix}-end`} type="date" value={p.end} min={p.start || undefined} onChange={(e) => p.setEnd(e.target.value)} required />
      <label htmlFor={`${p.prefix}-venue`}>{t.organiser.venue}</label>
      <input id={`${p.prefix}-venue`} value={p.venue} onChange={(e) => p.setVenue(e.target.value)} />
      <label htmlFor={`${p.prefix}-capacity`}>{t.organiser.capacity}</label>
      <input id={`${p.prefix}-capacity`} type="number" inputMode="numeric" min={1} value={p.capacity}
        onChange={(e) => p.setCapacity(e.target.value)} />
    </>
  );
}

export function NewCohortForm({ program }: { program: string }) {
  const [name, setName] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [venue, setVenue] = useState('');
  const [capacity, setCapacity] = useState('30');
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const c = await api<Cohort>('POST', `/v1/tenants/${TENANT}/programs/${program}/cohorts?cohortId=${encodeURIComponent(slugify(name))}`, {
        displayName: name.trim(), startDate: fromIsoDay(start), endDate: fromIsoDay(end), venue: venue.trim(),
        capacity: Number(capacity) || 0,
      });
      navigate(`/program/${program}/angkatan/${lastSegment(c.name)}`);
    });
  };
  return (
    <details className="card">
      <summary>{t.forms.newCohort}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <CohortFields prefix="nc" {...{ name, setName, start, setStart, end, setEnd, venue, setVenue, capacity, setCapacity }} />
        {error != null && <ErrorBox error={error} />}
        <button type="submit" disabled={busy || !name.trim() || !start || !end}>{t.forms.create}</button>
      </form>
    </details>
  );
}

function EditCohort({ cohort, onSaved }: { cohort: Cohort; onSaved: () => void }) {
  const [name, setName] = useState(cohort.displayName ?? '');
  const [start, setStart] = useState(toIsoDay(cohort.startDate));
  const [end, setEnd] = useState(toIsoDay(cohort.endDate));
  const [venue, setVenue] = useState(cohort.venue ?? '');
  const [capacity, setCapacity] = useState(String(cohort.capacity ?? ''));
  const { error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    void run(async () => {
      await api('PATCH', `/v1/${cohort.name}?updateMask=displayName,startDate,endDate,venue,capacity`, {
        displayName: name.trim(), startDate: fromIsoDay(start), endDate: fromIsoDay(end), venue: venue.trim(),
        capacity: Number(capacity) || 0,
      });
      setSaved(true);
      onSaved();
    });
  };
  return (
    <details className="card">
      <summary>{t.forms.editCohort}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <CohortFields prefix="ec" {...{ name, setName, start, setStart, end, setEnd, venue, setVenue, capacity, setCapacity }} />
        {saved && <Notice>{t.app.saved}</Notice>}
        {error != null && <ErrorBox error={error} />}
        <button type="submit">{t.app.save}</button>
      </form>
    </details>
  );
}

function EnrolFromRoster({ cohort, enrolled, onEnrolled }: { cohort: string; enrolled: Set<string>; onEnrolled: () => void }) {
  const roster = useAsync(async () => {
    const [employees, units] = await Promise.all([
      listAll<Employee>(`/v1/tenants/${TENANT}/employees`, 'employees'),
      listAll<Unit>(`/v1/tenants/${TENANT}/units`, 'units'),
    ]);
    return { employees, units: new Map(units.map((u) => [u.name, u.displayName ?? lastSegment(u.name)])) };
  }, []);
  const [q, setQ] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const found = useMemo(() => {
    const needle = q.trim().toLowerCase();
    if (!roster.data || needle.length < 2) return [];
    return roster.data.employees.filter((e) => {
      const unit = roster.data!.units.get(e.unit ?? '') ?? '';
      return e.nip.includes(needle) || (e.fullName ?? '').toLowerCase().includes(needle) || unit.toLowerCase().includes(needle);
    }).slice(0, 20);
  }, [q, roster.data]);
  const enrol = async (e: Employee) => {
    setError(null);
    setNote('');
    try {
      const r = await api<Enrolment>('POST', `/v1/${cohort}/enrolments`, { employee: e.name });
      setNote(r.state === 'WAITLISTED' ? t.forms.waitlisted(e.fullName ?? e.nip) : t.forms.enrolledNote(e.fullName ?? e.nip));
      onEnrolled();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="enrol-h">
      <h2 id="enrol-h">{t.forms.enrolTitle}</h2>
      <label htmlFor="roster-q">{t.forms.search}</label>
      <input id="roster-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} aria-describedby="roster-hint" />
      <p id="roster-hint" className="hint">{t.forms.searchHint}</p>
      {roster.loading && !roster.data && <Loading />}
      {roster.error != null && <ErrorBox error={roster.error} onRetry={roster.reload} />}
      {note && <Notice>{note}</Notice>}
      {error != null && <ErrorBox error={error} />}
      {found.length > 0 && (
        <ul className="found" data-testid="roster-found">{found.map((e) => (
          <li key={e.nip}>
            <span><strong>{e.fullName}</strong> <span className="hint">{e.nip} · {roster.data!.units.get(e.unit ?? '') ?? ''}</span></span>
            {enrolled.has(e.nip) ? <span className="hint">{t.forms.alreadyEnrolled}</span>
              : <button type="button" onClick={() => void enrol(e)}>{t.forms.enrol}<span className="sr-only"> {e.fullName}</span></button>}
          </li>))}
        </ul>
      )}
    </section>
  );
}

export function AttendanceGrid({ cohort, enrolments, names, onChange }: {
  cohort: Cohort; enrolments: (Enrolment & { attendedDays?: string[] })[]; names: Map<string, string>; onChange: () => void;
}) {
  const days = cohortDays(cohort.startDate, cohort.endDate);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const run = async (key: string, f: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try { await f(); onChange(); } catch (err) { setError(err); } finally { setBusy(''); }
  };
  const active = enrolments.filter((e) => e.state !== 'WITHDRAWN');
  return (
    <section className="card" aria-labelledby="att-h">
      <h2 id="att-h">{t.forms.attendanceTitle}</h2>
      <p className="hint">{t.forms.attendanceHint}</p>
      {error != null && <ErrorBox error={error} />}
      {active.some((e) => e.state === 'COMPLETED') && (
        <p><DownloadButton path={`/v1/${cohort.name}:certificates`} label={t.documents.certificates}
          filename={`sertifikat-${(cohort.name ?? "").split('/').slice(-3).join('-')}.pdf`} testId="certificates-pdf" /></p>)}
      {active.length === 0 ? <p>{t.app.none}</p> : (
        <TableWrap label={t.forms.attendanceTitle}><table className="attendance" data-testid="attendance">
          <thead><tr>
            <th scope="col">{t.forms.participant}</th>
            {days.map((d) => <th key={d} scope="col" className="num">{formatDate(fromIsoDay(d))}</th>)}
            <th scope="col">{t.participant.state}</th><th scope="col">{t.forms.completion}</th>
          </tr></thead>
          <tbody>{active.map((e) => {
            const nip = lastSegment(e.name);
            const who = names.get(nip) ?? nip;
            const attended = new Set(e.attendedDays ?? []);
            const waiting = e.state === 'WAITLISTED';
            return (
              <tr key={e.name}>
                <th scope="row">{who}<br /><span className="hint">{nip}</span></th>
                {days.map((d) => (
                  <td key={d} className="num">
                    <input type="checkbox" checked={attended.has(d) || busy === `${nip}|${d}`} disabled={waiting || attended.has(d) || e.state === 'COMPLETED' || busy !== ''}
                      aria-label={t.forms.attendedOn(who, formatDate(fromIsoDay(d)))}
                      onChange={() => void run(`${nip}|${d}`, () => api('POST', `/v1/${e.name}:recordAttendance`, { day: d }))} />
                  </td>))}
                <td>{t.enrolmentState[e.state ?? ''] ?? e.state}</td>
                <td>{e.state === 'COMPLETED' ? e.certificateNumber
                  : e.state === 'ATTENDED' || e.state === 'ENROLLED' ? (
                    <button type="button" className="secondary" disabled={busy !== '' || attended.size === 0}
                      onClick={() => void run(`${nip}|done`, () => api('POST', `/v1/${e.name}:complete`, {}))}>
                      {t.forms.complete}<span className="sr-only"> {who}</span></button>) : null}</td>
              </tr>);
          })}</tbody>
        </table></TableWrap>
      )}
    </section>
  );
}

export function CohortPage({ program, cohort }: { program: string; cohort: string }) {
  const name = `tenants/${TENANT}/programs/${program}/cohorts/${cohort}`;
  const q = useAsync(async () => {
    const [c, p, enrolments, employees] = await Promise.all([
      get<Cohort>(`/v1/${name}`),
      get<Program>(`/v1/tenants/${TENANT}/programs/${program}`),
      listAll<Enrolment & { attendedDays?: string[] }>(`/v1/${name}/enrolments`, 'enrolments'),
      listAll<Employee>(`/v1/tenants/${TENANT}/employees`, 'employees'),
    ]);
    return { c, p, enrolments, names: new Map(employees.map((e) => [e.nip, e.fullName ?? e.nip])) };
  }, [name]);
  const title = q.data ? `${q.data.c.displayName ?? cohort} — ${q.data.p.title ?? program}` : t.organiser.cohorts;
  return (
    <Page title={title} wide>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <dl className="facts">
            <dt>{t.organiser.dates}</dt><dd>{formatDate(q.data.c.startDate)} – {formatDate(q.data.c.endDate)}</dd>
            <dt>{t.organiser.venue}</dt><dd>{q.data.c.venue || '—'}</dd>
            <dt>{t.organiser.enrolled}</dt>
            <dd data-testid="c-enrolled">{formatInteger(q.data.c.enrolledCount ?? 0)} / {formatInteger(q.data.c.capacity ?? 0)}</dd>
            <dt>{t.forms.waitlist}</dt><dd data-testid="c-waitlisted">{formatInteger(q.data.c.waitlistedCount ?? 0)}</dd>
          </dl>
          <p className="actions">
            <Link to={`/program/${program}/angkatan/${cohort}/tautan`}>{t.links.open}</Link>{' · '}
            <Link to={`/program/${program}/angkatan/${cohort}/laporan`}>{t.organiser.report}</Link>
          </p>
          <EditCohort key={q.data.c.name} cohort={q.data.c} onSaved={q.reload} />
          <EnrolFromRoster cohort={name} onEnrolled={q.reload}
            enrolled={new Set(q.data.enrolments.filter((e) => e.state !== 'WITHDRAWN').map((e) => lastSegment(e.name)))} />
          <AttendanceGrid cohort={q.data.c} enrolments={q.data.enrolments} names={q.data.names} onChange={q.reload} />
        </>
      )}
    </Page>
  );
}

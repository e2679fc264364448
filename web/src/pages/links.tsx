// The organiser distributes an instrument to a cohort as personal links
// (/program/<p>/angkatan/<c>/tautan): one per participant (or per
// supervisor, for a supervisor's follow-up), each to copy or sent through
// the reminder channels, and the response rate, refreshed while the page
// is open.
import { useEffect, useState, type FormEvent } from 'react';
import { api, get, listAll, TENANT } from '../api';
import type { Cohort } from '../types';
import { formatInteger, formatPercent, formatTimestampDate, toNumber } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n/id';
import { ErrorBox, Loading, Notice, Page, TableWrap } from '../components/ui';
import { DownloadButton } from '../components/download';

interface Instrument { name: string; title?: string; kind?: string; anonymous?: boolean }
interface AnswerLink {
  respondentNip?: string; subjectNip?: string; participantNip?: string; token: string; url: string;
  expireTime?: string; delivered?: boolean; deliveryError?: string;
}
interface Skipped { nip?: string; reason?: string }
interface Issued { links?: AnswerLink[]; skipped?: Skipped[] }
interface Aggregates { instruments?: { responseCount?: string; respondentCount?: string; enrolledCount?: string; eligibleCount?: string }[] }

/** The issued links as a CSV file to keep (a link is shown only once). */
function downloadCsv(links: AnswerLink[]) {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const rows = [['nip_peserta', 'nip_penjawab', 'berlaku_sampai', 'tautan'],
    ...links.map((l) => [l.participantNip ?? '', l.respondentNip ?? '', l.expireTime ?? '', l.url])];
  const blob = new Blob([rows.map((r) => r.map(quote).join(',')).join('\r\n')], { type: 'text/csv' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'tautan-kuesioner.csv';
  a.click();
  URL.revokeObjectURL(a.href);
}

const LINKABLE = ['REACTION', 'PRETEST', 'POSTTEST', 'FOLLOWUP'];
const REFRESH_MS = 15_000;

function ResponseRate({ cohort, instrument }: { cohort: string; instrument: string }) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
  const q = useAsync(() => api<Aggregates>('GET',
    `/v1/${cohort}/surveyAggregates?instrument=${encodeURIComponent(instrument)}`), [cohort, instrument, tick]);
  const a = q.data?.instruments?.[0];
  if (!a) return q.error ? <ErrorBox error={q.error} onRetry={q.reload} /> : <Loading />;
  const answered = toNumber(a.respondentCount) || toNumber(a.responseCount);
  const of = toNumber(a.eligibleCount) || toNumber(a.enrolledCount);
  return (
    <p className="rate" role="status" data-testid="link-rate">
      {t.links.rate(formatInteger(answered), formatInteger(of), of > 0 ? formatPercent(answered / of) : '–')}
    </p>
  );
}

export function LinksPage({ program, cohort }: { program: string; cohort: string }) {
  const cohortName = `tenants/${TENANT}/programs/${program}/cohorts/${cohort}`;
  const instruments = useAsync(() => listAll<Instrument>(`/v1/tenants/${TENANT}/instruments`, 'instruments'), []);
  const info = useAsync(() => get<Cohort>(`/v1/${cohortName}`), [cohortName]);
  const [instrument, setInstrument] = useState('');
  const [role, setRole] = useState('SELF_REPORT');
  const [days, setDays] = useState('14');
  const [deliver, setDeliver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [copied, setCopied] = useState('');
  const list = (instruments.data ?? []).filter((i) => LINKABLE.includes(i.kind ?? ''));
  const chosen = list.find((i) => i.name === instrument);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { instrument, validDays: Number(days) || 14, deliver };
      if (chosen.kind === 'FOLLOWUP') body.followupRole = role;
      setIssued(await api<Issued>('POST', `/v1/${cohortName}:issueAnswerLinks`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const copy = async (link: AnswerLink) => {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(link.token);
    } catch { setCopied(''); }
  };

  return (
    <Page title={t.links.title(info.data?.displayName || cohort)} wide>
      <p>{t.links.intro}</p>
      {instruments.loading && !instruments.data && <Loading />}
      {instruments.error != null && <ErrorBox error={instruments.error} onRetry={instruments.reload} />}
      {instruments.data && (
        <form className="form" onSubmit={submit} noValidate>
          <label htmlFor="instrument">{t.links.instrument}</label>
          <select id="instrument" value={instrument} onChange={(e) => { setInstrument(e.target.value); setIssued(null); }}>
            <option value="">{t.links.choose}</option>
            {list.map((i) => <option key={i.name} value={i.name}>{i.title ?? i.name}</option>)}
          </select>
          {chosen?.kind === 'FOLLOWUP' && (
            <fieldset>
              <legend>{t.links.who}</legend>
              {['SELF_REPORT', 'SUPERVISOR_ASSESSMENT'].map((r) => (
                <label key={r} className="choice">
                  <input type="radio" name="role" checked={role === r} onChange={() => setRole(r)} />
                  {t.organiser.taskRole[r]}
                </label>
              ))}
            </fieldset>
          )}
          {chosen?.anonymous && <p className="hint">{t.links.anonymousNote}</p>}
          <label htmlFor="days">{t.links.days}</label>
          <input id="days" type="number" inputMode="numeric" min={1} max={120} value={days} onChange={(e) => setDays(e.target.value)} />
          <label className="choice"><input type="checkbox" checked={deliver} onChange={(e) => setDeliver(e.target.checked)} />{t.links.deliver}</label>
          {error != null && <ErrorBox error={error} />}
          <button type="submit" disabled={busy || !chosen}>{busy ? t.links.issuing : t.links.issue}</button>
        </form>
      )}
      {chosen && <ResponseRate cohort={cohortName} instrument={chosen.name} />}
      {chosen && (
        <p data-testid="export-row">
          <DownloadButton path={`/v1/${cohortName}/responses:export?instrument=${encodeURIComponent(chosen.name)}`}
            filename={`jawaban-${chosen.name.split('/').pop() ?? ''}.xlsx`} label={t.documents.responses} testId="responses-xlsx" />
          {!chosen.anonymous && <>{' '}<DownloadButton
            path={`/v1/${cohortName}/responses:export?instrument=${encodeURIComponent(chosen.name)}&identified=true`}
            filename={`jawaban-${chosen.name.split('/').pop() ?? ''}-teridentifikasi.xlsx`} label={t.documents.responsesIdentified}
            testId="responses-xlsx-identified" /></>}
        </p>)}
      {issued && (
        <section className="card" aria-labelledby="links-h">
          <h2 id="links-h">{t.links.issued(formatInteger(issued.links?.length ?? 0))}</h2>
          <p className="hint">{t.links.keepNow}</p>
          {(issued.links?.length ?? 0) > 0 && (
            <p><button type="button" className="secondary" onClick={() => downloadCsv(issued.links!)}>{t.links.download}</button></p>
          )}
          {copied && <Notice>{t.links.copied}</Notice>}
          {(issued.links?.length ?? 0) > 0 && (
            <TableWrap label={t.links.tableLabel}><table data-testid="links-table">
              <thead><tr>
                <th scope="col">{t.links.participant}</th><th scope="col">{t.links.respondent}</th>
                <th scope="col">{t.links.validUntil}</th><th scope="col">{t.links.delivery}</th><th scope="col">{t.links.link}</th>
              </tr></thead>
              <tbody>{issued.links!.map((l) => (
                <tr key={l.token}>
                  <th scope="row">{l.participantNip}</th>
                  <td>{l.respondentNip ? (l.respondentNip === l.participantNip ? t.links.self : l.respondentNip) : t.links.anonymous}</td>
                  <td>{formatTimestampDate(l.expireTime)}</td>
                  <td>{l.delivered ? t.links.sent : l.deliveryError ? t.links.notSent : t.links.notAsked}</td>
                  <td className="link-cell">
                    <input readOnly value={l.url} aria-label={t.links.urlOf(l.participantNip ?? '')} data-testid="link-url"
                      onFocus={(e) => e.target.select()} />
                    <button type="button" className="secondary" onClick={() => void copy(l)}>
                      {t.links.copy}<span className="sr-only"> {l.participantNip}</span></button></td>
                </tr>))}
              </tbody>
            </table></TableWrap>
          )}
          {(issued.skipped?.length ?? 0) > 0 && (
            <>
              <h3>{t.links.skippedTitle}</h3>
              <ul>{issued.skipped!.map((s) => <li key={s.nip}>{s.nip}: {t.links.skipReason[s.reason ?? ''] ?? s.reason}</li>)}</ul>
            </>
          )}
        </section>
      )}
    </Page>
  );
}

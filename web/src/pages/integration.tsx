// Integrasi SIASN (/integrasi-siasn, issue 19): the organiser's view of the
// regency's connection to BKN's SIASN (services/integration).  The status
// (last sync and its counts, totals, the push outbox), the connection's
// settings (switched off by default; credentials are a Kubernetes Secret and
// only shown as present or not), the unorId → unit table, the dead-lettered
// pushes with a retry each, the newest failures with SIASN's raw value, and
// the newest changes a sync made to the roster.
import { useState, type FormEvent } from 'react';
import { api, lastSegment, listAll, TENANT } from '../api';
import { formatInteger } from '../format';
import { useAction, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { ti } from '../i18n/integration';
import type { Unit } from '../types';
import { ErrorBox, Loading, Notice, Page, TableWrap } from '../components/ui';

export interface SyncRun {
  name: string; state?: string; trigger?: string; startTime?: string; endTime?: string;
  employeesTotal?: number; employeesRead?: number; employeesChanged?: number; employeesMissing?: number;
  employeesFailed?: number; trainingsRead?: number; skpRead?: number; supervisorsFilled?: number; error?: string;
}
export interface Failure {
  name: string; kind?: string; employee?: string; push?: string; code?: string; field?: string; rawValue?: string;
  message?: string; time?: string;
}
export interface IntegrationStatus {
  enabled?: boolean; credentialsPresent?: boolean; lastSync?: SyncRun; nextSyncTime?: string;
  // int64 fields arrive as strings in proto3 JSON.
  recordsRead?: string; recordsChanged?: string; pushed?: string; failed?: string;
  pushesPending?: number; pushesSaved?: number; pushesDead?: number; recentFailures?: Failure[];
}
export interface Connection {
  name: string; enabled?: boolean; apimUrl?: string; ssoUrl?: string; ssoRealm?: string; instansiId?: string;
  certificateDocumentType?: string; jenisDiklatId?: string; rateLimitPerSecond?: number; maxAttempts?: number;
  syncIntervalHours?: number; credentialsPresent?: boolean;
}
interface Mapping { name: string; unorId?: string; unit?: string; unorNama?: string }
interface Push { name: string; enrolment?: string; nip?: string; state?: string; attempts?: number; lastError?: string }
interface Change { employee?: string; field?: string; oldValue?: string; newValue?: string; changeTime?: string }

const BASE = `/v1/tenants/${TENANT}`;

/** "2026-12-04T03:05:00Z" -> "4 Desember 2026 10.05 WIB" (the tenant's zone). */
export function formatDateTime(rfc3339: string | undefined): string {
  if (!rfc3339) return '';
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return '';
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Jakarta', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: string) => p.find((x) => x.type === type)?.value ?? '';
  return `${Number(get('day'))} ${t.months[Number(get('month')) - 1]} ${get('year')} ${get('hour')}.${get('minute')} WIB`;
}

const num = (v: string | number | undefined) => formatInteger(Number(v ?? 0));

export function SyncRunSummary({ run }: { run?: SyncRun }) {
  if (!run) return <p>{ti.never}</p>;
  const state = ti.runStates[run.state ?? ''] ?? run.state ?? '';
  return (
    <div data-testid="last-sync">
      <p><strong>{state}</strong> · {formatDateTime(run.startTime)} ({ti.triggers[run.trigger ?? ''] ?? run.trigger})</p>
      <p>{ti.runLine(run.employeesRead ?? 0, run.employeesTotal ?? 0)}</p>
      <dl className="facts">
        <dt>{ti.counts.changed}</dt><dd>{num(run.employeesChanged)}</dd>
        <dt>{ti.counts.missing}</dt><dd>{num(run.employeesMissing)}</dd>
        <dt>{ti.counts.failed}</dt><dd>{num(run.employeesFailed)}</dd>
        <dt>{ti.counts.trainings}</dt><dd>{num(run.trainingsRead)}</dd>
        <dt>{ti.counts.skp}</dt><dd>{num(run.skpRead)}</dd>
        <dt>{ti.counts.supervisors}</dt><dd>{num(run.supervisorsFilled)}</dd>
      </dl>
      {run.error && <p role="alert">{run.error}</p>}
    </div>
  );
}

export function IntegrationPage() {
  const q = useAsync(async () => {
    const [status, connection, mappings, dead, changes, units] = await Promise.all([
      api<IntegrationStatus>('GET', `${BASE}/integrationStatus`),
      api<Connection>('GET', `${BASE}/siasnConnection`),
      listAll<Mapping>(`${BASE}/unorMappings`, 'mappings'),
      api<{ pushes?: Push[] }>('GET', `${BASE}/pushes?state=DEAD&pageSize=100`),
      api<{ changes?: Change[] }>('GET', `${BASE}/employeeChanges?pageSize=50`),
      listAll<Unit>(`${BASE}/units`, 'units'),
    ]);
    return { status, connection, mappings, dead: dead.pushes ?? [], changes: changes.changes ?? [], units };
  }, []);
  const sync = useAction();
  const [note, setNote] = useState('');
  const startSync = () => {
    setNote('');
    void sync.run(async () => {
      await api('POST', `${BASE}/syncRuns:start`, {});
      setNote(ti.syncStarted);
      q.reload();
    });
  };
  const retry = useAction();
  const retryPush = (name: string) => {
    setNote('');
    void retry.run(async () => {
      await api('POST', `/v1/${name}:retry`, {});
      setNote(ti.retried);
      q.reload();
    });
  };
  const unitNames = new Map((q.data?.units ?? []).map((u) => [u.name, u.displayName ?? lastSegment(u.name)]));
  const s = q.data?.status;
  return (
    <Page title={ti.title} wide>
      <p>{ti.intro}</p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {note && <Notice>{note}</Notice>}
      {q.data && s && (
        <>
          <section className="card" aria-labelledby="int-status" data-testid="integration-status">
            <h2 id="int-status">{ti.status}</h2>
            <dl className="facts">
              <dt>{ti.title}</dt><dd data-testid="integration-enabled">{s.enabled ? ti.on : ti.off}</dd>
              <dt>{ti.credentials}</dt><dd>{s.credentialsPresent ? ti.credentialsPresent : ti.credentialsMissing}</dd>
              <dt>{ti.nextSync}</dt><dd>{s.nextSyncTime ? formatDateTime(s.nextSyncTime) : '—'}</dd>
            </dl>
            {!s.enabled && <p className="hint">{ti.offNote}</p>}
            <h3>{ti.lastSync}</h3>
            <SyncRunSummary run={s.lastSync} />
            <p>
              <button type="button" onClick={startSync} disabled={sync.busy || !s.enabled}>{ti.syncNow}</button>{' '}
              <button type="button" className="secondary" onClick={q.reload}>{ti.refresh}</button>
            </p>
            {sync.error != null && <ErrorBox error={sync.error} />}
            <h3>{ti.totals}</h3>
            <dl className="facts" data-testid="integration-totals">
              <dt>{ti.recordsRead}</dt><dd>{num(s.recordsRead)}</dd>
              <dt>{ti.recordsChanged}</dt><dd>{num(s.recordsChanged)}</dd>
              <dt>{ti.pushed}</dt><dd>{num(s.pushed)}</dd>
              <dt>{ti.failedTotal}</dt><dd>{num(s.failed)}</dd>
            </dl>
            <h3>{ti.outbox}</h3>
            <dl className="facts" data-testid="integration-outbox">
              <dt>{ti.pending}</dt><dd>{num(s.pushesPending)}</dd>
              <dt>{ti.saved}</dt><dd>{num(s.pushesSaved)}</dd>
              <dt>{ti.dead}</dt><dd>{num(s.pushesDead)}</dd>
            </dl>
          </section>
          <ConnectionForm connection={q.data.connection} onSaved={q.reload} />
          <MappingSection mappings={q.data.mappings} units={q.data.units} onChanged={q.reload} />
          <section className="card" aria-labelledby="int-dead">
            <h2 id="int-dead">{ti.deadList}</h2>
            {retry.error != null && <ErrorBox error={retry.error} />}
            {q.data.dead.length === 0 ? <p>{ti.deadNone}</p> : (
              <TableWrap label={ti.deadList}><table data-testid="dead-pushes">
                <thead><tr>
                  <th scope="col">{ti.enrolment}</th><th scope="col" className="num">{ti.attemptsCol}</th>
                  <th scope="col">{ti.lastError}</th><th scope="col"><span className="sr-only">{ti.retry}</span></th>
                </tr></thead>
                <tbody>{q.data.dead.map((p) => (
                  <tr key={p.name}>
                    <th scope="row">{p.nip} · {(p.enrolment ?? '').split('/').slice(3, 6).filter((_, i) => i !== 1).join(' · ')}</th>
                    <td className="num">{p.attempts ?? 0}</td>
                    <td>{p.lastError}</td>
                    <td><button type="button" onClick={() => retryPush(p.name)} disabled={retry.busy}
                      aria-label={ti.retryLabel(p.nip ?? '')}>{ti.retry}</button></td>
                  </tr>))}
                </tbody>
              </table></TableWrap>
            )}
          </section>
          <section className="card" aria-labelledby="int-failures">
            <h2 id="int-failures">{ti.failures}</h2>
            {(s.recentFailures ?? []).length === 0 ? <p>{ti.failuresNone}</p> : (
              <TableWrap label={ti.failures}><table data-testid="failures">
                <thead><tr>
                  <th scope="col">{ti.time}</th><th scope="col">{ti.kind}</th><th scope="col">{ti.employee}</th>
                  <th scope="col">{ti.code}</th><th scope="col">{ti.field}</th><th scope="col">{ti.raw}</th>
                  <th scope="col">{ti.message}</th>
                </tr></thead>
                <tbody>{(s.recentFailures ?? []).map((f) => (
                  <tr key={f.name}>
                    <td>{formatDateTime(f.time)}</td><td>{ti.kinds[f.kind ?? ''] ?? f.kind}</td>
                    <td>{lastSegment(f.employee)}</td><td><code>{f.code}</code></td><td><code>{f.field}</code></td>
                    <td><code>{f.rawValue}</code></td>
                    <td>{ti.failureCodes[f.code ?? ''] ?? f.message}
                      {ti.failureCodes[f.code ?? ''] && f.message && <><br /><small lang="en">{f.message}</small></>}</td>
                  </tr>))}
                </tbody>
              </table></TableWrap>
            )}
          </section>
          <section className="card" aria-labelledby="int-changes">
            <h2 id="int-changes">{ti.changes}</h2>
            {q.data.changes.length === 0 ? <p>{ti.changesNone}</p> : (
              <TableWrap label={ti.changes}><table data-testid="changes">
                <thead><tr>
                  <th scope="col">{ti.time}</th><th scope="col">{ti.employee}</th><th scope="col">{ti.changeField}</th>
                  <th scope="col">{ti.oldValue}</th><th scope="col">{ti.newValue}</th>
                </tr></thead>
                <tbody>{q.data.changes.map((c, i) => {
                  const show = (v?: string) => (c.field === 'unit' ? unitNames.get(v ?? '') ?? lastSegment(v) : v);
                  return (
                    <tr key={`${c.employee}-${c.field}-${i}`}>
                      <td>{formatDateTime(c.changeTime)}</td><td>{lastSegment(c.employee)}</td>
                      <td>{ti.fields[c.field ?? ''] ?? c.field}</td><td>{show(c.oldValue)}</td><td>{show(c.newValue)}</td>
                    </tr>);
                })}
                </tbody>
              </table></TableWrap>
            )}
          </section>
        </>
      )}
    </Page>
  );
}

const CONNECTION_FIELDS = [
  ['apimUrl', ti.apimUrl], ['ssoUrl', ti.ssoUrl], ['ssoRealm', ti.ssoRealm], ['instansiId', ti.instansiId],
  ['certificateDocumentType', ti.documentType], ['jenisDiklatId', ti.jenisDiklat],
] as const;
const NUMBER_FIELDS = [
  ['rateLimitPerSecond', ti.rate], ['maxAttempts', ti.attempts], ['syncIntervalHours', ti.interval],
] as const;

function ConnectionForm({ connection, onSaved }: { connection: Connection; onSaved: () => void }) {
  const initial: Record<string, string> = {};
  for (const [k] of CONNECTION_FIELDS) initial[k] = String((connection as unknown as Record<string, unknown>)[k] ?? '');
  for (const [k] of NUMBER_FIELDS) initial[k] = String((connection as unknown as Record<string, unknown>)[k] ?? '');
  const [values, setValues] = useState(initial);
  const [enabled, setEnabled] = useState(!!connection.enabled);
  const [saved, setSaved] = useState('');
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    void run(async () => {
      const body: Record<string, unknown> = { name: connection.name, enabled };
      for (const [k] of CONNECTION_FIELDS) body[k] = values[k].trim();
      for (const [k] of NUMBER_FIELDS) {
        const n = Number(values[k].replace(',', '.'));
        body[k] = values[k].trim() === '' || !Number.isFinite(n) ? -1 : n;
      }
      const mask = ['enabled', ...CONNECTION_FIELDS.map(([k]) => k), ...NUMBER_FIELDS.map(([k]) => k)];
      await api('PATCH', `/v1/${connection.name}?updateMask=${mask.join(',')}`, body);
      setSaved(ti.savedNote);
      onSaved();
    });
  };
  return (
    <form className="form card" onSubmit={submit} noValidate data-testid="connection-form">
      <h2>{ti.settings}</h2>
      {saved && <Notice>{saved}</Notice>}
      <label className="choice"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />{ti.enabled}</label>
      {[...CONNECTION_FIELDS, ...NUMBER_FIELDS].map(([k, label]) => (
        <div key={k}>
          <label htmlFor={`conn-${k}`}>{label}</label>
          <input id={`conn-${k}`} value={values[k]} inputMode={NUMBER_FIELDS.some(([n]) => n === k) ? 'decimal' : undefined}
            onChange={(e) => setValues({ ...values, [k]: e.target.value })} />
        </div>
      ))}
      {error != null && <ErrorBox error={error} />}
      <p><button type="submit" disabled={busy}>{ti.save}</button></p>
    </form>
  );
}

function MappingSection({ mappings, units, onChanged }: { mappings: Mapping[]; units: Unit[]; onChanged: () => void }) {
  const [unorId, setUnorId] = useState('');
  const [unorNama, setUnorNama] = useState('');
  const [unit, setUnit] = useState('');
  const { busy, error, run } = useAction();
  const names = new Map(units.map((u) => [u.name, u.displayName ?? lastSegment(u.name)]));
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', `${BASE}/unorMappings`, { unorId: unorId.trim(), unit, unorNama: unorNama.trim() });
      setUnorId('');
      setUnorNama('');
      onChanged();
    });
  };
  const remove = (name: string) => void run(async () => {
    await api('DELETE', `/v1/${name}`);
    onChanged();
  });
  return (
    <section className="card" aria-labelledby="int-map">
      <h2 id="int-map">{ti.mappings}</h2>
      <p>{ti.mappingsIntro}</p>
      {mappings.length > 0 && (
        <TableWrap label={ti.mappings}><table data-testid="unor-mappings">
          <thead><tr>
            <th scope="col">{ti.unorId}</th><th scope="col">{ti.unorNama}</th><th scope="col">{ti.unit}</th>
            <th scope="col"><span className="sr-only">{ti.remove}</span></th>
          </tr></thead>
          <tbody>{mappings.map((m) => (
            <tr key={m.name}>
              <th scope="row"><code>{m.unorId}</code></th><td>{m.unorNama}</td><td>{names.get(m.unit ?? '') ?? lastSegment(m.unit)}</td>
              <td><button type="button" className="secondary" onClick={() => remove(m.name)} disabled={busy}
                aria-label={ti.removeLabel(m.unorId ?? '')}>{ti.remove}</button></td>
            </tr>))}
          </tbody>
        </table></TableWrap>
      )}
      <form className="form" onSubmit={add} noValidate data-testid="mapping-form">
        <h3>{ti.addMapping}</h3>
        <label htmlFor="map-unor">{ti.unorId}</label>
        <input id="map-unor" value={unorId} onChange={(e) => setUnorId(e.target.value)} required />
        <label htmlFor="map-nama">{ti.unorNama}</label>
        <input id="map-nama" value={unorNama} onChange={(e) => setUnorNama(e.target.value)} />
        <label htmlFor="map-unit">{ti.unit}</label>
        <select id="map-unit" value={unit} onChange={(e) => setUnit(e.target.value)} required>
          <option value="">{ti.chooseUnit}</option>
          {units.map((u) => <option key={u.name} value={u.name}>{u.displayName ?? lastSegment(u.name)}</option>)}
        </select>
        {error != null && <ErrorBox error={error} />}
        <p><button type="submit" disabled={busy || !unorId.trim() || !unit}>{ti.addMapping}</button></p>
      </form>
    </section>
  );
}

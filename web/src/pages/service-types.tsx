// Jenis layanan (/jenis-layanan): the service types of each unit (the
// performance service, issue 18), which the kinerja import and API name:
// Disdukcapil's KTP-el, KK and akta kelahiran, DPMPTSP's izin usaha and
// PBG, RSUD's registrasi rawat jalan.  Organisers list them and add one to
// a unit with its name and service standard (SOP) time.
import { useState, type FormEvent } from 'react';
import { api, lastSegment, listAll, TENANT } from '../api';
import { formatNumber } from '../format';
import { useAction, useAsync } from '../hooks';
import { t } from '../i18n/id';
import type { Unit } from '../types';
import { ErrorBox, Loading, Notice, Page, TableWrap } from '../components/ui';
import { slugify } from './cohort';

interface ServiceType { name: string; displayName?: string; standardHours?: number }

export function ServiceTypesPage() {
  const q = useAsync(async () => {
    const [units, types] = await Promise.all([
      listAll<Unit>(`/v1/tenants/${TENANT}/units`, 'units'),
      api<{ serviceTypes?: ServiceType[] }>('GET', `/v1/tenants/${TENANT}/units/-/serviceTypes`),
    ]);
    return { units, types: types.serviceTypes ?? [] };
  }, []);
  const [unit, setUnit] = useState('');
  const [name, setName] = useState('');
  const [hours, setHours] = useState('');
  const [done, setDone] = useState('');
  const { busy, error, run } = useAction();
  const unitNames = new Map((q.data?.units ?? []).map((u) => [lastSegment(u.name), u.displayName ?? lastSegment(u.name)]));
  const slug = slugify(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    void run(async () => {
      const h = hours.trim() === '' ? 0 : Number(hours.replace(',', '.'));
      await api('POST', `/v1/tenants/${TENANT}/units/${unit}/serviceTypes?serviceTypeId=${encodeURIComponent(slug)}`,
        { displayName: name.trim(), standardHours: Number.isFinite(h) ? h : -1 });
      setDone(t.serviceTypes.added(name.trim(), unitNames.get(unit) ?? unit));
      setName('');
      setHours('');
      q.reload();
    });
  };
  return (
    <Page title={t.serviceTypes.title} wide>
      <p>{t.serviceTypes.intro}</p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <form className="form" onSubmit={submit} noValidate data-testid="service-type-form">
            <h2>{t.serviceTypes.add}</h2>
            {done && <Notice>{done}</Notice>}
            <label htmlFor="st-unit">{t.serviceTypes.unit}</label>
            <select id="st-unit" value={unit} onChange={(e) => setUnit(e.target.value)} required>
              <option value="">{t.serviceTypes.chooseUnit}</option>
              {q.data.units.map((u) => <option key={u.name} value={lastSegment(u.name)}>{u.displayName ?? lastSegment(u.name)}</option>)}
            </select>
            <label htmlFor="st-name">{t.serviceTypes.name}</label>
            <input id="st-name" value={name} onChange={(e) => setName(e.target.value)} required aria-describedby="st-name-hint" />
            <p className="hint" id="st-name-hint">{t.serviceTypes.idHint(slug || '—')}</p>
            <label htmlFor="st-hours">{t.serviceTypes.hours}</label>
            <input id="st-hours" inputMode="decimal" value={hours} onChange={(e) => setHours(e.target.value)} aria-describedby="st-hours-hint" />
            <p className="hint" id="st-hours-hint">{t.serviceTypes.hoursHint}</p>
            {error != null && <ErrorBox error={error} />}
            <p><button type="submit" disabled={busy || !unit || !slug}>{t.serviceTypes.save}</button></p>
          </form>
          <section className="card" aria-labelledby="st-list">
            <h2 id="st-list">{t.serviceTypes.list}</h2>
            {q.data.types.length === 0 ? <p>{t.app.none}</p> : (
              <TableWrap label={t.serviceTypes.list}><table data-testid="service-types">
                <thead><tr>
                  <th scope="col">{t.serviceTypes.unit}</th><th scope="col">{t.serviceTypes.name}</th>
                  <th scope="col">{t.serviceTypes.code}</th><th scope="col" className="num">{t.serviceTypes.hours}</th>
                </tr></thead>
                <tbody>{q.data.types.map((s) => {
                  const parts = s.name.split('/');
                  return (
                    <tr key={s.name}>
                      <td>{unitNames.get(parts[3]) ?? parts[3]}</td>
                      <th scope="row">{s.displayName}</th>
                      <td><code>{parts[5]}</code></td>
                      <td className="num">{s.standardHours ? formatNumber(s.standardHours, 1) : '—'}</td>
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

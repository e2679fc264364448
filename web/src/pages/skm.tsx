// The public SKM form of a unit (/skm/<daerah>/<unit>, opened from the QR
// code at the service counter; no account) and the organiser's printable
// sheet of those QR codes (/kode-qr-skm).  The device's one-answer-a-day
// token is an HttpOnly cookie the gateway keeps: this page never sees it.
import { useEffect, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
import { api, listAll, TENANT } from '../api';
import { t } from '../i18n/id';
import { useAsync } from '../hooks';
import { ErrorBox, Loading, Notice, Page } from '../components/ui';
import type { Unit } from '../types';
import { answered, Question, toAnswers, type Item, type Value } from './answer';

interface SkmForm { unit: string; unitTitle?: string; instrument: { title?: string; description?: string; items?: Item[] } }

export function SkmPage({ tenant, unit }: { tenant: string; unit: string }) {
  const form = useAsync(() => api<SkmForm>('GET', `/v1/tenants/${encodeURIComponent(tenant)}/units/${encodeURIComponent(unit)}/skmForm`, undefined, false), [tenant, unit]);
  const [values, setValues] = useState<Record<string, Value>>({});
  const [responseId] = useState(() => crypto.randomUUID());
  const [missing, setMissing] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState(false);

  if (form.loading && !form.data) return <Page title={t.skm.title}><Loading /></Page>;
  if (!form.data) return <Page title={t.skm.title}><ErrorBox error={form.error} onRetry={form.reload} /></Page>;
  const items = form.data.instrument.items ?? [];
  const title = form.data.unitTitle ? t.skm.titleOf(form.data.unitTitle) : t.skm.title;
  if (done) return <Page title={title}><Notice>{t.skm.thanks}</Notice></Page>;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const unanswered = items.filter((i) => i.required && !answered(values[i.code])).map((i) => i.code);
    setMissing(unanswered);
    if (unanswered.length > 0) {
      document.getElementById(`item-${unanswered[0]}`)?.scrollIntoView();
      return;
    }
    setSending(true);
    setError(null);
    try {
      await api('POST', `/v1/${form.data!.unit}/skmResponses`, { responseId, answers: toAnswers(items, values) }, false);
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <Page title={title}>
      <p>{t.skm.intro}</p>
      <p className="hint">{t.skm.privacy}</p>
      <form className="form question" onSubmit={submit} noValidate>
        {items.map((item, k) => (
          <div key={item.code} id={`item-${item.code}`} className="skm-item">
            <p className="question-count">{t.answer.progress(k + 1, items.length)}
              {!item.required && <span className="hint"> — {t.answer.optional}</span>}</p>
            <Question item={item} value={values[item.code]} onChange={(v) => {
              const next = { ...values };
              if (v === undefined) delete next[item.code]; else next[item.code] = v;
              setValues(next);
            }} />
            {missing.includes(item.code) && !answered(values[item.code]) &&
              <p className="error" role="alert">{t.answer.required}</p>}
          </div>
        ))}
        {error != null && <ErrorBox error={error} />}
        <p className="actions"><button type="submit" disabled={sending}>{sending ? t.answer.sending : t.answer.submit}</button></p>
      </form>
    </Page>
  );
}

function QrCard({ unit }: { unit: Unit }) {
  const url = `${location.origin}/skm/${TENANT}/${unit.name.split('/').pop()}`;
  const [src, setSrc] = useState('');
  useEffect(() => {
    void QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 480 }).then(setSrc);
  }, [url]);
  return (
    <figure className="qr-card">
      <figcaption><strong>{unit.displayName ?? unit.name}</strong></figcaption>
      {src ? <img src={src} alt={t.skm.qrAlt(unit.displayName ?? unit.name)} width={240} height={240} /> : <Loading />}
      <p>{t.skm.qrAsk}</p>
      <p className="qr-url">{url}</p>
    </figure>
  );
}

export function SkmQrPage() {
  const units = useAsync(() => listAll<Unit>(`/v1/tenants/${TENANT}/units`, 'units'), []);
  return (
    <Page title={t.skm.qrTitle} wide>
      <p className="no-print">{t.skm.qrIntro}</p>
      <p className="no-print"><button type="button" onClick={() => window.print()}>{t.app.print}</button></p>
      {units.loading && !units.data ? <Loading />
        : !units.data ? <ErrorBox error={units.error} onRetry={units.reload} />
        : <div className="qr-grid">{units.data.map((u) => <QrCard key={u.name} unit={u} />)}</div>}
    </Page>
  );
}

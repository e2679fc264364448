// The answer page of a personal link (/jawab#<tautan>), also opened from a
// signed-in person's "Survei dan tes saya" (tasks.tsx): no account, one
// question per screen on a phone, progress shown, answers kept on the
// device (localStorage) while they are given and sent again by themselves
// when a dropped connection returns.  The link travels in the fragment, so
// it never reaches a server log; the page sends it only to the two public
// link routes, which allow nothing but this one answer.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ApiError } from '../errors';
import { formatTimestampDate } from '../format';
import { t } from '../i18n/id';
import { ErrorBox, Loading, Notice, Page } from '../components/ui';
import { Link } from '../router';
import { getClaims } from '../session';

interface Choice { code: string; text?: string }
export interface Item {
  code: string;
  text?: string;
  type?: 'LIKERT' | 'SCORE' | 'YES_NO' | 'SINGLE_CHOICE' | 'MULTIPLE_CHOICE' | 'FREE_TEXT';
  required?: boolean;
  scaleMin?: number;
  scaleMax?: number;
  maxScore?: number;
  choices?: Choice[];
  maxTextBytes?: number;
}
interface Form {
  instrument: { title?: string; description?: string; kind?: string; anonymous?: boolean; items?: Item[] };
  cohort?: string;
  subjectNip?: string;
  followupRole?: string;
  expireTime?: string;
}
export type Value = number | boolean | string | string[];
interface Saved { responseId: string; values: Record<string, Value>; step: number; pending: boolean }

const storageKey = (token: string) => `pelita.jawab.${token.slice(-22)}`;

function load(token: string): Saved {
  try {
    const s = JSON.parse(localStorage.getItem(storageKey(token)) ?? '') as Saved;
    if (s && typeof s.responseId === 'string' && s.values) return s;
  } catch { /* nothing kept */ }
  return { responseId: crypto.randomUUID(), values: {}, step: 0, pending: false };
}

function save(token: string, s: Saved): void {
  try { localStorage.setItem(storageKey(token), JSON.stringify(s)); } catch { /* storage full or off */ }
}

export function answered(v: Value | undefined): boolean {
  if (v === undefined) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'string') return v.trim() !== '';
  return true;
}

/** The Answer messages of the API for the values given. */
export function toAnswers(items: Item[], values: Record<string, Value>): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    const v = values[item.code];
    if (!answered(v)) continue;
    switch (item.type) {
      case 'LIKERT': case 'SCORE': out.push({ item: item.code, number: String(v) }); break;
      case 'YES_NO': out.push({ item: item.code, yes: v === true }); break;
      case 'SINGLE_CHOICE': out.push({ item: item.code, choice: v }); break;
      case 'MULTIPLE_CHOICE': out.push({ item: item.code, choices: { codes: v } }); break;
      default: out.push({ item: item.code, text: String(v).trim() });
    }
  }
  return out;
}

function display(item: Item, v: Value | undefined): string {
  if (!answered(v)) return t.answer.empty;
  if (item.type === 'YES_NO') return v ? t.answer.yes : t.answer.no;
  if (item.type === 'SINGLE_CHOICE') return item.choices?.find((c) => c.code === v)?.text ?? String(v);
  if (item.type === 'MULTIPLE_CHOICE') {
    return (v as string[]).map((code) => item.choices?.find((c) => c.code === code)?.text ?? code).join('; ');
  }
  return String(v);
}

export function Question({ item, value, onChange }: { item: Item; value: Value | undefined; onChange: (v: Value | undefined) => void }) {
  const name = `q-${item.code}`;
  switch (item.type) {
    case 'LIKERT': {
      const lo = item.scaleMin ?? 1, hi = item.scaleMax ?? 5;
      const points = Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
      return (
        <fieldset className="scale">
          <legend>{item.text}</legend>
          <div className="scale-points">
            {points.map((p) => (
              <label key={p} className="scale-point">
                <input type="radio" name={name} checked={value === p} onChange={() => onChange(p)} />
                <span>{p}</span>
              </label>
            ))}
          </div>
          <p className="hint">{lo} = {t.answer.scaleLow}, {hi} = {t.answer.scaleHigh}</p>
        </fieldset>
      );
    }
    case 'YES_NO':
      return (
        <fieldset>
          <legend>{item.text}</legend>
          {[true, false].map((b) => (
            <label key={String(b)} className="choice">
              <input type="radio" name={name} checked={value === b} onChange={() => onChange(b)} />
              {b ? t.answer.yes : t.answer.no}
            </label>
          ))}
        </fieldset>
      );
    case 'SINGLE_CHOICE':
      return (
        <fieldset>
          <legend>{item.text}</legend>
          {(item.choices ?? []).map((c) => (
            <label key={c.code} className="choice">
              <input type="radio" name={name} checked={value === c.code} onChange={() => onChange(c.code)} />
              {c.text ?? c.code}
            </label>
          ))}
        </fieldset>
      );
    case 'MULTIPLE_CHOICE': {
      const set = Array.isArray(value) ? value : [];
      return (
        <fieldset>
          <legend>{item.text}</legend>
          {(item.choices ?? []).map((c) => (
            <label key={c.code} className="choice">
              <input type="checkbox" checked={set.includes(c.code)}
                onChange={(e) => onChange(e.target.checked ? [...set, c.code] : set.filter((x) => x !== c.code))} />
              {c.text ?? c.code}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'SCORE':
      return (
        <>
          <label htmlFor={name}>{item.text}</label>
          <input id={name} type="number" inputMode="numeric" min={0} max={item.maxScore ?? 100}
            value={typeof value === 'number' ? value : ''} aria-describedby={`${name}-hint`}
            onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
          <p id={`${name}-hint`} className="hint">{t.answer.score(item.maxScore ?? 100)}</p>
        </>
      );
    default: {
      const max = item.maxTextBytes || 8192;
      const text = typeof value === 'string' ? value : '';
      return (
        <>
          <label htmlFor={name}>{item.text}</label>
          <textarea id={name} rows={5} maxLength={max} value={text} aria-describedby={`${name}-hint`}
            onChange={(e) => onChange(e.target.value)} />
          <p id={`${name}-hint`} className="hint">{t.answer.textLeft(max - new TextEncoder().encode(text).length)}</p>
        </>
      );
    }
  }
}

export function AnswerPage() {
  const token = decodeURIComponent(location.hash.replace(/^#/, ''));
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<Saved>(() => load(token));
  // Opened again with answers kept from before (a reload, a dropped tab).
  const [resumed] = useState(() => Object.keys(saved.values).length > 0);
  const latest = useRef(saved);
  latest.current = saved;
  const [sending, setSending] = useState(false);
  const [offline, setOffline] = useState(false);
  const [done, setDone] = useState<{ totalScore?: string; maxScore?: string } | null>(null);
  const [missing, setMissing] = useState(0);
  const heading = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (!token) return;
    api<Form>('POST', '/v1/answerLinks:open', { token }, false).then(setForm, setError);
  }, [token]);

  const update = (s: Saved) => { setSaved(s); save(token, s); };
  const items = form?.instrument.items ?? [];
  const step = Math.min(saved.step, items.length);  // items.length = the review screen

  const send = async (s: Saved) => {
    setSending(true);
    setError(null);
    try {
      const res = await api<{ totalScore?: string; maxScore?: string }>('POST', '/v1/answerLinks:answer', {
        token, responseId: s.responseId, answers: toAnswers(items, s.values), submitTime: new Date().toISOString(),
      }, false);
      localStorage.removeItem(storageKey(token));
      setOffline(false);
      setDone(res);
    } catch (err) {
      if (err instanceof ApiError && err.status === 0) {
        // Kept with `pending`: sent when the browser is back online, or on
        // the next visit of the link.
        update({ ...s, pending: true });
        setOffline(true);
      } else {
        setError(err);
      }
    } finally {
      setSending(false);
    }
  };

  // An answer that could not be sent goes as soon as the connection returns.
  useEffect(() => {
    if (!form || !saved.pending || done) return;
    const retry = () => { void send(latest.current); };
    window.addEventListener('online', retry);
    // Some networks come back without an `online` event (a captive portal,
    // a flaky cell): try again every 15 s as well.
    const timer = window.setInterval(() => { if (navigator.onLine) retry(); }, 15_000);
    if (navigator.onLine && !offline) retry();
    return () => { window.removeEventListener('online', retry); window.clearInterval(timer); };
  }, [form, saved.pending, done]);

  useEffect(() => { heading.current?.focus(); }, [step]);

  // Opened from "Survei dan tes saya" by a signed-in person: the way back.
  const back = getClaims() ? <p><Link to="/beranda">{t.tasks.back}</Link></p> : null;
  if (!token) return <Page title={t.answer.title}><Notice>{t.answer.noLink}</Notice>{back}</Page>;
  if (done) {
    const test = form?.instrument.kind === 'PRETEST' || form?.instrument.kind === 'POSTTEST';
    return (
      <Page title={form?.instrument.title ?? t.answer.title}>
        <Notice>{t.answer.thanks}</Notice>
        {test && done.maxScore && <p>{t.answer.testScore(done.totalScore ?? '0', done.maxScore)}</p>}
        {back}
      </Page>
    );
  }
  if (error && !form) return <Page title={t.answer.title}><ErrorBox error={error} />{back}</Page>;
  if (!form) return <Page title={t.answer.title}><Loading /></Page>;

  const item = items[step];
  const setValue = (v: Value | undefined) => {
    const values = { ...saved.values };
    if (v === undefined) delete values[item.code]; else values[item.code] = v;
    update({ ...saved, values });
  };
  const go = (to: number) => { setMissing(0); update({ ...saved, step: Math.max(0, Math.min(items.length, to)) }); };
  const next = (e: FormEvent) => {
    e.preventDefault();
    if (item.required && !answered(saved.values[item.code])) { setMissing(1); return; }
    go(step + 1);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const unanswered = items.filter((i) => i.required && !answered(saved.values[i.code]));
    if (unanswered.length > 0) { setMissing(unanswered.length); return; }
    void send(saved);
  };
  const intro = form.followupRole === 'SUPERVISOR_ASSESSMENT' && form.subjectNip ? t.answer.about(form.subjectNip)
    : form.followupRole === 'SELF_REPORT' ? t.answer.self : form.instrument.anonymous ? t.answer.anonymous : '';

  return (
    <Page title={form.instrument.title ?? t.answer.title}>
      {step === 0 && form.instrument.description && <p>{form.instrument.description}</p>}
      {step === 0 && intro && <p>{intro}</p>}
      {form.expireTime && step === 0 && <p className="hint">{t.answer.validUntil(formatTimestampDate(form.expireTime))}</p>}
      {resumed && <Notice>{t.answer.kept}</Notice>}
      {offline && <Notice>{t.answer.offline}</Notice>}
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={items.length}
        aria-valuenow={step} aria-label={t.answer.progress(Math.min(step + 1, items.length), items.length)}>
        <div className="progress-bar" style={{ width: `${items.length ? (100 * step) / items.length : 0}%` }} />
      </div>
      {item ? (
        <form className="form question" onSubmit={next} noValidate>
          <p ref={heading} tabIndex={-1} className="question-count">
            {t.answer.progress(step + 1, items.length)}
            {!item.required && <span className="hint"> — {t.answer.optional}</span>}
          </p>
          <Question item={item} value={saved.values[item.code]} onChange={setValue} />
          {missing > 0 && <p className="error" role="alert">{t.answer.required}</p>}
          <p className="actions">
            {step > 0 && <button type="button" className="secondary" onClick={() => go(step - 1)}>{t.answer.prev}</button>}
            <button type="submit">{step + 1 === items.length ? t.answer.review : t.answer.next}</button>
          </p>
        </form>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <p ref={heading} tabIndex={-1} className="question-count">{t.answer.summary}</p>
          <dl className="summary">
            {items.map((i, k) => (
              <div key={i.code}>
                <dt>{k + 1}. {i.text}</dt>
                <dd>{display(i, saved.values[i.code])}{' '}
                  <button type="button" className="link" onClick={() => go(k)}>{t.answer.change}</button></dd>
              </div>
            ))}
          </dl>
          {missing > 0 && <p className="error" role="alert">{t.answer.unanswered(missing)}</p>}
          {error != null && <ErrorBox error={error} />}
          <p className="actions">
            <button type="button" className="secondary" onClick={() => go(step - 1)}>{t.answer.prev}</button>
            <button type="submit" disabled={sending}>{sending ? t.answer.sending : t.answer.submit}</button>
          </p>
        </form>
      )}
    </Page>
  );
}

// Sign-in, change of password, activation, the expired-link page and 404.
import { useState, type FormEvent } from 'react';
import { activate, changePassword, signIn, TENANT } from '../api';
import { ApiError } from '../errors';
import { t } from '../i18n/id';
import { getClaims, setAccessToken } from '../session';
import { Link, navigate, useLocation } from '../router';
import { ErrorBox, Notice, Page } from '../components/ui';

export function SignInPage() {
  const { query } = useLocation();
  const [tenant, setTenant] = useState(TENANT);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const note = query.get('sesi') === 'habis' ? t.signIn.expired
    : query.get('keluar') === '1' ? t.signIn.signedOut
    : query.get('sandi') === 'diubah' ? t.changePassword.done : '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!username.trim() || !password) { setMissing(true); return; }
    setMissing(false);
    setBusy(true);
    try {
      await signIn(tenant.trim(), username.trim(), password);
      navigate('/beranda', true);
    } catch (err) {
      // What the user typed stays in the form; only the password is cleared
      // after a wrong one, as sign-in forms do.
      if (err instanceof ApiError && err.reason === 'SIGN_IN_FAILED') setPassword('');
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t.signIn.title}>
      <p>{t.signIn.intro}</p>
      {note && <Notice>{note}</Notice>}
      <form className="form" onSubmit={submit} noValidate>
        <label htmlFor="tenant">{t.signIn.tenant}</label>
        <input id="tenant" name="tenant" inputMode="numeric" value={tenant} aria-describedby="tenant-hint"
          onChange={(e) => setTenant(e.target.value)} autoComplete="off" />
        <p id="tenant-hint" className="hint">{t.signIn.tenantHint}</p>
        <label htmlFor="username">{t.signIn.username}</label>
        <input id="username" name="username" value={username} autoComplete="username"
          onChange={(e) => setUsername(e.target.value)} required />
        <label htmlFor="password">{t.signIn.password}</label>
        <input id="password" name="password" type="password" value={password} autoComplete="current-password"
          onChange={(e) => setPassword(e.target.value)} required />
        {missing && <p className="error" role="alert">{t.signIn.required}</p>}
        {error != null && <ErrorBox error={error} />}
        <button type="submit" disabled={busy}>{busy ? t.signIn.submitting : t.signIn.submit}</button>
      </form>
    </Page>
  );
}

/** New password twice, checked here before the server checks it again. */
function checkNewPassword(a: string, b: string): string {
  if (a.length < 10) return t.changePassword.tooShort;
  if (a !== b) return t.changePassword.mismatch;
  return '';
}

export function ChangePasswordPage() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const p = checkNewPassword(next, repeat);
    setProblem(p);
    if (p) return;
    setBusy(true);
    try {
      await changePassword(getClaims()?.sub ?? '', current, next);
      // Every session of the account was ended by the new password: sign in again.
      setAccessToken(null);
      navigate('/masuk?sandi=diubah', true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t.changePassword.title}>
      {(
        <form className="form" onSubmit={submit} noValidate>
          <label htmlFor="current">{t.changePassword.current}</label>
          <input id="current" type="password" autoComplete="current-password" value={current}
            onChange={(e) => setCurrent(e.target.value)} />
          <NewPasswordFields next={next} repeat={repeat} setNext={setNext} setRepeat={setRepeat} />
          {problem && <p className="error" role="alert">{problem}</p>}
          {error != null && <ErrorBox error={error} />}
          <button type="submit" disabled={busy}>{t.changePassword.submit}</button>
        </form>
      )}
    </Page>
  );
}

function NewPasswordFields(p: { next: string; repeat: string; setNext: (v: string) => void; setRepeat: (v: string) => void }) {
  return (
    <>
      <label htmlFor="new">{t.changePassword.next}</label>
      <input id="new" type="password" autoComplete="new-password" value={p.next} aria-describedby="new-hint"
        onChange={(e) => p.setNext(e.target.value)} />
      <p id="new-hint" className="hint">{t.changePassword.hint}</p>
      <label htmlFor="repeat">{t.changePassword.repeat}</label>
      <input id="repeat" type="password" autoComplete="new-password" value={p.repeat}
        onChange={(e) => p.setRepeat(e.target.value)} />
    </>
  );
}

export function ActivatePage() {
  const { query } = useLocation();
  const [code, setCode] = useState(query.get('kode') ?? '');
  // A delivered link names the account and the regency too (identity's
  // activation message: ?kode=…&akun=…&wilayah=…).
  const [username, setUsername] = useState(query.get('akun') ?? '');
  const linkTenant = query.get('wilayah') ?? '';
  const tenant = /^[0-9]{4}$/.test(linkTenant) ? linkTenant : TENANT;
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const p = !code.trim() || !username.trim() ? t.signIn.required : checkNewPassword(next, repeat);
    setProblem(p);
    if (p) return;
    try {
      await activate(tenant, username.trim(), code.trim(), next);
      setDone(true);
    } catch (err) {
      // An expired code, or the code of the link itself refused (it was
      // used already), has its own page: nothing more can be done here.  A
      // code typed by hand that is refused may be a typo: the form stays.
      const fromLink = code.trim() === (query.get('kode') ?? '').trim();
      if (err instanceof ApiError && (err.reason === 'CODE_EXPIRED' || (err.reason === 'CODE_INVALID' && fromLink))) {
        navigate('/tautan-kedaluwarsa', true);
      } else setError(err);
    }
  };
  return (
    <Page title={t.activate.title}>
      {done ? (
        <>
          <Notice>{t.activate.done}</Notice>
          <p><Link to="/masuk">{t.signIn.submit}</Link></p>
        </>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <p>{t.activate.intro}</p>
          <label htmlFor="code">{t.activate.code}</label>
          <input id="code" value={code} autoComplete="one-time-code" onChange={(e) => setCode(e.target.value)} />
          <label htmlFor="username">{t.signIn.username}</label>
          <input id="username" value={username} autoComplete="username" onChange={(e) => setUsername(e.target.value)} />
          <NewPasswordFields next={next} repeat={repeat} setNext={setNext} setRepeat={setRepeat} />
          {problem && <p className="error" role="alert">{problem}</p>}
          {error != null && <ErrorBox error={error} />}
          <button type="submit">{t.activate.submit}</button>
        </form>
      )}
    </Page>
  );
}

export function ExpiredLinkPage() {
  return (
    <Page title={t.expiredLink.title}>
      <p>{t.expiredLink.body}</p>
      <p>{t.expiredLink.next}</p>
      <p><Link to="/masuk">{t.signIn.submit}</Link></p>
    </Page>
  );
}

export function NotFoundPage() {
  return (
    <Page title={t.notFound.title}>
      <p>{t.notFound.body}</p>
      <p><Link to="/beranda">{t.app.home}</Link></p>
    </Page>
  );
}

/** The home of a role whose pages are not built yet (province). */
export function NotYetPage() {
  return (
    <Page title={t.notYet.title}>
      <p>{t.notYet.body}</p>
      <p>{t.notYet.next}</p>
    </Page>
  );
}

// Shared building blocks: page frame (title and focus on navigation),
// error box with a way forward, loading line, the JP bar, figures.
import { useEffect, useRef, type ReactNode } from 'react';
import { describeError } from '../errors';
import { t } from '../i18n/id';
import { navigate } from '../router';

/** A page: sets the document title and moves focus to its heading when it
 * opens, so a screen reader announces the new page after a navigation. */
let firstPage = true;
export function Page({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — ${t.app.name}`;
    // Not on the page the browser opened: there the first Tab must reach
    // the skip link, as on any web page.
    if (firstPage) firstPage = false;
    else h1.current?.focus();
  }, [title]);
  return (
    <div className={wide ? 'page page-wide' : 'page'}>
      <h1 ref={h1} tabIndex={-1}>{title}</h1>
      {children}
    </div>
  );
}

export function Loading() {
  return <p className="loading" role="status">{t.app.loading}</p>;
}

/** An error in words of the catalogue, and the button that leads on (none
 * for 'fix': the form it stands in is the way forward). */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const d = describeError(error);
  // A page that failed to load has no form to fix: offer the retry instead.
  const e = { ...d, forward: d.forward === 'fix' && onRetry ? 'retry' as const : d.forward };
  return (
    <div className="error" role="alert">
      <p>{e.message}</p>
      {e.fields.length > 0 && (
        <ul>{e.fields.map((f) => <li key={f.field}>{f.message}</li>)}</ul>
      )}
      <p className="actions">
        {e.forward === 'signIn' ? (
          <button type="button" onClick={() => navigate('/masuk')}>{t.app.signInAgain}</button>
        ) : e.forward === 'back' ? (
          <button type="button" onClick={() => history.back()}>{t.app.back}</button>
        ) : onRetry && e.forward === 'retry' ? (
          <button type="button" onClick={onRetry}>{t.app.retry}</button>
        ) : null}
        {e.forward === 'retry' && (
          <button type="button" className="secondary" onClick={() => history.back()}>{t.app.back}</button>
        )}
      </p>
    </div>
  );
}

/** Learning hours against the requirement: a bar with the number beside it. */
export function JpBar({ jp, required, label }: { jp: number; required: number; label: string }) {
  const share = required > 0 ? Math.min(1, jp / required) : 0;
  return (
    <div className="jpbar">
      <div
        className={jp >= required ? 'jpbar-track done' : 'jpbar-track'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={required}
        aria-valuenow={Math.min(jp, required)}
      >
        <div className="jpbar-fill" style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return <p className="notice" role="status">{children}</p>;
}

/** A table that may scroll sideways on a phone: the scrolling box is a
 * labelled region reachable with the keyboard (Tab, then the arrow keys). */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>{children}</div>;
}

// Instructor (widyaiswara): the cohorts the token names, each with its
// evaluation report (scoring lets instructors read their own cohorts only).
import { t } from '../i18n/id';
import { humanizeSlug } from '../names';
import { Link } from '../router';
import { getClaims } from '../session';
import { Page } from '../components/ui';

export function InstructorHome() {
  const cohorts = getClaims()?.cohorts ?? [];
  return (
    <Page title={t.nav.home}>
      <h2>{t.organiser.cohorts}</h2>
      {cohorts.length === 0 ? <p>{t.app.none}</p> : (
        <ul className="list">{cohorts.map((name) => {
          const m = /programs\/([^/]+)\/cohorts\/([^/]+)/.exec(name);
          if (!m) return null;
          return <li key={name} className="list-item"><Link to={`/program/${m[1]}/angkatan/${m[2]}/laporan`}>
            {humanizeSlug(m[1])} · {humanizeSlug(m[2])}</Link></li>;
        })}</ul>
      )}
    </Page>
  );
}

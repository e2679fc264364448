// The frame of every page (skip link, header, navigation per role, main)
// and the routes.  Pages that need a session send a visitor without one to
// /masuk; after a reload the session is first renewed from the refresh
// cookie.
import { lazy, Suspense, useEffect, useState } from 'react';
import { refreshSession, setSessionExpiredHandler, signOut } from './api';
import { t } from './i18n/id';
import { Link, match, navigate, useLocation } from './router';
import { getClaims, onSessionChange, type Claims } from './session';
import { Loading } from './components/ui';
import { ActivatePage, ChangePasswordPage, ExpiredLinkPage, NotFoundPage, NotYetPage, SignInPage } from './pages/auth';
import { ParticipantHome } from './pages/participant';
import { PlanPage } from './pages/plan';
import { StaffMemberPage, StaffPage } from './pages/supervisor';
import { CohortsPage, CompliancePage, Dashboard, OverduePage, ProgramPage, ProgramsPage } from './pages/organiser';
import { ReportPage } from './pages/report';
import { AnswerPage } from './pages/answer';
import { SkmPage, SkmQrPage } from './pages/skm';
import { LinksPage } from './pages/links';
import { CohortPage } from './pages/cohort';
import { ProvinceHome } from './pages/province';
import { HeadHome } from './pages/head';
import { InstructorHome } from './pages/instructor';
import { VerifyPage } from './pages/verify';
import { ResponseRatesPage } from './pages/responses';

// The organiser's instruments, imports and analysis pages are chunks of
// their own, fetched when first opened: the first page stays small.
const instruments = () => import('./pages/instruments');
const analysis = () => import('./pages/analysis');
const InstrumentsPage = lazy(() => instruments().then((m) => ({ default: m.InstrumentsPage })));
const InstrumentPage = lazy(() => instruments().then((m) => ({ default: m.InstrumentPage })));
const ImportsPage = lazy(() => import('./pages/imports').then((m) => ({ default: m.ImportsPage })));
const IntegrationPage = lazy(() => import('./pages/integration').then((m) => ({ default: m.IntegrationPage })));
const IkmUnitsPage = lazy(() => import('./pages/ikm-units').then((m) => ({ default: m.IkmUnitsPage })));
const ServiceTypesPage = lazy(() => import('./pages/service-types').then((m) => ({ default: m.ServiceTypesPage })));
const RollUpPage = lazy(() => analysis().then((m) => ({ default: m.RollUpPage })));
const RankingPage = lazy(() => analysis().then((m) => ({ default: m.RankingPage })));
const BudgetPage = lazy(() => analysis().then((m) => ({ default: m.BudgetPage })));

const PUBLIC = ['/masuk', '/aktivasi', '/tautan-kedaluwarsa', '/jawab', '/verifikasi'];
const isStaff = (role: string) => role === 'organiser' || role === 'admin';

function navItems(c: Claims): { to: string; label: string }[] {
  const home = { to: '/beranda', label: isStaff(c.role) ? t.nav.dashboard : t.nav.home };
  const account = { to: '/kata-sandi', label: t.app.changePassword };
  switch (c.role) {
    case 'supervisor': return [home, { to: '/staf', label: t.nav.staff }, account];
    case 'organiser': case 'admin':
      return [home, { to: '/program', label: t.nav.programs }, { to: '/kepatuhan', label: t.nav.compliance },
        { to: '/kode-qr-skm', label: t.nav.skmQr }];
    default: return [home, account];
  }
}

function Home({ c }: { c: Claims }) {
  switch (c.role) {
    case 'organiser': case 'admin': return <Dashboard />;
    case 'agency_head': return <HeadHome />;
    case 'instructor': return <InstructorHome />;
    case 'participant': case 'supervisor': return <ParticipantHome />;
    case 'province': return <ProvinceHome />;
    default: return <NotYetPage />;
  }
}

/** The page for a path, for a signed-in caller. */
function route(path: string, c: Claims) {
  let m: Record<string, string> | null;
  if (path === '/' || path === '/beranda') return <Home c={c} />;
  if (path === '/kata-sandi') return <ChangePasswordPage />;
  if ((m = match('/rencana-aksi/:p/:c/:nip', path))) return <PlanPage program={m.p} cohort={m.c} nip={m.nip} />;
  if (path === '/staf') return <StaffPage />;
  if ((m = match('/staf/:nip', path))) return <StaffMemberPage nip={m.nip} />;
  if (path === '/program') return <ProgramsPage />;
  if (path === '/angkatan') return <CohortsPage />;
  if ((m = match('/program/:p', path))) return <ProgramPage program={m.p} />;
  if ((m = match('/program/:p/angkatan/:c/laporan', path))) return <ReportPage program={m.p} cohort={m.c} />;
  if ((m = match('/program/:p/angkatan/:c/tautan', path))) return <LinksPage program={m.p} cohort={m.c} />;
  if ((m = match('/program/:p/angkatan/:c', path))) return <CohortPage program={m.p} cohort={m.c} />;
  if (path === '/tindak-lanjut') return <OverduePage />;
  if (path === '/instrumen') return <InstrumentsPage />;
  if (path === '/impor') return <ImportsPage />;
  if (path === '/jenis-layanan') return <ServiceTypesPage />;
  if (path === '/integrasi-siasn') return <IntegrationPage />;
  if (path === '/rekap') return <RollUpPage />;
  if (path === '/peringkat') return <RankingPage />;
  if (path === '/saran-anggaran') return <BudgetPage />;
  if (path === '/respons') return <ResponseRatesPage />;
  if (path === '/ikm') return <IkmUnitsPage />;
  if (path === '/instrumen/baru') return <InstrumentPage />;
  if ((m = match('/instrumen/:i', path))) return <InstrumentPage id={m.i} />;
  if (path === '/kode-qr-skm') return <SkmQrPage />;
  if (path === '/kepatuhan') return <CompliancePage onlyUnit={c.role === 'agency_head' ? c.unit : undefined} />;
  return <NotFoundPage />;
}

function publicRoute(path: string) {
  if (path === '/masuk') return <SignInPage />;
  if (path === '/aktivasi') return <ActivatePage />;
  if (path === '/tautan-kedaluwarsa') return <ExpiredLinkPage />;
  if (path === '/jawab') return <AnswerPage />;
  if (path === '/verifikasi') return <VerifyPage />;
  const skm = match('/skm/:tenant/:unit', path);
  if (skm) return <SkmPage tenant={skm.tenant} unit={skm.unit} />;
  return null;
}

export function App() {
  const { path } = useLocation();
  const [claims, setClaims] = useState(getClaims());
  // 'pending' until the first refresh attempt after a page load has answered.
  const [boot, setBoot] = useState<'pending' | 'done'>(getClaims() ? 'done' : 'pending');
  useEffect(() => onSessionChange(() => setClaims(getClaims())), []);
  useEffect(() => {
    setSessionExpiredHandler(() => navigate('/masuk?sesi=habis', true));
    if (boot === 'pending') void refreshSession().finally(() => setBoot('done'));
  }, []);
  const isPublic = PUBLIC.includes(path) || match('/skm/:tenant/:unit', path) !== null;
  useEffect(() => {
    if (boot === 'done' && !claims && !isPublic) navigate(path === '/' || path === '/beranda' ? '/masuk' : '/masuk', true);
  }, [boot, claims, isPublic, path]);

  const doSignOut = async () => {
    await signOut().catch(() => undefined);
    navigate('/masuk?keluar=1', true);
  };

  let content;
  if (isPublic) content = publicRoute(path);
  else if (boot === 'pending') content = <Loading />;
  else if (claims) content = route(path, claims);
  else content = <Loading />;

  return (
    <>
      <a className="skip" href="#isi">{t.app.skip}</a>
      <header className="top">
        <div className="brand">
          <Link to={claims ? '/beranda' : '/masuk'} className="brand-name">{t.app.name}</Link>
          <span className="brand-sub">{t.app.tenant}</span>
        </div>
        {claims && (
          <div className="who">
            <span>{t.app.signedInAs} <strong>{t.roles[claims.role] ?? claims.role}</strong></span>
            <button type="button" className="secondary" onClick={() => void doSignOut()}>{t.app.signOut}</button>
          </div>
        )}
      </header>
      {claims && !isPublic && (
        <nav className="nav" aria-label={t.app.navLabel}>
          <ul>
            {navItems(claims).map((n) => (
              <li key={n.to}><Link to={n.to} aria-current={path === n.to || (n.to === '/beranda' && path === '/') ? 'page' : undefined}>{n.label}</Link></li>
            ))}
          </ul>
        </nav>
      )}
      <main id="isi" tabIndex={-1}><Suspense fallback={<Loading />}>{content}</Suspense></main>
      <footer className="foot"><p>{t.app.name} — {t.app.tagline}</p></footer>
    </>
  );
}

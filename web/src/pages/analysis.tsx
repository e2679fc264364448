// The organiser's analysis pages over the scoring service: roll-ups of a
// year's cohorts per programme, instructor, unit or year (/rekap), the
// programmes ranked by composite or cost-effectiveness with filters
// (/peringkat), and next year's budget advice with a cap the user changes
// (/saran-anggaran): each change asks AdviseBudget again and the chosen
// programmes follow.  Every figure with its n; a withheld one with its
// reason in plain Indonesian (as on the cohort report).
import { useEffect, useMemo, useState } from 'react';
import { api, get, lastSegment, listAll, TENANT } from '../api';
import { formatInteger, formatNumber, formatRupiah, toNumber } from '../format';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { humanizeSlug } from '../names';
import type { Cohort, Figure, Int64, Program } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { DownloadButton } from '../components/download';
import { FigureCell, type FigureKind } from './report';
import { budgetReason, effectSource, type BudgetLine } from '../explain';
import { thisYear } from './participant';

export interface RollUpRow {
  group: string; title?: string; cohorts?: number; participants?: Int64; reaction?: Figure; pairs?: Figure;
  normalisedGain?: Figure; appliedShare?: Figure; complaintRateDid?: Figure; ikmDid?: Figure;
  costPerParticipant?: Figure; composite?: Figure;
}
interface RollUp { year?: number; groupBy?: string; minN?: number; rows?: RollUpRow[] }
export interface ProgramScore {
  program: string; title?: string; cohorts?: number; participants?: Int64; composite?: Figure;
  costEffectiveness?: Figure; costPerParticipant?: Figure; normalisedGain?: Figure;
  rankByComposite?: number; rankByCostEffectiveness?: number;
}
interface InstructorScore { instructor: string; cohorts?: number; reactionInstruktur?: Figure; normalisedGain?: Figure }
interface Ranking { byComposite?: ProgramScore[]; byCostEffectiveness?: ProgramScore[]; instructors?: InstructorScore[] }
export interface BudgetAdvice {
  budget?: Int64; allocated?: Int64; expectedImprovement?: number; funded?: BudgetLine[]; notFunded?: BudgetLine[];
  greedyImprovement?: number;
}

const GROUPS = ['PROGRAM', 'INSTRUCTOR', 'UNIT', 'YEAR'];
const years = () => { const y = thisYear(); return [y, y - 1, y - 2]; };

function YearSelect({ id, value, onChange }: { id: string; value: number; onChange: (y: number) => void }) {
  return (
    <div>
      <label htmlFor={id}>{t.analysis.year}</label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {years().map((y) => <option key={y} value={y}>{y}</option>)}
      </select>
    </div>
  );
}

/** The row's name: a programme's title, a unit's name, an instructor. */
const groupName = (r: RollUpRow) => r.title || humanizeSlug(lastSegment(r.group)) || r.group;

export function RollUpPage() {
  const [year, setYear] = useState(thisYear());
  const [groupBy, setGroupBy] = useState('PROGRAM');
  const q = useAsync(() => get<RollUp>(`/v1/tenants/${TENANT}/evaluations:rollUp?year=${year}&groupBy=${groupBy}`), [year, groupBy]);
  const cols: [keyof RollUpRow, string, FigureKind][] = [
    ['reaction', t.analysis.reaction, 'score'], ['normalisedGain', t.analysis.gain, 'number'],
    ['appliedShare', t.analysis.applied, 'percent'], ['complaintRateDid', t.analysis.complaintDid, 'signed'],
    ['ikmDid', t.analysis.ikmDid, 'signed'], ['costPerParticipant', t.analysis.costPerParticipant, 'rupiah'],
    ['composite', t.analysis.composite, 'score'],
  ];
  return (
    <Page title={t.analysis.rollUpTitle} wide>
      <p>{t.analysis.rollUpIntro}</p>
      <div className="filters">
        <YearSelect id="ru-year" value={year} onChange={setYear} />
        <div>
          <label htmlFor="ru-group">{t.analysis.groupBy}</label>
          <select id="ru-group" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
            {GROUPS.map((g) => <option key={g} value={g}>{t.analysis.groups[g]}</option>)}
          </select>
        </div>
      </div>
      <p className="no-print actions">
        {/* The table as a workbook, for the year and grouping shown (the
            report service reads the same roll-up as the caller). */}
        <DownloadButton path={`/v1/tenants/${TENANT}/evaluations:rollUpExport?year=${year}&groupBy=${groupBy}`}
          filename={`rekap-${year}-${groupBy.toLowerCase()}.xlsx`} label={t.analysis.xlsx}
          ariaLabel={t.analysis.rollUpXlsxLabel(t.analysis.groups[groupBy], year)} testId="rollup-xlsx" />
      </p>
      {q.loading && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && !q.loading && ((q.data.rows ?? []).length === 0 ? <p>{t.app.none}</p> : (
        <>
          <p className="hint">{t.analysis.minN(formatInteger(q.data.minN ?? 0))}</p>
          <TableWrap label={t.analysis.rollUpTitle}><table data-testid="rollup">
            <caption className="sr-only">{`${t.analysis.rollUpTitle}: ${t.analysis.groups[groupBy]}, ${year}`}</caption>
            <thead><tr>
              <th scope="col">{t.analysis.groups[groupBy]}</th>
              <th scope="col" className="num">{t.analysis.cohorts}</th><th scope="col" className="num">{t.analysis.participants}</th>
              {cols.map(([k, label]) => <th scope="col" className="num" key={k}>{label}</th>)}
            </tr></thead>
            <tbody>{(q.data.rows ?? []).map((r) => (
              <tr key={r.group}>
                <th scope="row">{groupName(r)}</th>
                <td className="num">{formatInteger(r.cohorts ?? 0)}</td>
                <td className="num">{formatInteger(toNumber(r.participants))}</td>
                {cols.map(([k, , kind]) => <FigureCell key={k} f={r[k] as Figure | undefined} kind={kind} />)}
              </tr>))}
            </tbody>
          </table></TableWrap>
        </>
      ))}
    </Page>
  );
}

export function RankingPage() {
  const [year, setYear] = useState(thisYear());
  const [order, setOrder] = useState<'composite' | 'cost'>('composite');
  const [competency, setCompetency] = useState('');
  const [minParticipants, setMinParticipants] = useState('');
  const q = useAsync(async () => {
    const [rank, programs] = await Promise.all([
      get<Ranking>(`/v1/tenants/${TENANT}/programs:rank?year=${year}`),
      listAll<Program>(`/v1/tenants/${TENANT}/programs`, 'programs'),
    ]);
    return { rank, types: new Map(programs.map((p) => [p.name, p.competencyType ?? ''])) };
  }, [year]);
  const rows = (order === 'composite' ? q.data?.rank.byComposite : q.data?.rank.byCostEffectiveness) ?? [];
  const shown = rows.filter((r) => (!competency || q.data?.types.get(r.program) === competency)
    && toNumber(r.participants) >= (Number(minParticipants) || 0));
  return (
    <Page title={t.analysis.rankTitle} wide>
      <p>{t.analysis.rankIntro}</p>
      <div className="filters">
        <YearSelect id="rk-year" value={year} onChange={setYear} />
        <div>
          <label htmlFor="rk-order">{t.analysis.orderBy}</label>
          <select id="rk-order" value={order} onChange={(e) => setOrder(e.target.value as 'composite' | 'cost')}>
            <option value="composite">{t.analysis.byComposite}</option>
            <option value="cost">{t.analysis.byCost}</option>
          </select>
        </div>
        <div>
          <label htmlFor="rk-comp">{t.organiser.competency}</label>
          <select id="rk-comp" value={competency} onChange={(e) => setCompetency(e.target.value)}>
            <option value="">{t.analysis.all}</option>
            {['TEKNIS', 'MANAJERIAL', 'SOSIAL_KULTURAL'].map((c) => <option key={c} value={c}>{t.competency[c]}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="rk-min">{t.analysis.minParticipants}</label>
          <input id="rk-min" type="number" inputMode="numeric" min={0} value={minParticipants}
            onChange={(e) => setMinParticipants(e.target.value)} />
        </div>
      </div>
      <p className="no-print actions">
        {/* Both orders and the instructors for the year shown; the page's
            own filters narrow only the table on screen. */}
        <DownloadButton path={`/v1/tenants/${TENANT}/programs:rankExport?year=${year}`}
          filename={`peringkat-program-${year}.xlsx`} label={t.analysis.xlsx}
          ariaLabel={t.analysis.rankXlsxLabel(year)} testId="ranking-xlsx" />
        <span className="hint">{t.analysis.rankXlsxNote}</span>
      </p>
      {q.loading && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && !q.loading && (shown.length === 0 ? <p>{t.app.none}</p> : (
        <TableWrap label={t.analysis.rankTitle}><table data-testid="ranking">
          <caption className="sr-only">{`${t.analysis.rankTitle} ${year}`}</caption>
          <thead><tr>
            <th scope="col" className="num">{t.analysis.rank}</th><th scope="col">{t.analysis.program}</th>
            <th scope="col" className="num">{t.analysis.cohorts}</th><th scope="col" className="num">{t.analysis.participants}</th>
            <th scope="col" className="num">{t.analysis.composite}</th><th scope="col" className="num">{t.analysis.costEffectiveness}</th>
            <th scope="col" className="num">{t.analysis.costPerParticipant}</th><th scope="col" className="num">{t.analysis.gain}</th>
          </tr></thead>
          <tbody>{shown.map((r) => (
            <tr key={r.program}>
              <td className="num">{formatInteger((order === 'composite' ? r.rankByComposite : r.rankByCostEffectiveness) ?? 0)}</td>
              <th scope="row">{r.title || humanizeSlug(lastSegment(r.program))}</th>
              <td className="num">{formatInteger(r.cohorts ?? 0)}</td>
              <td className="num">{formatInteger(toNumber(r.participants))}</td>
              <FigureCell f={r.composite} kind="score" />
              <FigureCell f={r.costEffectiveness} kind="number" />
              <FigureCell f={r.costPerParticipant} kind="rupiah" />
              <FigureCell f={r.normalisedGain} kind="number" />
            </tr>))}
          </tbody>
        </table></TableWrap>
      ))}
      {q.data && (q.data.rank.instructors ?? []).length > 0 && (
        <section className="card" aria-labelledby="rk-ins">
          <h2 id="rk-ins">{t.analysis.instructorsTitle}</h2>
          <TableWrap label={t.analysis.instructorsTitle}><table>
            <thead><tr>
              <th scope="col">{t.analysis.instructor}</th><th scope="col" className="num">{t.analysis.cohorts}</th>
              <th scope="col" className="num">{t.analysis.instrukturScore}</th><th scope="col" className="num">{t.analysis.gain}</th>
            </tr></thead>
            <tbody>{(q.data.rank.instructors ?? []).map((r) => (
              <tr key={r.instructor}>
                <th scope="row">{r.instructor}</th>
                <td className="num">{formatInteger(r.cohorts ?? 0)}</td>
                <FigureCell f={r.reactionInstruktur} kind="score" />
                <FigureCell f={r.normalisedGain} kind="number" />
              </tr>))}
            </tbody>
          </table></TableWrap>
        </section>
      )}
    </Page>
  );
}


interface Candidate { program: string; title: string; costPerParticipant: number; cohortSize: string; maxCohorts: string }

export function BudgetPage() {
  const year = thisYear();
  const base = useAsync(async () => {
    const programs = (await listAll<Program>(`/v1/tenants/${TENANT}/programs`, 'programs')).filter((p) => p.year === year);
    const cohorts = await mapLimit(programs, 4, (p) => listAll<Cohort>(`/v1/${p.name}/cohorts`, 'cohorts'));
    return programs.map((p, i) => {
      const caps = cohorts[i].map((c) => c.capacity ?? 0).filter((n) => n > 0);
      return {
        program: p.name, title: p.title ?? lastSegment(p.name), costPerParticipant: toNumber(p.costPerParticipant),
        cohortSize: String(caps.length ? Math.round(caps.reduce((a, b) => a + b, 0) / caps.length) : 30),
        maxCohorts: String(Math.max(1, cohorts[i].length)), budget: toNumber(p.budget),
      };
    });
  }, [year]);
  return (
    <Page title={t.analysis.budgetTitle(year + 1)} wide>
      <p>{t.analysis.budgetIntro}</p>
      {base.loading && !base.data && <Loading />}
      {base.error != null && <ErrorBox error={base.error} onRetry={base.reload} />}
      {base.data && <BudgetAdvisor year={year} initial={base.data}
        initialCap={base.data.reduce((a, p) => a + p.budget, 0)} />}
    </Page>
  );
}

function BudgetAdvisor({ year, initial, initialCap }: { year: number; initial: (Candidate & { budget: number })[]; initialCap: number }) {
  const [cap, setCap] = useState(String(initialCap || 500_000_000));
  const [candidates, setCandidates] = useState<Candidate[]>(initial);
  // The cap as asked: typing re-asks once the user pauses (not per key).
  const [asked, setAsked] = useState({ cap, candidates });
  useEffect(() => {
    const timer = window.setTimeout(() => setAsked({ cap, candidates }), 400);
    return () => window.clearTimeout(timer);
  }, [cap, candidates]);
  const usable = asked.candidates.filter((c) => c.costPerParticipant > 0 && Number(c.cohortSize) > 0);
  const budget = Math.max(0, Math.floor(Number(asked.cap) || 0));
  const q = useAsync(() => api<BudgetAdvice>('POST', `/v1/tenants/${TENANT}:adviseBudget`, {
    budget: String(budget), measuredYear: year,
    candidates: usable.map((c) => ({ program: c.program, costPerParticipant: String(c.costPerParticipant),
      cohortSize: Number(c.cohortSize), maxCohorts: Math.max(1, Number(c.maxCohorts) || 1) })),
  }), [budget, JSON.stringify(usable)]);
  const titles = useMemo(() => new Map(candidates.map((c) => [c.program, c.title])), [candidates]);
  const maxOf = (p: string) => Math.max(1, Number(asked.candidates.find((c) => c.program === p)?.maxCohorts) || 1);
  const set = (i: number, patch: Partial<Candidate>) => setCandidates((list) => list.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const a = q.data;
  return (
    <>
      <div className="filters">
        <div>
          <label htmlFor="bg-cap">{t.analysis.cap}</label>
          <input id="bg-cap" type="number" inputMode="numeric" min={0} step={1_000_000} value={cap}
            onChange={(e) => setCap(e.target.value)} aria-describedby="bg-cap-hint" />
        </div>
        <p className="hint" id="bg-cap-hint">{t.analysis.capHint(formatRupiah(Number(cap) || 0))}</p>
      </div>
      <details className="card">
        <summary>{t.analysis.candidatesTitle}</summary>
        <TableWrap label={t.analysis.candidatesTitle}><table>
          <thead><tr>
            <th scope="col">{t.analysis.program}</th><th scope="col" className="num">{t.analysis.costPerParticipant}</th>
            <th scope="col">{t.analysis.cohortSize}</th><th scope="col">{t.analysis.maxCohorts}</th>
          </tr></thead>
          <tbody>{candidates.map((c, i) => (
            <tr key={c.program}>
              <th scope="row">{c.title}{c.costPerParticipant <= 0 && <span className="hint"><br />{t.analysis.noCost}</span>}</th>
              <td className="num">{formatRupiah(c.costPerParticipant)}</td>
              <td><label htmlFor={`bg-size-${i}`} className="sr-only">{`${t.analysis.cohortSize}: ${c.title}`}</label>
                <input id={`bg-size-${i}`} type="number" inputMode="numeric" min={1} value={c.cohortSize}
                  onChange={(e) => set(i, { cohortSize: e.target.value })} /></td>
              <td><label htmlFor={`bg-max-${i}`} className="sr-only">{`${t.analysis.maxCohorts}: ${c.title}`}</label>
                <input id={`bg-max-${i}`} type="number" inputMode="numeric" min={1} max={1000} value={c.maxCohorts}
                  onChange={(e) => set(i, { maxCohorts: e.target.value })} /></td>
            </tr>))}
          </tbody>
        </table></TableWrap>
      </details>
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.loading && <Loading />}
      {a && !q.loading && (
        <section className="card" aria-labelledby="bg-result" data-testid="budget-result" data-budget={String(budget)}>
          <h2 id="bg-result">{t.analysis.adviceTitle(formatRupiah(toNumber(a.budget)))}</h2>
          <dl className="facts">
            <dt>{t.analysis.allocated}</dt><dd data-testid="bg-allocated">{formatRupiah(toNumber(a.allocated))}</dd>
            <dt>{t.analysis.left}</dt><dd>{formatRupiah(toNumber(a.budget) - toNumber(a.allocated))}</dd>
            <dt>{t.analysis.expected}</dt><dd>{t.analysis.points(formatNumber(a.expectedImprovement ?? 0))}</dd>
            <dt>{t.analysis.greedy}</dt><dd>{t.analysis.points(formatNumber(a.greedyImprovement ?? 0))}</dd>
          </dl>
          <BudgetTable caption={t.analysis.funded} lines={a.funded ?? []} funded titles={titles} maxOf={maxOf} testid="bg-funded" />
          <BudgetTable caption={t.analysis.notFunded} lines={a.notFunded ?? []} funded={false} titles={titles} maxOf={maxOf} testid="bg-not-funded" />
          <p className="hint">{t.analysis.method}</p>
        </section>
      )}
    </>
  );
}

function BudgetTable(p: { caption: string; lines: BudgetLine[]; funded: boolean; titles: Map<string, string>;
  maxOf: (program: string) => number; testid: string }) {
  return (
    <>
      <h3>{p.caption}</h3>
      {p.lines.length === 0 ? <p data-testid={`${p.testid}-none`}>{t.app.none}</p> : (
        <TableWrap label={p.caption}><table data-testid={p.testid}>
          <caption className="sr-only">{p.caption}</caption>
          <thead><tr>
            <th scope="col">{t.analysis.program}</th><th scope="col" className="num">{t.analysis.cohorts}</th>
            <th scope="col" className="num">{t.analysis.participants}</th><th scope="col" className="num">{t.analysis.cost}</th>
            <th scope="col" className="num">{t.analysis.effect}</th><th scope="col" className="num">{t.analysis.perMillion}</th>
            <th scope="col">{t.analysis.why}</th>
          </tr></thead>
          <tbody>{p.lines.map((l) => (
            <tr key={l.program} className={p.funded ? 'funded' : undefined} data-program={l.program}>
              <th scope="row">{p.titles.get(l.program) ?? humanizeSlug(lastSegment(l.program))}</th>
              <td className="num">{p.funded ? formatInteger(l.cohorts ?? 0) : '—'}</td>
              <td className="num">{p.funded ? formatInteger(toNumber(l.participants)) : '—'}</td>
              <td className="num">{formatRupiah(toNumber(l.cost))}{!p.funded && <span className="hint"><br />{t.analysis.perCohort}</span>}</td>
              <td className="num">{formatNumber(l.effectPerParticipant ?? 0)}<span className="hint"><br />{effectSource(l)}</span></td>
              <td className="num">{formatNumber(l.improvementPerMillion ?? 0)}</td>
              <td>{budgetReason(l, p.maxOf(l.program))}</td>
            </tr>))}
          </tbody>
        </table></TableWrap>
      )}
    </>
  );
}

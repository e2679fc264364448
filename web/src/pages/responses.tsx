// Survey response rates of the year's cohorts (/respons), and the tile on
// the organiser's dashboard: for every cohort that has started, each
// instrument answered for it, people who answered of people eligible (the
// survey service's aggregates: distinct respondents for identified
// instruments, answers for anonymous ones, which take one answer per
// token, so a rate never exceeds 1).
import { get, lastSegment, listAll, TENANT } from '../api';
import { formatInteger, formatPercent, toNumber } from '../format';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { Link } from '../router';
import type { Cohort, Program } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { cohortState, loadYear } from './organiser';
import type { Instrument } from './instruments';
import { thisYear } from './participant';

interface InstrumentAggregate {
  instrument: string; kind?: string; responseCount?: string; respondentCount?: string;
  enrolledCount?: string; eligibleCount?: string;
}
export interface RateRow { program: Program; cohort: Cohort; instrument: string; kind: string; answered: number; of: number }

/** People who answered, of people eligible (as the links page counts them). */
export function rateOf(a: InstrumentAggregate): { answered: number; of: number } {
  return { answered: toNumber(a.respondentCount) || toNumber(a.responseCount), of: toNumber(a.eligibleCount) || toNumber(a.enrolledCount) };
}

export async function loadResponseRates(year: number, known?: { program: Program; cohort: Cohort }[]): Promise<RateRow[]> {
  const cohorts = known ?? (await loadYear(year)).cohorts;
  const started = cohorts.filter(({ cohort }) => cohortState(cohort) !== 'planned');
  const aggs = await mapLimit(started, 4, ({ cohort }) =>
    get<{ instruments?: InstrumentAggregate[] }>(`/v1/${cohort.name}/surveyAggregates`));
  return started.flatMap(({ program, cohort }, i) => (aggs[i].instruments ?? []).map((a) => ({
    program, cohort, instrument: a.instrument, kind: a.kind ?? '', ...rateOf(a),
  })));
}

/** The reaction surveys' rate over the year's cohorts (those the dashboard
 * has loaded), for the dashboard. */
export function ResponseTile({ year, cohorts }: { year: number; cohorts: { program: Program; cohort: Cohort }[] }) {
  const q = useAsync(() => loadResponseRates(year, cohorts), [year, cohorts]);
  const reaction = (q.data ?? []).filter((r) => r.kind === 'REACTION');
  const answered = reaction.reduce((a, r) => a + r.answered, 0);
  const of = reaction.reduce((a, r) => a + r.of, 0);
  return (
    <section className="tile" aria-labelledby="tile-responses">
      <h2 id="tile-responses">{t.responses.tileTitle}</h2>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <p className="big"><Link to="/respons" data-testid="count-responses">{of > 0 ? formatPercent(answered / of) : '–'}</Link></p>
          <p className="hint" data-testid="responses-n">{t.responses.tileNote(formatInteger(answered), formatInteger(of))}</p>
        </>
      )}
    </section>
  );
}

export function ResponseRatesPage() {
  const year = thisYear();
  const q = useAsync(async () => {
    const [rows, instruments] = await Promise.all([
      loadResponseRates(year), listAll<Instrument>(`/v1/tenants/${TENANT}/instruments`, 'instruments'),
    ]);
    return { rows, titles: new Map(instruments.map((i) => [i.name, i.title ?? lastSegment(i.name)])) };
  }, [year]);
  return (
    <Page title={t.responses.title(year)} wide>
      <p>{t.responses.intro}</p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (q.data.rows.length === 0 ? <p>{t.app.none}</p> : (
        <TableWrap label={t.responses.title(year)}><table data-testid="response-rates">
          <caption className="sr-only">{t.responses.title(year)}</caption>
          <thead><tr>
            <th scope="col">{t.participant.cohort}</th><th scope="col">{t.links.instrument}</th>
            <th scope="col">{t.instruments.kind}</th><th scope="col" className="num">{t.responses.answered}</th>
            <th scope="col" className="num">{t.responses.eligible}</th><th scope="col" className="num">{t.responses.rate}</th>
            <th scope="col">{t.links.open}</th>
          </tr></thead>
          <tbody>{q.data.rows.map((r) => {
            const p = lastSegment(r.program.name);
            const c = lastSegment(r.cohort.name);
            return (
              <tr key={`${r.cohort.name} ${r.instrument}`} data-cohort={r.cohort.name} data-instrument={r.instrument}>
                <th scope="row">{r.cohort.displayName || c}<br /><span className="hint">{r.program.title}</span></th>
                <td>{q.data!.titles.get(r.instrument) ?? lastSegment(r.instrument)}</td>
                <td>{t.instruments.kinds[r.kind] ?? '—'}</td>
                <td className="num">{formatInteger(r.answered)}</td>
                <td className="num">{formatInteger(r.of)}</td>
                <td className="num">{r.of > 0 ? formatPercent(r.answered / r.of) : '–'}</td>
                <td><Link to={`/program/${p}/angkatan/${c}/tautan`}>{t.links.open}<span className="sr-only">: {r.cohort.displayName || c}</span></Link></td>
              </tr>);
          })}</tbody>
        </table></TableWrap>
      ))}
    </Page>
  );
}

// The province (issue 16): its regencies side by side on the year's
// benchmark figures (scoring's GetProvinceBenchmark, named for province
// and national roles), each figure with its n, a withheld one with its
// reason; the province's quartiles beneath.
import { get } from '../api';
import { formatInteger, toNumber } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n/id';
import { getClaims } from '../session';
import type { Figure, Int64 } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { DownloadButton } from '../components/download';
import { formatFigureValue, withheldReason, type FigureKind } from './report';
import { thisYear } from './participant';

interface TenantIndicators {
  tenant: string; programs?: number; cohorts?: number; participants?: Int64;
  reaction?: Figure; normalisedGain?: Figure; appliedShare?: Figure; composite?: Figure; costPerJp?: Figure;
}
interface Benchmark { tenants?: TenantIndicators[]; missingTenants?: string[] }

const COLUMNS: { key: keyof TenantIndicators; label: () => string; kind: FigureKind }[] = [
  { key: 'reaction', label: () => t.province.reaction, kind: 'score' },
  { key: 'normalisedGain', label: () => t.province.gain, kind: 'number' },
  { key: 'appliedShare', label: () => t.province.applied, kind: 'percent' },
  { key: 'composite', label: () => t.province.composite, kind: 'score' },
  { key: 'costPerJp', label: () => t.province.costPerJp, kind: 'rupiah' },
];

function Cell({ f, kind }: { f?: Figure; kind: FigureKind }) {
  if (!f) return <td className="num">—</td>;
  if (f.withheld) return <td><span className="hint">{t.report.withheld}: {withheldReason(f)}</span></td>;
  return <td className="num">{formatFigureValue(f.value ?? 0, kind)}<br /><span className="hint">n = {formatInteger(toNumber(f.n))}</span></td>;
}

export function ProvinceHome() {
  const province = getClaims()?.tenant ?? '';
  const year = thisYear();
  const q = useAsync(async () => {
    const [b, tenants] = await Promise.all([
      get<Benchmark>(`/v1/provinces/${province}/benchmarks?year=${year}`),
      get<{ tenants?: { name: string; displayName?: string }[] }>('/v1/tenants?pageSize=500').catch(() => ({ tenants: [] })),
    ]);
    const names = new Map((tenants.tenants ?? []).map((x) => [x.name.split('/').pop() ?? '', x.displayName ?? x.name]));
    return { b, names };
  }, [province, year]);
  return (
    <Page title={t.province.title(year)} wide>
      <p>{t.province.intro}</p>
      <p className="no-print actions">
        <DownloadButton path={`/v1/provinces/${province}/benchmarks:export?year=${year}`}
          filename={`perbandingan-kabupaten-kota-${province}-${year}.xlsx`} label={t.province.xlsx}
          ariaLabel={t.province.xlsxLabel(year)} testId="province-xlsx" />
      </p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && ((q.data.b.tenants ?? []).length === 0 ? <p>{t.app.none}</p> : (
        <TableWrap label={t.province.title(year)}><table data-testid="province-table">
          <caption className="sr-only">{t.province.title(year)}</caption>
          <thead><tr>
            <th scope="col">{t.province.regency}</th>
            <th scope="col" className="num">{t.province.participants}</th>
            {COLUMNS.map((c) => <th key={c.key} scope="col" className="num">{c.label()}</th>)}
          </tr></thead>
          <tbody>{(q.data.b.tenants ?? []).map((row) => (
            <tr key={row.tenant}>
              <th scope="row">{q.data!.names.get(row.tenant.split('/').pop() ?? '') ?? row.tenant}</th>
              <td className="num">{formatInteger(toNumber(row.participants))}</td>
              {COLUMNS.map((c) => <Cell key={c.key} f={row[c.key] as Figure | undefined} kind={c.kind} />)}
            </tr>))}
          </tbody>
        </table></TableWrap>
      ))}
      {q.data && (q.data.b.missingTenants ?? []).length > 0 && (
        <p className="hint">{t.province.missing(formatInteger(q.data.b.missingTenants!.length))}</p>
      )}
    </Page>
  );
}

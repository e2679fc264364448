// The organiser's page of every unit's IKM (/ikm): for the chosen year each
// unit's respondents, IKM and mutu pelayanan as the complaint service
// computes them (a withheld IKM with its reason), and each unit's Laporan
// IKM as PDF and Excel from the report service — the document the unit
// publishes under PermenPANRB 14/2017.
import { useState } from 'react';
import { get, listAll, TENANT } from '../api';
import { formatInteger, formatScore, toNumber } from '../format';
import { mapLimit, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { tk } from '../i18n/ikm-units';
import type { Satisfaction, Unit } from '../types';
import { DownloadButton } from '../components/download';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import { thisYear } from './participant';

interface Row { unit: Unit; sat: Satisfaction | null }

/** The years offered: this one and the four before it, newest first. */
export function ikmYears(now: number): number[] {
  return Array.from({ length: 5 }, (_, i) => now - i);
}

export function IkmUnitsPage() {
  const [year, setYear] = useState(thisYear());
  const q = useAsync(async () => {
    const units = await listAll<Unit>(`/v1/tenants/${TENANT}/units`, 'units');
    // One read per unit (at most four at a time); a unit whose figures
    // cannot be read is listed as such, the others still show.
    const sats = await mapLimit(units, 4, (u) =>
      get<Satisfaction>(`/v1/${u.name}/satisfaction?period=${year}`).catch(() => null));
    return units.map((unit, i): Row => ({ unit, sat: sats[i] }));
  }, [year]);
  return (
    <Page title={tk.title} wide>
      <p>{tk.intro}</p>
      <p className="no-print">
        <label htmlFor="ikm-year">{tk.year} </label>
        <select id="ikm-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
          {ikmYears(thisYear()).map((y) => <option key={y} value={y}>{y}</option>)}
        </select>
      </p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (q.data.length === 0 ? <p>{tk.none}</p> : (
        <TableWrap label={tk.title}><table data-testid="ikm-units">
          <caption className="sr-only">{tk.title} {year}</caption>
          <thead><tr>
            <th scope="col">{tk.unit}</th>
            <th scope="col" className="num">{tk.respondents}</th>
            <th scope="col" className="num">{tk.ikm}</th>
            <th scope="col">{tk.category}</th>
            <th scope="col" className="no-print">{tk.report}</th>
          </tr></thead>
          <tbody>{q.data.map(({ unit, sat }) => {
            const id = unit.name.split('/').pop() ?? '';
            const title = unit.displayName || id;
            return (
              <tr key={unit.name} data-unit={id}>
                <th scope="row">{title}</th>
                <td className="num" data-testid="ikm-respondents">{sat ? formatInteger(toNumber(sat.respondents)) : '—'}</td>
                {!sat ? <td colSpan={2}>{tk.unreadable}</td> : sat.suppressed ? (
                  <td colSpan={2}><span className="hint">{tk.withheld}: {t.head.suppression[sat.suppression ?? ''] ?? t.head.ikmSuppressed}</span></td>
                ) : (
                  <>
                    <td className="num" data-testid="ikm-value">{formatScore(sat.ikmConverted ?? 0)}</td>
                    <td>{t.ikmCategory[sat.category ?? ''] ?? '—'}</td>
                  </>
                )}
                <td className="no-print actions">
                  <DownloadButton path={`/v1/${unit.name}/satisfaction:report?period=${year}`}
                    filename={`laporan-ikm-${id}-${year}.pdf`} label={tk.pdf} ariaLabel={tk.pdfOf(title)} testId={`ikm-pdf-${id}`} />{' '}
                  <DownloadButton path={`/v1/${unit.name}/satisfaction:report?period=${year}&format=XLSX`}
                    filename={`laporan-ikm-${id}-${year}.xlsx`} label={tk.xlsx} ariaLabel={tk.xlsxOf(title)} testId={`ikm-xlsx-${id}`} />
                </td>
              </tr>
            );
          })}</tbody>
        </table></TableWrap>
      ))}
    </Page>
  );
}

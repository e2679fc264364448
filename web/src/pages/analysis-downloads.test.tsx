// @vitest-environment jsdom
// The analysis pages' "Unduh Excel" (issue 17): each asks the report
// service for the workbook of the filters shown — the roll-up for the year
// and grouping chosen, the ranking for the year, the province's comparison
// for its province and year — and saves it under the service's file name.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { t } from '../i18n/id';
import { RankingPage, RollUpPage } from './analysis';
import { ProvinceHome } from './province';
import { thisYear } from './participant';
import { setAccessToken } from '../session';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// Every request the page makes; a workbook for the export routes, an empty
// answer for the rest.
function serve() {
  const calls: string[] = [];
  vi.stubGlobal('fetch', vi.fn(async (path: string) => {
    calls.push(path);
    if (/:(rollUpExport|rankExport|export)\?/.test(path)) {
      const name = path.includes('rollUpExport') ? 'rekap-x.xlsx' : path.includes('rankExport') ? 'peringkat-x.xlsx' : 'perbandingan-x.xlsx';
      return new Response('PK', { status: 200, headers: { 'Content-Type': XLSX, 'Content-Disposition': `attachment; filename="${name}"` } });
    }
    return new Response(JSON.stringify({ rows: [], tenants: [], programs: [] }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  }));
  return calls;
}

describe('analysis downloads', () => {
  const saved: string[] = [];
  beforeEach(() => {
    saved.length = 0;
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }));
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) { saved.push(this.download); });
  });
  afterEach(() => { cleanup(); vi.unstubAllGlobals(); vi.restoreAllMocks(); });

  it('the roll-up downloads the workbook of the year and grouping shown', async () => {
    const calls = serve();
    render(<RollUpPage />);
    fireEvent.change(screen.getByLabelText(t.analysis.groupBy), { target: { value: 'UNIT' } });
    const year = thisYear();
    const button = screen.getByRole('button', { name: t.analysis.rollUpXlsxLabel(t.analysis.groups.UNIT, year) });
    expect(button.textContent).toBe(t.analysis.xlsx);
    fireEvent.click(button);
    await waitFor(() => expect(saved).toEqual(['rekap-x.xlsx']));
    expect(calls).toContain(`/v1/tenants/1504/evaluations:rollUpExport?year=${year}&groupBy=UNIT`);
  });

  it('the ranking downloads the workbook of the year shown', async () => {
    const calls = serve();
    render(<RankingPage />);
    const year = thisYear() - 1;
    fireEvent.change(screen.getByLabelText(t.analysis.year), { target: { value: String(year) } });
    fireEvent.click(screen.getByRole('button', { name: t.analysis.rankXlsxLabel(year) }));
    await waitFor(() => expect(saved).toEqual(['peringkat-x.xlsx']));
    expect(calls).toContain(`/v1/tenants/1504/programs:rankExport?year=${year}`);
    expect(screen.getByText(t.analysis.rankXlsxNote)).toBeTruthy();
  });

  it("the province's home page downloads its comparison", async () => {
    // A province account of Jambi (15): its token names the province.
    const payload = btoa(JSON.stringify({ sub: 'jambi', role: 'province', tenant: '15' })).replace(/=+$/, '');
    setAccessToken(`x.${payload}.y`);
    const calls = serve();
    render(<ProvinceHome />);
    fireEvent.click(screen.getByRole('button', { name: t.province.xlsxLabel(thisYear()) }));
    await waitFor(() => expect(saved).toEqual(['perbandingan-x.xlsx']));
    expect(calls).toContain(`/v1/provinces/15/benchmarks:export?year=${thisYear()}`);
    setAccessToken(null);
  });
});

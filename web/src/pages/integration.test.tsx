// @vitest-environment jsdom
// Component test of "Integrasi SIASN" (issue 19): the status says what the
// service says (state, counts, the outbox), a dead-lettered push is retried
// by its name, a failure shows SIASN's raw value, a change of unit shows the
// unit's name, the settings go out with their update mask, and a refusal to
// switch on without credentials is said in Indonesian from its reason.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { t } from '../i18n/id';
import { ti } from '../i18n/integration';
import { formatDateTime, IntegrationPage } from './integration';

const B = '/v1/tenants/1504';
const STATUS = {
  name: 'tenants/1504/integrationStatus', enabled: true, credentialsPresent: true,
  lastSync: { name: 'tenants/1504/syncRuns/r1', state: 'SUCCEEDED_WITH_FAILURES', trigger: 'schedule',
    startTime: '2026-12-04T01:00:00Z', employeesTotal: 412, employeesRead: 412, employeesChanged: 17,
    employeesMissing: 2, employeesFailed: 3, trainingsRead: 960, skpRead: 400, supervisorsFilled: 5 },
  recordsRead: '12840', recordsChanged: '55', pushed: '318', failed: '9',
  pushesPending: 4, pushesSaved: 1, pushesDead: 1,
  recentFailures: [{ name: 'tenants/1504/failures/f1', kind: 'sync', employee: 'tenants/1504/employees/198501012010011001',
    code: 'UNKNOWN_UNOR', field: 'data-utama.unorId', rawValue: 'A5EB03E2-XYZ', message: 'unorId tidak dipetakan',
    time: '2026-12-04T01:02:00Z' }],
};
const CONNECTION = {
  name: 'tenants/1504/siasnConnection', enabled: true, apimUrl: 'https://apimws.bkn.go.id:8243',
  ssoUrl: 'https://sso-siasn.bkn.go.id', ssoRealm: 'public-siasn', instansiId: 'A5EB03E23C7EF6A0E040640A040252AD',
  certificateDocumentType: '874', jenisDiklatId: '3', rateLimitPerSecond: 5, maxAttempts: 8, syncIntervalHours: 24,
  credentialsPresent: true,
};
const UNITS = { units: [{ name: 'tenants/1504/units/dukcapil', displayName: 'Dinas Dukcapil' },
  { name: 'tenants/1504/units/dpmptsp', displayName: 'DPMPTSP' }] };

function serve(overrides: Record<string, { status: number; body: unknown }> = {}) {
  const calls: { method: string; path: string; body?: unknown }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (path: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    calls.push({ method, path, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const key = `${method} ${path.split('?')[0]}`;
    const reply = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    if (overrides[key]) return reply(overrides[key].status, overrides[key].body);
    if (key === `GET ${B}/integrationStatus`) return reply(200, STATUS);
    if (key === `GET ${B}/siasnConnection`) return reply(200, CONNECTION);
    if (key === `GET ${B}/unorMappings`) return reply(200, { mappings: [{ name: 'tenants/1504/unorMappings/U-1', unorId: 'U-1', unit: 'tenants/1504/units/dukcapil', unorNama: 'DINAS KEPENDUDUKAN' }] });
    if (key === `GET ${B}/pushes`) return reply(200, { pushes: [{ name: 'tenants/1504/pushes/pelayanan.angkatan-01.199001012015031001', enrolment: 'tenants/1504/programs/pelayanan/cohorts/angkatan-01/enrolments/199001012015031001', nip: '199001012015031001', state: 'DEAD', attempts: 8, lastError: 'SIASN: pnsOrangId tidak dikenal' }] });
    if (key === `GET ${B}/employeeChanges`) return reply(200, { changes: [{ employee: 'tenants/1504/employees/198501012010011001', field: 'unit', oldValue: 'tenants/1504/units/dpmptsp', newValue: 'tenants/1504/units/dukcapil', changeTime: '2026-12-04T01:01:00Z' }] });
    if (key === `GET ${B}/units`) return reply(200, UNITS);
    return reply(200, {});
  }));
  return calls;
}

describe('IntegrationPage', () => {
  afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

  it('shows the status, retries a dead push and shows failures and changes', async () => {
    const calls = serve();
    render(<IntegrationPage />);
    await waitFor(() => expect(screen.getByTestId('integration-status')).toBeTruthy());
    expect(screen.getByTestId('integration-enabled').textContent).toBe(ti.on);
    const last = screen.getByTestId('last-sync');
    expect(within(last).getByText(ti.runStates.SUCCEEDED_WITH_FAILURES)).toBeTruthy();
    expect(within(last).getByText(ti.runLine(412, 412))).toBeTruthy();
    expect(within(screen.getByTestId('integration-totals')).getByText('12.840')).toBeTruthy();
    const failures = screen.getByTestId('failures');
    expect(within(failures).getByText('A5EB03E2-XYZ')).toBeTruthy();
    expect(within(failures).getByText('UNKNOWN_UNOR')).toBeTruthy();
    expect(within(failures).getByText(ti.failureCodes.UNKNOWN_UNOR)).toBeTruthy();
    // The unit change names both units.
    const changes = screen.getByTestId('changes');
    expect(within(changes).getByText('DPMPTSP')).toBeTruthy();
    expect(within(changes).getByText('Dinas Dukcapil')).toBeTruthy();
    expect(calls.some((c) => c.path === `${B}/pushes?state=DEAD&pageSize=100`)).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: ti.retryLabel('199001012015031001') }));
    await waitFor(() => expect(screen.getByText(ti.retried)).toBeTruthy());
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path))
      .toEqual(['/v1/tenants/1504/pushes/pelayanan.angkatan-01.199001012015031001:retry']);
  });

  it('saves the settings with their mask, and says why switching on was refused', async () => {
    const calls = serve({
      'PATCH /v1/tenants/1504/siasnConnection': { status: 400, body: { code: 9, message: 'no credentials',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'CREDENTIALS_MISSING' }] } },
    });
    render(<IntegrationPage />);
    await waitFor(() => expect(screen.getByTestId('connection-form')).toBeTruthy());
    fireEvent.change(screen.getByLabelText(ti.rate), { target: { value: '2,5' } });
    fireEvent.click(screen.getByRole('button', { name: ti.save }));
    await waitFor(() => expect(screen.getByText(t.reasons.CREDENTIALS_MISSING)).toBeTruthy());
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.path).toBe('/v1/tenants/1504/siasnConnection?updateMask=enabled,apimUrl,ssoUrl,ssoRealm,instansiId,certificateDocumentType,jenisDiklatId,rateLimitPerSecond,maxAttempts,syncIntervalHours');
    expect(patch?.body).toMatchObject({ name: 'tenants/1504/siasnConnection', enabled: true, rateLimitPerSecond: 2.5,
      apimUrl: 'https://apimws.bkn.go.id:8243', maxAttempts: 8 });
  });

  it('writes times in WIB', () => {
    expect(formatDateTime('2026-12-04T03:05:00Z')).toBe('4 Desember 2026 10.05 WIB');
    expect(formatDateTime('2026-12-31T17:30:00Z')).toBe('1 Januari 2027 00.30 WIB');
    expect(formatDateTime('nonsense')).toBe('');
  });
});

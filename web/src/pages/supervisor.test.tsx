// @vitest-environment jsdom
// Component test of the supervisor's due assessments (issue 16): the waves
// read are those the cohort's programme configures (here 14 and 45 days, as
// ListEmployeeTrainings gives them), not the default 30/60/90; a training
// of a programme with the defaults asks for those.
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { t } from '../i18n/id';
import { setAccessToken } from '../session';
import { StaffPage, wavesOf } from './supervisor';

const ME = '198001012005011001';
const STAFF = '199001012015031001';
const enc = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const token = `${enc({ alg: 'none' })}.${enc({ sub: ME, role: 'supervisor', tenant: '1504' })}.x`;

const day = (year: number, month: number, d: number) => ({ year, month, day: d });
const training = (program: string, cohort: string, waves: number[]) => ({
  enrolment: { name: `tenants/1504/programs/${program}/cohorts/${cohort}/enrolments/${STAFF}`, state: 'COMPLETED' },
  program: `tenants/1504/programs/${program}`, programTitle: `Program ${program}`,
  cohort: `tenants/1504/programs/${program}/cohorts/${cohort}`,
  followUpWindows: waves.map((w) => ({ offsetDays: w })),
});
const task = (program: string, cohort: string, wave: number, due: number) => ({
  name: `tenants/1504/followUpTasks/${program}.${cohort}.${STAFF}.${wave}.supervisor`,
  participantNip: STAFF, supervisorNip: ME, role: 'SUPERVISOR_ASSESSMENT', offsetDays: wave,
  dueDate: day(2026, 11, due), state: 'OPEN',
});

function platform(tasks: Record<string, unknown>, hours: unknown = { jp: 12, requiredJp: 20 }) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', vi.fn(async (path: string) => {
    calls.push(path);
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    if (path.startsWith('/v1/tenants/1504/employees?') || path === '/v1/tenants/1504/employees') {
      return json(200, { employees: [{ name: `tenants/1504/employees/${STAFF}`, nip: STAFF, fullName: 'Siti Aminah', unit: 'tenants/1504/units/dukcapil' }] });
    }
    if (path.includes('/learningHours')) return json(200, hours);
    if (path.endsWith(`/employees/${STAFF}/trainings`)) {
      return json(200, { trainings: [training('singkat', 'a1', [14, 45]), training('biasa', 'b1', [])] });
    }
    if (path.endsWith('/actionPlan')) return json(404, { code: 5, message: 'none' });
    const m = /\/followUpTasks\/(.+)$/.exec(path);
    if (m) return m[1] in tasks ? json(200, tasks[m[1]]) : json(404, { code: 5, message: 'none' });
    return json(404, { code: 5, message: `unexpected ${path}` });
  }));
  return calls;
}

describe('supervisor: due assessments', () => {
  beforeEach(() => setAccessToken(token));
  afterEach(() => { cleanup(); vi.unstubAllGlobals(); setAccessToken(null); });

  it('reads the waves the cohort configures (14 and 45 days), and the defaults otherwise', async () => {
    const calls = platform({
      [`singkat.a1.${STAFF}.14.supervisor`]: task('singkat', 'a1', 14, 5),
      [`singkat.a1.${STAFF}.45.supervisor`]: task('singkat', 'a1', 45, 20),
      [`biasa.b1.${STAFF}.60.supervisor`]: task('biasa', 'b1', 60, 12),
    });
    render(<StaffPage />);
    const table = await screen.findByTestId('due-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent))).toEqual([
      ['Program singkat', t.organiser.wave(14), '5 November 2026'],
      ['Program biasa', t.organiser.wave(60), '12 November 2026'],
      ['Program singkat', t.organiser.wave(45), '20 November 2026'],
    ]);
    // The tasks asked for: the cohort's own waves, never 30/60/90 for it.
    const asked = calls.filter((c) => c.includes('/followUpTasks/')).map((c) => c.split('/followUpTasks/')[1]).sort();
    expect(asked).toEqual([
      `biasa.b1.${STAFF}.30.supervisor`, `biasa.b1.${STAFF}.60.supervisor`, `biasa.b1.${STAFF}.90.supervisor`,
      `singkat.a1.${STAFF}.14.supervisor`, `singkat.a1.${STAFF}.45.supervisor`,
    ]);
  });

  it('says so when nothing is due', async () => {
    platform({});
    render(<StaffPage />);
    await waitFor(() => expect(screen.getByTestId('due-none').textContent).toBe(t.supervisor.dueNone));
  });

  it('splits each staff member\'s JP into Pelita\'s and those from SIASN', async () => {
    platform({}, { jp: 21, requiredJp: 20, pelitaJp: 12, externalJp: 9 });
    render(<StaffPage />);
    await waitFor(() => expect(screen.getByTestId(`jp-pelita-${STAFF}`).textContent).toBe('12'));
    expect(screen.getByTestId(`jp-external-${STAFF}`).textContent).toBe('9');
    expect(screen.getByRole('columnheader', { name: t.supervisor.externalJp })).toBeTruthy();
  });

  it('takes the waves from the windows, once each', () => {
    expect(wavesOf({ followUpWindows: [{ offsetDays: 14 }, { offsetDays: 45 }] })).toEqual([14, 45]);
    expect(wavesOf({ followUpWindows: [{ offsetDays: 7 }, { offsetDays: 7 }] })).toEqual([7]);
    expect(wavesOf({})).toEqual([30, 60, 90]);
  });
});

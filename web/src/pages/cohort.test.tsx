// @vitest-environment jsdom
// Component test of the attendance grid (issue 16): a column per day of
// the cohort, a tick records that day for that person (one request, then
// the page reloads the enrolments), a day already recorded cannot be
// ticked again, a completed or wait-listed person cannot be ticked, and
// completion needs a day of attendance.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { t } from '../i18n/id';
import { AttendanceGrid } from './cohort';

const COHORT = 'tenants/1504/programs/p/cohorts/c';
const cohort = { name: COHORT, startDate: { year: 2026, month: 3, day: 2 }, endDate: { year: 2026, month: 3, day: 4 } };
const enrolments = [
  { name: `${COHORT}/enrolments/198503152010011001`, state: 'ATTENDED', attendedDays: ['2026-03-02'] },
  { name: `${COHORT}/enrolments/199001012015032002`, state: 'ENROLLED', attendedDays: [] },
  { name: `${COHORT}/enrolments/198807072012121003`, state: 'COMPLETED', attendedDays: ['2026-03-02'], certificateNumber: 'BH/0001' },
  { name: `${COHORT}/enrolments/199212122019031004`, state: 'WAITLISTED' },
];
const names = new Map([['198503152010011001', 'Siti'], ['199001012015032002', 'Budi'], ['198807072012121003', 'Dewi'],
  ['199212122019031004', 'Rudi']]);

describe('AttendanceGrid', () => {
  const calls: { path: string; body: unknown }[] = [];
  beforeEach(() => {
    calls.length = 0;
    vi.stubGlobal('fetch', vi.fn(async (path: string, init: RequestInit) => {
      calls.push({ path, body: JSON.parse(String(init.body ?? '{}')) });
      return new Response('{}', { status: 200 });
    }));
  });
  afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

  it('has a column per day and records a tick once', async () => {
    const onChange = vi.fn();
    render(<AttendanceGrid cohort={cohort} enrolments={enrolments} names={names} onChange={onChange} />);
    const box = (who: string, day: string) => screen.getByRole('checkbox', { name: t.forms.attendedOn(who, day) });
    // Three days, four people.
    expect(screen.getAllByRole('checkbox')).toHaveLength(12);
    expect((box('Siti', '2 Maret 2026') as HTMLInputElement).disabled).toBe(true);  // recorded already
    expect((box('Dewi', '3 Maret 2026') as HTMLInputElement).disabled).toBe(true);  // completed
    expect((box('Rudi', '3 Maret 2026') as HTMLInputElement).disabled).toBe(true);  // wait list
    const budi = screen.getByRole('button', { name: `${t.forms.complete} Budi` }) as HTMLButtonElement;
    expect(budi.disabled).toBe(true);  // no day attended yet
    fireEvent.click(box('Budi', '3 Maret 2026'));
    await waitFor(() => expect(onChange).toHaveBeenCalledTimes(1));
    expect(calls).toEqual([{ path: `/v1/${COHORT}/enrolments/199001012015032002:recordAttendance`, body: { day: '2026-03-03' } }]);
    expect(screen.getByText('BH/0001')).toBeTruthy();
  });
});

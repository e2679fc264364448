// @vitest-environment jsdom
// Component test of the learning-hours card and the list of trainings done
// outside Pelita (issue 19): the year's JP split into Pelita's and SIASN's,
// the counted SIASN records with their source in words, and a note for the
// records not counted because they are Pelita's own training read back.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../i18n/id';
import type { LearningHours } from '../types';
import { ExternalTrainings, HoursCard, pelitaJpOf } from './participant';

const NIP = '199001012015031001';
const hours: LearningHours = {
  employee: `tenants/1504/employees/${NIP}`, year: 2026, jp: 21, requiredJp: 20, compliant: true,
  pelitaJp: 12, externalJp: 9,
  externalTrainings: [
    { name: `tenants/1504/employees/${NIP}/externalTrainings/siasn-diklat.D-2`, source: 'siasn-diklat', sourceId: 'D-2',
      title: 'Pelatihan Dasar Kearsipan', institution: 'BPSDM Provinsi Jambi', jp: 3, endDate: { year: 2026, month: 6, day: 1 } },
    { name: `tenants/1504/employees/${NIP}/externalTrainings/siasn-kursus.K-2`, source: 'siasn-kursus', sourceId: 'K-2',
      title: 'E-learning Pelayanan Publik', institution: 'LAN RI', jp: 6, endDate: { year: 2026, month: 3, day: 1 } },
  ],
  duplicates: [
    { name: `tenants/1504/employees/${NIP}/externalTrainings/siasn-kursus.K-1`, source: 'siasn-kursus', sourceId: 'K-1',
      title: 'Administrasi Kependudukan', jp: 12, endDate: { year: 2026, month: 2, day: 11 }, certificateNumber: 'BKPSDM/2026/001' },
  ],
};

describe('participant: learning hours with training outside Pelita', () => {
  afterEach(cleanup);

  it('shows the split of the year\'s JP', () => {
    render(<HoursCard hours={hours} year={2026} />);
    expect(screen.getByTestId('jp-number').textContent).toBe(t.participant.hoursOf('21', '20'));
    expect(screen.getByText(t.participant.pelitaJp)).toBeTruthy();
    expect(screen.getByText(t.participant.externalJp)).toBeTruthy();
    expect(screen.getByTestId('jp-pelita').textContent).toBe('12');
    expect(screen.getByTestId('jp-external').textContent).toBe('9');
    expect(screen.getByText(t.participant.compliant)).toBeTruthy();
  });

  it('lists the counted SIASN trainings and notes the ones Pelita already counted', () => {
    render(<ExternalTrainings hours={hours} />);
    const rows = within(screen.getByTestId('external-table')).getAllByRole('row');
    expect(rows).toHaveLength(3);  // the header and two trainings
    const first = within(rows[1]).getAllByRole('cell').map((c) => c.textContent);
    expect(within(rows[1]).getByRole('rowheader').textContent).toBe('Pelatihan Dasar Kearsipan');
    expect(first).toEqual(['BPSDM Provinsi Jambi', '1 Juni 2026', '3', 'SIASN riwayat diklat']);
    expect(within(rows[2]).getAllByRole('cell')[3].textContent).toBe('SIASN riwayat kursus');
    expect(screen.getByTestId('external-duplicates').textContent).toBe(t.participant.duplicatesNote('1'));
    expect(screen.getByText(/Administrasi Kependudukan/).textContent).toContain('sudah dihitung dari pelatihan Pelita');
    // Pelita's own training is not in the table of those counted.
    expect(within(screen.getByTestId('external-table')).queryByText('Administrasi Kependudukan')).toBeNull();
  });

  it('says so when SIASN holds nothing for the year', () => {
    render(<ExternalTrainings hours={{ employee: 'x', year: 2026, jp: 12, pelitaJp: 12 }} />);
    expect(screen.getByText(t.participant.noExternal)).toBeTruthy();
    expect(screen.queryByTestId('external-duplicates')).toBeNull();
  });

  it('reads an answer without the split (proto3 JSON leaves zeros out) right', () => {
    expect(pelitaJpOf({ employee: 'x', year: 2026, jp: 12 })).toBe(12);
    expect(pelitaJpOf({ employee: 'x', year: 2026, jp: 9, externalJp: 9 })).toBe(0);
    expect(pelitaJpOf({ employee: 'x', year: 2026, jp: 21, pelitaJp: 12, externalJp: 9 })).toBe(12);
  });
});

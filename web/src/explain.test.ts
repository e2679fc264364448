import { describe, expect, it } from 'vitest';
import { budgetReason, effectSource, importReason } from './explain';

// The services' own wording, as they answered on the demo platform.
describe('importReason', () => {
  const cases: [string, string, string][] = [
    ['nip', "row.nip: NIP '123': must have 18 digits, has 3 characters",
      'NIP tidak valid: 18 angka dengan tanggal lahir, TMT CPNS dan kode jenis kelamin yang benar.'],
    ['unit', 'row.unit: unit tenants/1504/units/dukcapil not found', 'Unit kerja tidak dikenal di daerah ini.'],
    ['kode_instansi', 'unknown unit "dukcapil"', 'Unit kerja tidak dikenal di daerah ini.'],
    ['status', 'status: unknown status "entah"', 'Status tidak dikenal (diterima, diverifikasi, diteruskan, ditindaklanjuti, selesai, diarsipkan, bukan kewenangan).'],
    ['', 'has 3 fields, the header has 4', 'Jumlah kolom baris ini (3) tidak sama dengan baris judul (4).'],
    ['M1', 'item M1: 9 is outside 1..5', 'Nilai 9 di luar skala 1–5.'],
    ['nip', 'nip: 199001012015031999 is not enrolled in tenants/1504/programs/p/cohorts/c', 'Penjawab tidak terdaftar di angkatan ini.'],
    ['', 'response.answers (item M3): required item is missing', 'Butir wajib M3 tidak dijawab (kolomnya tidak ada atau kosong).'],
    ['employment_type', 'row.employment_type: must be PNS or PPPK', 'Jenis pegawai harus PNS atau PPPK.'],
    ['judul', 'something new the service may say', 'Isi baris ini tidak dapat diterima.'],
  ];
  it.each(cases)('%s: %s', (field, reason, want) => {
    expect(importReason({ field, reason })).toBe(want);
  });
});

describe('budget advice in Indonesian', () => {
  it('names where the effect comes from, with its n', () => {
    expect(effectSource('measured: pair-weighted mean normalised gain of 4 cohort(s), n = 1087 pairs'))
      .toBe('terukur: 4 angkatan, n = 1.087 pasangan pra/pasca-tes');
    expect(effectSource('given by the organiser')).toBe('ditetapkan penyelenggara');
    expect(effectSource('no measured normalised gain for this programme')).toBe('belum ada gain terukur');
  });
  it('says why a programme is or is not funded', () => {
    expect(budgetReason({ program: 'p', cohorts: 2, improvementPerMillion: 26.1038 }, true, 3, 1e8))
      .toBe('2 dari 3 angkatan didanai: 26,1 poin gain per Rp 1 juta.');
    expect(budgetReason({ program: 'p', expectedImprovement: 0, cost: '1' }, false, 1, 1e8)).toMatch(/^Tidak ada perkiraan peningkatan/);
    expect(budgetReason({ program: 'p', expectedImprovement: 5, cost: '96000000' }, false, 1, 5e7)).toBe('Satu angkatan lebih mahal daripada seluruh anggaran.');
    expect(budgetReason({ program: 'p', expectedImprovement: 5, cost: '96000000' }, false, 1, 2e8)).toMatch(/^Kombinasi lain/);
  });
});

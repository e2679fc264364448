import { describe, expect, it } from 'vitest';
import { budgetReason, effectSource, importReason } from './explain';
import { t } from './i18n/id';

// The codes each importing service's README lists (enrolment, survey,
// complaint): every one has its own Indonesian sentence.
const serviceCodes = [
  'FIELD_COUNT', 'TOO_MANY_FIELDS', 'FIELD_TOO_LONG', 'INVALID_ROW',
  'INVALID_NIP', 'MISSING_NAME', 'NAME_TOO_LONG', 'MISSING_UNIT', 'UNKNOWN_UNIT', 'INVALID_UNIT', 'INVALID_GRADE',
  'INVALID_EMPLOYMENT_TYPE', 'INVALID_SUPERVISOR_NIP', 'OWN_SUPERVISOR', 'UNKNOWN_SUPERVISOR',
  'NOT_AN_OBJECT', 'MISSING_ID', 'INVALID_ID', 'OTHER_TENANT', 'UNKNOWN_CLASSIFICATION', 'UNKNOWN_STATUS',
  'INVALID_TIME', 'TIME_TOO_EARLY', 'TIME_BEYOND_STATUS', 'TIME_BEFORE_RECEIVED', 'MISSING_RECEIVED_TIME',
  'MISSING_STATUS_TIME', 'CATEGORY_TOO_LONG', 'NOT_STORED',
  'FUTURE_TIME', 'NOT_A_NUMBER', 'NOT_YES_NO', 'OUT_OF_SCALE', 'UNKNOWN_CHOICE', 'CHOICE_TWICE', 'WRONG_ANSWER_TYPE',
  'TEXT_TOO_LONG', 'INVALID_TEXT', 'UNKNOWN_ITEM', 'ITEM_TWICE', 'MISSING_ITEM', 'MISSING_NIP', 'NOT_ENROLLED',
  'NOT_SUPERVISOR', 'NOT_OBSERVER', 'OUTSIDE_FOLLOWUP_WINDOW', 'MISSING_COHORT', 'UNKNOWN_COHORT',
  'INVALID_RESPONSE_ID', 'ALREADY_ANSWERED', 'TEST_TAKEN_ONCE', 'LATER_ANSWER_STANDS', 'TOKEN_USED', 'INVALID_ANSWER',
  // performance (services/performance/README.md)
  'FUTURE_MONTH', 'INVALID_MONTH', 'NEGATIVE_COUNT', 'COMPLETED_EXCEEDS_RECEIVED', 'REJECTED_EXCEEDS_RECEIVED',
  'ON_TIME_EXCEEDS_COMPLETED', 'RETURNED_EXCEEDS_COMPLETED', 'BAND_COUNT', 'TIMED_EXCEEDS_COMPLETED', 'NEGATIVE_TIME',
  'TIME_WITHOUT_BANDS', 'TIME_OUTSIDE_BANDS', 'UNKNOWN_SERVICE_TYPE', 'INVALID_NUMBER', 'INVALID_PREDICATE',
  'INVALID_RATING', 'INVALID_PERIOD', 'DUPLICATE', 'MALFORMED_ROW', 'MISSING_VALUE',
];

describe('importReason', () => {
  const cases: [string, string, string][] = [
    ['INVALID_NIP', 'nip', 'NIP tidak valid: 18 angka dengan tanggal lahir, TMT CPNS dan kode jenis kelamin yang benar.'],
    ['UNKNOWN_UNIT', 'kode_instansi', 'Unit kerja tidak dikenal di daerah ini.'],
    ['UNKNOWN_STATUS', 'status', 'Status tidak dikenal (diterima, diverifikasi, diteruskan, ditindaklanjuti, selesai, diarsipkan, bukan kewenangan).'],
    ['FIELD_COUNT', '', 'Jumlah kolom baris ini tidak sama dengan baris judul.'],
    ['OUT_OF_SCALE', 'M1', 'Nilai di luar skala butir ini.'],
    ['NOT_ENROLLED', 'nip', 'Penjawab tidak terdaftar di angkatan ini.'],
    ['MISSING_ITEM', 'M3', 'Butir wajib M3 tidak dijawab (kolomnya tidak ada atau kosong).'],
    ['MISSING_ITEM', '', 'Butir wajib tidak dijawab (kolomnya tidak ada atau kosong).'],
    ['INVALID_EMPLOYMENT_TYPE', 'employment_type', 'Jenis pegawai harus PNS atau PPPK.'],
    ['UNKNOWN_SUPERVISOR', 'supervisor_nip', 'NIP atasan belum ada di data pegawai: impor atasannya lebih dulu, lalu baris ini lagi.'],
    ['LATER_ANSWER_STANDS', '', 'Jawaban yang lebih baru dari penjawab ini sudah tercatat; jawaban yang lebih lama tidak menggantikannya.'],
  ];
  it.each(cases)('%s (%s)', (code, field, want) => {
    // The English text is whatever the service said: never what is shown.
    expect(importReason({ code, field, reason: 'row.nip: something in English' })).toBe(want);
  });
  it('has a sentence of its own for every code the services list', () => {
    const general = t.imports.why.other;
    for (const code of serviceCodes) {
      const text = importReason({ code, reason: 'English' });
      expect(text, code).not.toBe('English');
      if (code !== 'INVALID_ROW') expect(text, code).not.toBe(general);
    }
  });
  it('falls back to a general Indonesian sentence, never the English text', () => {
    for (const code of ['SOMETHING_NEW', '', undefined, 'toString', '__proto__']) {
      expect(importReason({ code, reason: 'has 3 fields, the header has 4' })).toBe('Isi baris ini tidak dapat diterima.');
    }
  });
});

describe('budget advice in Indonesian', () => {
  it('names where the effect comes from, with its n, from the code', () => {
    expect(effectSource({ program: 'p', effectSourceCode: 'EFFECT_MEASURED', effectCohorts: 4, effectPairs: '1087',
      effectSource: 'measured: pair-weighted mean normalised gain of 4 cohort(s), n = 1087 pairs' }))
      .toBe('terukur: 4 angkatan, n = 1.087 pasangan pra/pasca-tes');
    expect(effectSource({ program: 'p', effectSourceCode: 'EFFECT_GIVEN', effectSource: 'given by the organiser' }))
      .toBe('ditetapkan penyelenggara');
    expect(effectSource({ program: 'p', effectSourceCode: 'EFFECT_NOT_MEASURED' })).toBe('belum ada gain terukur');
    expect(effectSource({ program: 'p', effectSourceCode: 'EFFECT_FROM_MARS', effectSource: 'given by the organiser' }))
      .toBe('asal perkiraan tidak diketahui');
    expect(effectSource({ program: 'p' })).toBe('asal perkiraan tidak diketahui');
  });
  it('says why a programme is or is not funded, from the code', () => {
    expect(budgetReason({ program: 'p', reasonCode: 'FUNDED', cohorts: 2, improvementPerMillion: 26.1038 }, 3))
      .toBe('2 dari 3 angkatan didanai: 26,1 poin gain per Rp 1 juta.');
    expect(budgetReason({ program: 'p', reasonCode: 'NO_EXPECTED_IMPROVEMENT' }, 1)).toMatch(/^Tidak ada perkiraan peningkatan/);
    expect(budgetReason({ program: 'p', reasonCode: 'COHORT_OVER_BUDGET' }, 1)).toBe('Satu angkatan lebih mahal daripada seluruh anggaran.');
    expect(budgetReason({ program: 'p', reasonCode: 'BETTER_COMBINATION' }, 1)).toMatch(/^Kombinasi lain/);
    // An unknown code: a general sentence, not the service's English.
    expect(budgetReason({ program: 'p', reasonCode: 'NEW_RULE', reason: 'one cohort costs more than the whole budget' }, 1))
      .toBe('Alasan keputusan ini tidak tersedia.');
  });
});

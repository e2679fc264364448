import { describe, expect, it } from 'vitest';
import { downloadName } from './api';
import { parseVerifyFragment } from './verify-link';

describe('downloadName', () => {
  it('takes the file name the gateway gives', () => {
    expect(downloadName('attachment; filename="laporan-evaluasi-adm-01.pdf"', 'x.pdf')).toBe('laporan-evaluasi-adm-01.pdf');
  });
  it('falls back when there is none', () => {
    expect(downloadName(null, 'sertifikat.pdf')).toBe('sertifikat.pdf');
    expect(downloadName('inline', 'sertifikat.pdf')).toBe('sertifikat.pdf');
  });
});

describe('parseVerifyFragment', () => {
  it('reads the enrolment and the number of a QR link', () => {
    expect(parseVerifyFragment('#e=tenants%2F1504%2Fprograms%2Fp%2Fcohorts%2Fc%2Fenrolments%2F198503152010011001&n=BH%2F2026%2F0001'))
      .toEqual({ enrolment: 'tenants/1504/programs/p/cohorts/c/enrolments/198503152010011001', number: 'BH/2026/0001' });
  });
  it('refuses an incomplete link', () => {
    expect(parseVerifyFragment('#e=tenants%2F1504')).toBeNull();
    expect(parseVerifyFragment('')).toBeNull();
  });
});

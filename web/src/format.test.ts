// Unit tests of format.ts: each expected string is what an Indonesian reader
// expects to see (id-ID separators, Rupiah, Indonesian month names).
import { describe, expect, it } from 'vitest';
import {
  dateToInput, formatDate, formatInteger, formatIsoDay, formatMonth, formatNumber, formatPercent, formatRupiah,
  formatScore, formatTimestampDate, inputToDate, roundHalfAwayFromZero, toNumber,
} from './format';

describe('numbers', () => {
  it('uses the dot for thousands and the comma for decimals', () => {
    expect(formatNumber(1234.5)).toBe('1.234,5');
    expect(formatInteger(1234567)).toBe('1.234.567');
    expect(formatNumber(0.25, 2)).toBe('0,25');
  });
  it('formats Rupiah without decimals', () => {
    expect(formatRupiah(1500000)).toBe('Rp 1.500.000');
    expect(formatRupiah(500000000)).toBe('Rp 500.000.000');
    expect(formatRupiah(-1500)).toBe('-Rp 1.500');
    expect(formatRupiah(999.6)).toBe('Rp 1.000');
  });
  it('rounds scores to one decimal as a person does', () => {
    expect(formatScore(48.511904761904766)).toBe('48,5');
    expect(formatScore(2.25)).toBe('2,3');
    expect(formatScore(-2.25)).toBe('-2,3');
    expect(formatScore(80)).toBe('80,0');
    expect(roundHalfAwayFromZero(1.005, 2)).toBe(1.01);
  });
  it('shows shares as percentages', () => {
    expect(formatPercent(0.4567)).toBe('45,7%');
    expect(formatPercent(1)).toBe('100,0%');
    expect(formatPercent(0.00049)).toBe('0,0%');
  });
  it('reads int64 strings', () => {
    expect(toNumber('500000000')).toBe(500000000);
    expect(toNumber(undefined)).toBe(0);
    expect(toNumber('x')).toBe(0);
  });
});

describe('dates', () => {
  it('formats a google.type.Date', () => {
    expect(formatDate({ year: 2026, month: 12, day: 12 })).toBe('12 Desember 2026');
    expect(formatDate({ year: 2026, month: 2, day: 1 })).toBe('1 Februari 2026');
    expect(formatDate({ year: 2026, month: 13, day: 1 })).toBe('');
    expect(formatDate(undefined)).toBe('');
  });
  it('formats an RFC 3339 timestamp in WIB', () => {
    expect(formatTimestampDate('2026-12-12T03:00:00Z')).toBe('12 Desember 2026');
    // 18:00 UTC is already the next day in Jakarta (UTC+7).
    expect(formatTimestampDate('2026-12-11T18:00:00Z')).toBe('12 Desember 2026');
    expect(formatTimestampDate('nonsense')).toBe('');
  });
  it('formats YYYY-MM-DD days and round-trips date inputs', () => {
    expect(formatIsoDay('2026-03-05')).toBe('5 Maret 2026');
    expect([formatMonth('2026-01'), formatMonth('2025-08'), formatMonth('2026-05'), formatMonth('2026-13')]).toEqual(['Jan 2026', 'Agu 2025', 'Mei 2026', '2026-13']);
    expect(dateToInput({ year: 2026, month: 3, day: 5 })).toBe('2026-03-05');
    expect(inputToDate('2026-03-05')).toEqual({ year: 2026, month: 3, day: 5 });
    expect(inputToDate('')).toBeUndefined();
  });
});

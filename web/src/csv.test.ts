import { describe, expect, it } from 'vitest';
import { detectDelimiter, guessMapping, parseCsv, remap } from './csv';

describe('csv', () => {
  it('reads semicolon files with quotes, BOM and CRLF', () => {
    const text = '\uFEFFNIP Baru;Nama Lengkap;Catatan\r\n1;"Siti; S.Sos";"kata ""ini"""\r\n\r\n2;Budi;"dua\nbaris"\n';
    expect(detectDelimiter(text)).toBe(';');
    expect(parseCsv(text, ';')).toEqual([
      ['NIP Baru', 'Nama Lengkap', 'Catatan'], ['1', 'Siti; S.Sos', 'kata "ini"'], ['2', 'Budi', 'dua\nbaris'],
    ]);
  });
  it('defaults to a comma', () => {
    expect(detectDelimiter('a,b\n1,2')).toBe(',');
    expect(detectDelimiter('satu kolom\n1')).toBe(',');
  });
  it('guesses columns by name, synonym and prefix, each once', () => {
    const targets = [
      { key: 'nip', required: true, synonyms: ['nip baru'] },
      { key: 'name', required: true, synonyms: ['nama lengkap', 'nama'] },
      { key: 'M1', required: false, synonyms: [] },
    ];
    expect(guessMapping(['NIP Baru', 'Nama Lengkap', 'Nama', 'M1. Materi sesuai', 'Lain'], targets))
      .toEqual(['nip', 'name', '', 'M1', '']);
  });
  it('gives the line each record starts on (quoted line breaks and blank lines counted)', () => {
    const lines: number[] = [];
    const rows = parseCsv('a;b\r\n1;"dua\nbaris"\r\n\r\n3;x\n4;"y\r\nz"\n5;q', ';', lines);
    expect(rows.map((r) => r[0])).toEqual(['a', '1', '3', '4', '5']);
    expect(lines).toEqual([1, 2, 5, 6, 8]);
  });
  it('writes the mapped columns under the expected header', () => {
    expect(remap([['1', 'Siti, S.Sos', 'x']], ['nip', 'name', ''], (k, v) => (k === 'nip' ? `0${v}` : v)))
      .toBe('nip,name\r\n01,"Siti, S.Sos"\r\n');
  });
});

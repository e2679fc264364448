// @vitest-environment jsdom
// The numbers of a semicolon file from Excel with Indonesian settings, as
// the kinerja import sends them on (a comma file).
import { describe, expect, it } from 'vitest';
import { plainNumber } from './imports';

describe('plainNumber', () => {
  it('reads grouped thousands and decimal commas, and leaves the rest to the service', () => {
    expect(plainNumber('1.234')).toBe('1234');
    expect(plainNumber('1.234.567')).toBe('1234567');
    expect(plainNumber('12,5')).toBe('12.5');
    expect(plainNumber('-3')).toBe('-3');
    expect(plainNumber('850')).toBe('850');
    expect(plainNumber('12.34')).toBe('12.34');  // not a grouping: the service rejects or reads it
    expect(plainNumber('abc')).toBe('abc');
  });
});

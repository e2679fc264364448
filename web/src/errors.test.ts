// Unit tests of the error mapping: the gateway's JSON error bodies (shape
// as the real gateway sends them) become Indonesian sentences, never the
// English message or the gRPC code.
import { describe, expect, it } from 'vitest';
import { ApiError, describeError, fieldLabel, parseApiError } from './errors';

// The real gateway's shape (google.rpc.Status fields at the top level).
const body = (status: string, details: unknown[] = [], message = 'english text') =>
  ({ code: 0, status, message, details });
const info = (reason: string, metadata: Record<string, string> = {}) =>
  ({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'pelita', metadata });

describe('parseApiError', () => {
  it('reads reason, field violations and the status name', () => {
    const e = parseApiError(400, body('INVALID_ARGUMENT', [info('X'), {
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ field: 'action_plan.actions[1].change', description: 'required' }],
    }]));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.reason).toBe('X');
    expect(e.fieldViolations).toEqual([{ field: 'action_plan.actions[1].change', description: 'required' }]);
  });
  it('takes the wait from RetryInfo, then ErrorInfo metadata, then Retry-After', () => {
    expect(parseApiError(429, body('RESOURCE_EXHAUSTED', [info('SIGN_IN_THROTTLED'),
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3.2s' }])).retryAfterSeconds).toBe(4);
    expect(parseApiError(429, body('RESOURCE_EXHAUSTED', [info('SIGN_IN_THROTTLED',
      { retry_after_seconds: '8' })])).retryAfterSeconds).toBe(8);
    expect(parseApiError(429, {}, '5').retryAfterSeconds).toBe(5);
  });
  it('reads the AIP-193 {"error":{...}} wrapping too', () => {
    const e = parseApiError(403, { error: body('PERMISSION_DENIED', [info('OUTSIDE_REACH')]) });
    expect(e.reason).toBe('OUTSIDE_REACH');
    expect(e.code).toBe('PERMISSION_DENIED');
  });
  it('survives a body that is not JSON', () => {
    const e = parseApiError(503, undefined);
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.reason).toBe('');
  });
});

describe('describeError', () => {
  it('translates a known reason', () => {
    const d = describeError(parseApiError(401, body('UNAUTHENTICATED', [info('SIGN_IN_FAILED')])));
    expect(d.message).toBe('NIP/e-mail atau kata sandi salah.');
    expect(d.message).not.toContain('english');
  });
  it('shows the wait of a throttled sign-in', () => {
    const d = describeError(parseApiError(429, body('RESOURCE_EXHAUSTED', [info('SIGN_IN_THROTTLED', { retry_after_seconds: '16' })])));
    expect(d.message).toBe('Terlalu banyak percobaan masuk. Coba lagi dalam 16 detik.');
    expect(d.forward).toBe('retry');
  });
  it('leads back from a refusal and to sign-in from a spent session', () => {
    expect(describeError(parseApiError(403, body('PERMISSION_DENIED', [info('OUTSIDE_REACH')]))))
      .toMatchObject({ message: 'Data ini di luar jangkauan Anda.', forward: 'back' });
    expect(describeError(parseApiError(401, body('UNAUTHENTICATED', [info('REFRESH_REUSED')]))).forward).toBe('signIn');
  });
  it('falls back to the status, then to a generic message with a retry', () => {
    expect(describeError(parseApiError(400, body('FAILED_PRECONDITION', [info('SOMETHING_NEW')]))).message)
      .toBe('Tindakan ini tidak dapat dilakukan pada keadaan data saat ini.');
    const g = describeError(parseApiError(500, body('DATA_LOSS')));
    expect(g.message).toBe('Terjadi kesalahan yang tidak terduga.');
    expect(g.forward).toBe('retry');
    expect(describeError(new ApiError(0, 'UNAVAILABLE', '')).message).toContain('Tidak dapat terhubung');
    expect(describeError(new TypeError('Failed to fetch')).message).toContain('Tidak dapat terhubung');
  });
  it('names fields in Indonesian', () => {
    expect(fieldLabel('action_plan.actions[1].change')).toBe('Perubahan yang akan dilakukan (aksi 2)');
    expect(fieldLabel('newPassword')).toBe('Kata sandi baru');
    expect(fieldLabel('mystery')).toBe('');
    expect(fieldLabel('instrument.items[0].scale_max')).toBe('Skala tertinggi (butir 1)');
    expect(fieldLabel('instrument.items[2].code')).toBe('Kode butir (butir 3)');
    expect(fieldLabel('instrument.items[1].choices[0].code')).toBe('Pilihan jawaban (butir 2)');
    expect(fieldLabel('instrument.items')).toBe('Butir pertanyaan');
    const d = describeError(parseApiError(400, body('INVALID_ARGUMENT', [{
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ field: 'password', description: 'too short' }, { field: 'zzz', description: 'bad' }],
    }])));
    expect(d.fields.map((f) => f.message)).toEqual(['Kata sandi: isian tidak valid.', 'Isian: isian tidak valid.']);
  });
});

// The verification link of a certificate's QR code (the report service's
// VerificationLink): /verifikasi#e=<enrolment>&n=<number>, percent-encoded.

/** The enrolment and number of a verification link's fragment. */
export function parseVerifyFragment(hash: string): { enrolment: string; number: string } | null {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const enrolment = q.get('e') ?? '';
  const number = q.get('n') ?? '';
  return enrolment && number ? { enrolment, number } : null;
}

// The public page a certificate's QR code opens (/verifikasi#e=...&n=...):
// the enrolment and the number come in the fragment (never sent to a
// server log), are checked with the report service's public
// VerifyCertificate, and the page confirms the holder, the training, the
// regency and the date — or says plainly that no such certificate exists.
import { api } from '../api';
import { formatTimestampDate } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n/id';
import { ErrorBox, Loading, Page } from '../components/ui';
import { ApiError } from '../errors';
import { parseVerifyFragment } from '../verify-link';

interface Verification {
  certificateNumber?: string;
  holderName?: string;
  programTitle?: string;
  tenantName?: string;
  completeTime?: string;
}

export function VerifyPage() {
  const code = parseVerifyFragment(window.location.hash);
  const q = useAsync(async () => {
    if (!code) return null;
    try {
      return await api<Verification>('POST', '/v1/certificates:verify',
        { enrolment: code.enrolment, certificateNumber: code.number }, false);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return 'invalid' as const;
      throw e;
    }
  }, [window.location.hash]);
  return (
    <Page title={t.verify.title}>
      {!code ? <p role="alert">{t.verify.noCode}</p>
        : q.loading ? <Loading />
        : q.error ? <ErrorBox error={q.error} onRetry={q.reload} />
        : q.data === 'invalid' ? <p role="alert" className="error" data-testid="verify-invalid">{t.verify.invalid}</p>
        : q.data ? (
          <section className="card" aria-live="polite" data-testid="verify-valid">
            <p><strong>{t.verify.valid}</strong></p>
            <dl className="facts">
              <dt>{t.verify.holder}</dt><dd>{q.data.holderName}</dd>
              <dt>{t.verify.program}</dt><dd>{q.data.programTitle}</dd>
              <dt>{t.verify.number}</dt><dd>{q.data.certificateNumber}</dd>
              <dt>{t.verify.regency}</dt><dd>{q.data.tenantName}</dd>
              <dt>{t.verify.completed}</dt><dd>{formatTimestampDate(q.data.completeTime)}</dd>
            </dl>
          </section>
        ) : null}
    </Page>
  );
}

// A button that downloads one of the report service's documents (PDF,
// XLSX) with the session's token, shows that it is busy, and shows the
// API's refusal in Indonesian when there is one.
import { download } from '../api';
import { useAction } from '../hooks';
import { t } from '../i18n/id';
import { ErrorBox } from './ui';

export function DownloadButton({ path, filename, label, testId, ariaLabel }:
  { path: string; filename: string; label: string; testId?: string; ariaLabel?: string }) {
  const action = useAction();
  return (
    <span className="download">
      <button type="button" disabled={action.busy} data-testid={testId} aria-label={ariaLabel}
        onClick={() => void action.run(() => download(path, filename))}>
        {action.busy ? t.documents.busy : label}
      </button>
      {action.error !== undefined && action.error !== null && <ErrorBox error={action.error} />}
    </span>
  );
}

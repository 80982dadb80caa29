import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  const message =
    error instanceof ApiError
      ? error.message
      : `Could not reach the server (${error instanceof Error ? error.message : String(error)}).`;
  return (
    <div class="state error" role="alert">
      <p>{message}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

const STATUS_LABELS: Record<string, string> = {
  PENDING: 'Pending',
  STARTED: 'Running',
  SUCCESS: 'Success',
  FAILURE: 'Failure',
  REVOKED: 'Revoked',
  pending: 'Awaiting approval',
  approved: 'Approved',
  denied: 'Denied',
  not_required: 'No approval needed',
};

export function Badge({ value, kind }: { value: string; kind?: string }) {
  return <span class={`badge badge-${(kind ?? value).toLowerCase()}`}>{STATUS_LABELS[value] ?? value}</span>;
}

export function Json({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) return <p class="muted">None</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <pre class="json" tabIndex={0} title={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

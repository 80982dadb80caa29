import { useState } from 'preact/hooks';
import { ApiError, query } from '../api/client';
import type { JobResult, Page, ScheduledJob } from '../api/types';
import { ConfirmDialog } from '../components/dialog';
import { Badge, Empty, ErrorMessage, Json, Loading } from '../components/states';
import { useResource, useTitle } from '../hooks';
import { announceQueueChanged } from '../queue';
import { Link, setQuery, useLocation } from '../router';
import { useSession } from '../session';
import { formatTime } from '../time';
import { useJobs } from './jobs';

const INTERVAL_LABELS: Record<string, string> = {
  immediately: 'Immediately',
  future: 'Once',
  hourly: 'Hourly',
  daily: 'Daily',
  weekly: 'Weekly',
  custom: 'Custom',
};

export function approvalStatus(job: ScheduledJob): string {
  if (job.approval_status) return job.approval_status;
  if (!job.approval_required) return 'not_required';
  return job.approved_by_user ? 'approved' : 'pending';
}

/** Schedule facts as <dt>/<dd> pairs, for a <dl>. Times in the schedule's own zone, named. */
export function ScheduleSummary({ job }: { job: ScheduledJob }) {
  return (
    <>
      <dt>Schedule</dt>
      <dd>
        {INTERVAL_LABELS[job.interval] ?? job.interval}
        {job.crontab ? (
          <>
            {' '}
            <code>{job.crontab}</code>
          </>
        ) : null}{' '}
        ({job.time_zone})
      </dd>
      {job.start_time && (
        <>
          <dt>Start time</dt>
          <dd>
            {formatTime(job.start_time, job.time_zone)}
            {job.start_time_passed ? <strong class="warning"> (has passed)</strong> : null}
          </dd>
        </>
      )}
      <dt>Next runs</dt>
      <dd>
        {job.next_run_times.length === 0 ? (
          <span class="muted">None</span>
        ) : (
          <ol class="compact">
            {job.next_run_times.slice(0, 3).map((time) => (
              <li key={time}>{formatTime(time, job.time_zone)}</li>
            ))}
          </ol>
        )}
      </dd>
    </>
  );
}

export function ScheduledJobs() {
  useTitle('Scheduled jobs');
  const { api } = useSession();
  const { query: params } = useLocation();
  const filters = {
    job: params.get('job') ?? '',
    enabled: params.get('enabled') ?? '',
    approval_status: params.get('approval_status') ?? '',
    user: params.get('user') ?? '',
  };
  const [pages, setPages] = useState<ScheduledJob[][]>([]);
  const key = JSON.stringify(filters);
  const list = useResource(
    (signal) => {
      setPages([]);
      return api.get<Page<ScheduledJob>>(
        `/api/extras/scheduled-jobs/${query({ ...filters, limit: 50 })}`,
        signal,
      );
    },
    [api, key],
  );
  const [next, setNext] = useState<string | null | undefined>();
  const jobs = useJobs();
  const rows = [...(list.data?.results ?? []), ...pages.flat()];
  const nextLink = next === undefined ? list.data?.next : next;
  const update = (patch: Partial<typeof filters>) => {
    setNext(undefined);
    setQuery({ ...filters, ...patch });
  };

  return (
    <section>
      <h1 tabIndex={-1}>Scheduled jobs</h1>
      <form class="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="filter-job">Job</label>
          <select
            id="filter-job"
            value={filters.job}
            onChange={(event) => update({ job: event.currentTarget.value })}
          >
            <option value="">Any job</option>
            {jobs.data?.results.map((job) => (
              <option key={job.id} value={job.id}>
                {job.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-enabled">State</label>
          <select
            id="filter-enabled"
            value={filters.enabled}
            onChange={(event) => update({ enabled: event.currentTarget.value })}
          >
            <option value="">Any</option>
            <option value="true">Active</option>
            <option value="false">Paused</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-approval">Approval</label>
          <select
            id="filter-approval"
            value={filters.approval_status}
            onChange={(event) => update({ approval_status: event.currentTarget.value })}
          >
            <option value="">Any</option>
            <option value="pending">Awaiting approval</option>
            <option value="approved">Approved</option>
            <option value="denied">Denied</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-user">Requested by</label>
          <input
            id="filter-user"
            type="search"
            value={filters.user}
            onChange={(event) => update({ user: event.currentTarget.value.trim() })}
          />
        </div>
      </form>
      {list.loading && !list.data && <Loading what="scheduled jobs" />}
      {list.error !== undefined && <ErrorMessage error={list.error} retry={list.reload} />}
      {list.data && rows.length === 0 && <Empty>No scheduled job matches these filters.</Empty>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Scheduled jobs</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Job</th>
                <th scope="col">Schedule</th>
                <th scope="col">Next run</th>
                <th scope="col">State</th>
                <th scope="col">Approval</th>
                <th scope="col">Requested by</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => (
                <tr key={job.id}>
                  <td>
                    <Link href={`/scheduled-jobs/${job.id}`}>{job.name}</Link>
                  </td>
                  <td>
                    <code>{job.job}</code>
                  </td>
                  <td>
                    {INTERVAL_LABELS[job.interval] ?? job.interval} ({job.time_zone})
                  </td>
                  <td>{formatTime(job.next_run_times[0])}</td>
                  <td>{job.enabled ? 'Active' : 'Paused'}</td>
                  <td>
                    <Badge value={approvalStatus(job)} />
                  </td>
                  <td>{job.user}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextLink && (
        <button
          type="button"
          onClick={async () => {
            const page = await api.get<Page<ScheduledJob>>(nextLink);
            setPages((previous) => [...previous, page.results]);
            setNext(page.next);
          }}
        >
          Show more
        </button>
      )}
    </section>
  );
}

interface Deleted {
  readonly detail: string;
  readonly scheduled_job?: ScheduledJob;
}

export function ScheduledJobDetail({ id }: { id: string }) {
  const { api, me } = useSession();
  const { query: params } = useLocation();
  const [deleted, setDeleted] = useState<Deleted>();
  const item = useResource(
    (signal) => api.get<ScheduledJob>(`/api/extras/scheduled-jobs/${id}/`, signal),
    [api, id],
  );
  const results = useResource(
    (signal) =>
      api.get<Page<JobResult>>(`/api/extras/job-results/${query({ scheduled_job: id, limit: 20 })}`, signal),
    [api, id],
  );
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useTitle(item.data ? item.data.name : 'Scheduled job');

  const gone =
    item.error instanceof ApiError && item.error.status === 410 ? (item.error.body as Deleted) : deleted;
  if (gone) {
    return (
      <section>
        <p class="breadcrumbs">
          <Link href="/scheduled-jobs">Scheduled jobs</Link> › {gone.scheduled_job?.name ?? id}
        </p>
        <h1 tabIndex={-1}>{gone.scheduled_job?.name ?? 'Scheduled job'}</h1>
        <p class="notice" role="status">
          {gone.detail}
        </p>
        {gone.scheduled_job?.history && <History job={gone.scheduled_job} />}
      </section>
    );
  }
  if (item.error !== undefined) return <ErrorMessage error={item.error} retry={item.reload} />;
  if (!item.data) return <Loading what="the scheduled job" />;
  const job = item.data;
  const status = approvalStatus(job);

  const setEnabled = async (enabled: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.request('PATCH', `/api/extras/scheduled-jobs/${id}/`, { enabled });
      item.reload();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p class="breadcrumbs">
        <Link href="/scheduled-jobs">Scheduled jobs</Link> › {job.name}
      </p>
      <h1 tabIndex={-1}>{job.name}</h1>
      {params.get('submitted') && (
        <p class="notice" role="status">
          {status === 'pending'
            ? 'Your request was recorded and awaits approval by another user.'
            : 'Your schedule was recorded.'}
        </p>
      )}
      <dl class="facts">
        <dt>Job</dt>
        <dd>
          <Link href={`/jobs/${job.job}`}>
            <code>{job.job}</code>
          </Link>
        </dd>
        <dt>Requested by</dt>
        <dd>{job.user}</dd>
        <dt>Created</dt>
        <dd>{formatTime(job.date_created)}</dd>
        <dt>Approval</dt>
        <dd>
          <Badge value={status} />
          {status === 'pending' && (
            <>
              {' '}
              <Link href="/approvals">Open the approval queue</Link>
            </>
          )}
          {job.decided_by_user && (
            <>
              {' '}
              by {job.decided_by_user} at {formatTime(job.decided_at)}
              {job.decision_comment ? <>: “{job.decision_comment}”</> : null}
            </>
          )}
        </dd>
        <dt>State</dt>
        <dd data-testid="enabled-state">{job.enabled ? 'Active' : 'Paused'}</dd>
        <ScheduleSummary job={job} />
        <dt>Runs so far</dt>
        <dd>
          {job.total_run_count}
          {job.last_run_at ? `, last at ${formatTime(job.last_run_at)}` : ''}
        </dd>
      </dl>
      {'data' in job && (
        <>
          <h2>Variables</h2>
          <Json value={job.data} label="Variables" />
        </>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        {job.enabled ? (
          <button type="button" disabled={busy} onClick={() => setEnabled(false)}>
            Pause
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => setEnabled(true)}>
            Resume
          </button>
        )}
        <button type="button" class="danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
      </div>
      <History job={job} />
      <h2>Runs</h2>
      {results.error !== undefined && <ErrorMessage error={results.error} retry={results.reload} />}
      {results.data && results.data.results.length === 0 && <Empty>No run yet.</Empty>}
      {results.data && results.data.results.length > 0 && <ResultsList results={results.data.results} />}
      <ConfirmDialog
        open={confirmDelete}
        title="Delete this scheduled job?"
        confirmLabel="Delete"
        danger
        busy={busy}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={async () => {
          setBusy(true);
          try {
            await api.request('DELETE', `/api/extras/scheduled-jobs/${id}/`);
            setConfirmDelete(false);
            if (status === 'pending') announceQueueChanged();
            setDeleted({ detail: `Deleted by ${me.username}. It will not run again.`, scheduled_job: job });
            // Read it again: a deleted job answers 410 with who deleted it and its full history.
            item.reload();
          } catch (caught) {
            setConfirmDelete(false);
            setError(caught instanceof Error ? caught.message : String(caught));
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>
          “{job.name}” will not run again, and its schedule is removed. Its past results are kept. This cannot
          be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}

const ACTION_LABELS: Record<string, string> = {
  requested: 'Requested',
  approved: 'Approved',
  denied: 'Denied',
  dry_run: 'Dry run',
  paused: 'Paused',
  resumed: 'Resumed',
  deleted: 'Deleted',
};

function History({ job }: { job: ScheduledJob }) {
  const entries = job.history ?? [];
  return (
    <>
      <h2>History</h2>
      {entries.length === 0 ? (
        <Empty>No decisions or changes recorded yet.</Empty>
      ) : (
        <ol class="history" data-testid="history">
          {entries.map((entry) => (
            <li key={`${entry.time}-${entry.action}`}>
              <strong>{ACTION_LABELS[entry.action] ?? entry.action}</strong> by {entry.user},{' '}
              <time dateTime={entry.time}>{formatTime(entry.time)}</time>
              {entry.comment ? <>: “{entry.comment}”</> : null}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

export function ResultsList({ results }: { results: readonly JobResult[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Job results</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">User</th>
            <th scope="col">Created</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {results.map((result) => (
            <tr key={result.id}>
              <td>
                <Link href={`/job-results/${result.id}`}>{result.name}</Link>
                {result.dryrun ? ' (dry run)' : ''}
              </td>
              <td>
                <Badge value={result.status} />
              </td>
              <td>{result.user}</td>
              <td>{formatTime(result.date_created)}</td>
              <td>{formatTime(result.date_done)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { useState } from 'preact/hooks';
import { query } from '../api/client';
import type { JobResult, LogLine, Page } from '../api/types';
import { Badge, Empty, ErrorMessage, Json, Loading } from '../components/states';
import { useResource, useTitle } from '../hooks';
import { Link, setQuery, useLocation } from '../router';
import { useSession } from '../session';
import { formatTime } from '../time';
import { useJobs } from './jobs';
import { ResultsList } from './scheduled-jobs';

const STATUSES = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'REVOKED'] as const;
const RUNNING = new Set(['PENDING', 'STARTED']);
const POLL_MS = 1000;

export function JobResults() {
  useTitle('Job results');
  const { api } = useSession();
  const { query: params } = useLocation();
  const filters = { status: params.get('status') ?? '', job: params.get('job') ?? '' };
  const key = JSON.stringify(filters);
  const [more, setMore] = useState<{ key: string; rows: JobResult[]; next: string | null }>();
  const list = useResource(
    (signal) =>
      api.get<Page<JobResult>>(`/api/extras/job-results/${query({ ...filters, limit: 50 })}`, signal),
    [api, key],
    // While anything shown is still running, keep the list current.
    { pollMs: 3000, poll: (page) => page.results.some((result) => RUNNING.has(result.status)) },
  );
  const jobs = useJobs();
  const extra = more?.key === key ? more : undefined;
  const rows = [...(list.data?.results ?? []), ...(extra?.rows ?? [])];
  const next = extra ? extra.next : list.data?.next;

  return (
    <section>
      <h1 tabIndex={-1}>Job results</h1>
      <form class="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={filters.status}
            onChange={(event) => setQuery({ ...filters, status: event.currentTarget.value })}
          >
            <option value="">Any status</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-result-job">Job</label>
          <select
            id="filter-result-job"
            value={filters.job}
            onChange={(event) => setQuery({ ...filters, job: event.currentTarget.value })}
          >
            <option value="">Any job</option>
            {jobs.data?.results.map((job) => (
              <option key={job.id} value={job.id}>
                {job.name}
              </option>
            ))}
          </select>
        </div>
      </form>
      {list.loading && !list.data && <Loading what="job results" />}
      {list.error !== undefined && <ErrorMessage error={list.error} retry={list.reload} />}
      {list.data && rows.length === 0 && (
        <Empty>
          No job result {filters.status || filters.job ? 'matches these filters' : 'yet'}.{' '}
          <Link href="/jobs">Run a job</Link>.
        </Empty>
      )}
      {rows.length > 0 && <ResultsList results={rows} />}
      {next && (
        <button
          type="button"
          onClick={async () => {
            const page = await api.get<Page<JobResult>>(next);
            setMore({ key, rows: [...(extra?.rows ?? []), ...page.results], next: page.next });
          }}
        >
          Show more
        </button>
      )}
    </section>
  );
}

function duration(from: string | null, to: string | null): string {
  if (!from || !to) return '—';
  const ms = Date.parse(to) - Date.parse(from);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function JobResultDetail({ id }: { id: string }) {
  const { api } = useSession();
  const running = (result: JobResult) => RUNNING.has(result.status);
  const result = useResource(
    (signal) => api.get<JobResult>(`/api/extras/job-results/${id}/`, signal),
    [api, id],
    {
      pollMs: POLL_MS,
      poll: running,
    },
  );
  const status = result.data?.status;
  const logs = useResource(
    (signal) => api.get<LogLine[]>(`/api/extras/job-results/${id}/logs/`, signal),
    // Logs are read again whenever the result changes (its log count grows as the job logs).
    [api, id, status, result.data?.log_count],
  );
  useTitle(result.data ? `${result.data.name}: ${result.data.status}` : 'Job result');
  if (result.error !== undefined && !result.data)
    return <ErrorMessage error={result.error} retry={result.reload} />;
  if (!result.data) return <Loading what="the job result" />;
  const job = result.data;

  return (
    <section>
      <p class="breadcrumbs">
        <Link href="/job-results">Job results</Link> › {job.name}
      </p>
      <h1 tabIndex={-1}>
        {job.name}
        {job.dryrun ? ' (dry run)' : ''}
      </h1>
      <p aria-live="polite" data-testid="result-status">
        Status: <Badge value={job.status} />
        {running(job) && <span class="muted"> — updating as it runs</span>}
      </p>
      <dl class="facts">
        <dt>Job</dt>
        <dd>
          <Link href={`/jobs/${job.job}`}>
            <code>{job.job}</code>
          </Link>
        </dd>
        <dt>Run by</dt>
        <dd>{job.user}</dd>
        {job.scheduled_job && (
          <>
            <dt>Scheduled job</dt>
            <dd>
              <Link href={`/scheduled-jobs/${job.scheduled_job}`}>View the scheduled job</Link>
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatTime(job.date_created)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(job.date_started)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(job.date_done)}</dd>
        <dt>Duration</dt>
        <dd>{duration(job.date_started, job.date_done)}</dd>
      </dl>
      <h2>Input</h2>
      <Json value={job.task_kwargs} label="Input" />
      <h2>Output</h2>
      <Json value={job.result} label="Output" />
      {job.traceback && (
        <>
          <h2>Error</h2>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard. */}
          <pre class="json error-text" tabIndex={0}>
            {job.traceback}
          </pre>
        </>
      )}
      <h2>Logs</h2>
      {logs.error !== undefined && <ErrorMessage error={logs.error} retry={logs.reload} />}
      {logs.data && logs.data.length === 0 && <Empty>No log lines{running(job) ? ' yet' : ''}.</Empty>}
      {logs.data && logs.data.length > 0 && (
        <div class="table-wrap">
          <table class="logs" data-testid="logs">
            <caption class="visually-hidden">Log lines</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {logs.data.map((line) => (
                <tr key={line.id} class={`log-${line.log_level}`}>
                  <td>{formatTime(line.created)}</td>
                  <td>{line.log_level}</td>
                  <td>{line.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

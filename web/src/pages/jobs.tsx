import type { Job, Page } from '../api/types';
import { Empty, ErrorMessage, Loading } from '../components/states';
import { useResource, useTitle } from '../hooks';
import { Link, setQuery, useLocation } from '../router';
import { useSession } from '../session';

export function useJobs() {
  const { api } = useSession();
  return useResource((signal) => api.get<Page<Job>>('/api/extras/jobs/?limit=1000', signal), [api]);
}

export function JobFlags({ job }: { job: Job }) {
  return (
    <ul class="flags" aria-label="Flags">
      {job.approval_required && <li class="flag flag-approval">Approval required</li>}
      {job.supports_dryrun && <li class="flag flag-dryrun">Dry run supported</li>}
      {job.has_sensitive_variables && <li class="flag flag-sensitive">Sensitive variables</li>}
      {!job.enabled && <li class="flag flag-disabled">Disabled</li>}
    </ul>
  );
}

export function Jobs() {
  useTitle('Jobs');
  const { query } = useLocation();
  const search = query.get('q') ?? '';
  const jobs = useJobs();
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = (jobs.data?.results ?? []).filter((job) => {
    const text = `${job.name} ${job.id} ${job.description}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });

  return (
    <section>
      <h1 tabIndex={-1}>Jobs</h1>
      <search class="filters">
        <label for="job-search">Search jobs</label>
        <input
          id="job-search"
          type="search"
          value={search}
          placeholder="Name, path or description"
          onInput={(event) => setQuery({ q: event.currentTarget.value })}
        />
      </search>
      {jobs.loading && !jobs.data && <Loading what="jobs" />}
      {jobs.error !== undefined && <ErrorMessage error={jobs.error} retry={jobs.reload} />}
      {jobs.data && shown.length === 0 && (
        <Empty>{search ? `No job matches “${search}”.` : 'No jobs are available to you.'}</Empty>
      )}
      <ul class="cards" aria-label="Job catalogue">
        {shown.map((job) => (
          <li key={job.id} class="card">
            <h2>
              <Link href={`/jobs/${job.id}`}>{job.name}</Link>
            </h2>
            <p class="path">
              <code>{job.id}</code>
            </p>
            <JobFlags job={job} />
            <p>{job.description || <span class="muted">No description.</span>}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

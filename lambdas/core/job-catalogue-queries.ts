import { NotFoundError } from './errors';
import type { JobCatalogue, JobDefinition } from './jobs';
import { MESSAGES } from './messages';
import { hasPermission, type Principal } from './permissions';

/** Jobs the caller may view; others are hidden rather than refused, so their names do not leak. */
export function listJobs(catalogue: JobCatalogue, principal: Principal): JobDefinition[] {
  return catalogue.list().filter((job) => hasPermission(principal, 'view', job.path));
}

export function getJob(catalogue: JobCatalogue, principal: Principal, path: string): JobDefinition {
  const job = catalogue.get(path);
  if (!job || !hasPermission(principal, 'view', job.path)) throw new NotFoundError(MESSAGES.jobNotFound);
  return job;
}

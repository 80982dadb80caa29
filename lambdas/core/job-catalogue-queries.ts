import { NotFoundError, PermissionDeniedError } from './errors';
import type { JobCatalogue, JobDefinition } from './jobs';
import { MESSAGES } from './messages';
import { hasAnyPermission, hasPermission, hasPermissionOnEveryJob, type Principal } from './permissions';

/** Jobs the caller may view; others are hidden rather than refused, so their names do not leak. */
export function listJobs(catalogue: JobCatalogue, principal: Principal): JobDefinition[] {
  return catalogue.list().filter((job) => hasPermission(principal, 'view', job.path));
}

export function getJob(catalogue: JobCatalogue, principal: Principal, path: string): JobDefinition {
  const job = catalogue.get(path);
  if (!job || !hasPermission(principal, 'view', job.path)) throw new NotFoundError(MESSAGES.jobNotFound);
  return job;
}

/**
 * How many items of a list filtered by job the caller would see. Callers limited by a glob are
 * counted job by job over the catalogue's jobs they may view, since stores cannot evaluate globs.
 */
export async function countVisible<Filter extends { readonly jobPath?: string | undefined }>(
  catalogue: JobCatalogue,
  principal: Principal,
  filter: Filter,
  count: (filter: Filter) => Promise<number>,
): Promise<number> {
  if (!hasAnyPermission(principal, 'view')) throw new PermissionDeniedError(MESSAGES.noPermission);
  if (filter.jobPath !== undefined && !hasPermission(principal, 'view', filter.jobPath)) return 0;
  if (filter.jobPath !== undefined || hasPermissionOnEveryJob(principal, 'view')) return count(filter);
  const counts = await Promise.all(
    listJobs(catalogue, principal).map((job) => count({ ...filter, jobPath: job.path })),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

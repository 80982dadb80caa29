import { isRecordId } from './clock';
import { NotFoundError, PermissionDeniedError } from './errors';
import type { JobResult, JobResultFilter } from './job-results';
import { MESSAGES } from './messages';
import type { Page, PageRequest } from './pagination';
import { hasAnyPermission, hasPermission, type Principal } from './permissions';
import type { JobResultStore } from './ports';

/**
 * Results of jobs the caller may view. Callers limited to some jobs by a glob may get pages
 * shorter than the limit: the store cannot evaluate globs, so the rest are dropped here.
 */
export async function listJobResults(
  results: JobResultStore,
  principal: Principal,
  filter: JobResultFilter,
  page: PageRequest,
): Promise<Page<JobResult>> {
  if (!hasAnyPermission(principal, 'view')) throw new PermissionDeniedError(MESSAGES.noPermission);
  if (filter.jobPath !== undefined && !hasPermission(principal, 'view', filter.jobPath)) return { items: [] };
  const found = await results.list(filter, page);
  return {
    ...found,
    items: found.items.filter((result) => hasPermission(principal, 'view', result.jobPath)),
  };
}

export async function getJobResult(
  results: JobResultStore,
  principal: Principal,
  id: string,
): Promise<JobResult> {
  const result = isRecordId(id) ? await results.get(id) : undefined;
  if (!result || !hasPermission(principal, 'view', result.jobPath)) {
    throw new NotFoundError(MESSAGES.jobResultNotFound);
  }
  return result;
}

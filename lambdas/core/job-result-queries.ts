import { isRecordId } from './clock';
import { NotFoundError, PermissionDeniedError } from './errors';
import { countVisible } from './job-catalogue-queries';
import type { JobResult, JobResultFilter } from './job-results';
import type { JobCatalogue } from './jobs';
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

/**
 * How many results the caller would list with this filter. Callers limited by a glob are counted
 * job by job over the catalogue's jobs they may view, since the store cannot evaluate globs.
 */
export async function countJobResults(
  deps: { readonly results: JobResultStore; readonly catalogue: JobCatalogue },
  principal: Principal,
  filter: JobResultFilter,
): Promise<number> {
  return countVisible(deps.catalogue, principal, filter, (each) => deps.results.count(each));
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

/**
 * Every path through the run workflow ends by recording an outcome, but an execution can still
 * stop without one: stopped by hand, a step whose retries ran out before the result was marked,
 * a process killed mid-run locally. Such a result would stay PENDING or STARTED forever; this
 * records it as FAILURE once it is older than any run could last.
 */
import { MAX_TIME_LIMIT_SECONDS } from './jobs';
import type { Clock, JobResultStore } from './ports';
import { recordFailure } from './run-steps';

export interface FailAbandonedRunsDeps {
  readonly results: JobResultStore;
  readonly clock: Clock;
}

/**
 * Longer than any run can take: the longest job limit plus an hour for the workflow's retries and
 * backoffs. Fixed here rather than read from the catalogue, so the sweep does not load every job.
 */
export const ABANDONED_AFTER_MS = (MAX_TIME_LIMIT_SECONDS + 60 * 60) * 1000;

/** Fails unfinished results created before `createdBefore`, oldest first; returns how many. */
export async function failAbandonedRuns(
  deps: FailAbandonedRunsDeps,
  options: { readonly createdBefore: Date; readonly reason: string },
): Promise<number> {
  const cutoff = options.createdBefore.getTime();
  let failed = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.results.listUnfinished({ limit: 100, cursor });
    for (const result of page.items) {
      if (Date.parse(result.dateCreated) >= cutoff) return failed;
      const recorded = await recordFailure(deps, result.id, {
        Error: 'Countersign.Abandoned',
        Cause: options.reason,
      });
      if (recorded?.status === 'FAILURE') failed += 1;
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return failed;
}

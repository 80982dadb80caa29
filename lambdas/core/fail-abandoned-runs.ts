/**
 * Every path through the run workflow ends by recording an outcome, but an execution can still
 * stop without one: stopped by hand, a step whose retries ran out before the result was marked,
 * a process killed mid-run locally. Such a result would stay PENDING or STARTED forever; this
 * records it as FAILURE once it is older than any run could last.
 */
import { MAX_TIME_LIMIT_SECONDS } from './jobs';
import type { BusinessMetrics, Clock, JobResultStore } from './ports';
import { describeWorkflowError, failIfUnfinished } from './run-steps';

export interface FailAbandonedRunsDeps {
  readonly results: JobResultStore;
  readonly clock: Clock;
  readonly metrics: BusinessMetrics;
}

/**
 * Longer than any run can take: the longest job limit plus an hour for the workflow's retries and
 * backoffs. Fixed here rather than read from the catalogue, so the sweep does not load every job.
 */
export const ABANDONED_AFTER_MS = (MAX_TIME_LIMIT_SECONDS + 60 * 60) * 1000;

/**
 * Fails unfinished results created before `createdBefore`, oldest first, and returns how many it
 * failed itself. One result that cannot be failed is reported and passed over, so it cannot hold
 * up the rest; the next pass tries it again.
 *
 * A scheduled occurrence failed here is not added to its scheduled job's run count: the result does
 * not record which occurrence it was.
 */
export async function failAbandonedRuns(
  deps: FailAbandonedRunsDeps,
  options: {
    readonly createdBefore: Date;
    readonly reason: string;
    readonly onFailed?: ((jobResultId: string, error: unknown) => void) | undefined;
    /** Told of each result this pass recorded as FAILURE. */
    readonly onRecorded?: ((jobResultId: string) => void) | undefined;
  },
): Promise<number> {
  const cutoff = options.createdBefore.getTime();
  const error = describeWorkflowError({ Error: 'Countersign.Abandoned', Cause: options.reason });
  let failed = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.results.listUnfinished({ limit: 100, cursor });
    for (const listed of page.items) {
      if (Date.parse(listed.dateCreated) >= cutoff) return failed;
      try {
        // The index may lag: the result itself decides, and one its workflow just finished is left.
        if ((await failIfUnfinished(deps, listed.id, error)).failed) {
          failed += 1;
          options.onRecorded?.(listed.id);
        }
      } catch (caught) {
        options.onFailed?.(listed.id, caught);
      }
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return failed;
}

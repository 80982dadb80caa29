import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { type FinishHandoffsDeps, finishHandoffs } from '../core/approvals';
import {
  ABANDONED_AFTER_MS,
  type FailAbandonedRunsDeps,
  failAbandonedRuns,
} from '../core/fail-abandoned-runs';
import type { ScheduledJobStore } from '../core/ports';
import {
  type ReconcileSchedulesDeps,
  type ReconcileSummary,
  reconcileSchedules,
} from '../core/reconcile-schedules';

export interface ReconcileResult extends ReconcileSummary {
  /** Runs found unfinished long after any run could have ended, now recorded as FAILURE. */
  readonly abandonedRuns: number;
  /** Approvals whose run or schedule had not been handed on, now handed on. */
  readonly handoffsFinished: number;
}

/**
 * Runs on a timer: hands on approvals whose run or schedule was not started or created, puts back the schedules a crash between the database and the scheduler left
 * missing or in the wrong state, and fails job results whose workflow stopped without recording an
 * outcome. The event carries nothing it needs. One job's failure is logged and left to the next
 * run; only a failure to read the jobs at all fails the invocation.
 */
export function createReconcileHandler(
  deps: ReconcileSchedulesDeps &
    FailAbandonedRunsDeps &
    FinishHandoffsDeps & { readonly scheduledJobs: Pick<ScheduledJobStore, 'repairCounts'> },
  logger: Logger,
) {
  return middy<unknown, ReconcileResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      // First, so that a schedule an approval left uncreated is created by its handoff, once.
      const handoffs = await finishHandoffs(deps, {
        onFinished: (scheduledJobId) =>
          logger.warn('Approval handed on by the reconciler', { scheduledJobId }),
        onFailed: (scheduledJobId, error) =>
          logger.error('Approval not handed on', { scheduledJobId, error: error as Error }),
      });
      const summary = await reconcileSchedules(deps, {
        onRepaired: (repair) => logger.warn('Schedule repaired', { ...repair }),
        onFailed: (scheduledJobId, error) =>
          logger.error('Schedule not reconciled', { scheduledJobId, error: error as Error }),
      });
      if (summary.failed > 0) logger.error('Schedules reconciled with failures', { ...summary });
      else logger.info('Schedules reconciled', { ...summary });
      const abandonedRuns = await failAbandonedRuns(deps, {
        createdBefore: new Date(deps.clock.now().getTime() - ABANDONED_AFTER_MS),
        reason: 'Its workflow stopped without recording an outcome.',
        onFailed: (jobResultId, error) =>
          logger.error('Abandoned run not recorded as failed', { jobResultId, error: error as Error }),
      });
      if (abandonedRuns > 0) logger.warn('Abandoned runs recorded as failed', { abandonedRuns });
      // A process that stopped between a write and its count left a counter off.
      const repairedCounts = (await deps.results.repairCounts()) + (await deps.scheduledJobs.repairCounts());
      if (repairedCounts > 0) logger.warn('List counts repaired', { repairedCounts });
      return { ...summary, abandonedRuns, handoffsFinished: handoffs.finished };
    });
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  type ReconcileSchedulesDeps,
  type ReconcileSummary,
  reconcileSchedules,
} from '../core/reconcile-schedules';

/**
 * Runs on a timer: puts back the schedules a crash between the database and the scheduler left
 * missing or in the wrong state. The event carries nothing it needs. One job's failure is logged and
 * left to the next run; only a failure to read the jobs at all fails the invocation.
 */
export function createReconcileHandler(deps: ReconcileSchedulesDeps, logger: Logger) {
  return middy<unknown, ReconcileSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const summary = await reconcileSchedules(deps, {
        onRepaired: (repair) => logger.warn('Schedule repaired', { ...repair }),
        onFailed: (scheduledJobId, error) =>
          logger.error('Schedule not reconciled', { scheduledJobId, error: error as Error }),
      });
      if (summary.failed > 0) logger.error('Schedules reconciled with failures', { ...summary });
      else logger.info('Schedules reconciled', { ...summary });
      return summary;
    });
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import type { RunOutcome } from '../core/ports';
import { type ExecuteJobDeps, executeJob } from '../core/run-steps';
import { ENGLISH_MESSAGES } from '../core/validation-messages';

const runEvent = z
  .object({
    job_result_id: z.string().check(z.minLength(1)),
    job: z.string().check(z.minLength(1)),
    data: z.record(z.string(), z.unknown()),
    /**
     * Set for a job with sensitive variables, whose `data` is then empty. Absent only in executions
     * started before the workflow carried it, which never sealed their input.
     */
    sealed_data: z._default(z.nullable(z.string().check(z.minLength(1))), null),
    execution: z.optional(z.string().check(z.minLength(1))),
    user: z.string().check(z.minLength(1)),
    dryrun: z.boolean(),
    time_limit_seconds: z.number().check(z.int(), z.positive()),
  })
  .check(
    z.refine((event) => event.sealed_data === null || Object.keys(event.data).length === 0, {
      message: 'A run with sealed input carries no plain data.',
      path: ['data'],
    }),
  );

export type RunJobEvent = z.input<typeof runEvent>;

/**
 * Runs one job and returns its outcome; the job's own failures are outcomes, not errors. Sealed
 * input is opened inside executeJob, and neither it nor the plain data is logged.
 */
export function createRunJobHandler(deps: ExecuteJobDeps, logger: Logger) {
  return middy<unknown, RunOutcome>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (raw) => {
      const event = runEvent.parse(raw, ENGLISH_MESSAGES);
      logger.appendKeys({ jobResultId: event.job_result_id, job: event.job, execution: event.execution });
      logger.info('Running job');
      const outcome = await executeJob(deps, {
        ...(event.sealed_data === null ? { data: event.data } : { sealedData: event.sealed_data }),
        jobResultId: event.job_result_id,
        jobPath: event.job,
        user: event.user,
        dryrun: event.dryrun,
        timeLimitSeconds: event.time_limit_seconds,
      });
      logger.info('Job ran', { status: outcome.status });
      return outcome;
    });
}

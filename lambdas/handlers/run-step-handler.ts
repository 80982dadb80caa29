import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import type { JOB_RESULT_STATUSES } from '../core/job-results';
import { markRunStarted, type RecordStepDeps, recordFailure, recordOutcome } from '../core/run-steps';
import { claimScheduledRun, countScheduledRun, type ScheduledRunDeps } from '../core/scheduled-runs';
import { ENGLISH_MESSAGES } from '../core/validation-messages';

const jobOutput = z.optional(z.json());
const id = () => z.string().check(z.minLength(1));
/** Which occurrence a run is, when it is a scheduled one: counted on its scheduled job when it ends. */
const occurrence = {
  scheduled_job_id: z.optional(z.nullable(id())),
  scheduled_time: z.optional(z.nullable(id())),
};

const stepEvent = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start'), job_result_id: id(), execution: id() }),
  z.object({
    action: z.literal('finish'),
    job_result_id: id(),
    execution: z.optional(id()),
    ...occurrence,
    outcome: z.discriminatedUnion('status', [
      z.object({ status: z.literal('SUCCESS'), output: jobOutput }),
      z.object({ status: z.enum(['FAILURE', 'REVOKED']), error: z.string(), output: jobOutput }),
    ]),
  }),
  z.object({
    action: z.literal('claim'),
    scheduled_job_id: id(),
    scheduled_time: id(),
    execution: id(),
  }),
  z.object({
    action: z.literal('count'),
    scheduled_job_id: id(),
    scheduled_time: id(),
    execution: z.optional(id()),
  }),
  z.object({
    action: z.literal('fail'),
    job_result_id: id(),
    execution: z.optional(id()),
    ...occurrence,
    error: z.looseObject({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }),
  }),
]);

export type RunStepEvent = z.input<typeof stepEvent>;

export type RunStepResponse =
  | {
      readonly status: (typeof JOB_RESULT_STATUSES)[number] | 'MISSING';
      readonly user?: string;
      readonly dryrun?: boolean;
    }
  /**
   * A claimed occurrence, already marked STARTED, in the shape of a run's workflow input so that the
   * run task reads both alike. Every field is always present (null when not run): the workflow's
   * ResultSelector cannot select an absent one.
   */
  | {
      readonly run: boolean;
      readonly reason: string | null;
      readonly job_result_id: string | null;
      readonly job: string | null;
      readonly data: Record<string, unknown> | null;
      readonly sealed_data: null;
      readonly time_limit_seconds: number | null;
      readonly scheduled_job_id: string;
      readonly scheduled_time: string;
      readonly started: { readonly user: string; readonly dryrun: boolean } | null;
    }
  | { readonly counted: true };

/** The workflow's bookkeeping steps; each is a single conditional write, safe to retry. */
export function createRunStepHandler(deps: RecordStepDeps & ScheduledRunDeps, logger: Logger) {
  return middy<unknown, RunStepResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (raw) => {
      const event = stepEvent.parse(raw, ENGLISH_MESSAGES);
      // Every line carries the workflow execution, so one run's lines can be found across functions.
      logger.appendKeys({ action: event.action, execution: event.execution });
      if ('job_result_id' in event) logger.appendKeys({ jobResultId: event.job_result_id });
      switch (event.action) {
        case 'claim': {
          logger.appendKeys({
            scheduledJobId: event.scheduled_job_id,
            scheduledTime: event.scheduled_time,
            execution: event.execution,
          });
          const decision = await claimScheduledRun(deps, {
            scheduledJobId: event.scheduled_job_id,
            scheduledTime: event.scheduled_time,
            execution: event.execution,
          });
          const notRun = {
            job_result_id: null,
            job: null,
            data: null,
            sealed_data: null,
            time_limit_seconds: null,
            scheduled_job_id: event.scheduled_job_id,
            scheduled_time: event.scheduled_time,
            started: null,
          };
          if (!decision.run) {
            logger.info('Occurrence not run', { reason: decision.reason });
            return { run: false, reason: decision.reason, ...notRun };
          }
          const { request } = decision;
          logger.appendKeys({ jobResultId: request.jobResultId });
          // Marked STARTED here rather than in a step of its own: one state transition fewer per
          // occurrence (they are most of a run's cost). Both writes are idempotent for this execution.
          const started = await markRunStarted(deps, request.jobResultId, event.execution);
          logger.info('Occurrence claimed and started');
          return {
            run: true,
            reason: null,
            ...notRun,
            job_result_id: request.jobResultId,
            job: request.jobPath,
            data: request.data,
            time_limit_seconds: request.timeLimitSeconds,
            started: { user: started.user, dryrun: started.dryrun },
          };
        }
        case 'count': {
          logger.appendKeys({ scheduledJobId: event.scheduled_job_id, scheduledTime: event.scheduled_time });
          await countScheduledRun(deps, {
            scheduledJobId: event.scheduled_job_id,
            scheduledTime: event.scheduled_time,
          });
          return { counted: true };
        }
        case 'start': {
          const result = await markRunStarted(deps, event.job_result_id, event.execution);
          logger.info('Run started');
          return { status: result.status, user: result.user, dryrun: result.dryrun };
        }
        case 'finish': {
          const result = await recordOutcome(deps, event.job_result_id, event.outcome);
          await countIfScheduled(deps, event);
          // A failed job is what an operator filters for: ERROR, so LOG_LEVEL=WARN still shows it.
          if (result.status === 'FAILURE')
            logger.error('Run failed', { status: result.status, job: result.jobPath, reason: result.error });
          else logger.info('Run finished', { status: result.status });
          return { status: result.status };
        }
        case 'fail': {
          const result = await recordFailure(deps, event.job_result_id, event.error);
          await countIfScheduled(deps, event);
          logger.error('Run failed in the workflow', { error: event.error, status: result?.status });
          return { status: result?.status ?? 'MISSING' };
        }
      }
    });
}

/**
 * A scheduled run is counted on its scheduled job in the step that records its outcome, not in a
 * step of its own (a state transition fewer). Counting is idempotent per occurrence.
 */
async function countIfScheduled(
  deps: Pick<ScheduledRunDeps, 'scheduledJobs' | 'clock'>,
  event: { readonly scheduled_job_id?: string | null; readonly scheduled_time?: string | null },
): Promise<void> {
  if (!event.scheduled_job_id || !event.scheduled_time) return;
  await countScheduledRun(deps, {
    scheduledJobId: event.scheduled_job_id,
    scheduledTime: event.scheduled_time,
  });
}

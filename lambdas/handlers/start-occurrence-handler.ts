import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { isRecordId } from '../core/clock';
import type { WorkflowStarter } from '../core/ports';
import { canonicalOccurrence } from '../core/scheduled-runs';
import { ENGLISH_MESSAGES } from '../core/validation-messages';

/** `<aws.scheduler.scheduled-time>` as EventBridge fills it in (`2030-01-01T01:00:00Z`), or with milliseconds. */
const SCHEDULED_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?Z$/;

/** A UTC instant in that form that exists: `Date` would read 30 February as 2 March. */
function isScheduledTime(time: string): boolean {
  const written = SCHEDULED_TIME.exec(time)?.[1];
  return written !== undefined && canonicalOccurrence(time)?.startsWith(written) === true;
}

/** What every schedule sends (lambdas/adapters/eventbridge-scheduler: `ScheduledWorkflowInput`). */
const occurrenceEvent = z.object({
  scheduled_job_id: z.string().check(z.refine(isRecordId, 'Must be a scheduled job id (a UUID).')),
  scheduled_time: z
    .string()
    .check(z.refine(isScheduledTime, 'Must be a UTC time that exists, such as 2030-01-01T01:00:00Z.')),
});

export type StartOccurrenceEvent = z.input<typeof occurrenceEvent>;

export type StartOccurrenceResponse =
  /** The execution for this occurrence: started now, or by an earlier delivery of it. */
  | { readonly started: true; readonly execution: string }
  /** Not a delivery any schedule sends: nothing was started, and retrying would not change that. */
  | { readonly started: false; readonly reason: 'invalid-input' };

/**
 * Every schedule's target. EventBridge Scheduler delivers at least once and cannot name what it
 * starts, so a duplicate used to start a second execution that the workflow's guard then refused,
 * after four billed state transitions. Started from here, the execution is named after the
 * occurrence (the name is its job result id), and Step Functions starts nothing for a name it has
 * seen: a duplicate costs this invocation and no transition. The guard still claims the occurrence
 * (names are unique for 90 days only).
 *
 * Input that no schedule sends is refused with an error in the log and a normal return, since a
 * retry could never succeed; a failed start (throttled, a 5xx) throws, so that the delivery is
 * retried and finally dead-lettered.
 */
export function createStartOccurrenceHandler(
  deps: { readonly workflow: Pick<WorkflowStarter, 'startOccurrence'> },
  logger: Logger,
) {
  return middy<unknown, StartOccurrenceResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (raw) => {
      const parsed = occurrenceEvent.safeParse(raw, ENGLISH_MESSAGES);
      if (!parsed.success) {
        // The issues name the fields and what was wrong, never the values received.
        const issues = parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        }));
        logger.error('Occurrence refused: not a schedule delivery', { issues });
        return { started: false, reason: 'invalid-input' };
      }
      const scheduledJobId = parsed.data.scheduled_job_id;
      // One form for every delivery of an occurrence, and the one the guard claims and approved runs use.
      const scheduledTime = canonicalOccurrence(parsed.data.scheduled_time) as string;
      logger.appendKeys({ scheduledJobId, scheduledTime });
      const execution = await deps.workflow.startOccurrence({ scheduledJobId, scheduledTime });
      logger.info('Occurrence handed to the workflow', { execution });
      return { started: true, execution };
    });
}

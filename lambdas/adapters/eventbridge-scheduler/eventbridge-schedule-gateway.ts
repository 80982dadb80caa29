import type { CreateScheduleInput } from '@aws-sdk/client-scheduler';
import { isRecordId, systemClock } from '../../core/clock';
import type { Clock, ScheduleGateway, ScheduleState } from '../../core/ports';
import {
  SCHEDULER_MAXIMUM_EVENT_AGE_SECONDS,
  SCHEDULER_MAXIMUM_RETRY_ATTEMPTS,
  type ScheduledJob,
} from '../../core/scheduled-jobs';
import type { ScheduledWorkflowInput } from '../../workflow/run-job-workflow';
import { type CommandSender, isServiceError } from '../aws/aws-client';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
} from './scheduler-client';

/** Where every schedule of this deployment lives and what it invokes. */
export interface ScheduleTargetConfig {
  /** The deployment's schedule group. */
  readonly groupName: string;
  /** The start-occurrence function, which starts the run workflow for each occurrence. */
  readonly targetArn: string;
  /** The role schedules assume to invoke the target and write to the dead-letter queue. */
  readonly roleArn: string;
  /** SQS queue for invocations that still fail once the retry policy is spent. */
  readonly deadLetterQueueArn: string;
}

export interface EventBridgeScheduleGatewayProps extends ScheduleTargetConfig {
  /** The Scheduler client (./scheduler-client.ts), or the local emulator that takes the same commands. */
  readonly client: CommandSender;
  /**
   * Decides whether a recurring schedule's start date is still ahead (see {@link toCreateScheduleInput}).
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** The literal EventBridge Scheduler replaces with the occurrence, e.g. `2030-01-01T01:00:00Z`. */
export const SCHEDULED_TIME_ATTRIBUTE = '<aws.scheduler.scheduled-time>';

const MAX_DESCRIPTION_LENGTH = 512;

/**
 * The schedule's name is the scheduled job's id, so a schedule can always be traced back to (and
 * reconciled with) its job. Names are 1–64 characters of `[0-9a-zA-Z-_.]`; a UUID always fits.
 */
export function scheduleNameFor(scheduledJobId: string): string {
  if (!isRecordId(scheduledJobId)) {
    throw new Error(`Scheduled job id "${scheduledJobId}" is not a UUID, so it cannot name a schedule.`);
  }
  return scheduledJobId;
}

/**
 * The whole schedule for a scheduled job. UpdateSchedule takes the same fields and replaces the
 * schedule with them, so this one input serves create, replace, pause and resume.
 *
 * StartDate is sent only for recurring schedules (EventBridge ignores it for at()) and only while it
 * is still ahead of `now`: EventBridge refuses a StartDate more than five minutes in the past, on
 * update as on create, which would make resuming an old recurring job fail. Leaving out a start
 * date that has passed changes nothing, since a schedule never fires occurrences from before it was
 * created or updated.
 */
export function toCreateScheduleInput(
  job: ScheduledJob,
  config: ScheduleTargetConfig,
  now: Date,
): CreateScheduleInput {
  const spec = job.schedule;
  if (spec === undefined) {
    throw new Error(`Scheduled job ${job.id} (${job.interval}) has no schedule to hand to EventBridge.`);
  }
  const recurring = !spec.expression.startsWith('at(');
  const startDate = readableDate(job, 'start', spec.startDate);
  const endDate = readableDate(job, 'end', spec.endDate);
  const input: ScheduledWorkflowInput = {
    scheduled_job_id: job.id,
    scheduled_time: SCHEDULED_TIME_ATTRIBUTE,
  };
  return {
    Name: scheduleNameFor(job.id),
    GroupName: config.groupName,
    Description: truncate(`${job.jobPath}: ${job.name}`, MAX_DESCRIPTION_LENGTH),
    ScheduleExpression: spec.expression,
    ScheduleExpressionTimezone: spec.timeZone,
    ...(recurring && startDate !== undefined && startDate.getTime() > now.getTime()
      ? { StartDate: startDate }
      : {}),
    ...(endDate === undefined ? {} : { EndDate: endDate }),
    ActionAfterCompletion: spec.actionAfterCompletion,
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: job.enabled ? 'ENABLED' : 'DISABLED',
    Target: {
      Arn: config.targetArn,
      RoleArn: config.roleArn,
      Input: JSON.stringify(input),
      RetryPolicy: {
        MaximumEventAgeInSeconds: SCHEDULER_MAXIMUM_EVENT_AGE_SECONDS,
        MaximumRetryAttempts: SCHEDULER_MAXIMUM_RETRY_ATTEMPTS,
      },
      DeadLetterConfig: { Arn: config.deadLetterQueueArn },
    },
  };
}

function readableDate(job: ScheduledJob, which: string, iso: string | undefined): Date | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`Scheduled job ${job.id} has an unreadable ${which} date "${iso}".`);
  }
  return date;
}

/** EventBridge Scheduler as the ScheduleGateway: one schedule per scheduled job, named by its id. */
export class EventBridgeScheduleGateway implements ScheduleGateway {
  private readonly clock: Clock;

  constructor(private readonly props: EventBridgeScheduleGatewayProps) {
    this.clock = props.clock ?? systemClock;
  }

  /**
   * Create, or replace when it exists. The schedule can vanish between the two calls (a one-off
   * deleting itself after firing, a concurrent delete), so a missing one on update is created once
   * more before giving up.
   */
  async put(job: ScheduledJob): Promise<void> {
    const input = toCreateScheduleInput(job, this.props, this.clock.now());
    for (let attempt = 1; ; attempt++) {
      try {
        await this.props.client.send(new CreateScheduleCommand(input));
        return;
      } catch (error) {
        if (!isServiceError(error, 'ConflictException')) throw error;
      }
      try {
        await this.props.client.send(new UpdateScheduleCommand(input));
        return;
      } catch (error) {
        if (attempt >= 2 || !isServiceError(error, 'ResourceNotFoundException')) throw error;
      }
    }
  }

  delete(scheduledJobId: string): Promise<void> {
    return new EventBridgeScheduleRemover(this.props).delete(scheduledJobId);
  }

  async describe(scheduledJobId: string): Promise<ScheduleState | undefined> {
    try {
      const { State: state, Target: target } = await this.props.client.send(
        new GetScheduleCommand({ Name: scheduleNameFor(scheduledJobId), GroupName: this.props.groupName }),
      );
      // EventBridge always answers with a State; one it did not would be a schedule that does not fire.
      return {
        state: state === 'ENABLED' ? 'ENABLED' : 'DISABLED',
        currentTarget: target?.Arn === this.props.targetArn,
      };
    } catch (error) {
      if (isServiceError(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }
}

/**
 * Only deletes schedules: what the workflow's guard needs to clean up after a scheduled job that no
 * longer exists, without the target configuration (or the permissions) to create one.
 */
export class EventBridgeScheduleRemover implements Pick<ScheduleGateway, 'delete'> {
  constructor(private readonly props: Pick<EventBridgeScheduleGatewayProps, 'client' | 'groupName'>) {}

  async delete(scheduledJobId: string): Promise<void> {
    try {
      await this.props.client.send(
        new DeleteScheduleCommand({ Name: scheduleNameFor(scheduledJobId), GroupName: this.props.groupName }),
      );
    } catch (error) {
      if (!isServiceError(error, 'ResourceNotFoundException')) throw error;
    }
  }
}

/** Cuts at a code point so a surrogate pair is never split. */
function truncate(text: string, maxLength: number): string {
  const codePoints = Array.from(text);
  return codePoints.length <= maxLength ? text : codePoints.slice(0, maxLength).join('');
}

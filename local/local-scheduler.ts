/**
 * EventBridge Scheduler, locally: accepts the very commands the AWS adapter sends (CreateSchedule,
 * UpdateSchedule, DeleteSchedule, GetSchedule), keeps the schedules on disk, and fires them by the
 * one evaluator of at()/cron() expressions in `lambdas/core/schedules`, so local runs happen at the
 * instants the API's next-run preview shows.
 *
 * What EventBridge does, and this emulator with it:
 * - Schedules are unique by group and name: CreateSchedule of an existing one is ConflictException,
 *   UpdateSchedule/DeleteSchedule/GetSchedule of a missing one ResourceNotFoundException, malformed
 *   input ValidationException (the SDK's own classes; the checks are in `scheduler/schedule-input.ts`).
 * - UpdateSchedule replaces the whole schedule with the request.
 * - A schedule fires only occurrences after it was created, or after it was enabled again; nothing
 *   missed while it did not exist or was disabled is made up (`scheduler/firing-loop.ts`).
 * - The target gets `Target.Input` with the context attributes filled in; `<aws.scheduler.scheduled-time>`
 *   is the occurrence as `2030-01-01T01:00:00Z` (managing-schedule-context-attributes in the
 *   EventBridge Scheduler User Guide).
 * - A failed invocation is retried with exponential backoff until `MaximumRetryAttempts` retries
 *   are spent or `MaximumEventAgeInSeconds` has passed since the occurrence, then dead-lettered
 *   (`scheduler/deliveries.ts`).
 * - With `ActionAfterCompletion: DELETE` a schedule deletes itself after its last invocation (a
 *   one-time schedule after its only one).
 */
import {
  ConflictException,
  type CreateScheduleInput,
  type CreateScheduleOutput,
  type GetScheduleOutput,
  ResourceNotFoundException,
} from '@aws-sdk/client-scheduler';
import type { AwsCommand, CommandSender } from '../lambdas/adapters/aws/aws-client';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
} from '../lambdas/adapters/eventbridge-scheduler/scheduler-client';
import type { Clock } from '../lambdas/core/ports';
import { Deliveries, type LocalDeadLetter } from './scheduler/deliveries';
import { FiringLoop } from './scheduler/firing-loop';
import { ScheduleFile } from './scheduler/schedule-file';
import { DEFAULT_GROUP, errorOptions, validateScheduleInput } from './scheduler/schedule-input';
import {
  checkedThroughAt,
  keyOf,
  type LocalSchedule,
  type StoredSchedule,
  scheduleArn,
} from './scheduler/stored-schedule';

export type { LocalDeadLetter } from './scheduler/deliveries';
export type { LocalSchedule } from './scheduler/stored-schedule';

export interface LocalSchedulerProps {
  readonly clock: Clock;
  /** Where schedules are kept across restarts; in memory only when absent. */
  readonly directory?: string | undefined;
  /** Invokes the target (the start-occurrence function) with the schedule's input, context attributes filled in. */
  readonly invokeTarget: (targetArn: string, input: string) => Promise<unknown>;
  /** Errors the firing loop swallowed: failed invocations, dead letters, a failed save. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** Values the local wiring can hand the gateway; they satisfy the patterns EventBridge checks. */
export const LOCAL_SCHEDULER = {
  groupName: 'countersign-local',
  roleArn: 'arn:aws:iam::000000000000:role/countersign-local-scheduler',
  deadLetterQueueArn: 'arn:aws:sqs:local:000000000000:countersign-local-scheduler-dlq',
} as const;

const MINUTE_MS = 60_000;

export class LocalScheduler implements CommandSender {
  private readonly schedules = new Map<string, StoredSchedule>();
  private readonly deliveries: Deliveries;
  private readonly loop: FiringLoop;
  private readonly file: ScheduleFile | undefined;

  constructor(private readonly props: LocalSchedulerProps) {
    this.deliveries = new Deliveries(props);
    this.loop = new FiringLoop({
      clock: props.clock,
      schedules: this.schedules,
      deliveries: this.deliveries,
      save: () => this.save(),
      onError: props.onError,
    });
    if (props.directory !== undefined) {
      this.file = new ScheduleFile(props.directory);
      this.load(this.file);
    }
  }

  /** Takes the commands the AWS adapter sends (./scheduler-client.ts), so it runs against this unchanged. */
  async send<Output>(command: AwsCommand<object, Output>): Promise<Output> {
    return this.answer(command) as Output;
  }

  private answer(command: AwsCommand<object, unknown>): object {
    if (command instanceof CreateScheduleCommand) return this.create(command.input);
    if (command instanceof UpdateScheduleCommand) return this.update(command.input);
    if (command instanceof DeleteScheduleCommand) {
      const key = this.existingKey(command.input.Name, command.input.GroupName);
      this.schedules.delete(key);
      this.save();
      return {};
    }
    if (command instanceof GetScheduleCommand) {
      const stored = this.schedules.get(this.existingKey(command.input.Name, command.input.GroupName));
      return toGetScheduleOutput(stored as StoredSchedule);
    }
    throw new Error(`LocalScheduler does not emulate ${command.operation}.`);
  }

  /** Fires every occurrence that has come due since the last call, and every retry that is due. */
  runDue(): Promise<void> {
    return this.loop.runDue();
  }

  /** Fires due occurrences on a timer until `stop()`; the timer does not keep the process alive. */
  start(): void {
    this.loop.start();
  }

  /** Stops the timer and waits for the invocations under way. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  list(): LocalSchedule[] {
    return [...this.schedules.values()].map(
      ({ flexibleTimeWindow: _window, checkedThrough: _checked, ...schedule }) => ({
        ...schedule,
        arn: scheduleArn(schedule.groupName, schedule.name),
        target: structuredClone(schedule.target),
        lastFired: schedule.lastFired,
      }),
    );
  }

  deadLetters(): readonly LocalDeadLetter[] {
    return this.deliveries.deadLetters();
  }

  private create(input: CreateScheduleInput): CreateScheduleOutput {
    const now = this.props.clock.now();
    const valid = validateScheduleInput(input, now);
    const key = keyOf(valid.groupName, valid.name);
    if (this.schedules.has(key)) {
      throw new ConflictException(
        errorOptions(`Schedule ${valid.name} already exists in group ${valid.groupName}.`),
      );
    }
    const at = now.toISOString();
    // EventBridge works to the minute: a one-off created for a moment earlier in its minute (a
    // request for "now" that took a few milliseconds to arrive) still fires.
    const checkedThrough = valid.expression.startsWith('at(')
      ? new Date(now.getTime() - MINUTE_MS).toISOString()
      : at;
    this.schedules.set(key, { ...valid, creationDate: at, lastModificationDate: at, checkedThrough });
    this.save();
    return { ScheduleArn: scheduleArn(valid.groupName, valid.name) };
  }

  private update(input: CreateScheduleInput): CreateScheduleOutput {
    const now = this.props.clock.now();
    const valid = validateScheduleInput(input, now);
    const key = this.existingKey(valid.name, valid.groupName);
    const previous = this.schedules.get(key) as StoredSchedule;
    const at = now.toISOString();
    // Enabled before and after: keep counting from where the firing loop got to, so an occurrence
    // due a moment ago but not yet picked up by the timer is not lost to a routine re-put. Resumed
    // (or still disabled): occurrences from before this update are never made up.
    const stillEnabled = previous.state === 'ENABLED' && valid.state === 'ENABLED';
    this.schedules.set(key, {
      ...valid,
      creationDate: previous.creationDate,
      lastModificationDate: at,
      checkedThrough: stillEnabled ? previous.checkedThrough : at,
      lastFired: previous.lastFired,
    });
    this.save();
    return { ScheduleArn: scheduleArn(valid.groupName, valid.name) };
  }

  private existingKey(name: string | undefined, groupName: string | undefined): string {
    const key = keyOf(groupName ?? DEFAULT_GROUP, name ?? '');
    if (!this.schedules.has(key)) {
      throw new ResourceNotFoundException(
        errorOptions(`Schedule ${name} does not exist in group ${groupName ?? DEFAULT_GROUP}.`),
      );
    }
    return key;
  }

  /**
   * Occurrences missed while the process was down are skipped, as if the schedule had been
   * disabled for that time: a local restart should not replay a night's worth of runs at once, and
   * EventBridge itself has no such gap to imitate.
   */
  private load(file: ScheduleFile): void {
    const now = this.props.clock.now().getTime();
    for (const stored of file.load()) {
      const checkedThrough = checkedThroughAt(now, stored.checkedThrough);
      this.schedules.set(keyOf(stored.groupName, stored.name), { ...stored, checkedThrough });
    }
  }

  private save(): void {
    this.file?.save(this.schedules.values());
  }
}

function toGetScheduleOutput(stored: StoredSchedule): GetScheduleOutput {
  return {
    Arn: scheduleArn(stored.groupName, stored.name),
    GroupName: stored.groupName,
    Name: stored.name,
    Description: stored.description,
    ScheduleExpression: stored.expression,
    ScheduleExpressionTimezone: stored.timeZone,
    StartDate: stored.startDate === undefined ? undefined : new Date(stored.startDate),
    EndDate: stored.endDate === undefined ? undefined : new Date(stored.endDate),
    State: stored.state,
    ActionAfterCompletion: stored.actionAfterCompletion,
    FlexibleTimeWindow: { ...stored.flexibleTimeWindow },
    Target: structuredClone(stored.target),
    CreationDate: new Date(stored.creationDate),
    LastModificationDate: new Date(stored.lastModificationDate),
  };
}

/**
 * EventBridge Scheduler, locally: accepts the very commands the AWS adapter sends (CreateSchedule,
 * UpdateSchedule, DeleteSchedule, GetSchedule), keeps the schedules on disk, and fires them by the
 * one evaluator of at()/cron() expressions in `lambdas/core/schedules`, so local runs happen at the
 * instants the API's next-run preview shows.
 *
 * What EventBridge does, and this emulator with it:
 * - Schedules are unique by group and name: CreateSchedule of an existing one is ConflictException,
 *   UpdateSchedule/DeleteSchedule/GetSchedule of a missing one ResourceNotFoundException, malformed
 *   input ValidationException (the SDK's own classes).
 * - UpdateSchedule replaces the whole schedule with the request.
 * - A schedule fires only occurrences after it was created, or after it was enabled again; nothing
 *   missed while it did not exist or was disabled is made up.
 * - The target gets `Target.Input` with the context attributes filled in; `<aws.scheduler.scheduled-time>`
 *   is the occurrence as `2030-01-01T01:00:00Z` (managing-schedule-context-attributes in the
 *   EventBridge Scheduler User Guide).
 * - A failed invocation is retried with exponential backoff until `MaximumRetryAttempts` retries
 *   are spent or `MaximumEventAgeInSeconds` has passed since the occurrence, then dead-lettered.
 * - With `ActionAfterCompletion: DELETE` a schedule deletes itself after its last invocation (a
 *   one-time schedule after its only one).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleInput,
  DeleteScheduleCommand,
  type FlexibleTimeWindow,
  GetScheduleCommand,
  type GetScheduleOutput,
  ResourceNotFoundException,
  type ServiceOutputTypes,
  type Target,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { SCHEDULED_TIME_ATTRIBUTE } from '../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import type { Clock } from '../lambdas/core/ports';
import {
  canonicalTimeZone,
  nextOccurrences,
  parseScheduleExpression,
  ScheduleExpressionError,
  type SchedulerSchedule,
} from '../lambdas/core/schedules';

export interface LocalSchedulerProps {
  readonly clock: Clock;
  /** Where schedules are kept across restarts; in memory only when absent. */
  readonly directory?: string | undefined;
  /** Invokes the target (the run state machine) with the schedule's input, context attributes filled in. */
  readonly invokeTarget: (targetArn: string, input: string) => Promise<unknown>;
  /** Errors the firing loop swallowed: failed invocations, dead letters, a failed save. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** A schedule as the emulator holds it, for inspection: the core schedule form, and what EventBridge keeps beside it. */
export interface LocalSchedule extends SchedulerSchedule {
  readonly arn: string;
  readonly groupName: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly target: Target;
  readonly creationDate: string;
  readonly lastModificationDate: string;
  /** The latest occurrence delivered (first attempt made), ISO 8601. */
  readonly lastFired?: string | undefined;
}

/** An invocation whose retries ran out, kept where AWS would send it to the dead-letter queue. */
export interface LocalDeadLetter {
  readonly scheduleArn: string;
  readonly targetArn: string;
  readonly deadLetterQueueArn?: string | undefined;
  /** The payload of the last attempt. */
  readonly input: string;
  readonly scheduledTime: string;
  readonly attempts: number;
  readonly reason: 'retries-exhausted' | 'event-too-old';
  readonly error: string;
  readonly at: string;
}

/** Values the local wiring can hand the gateway; they satisfy the patterns EventBridge checks. */
export const LOCAL_SCHEDULER = {
  groupName: 'countersign-local',
  roleArn: 'arn:aws:iam::000000000000:role/countersign-local-scheduler',
  deadLetterQueueArn: 'arn:aws:sqs:local:000000000000:countersign-local-scheduler-dlq',
} as const;

const ACCOUNT = '000000000000';
const REGION = 'local';
const DEFAULT_GROUP = 'default';
const STATE_FILE = 'schedules.json';
const STATE_VERSION = 1;
/** How often `start()` looks for due occurrences; EventBridge itself fires within the minute. */
const TICK_MS = 250;
/** The first retry of a failed invocation waits this long on the clock, each further one twice as long. */
const RETRY_BASE_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 60_000;
const MINUTE_MS = 60_000;
const OCCURRENCE_BATCH = 100;
/** What EventBridge applies to a target without a RetryPolicy: the most the API allows. */
const DEFAULT_RETRY_POLICY = { maximumEventAgeSeconds: 86_400, maximumRetryAttempts: 185 } as const;

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]+$/;
/** Templated targets whose input must be well-formed JSON. */
const JSON_INPUT_TARGET = /^arn:aws[a-z-]*:(states|lambda|events):/;

/** A schedule as kept (and saved): what `list()` shows, plus the fields only the emulator needs. */
interface StoredSchedule extends Omit<LocalSchedule, 'arn' | 'lastFired'> {
  readonly flexibleTimeWindow: FlexibleTimeWindow;
  /** Occurrences at or before this instant are done with: delivered, or passed over on purpose. */
  checkedThrough: string;
  lastFired?: string | undefined;
}

interface StateFile {
  readonly version: number;
  readonly schedules: readonly StoredSchedule[];
}

interface Delivery {
  readonly scheduleArn: string;
  readonly targetArn: string;
  readonly deadLetterQueueArn?: string | undefined;
  readonly template: string;
  readonly scheduledTime: number;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeMs: number;
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: number;
}

type ScheduleCommand = { readonly input: object };

export class LocalScheduler {
  private readonly schedules = new Map<string, StoredSchedule>();
  private readonly retries: Delivery[] = [];
  private readonly deadLettered: LocalDeadLetter[] = [];
  private readonly file: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** runDue calls run one after another, so an occurrence is never taken twice. */
  private running: Promise<void> = Promise.resolve();
  private tempFiles = 0;

  constructor(private readonly props: LocalSchedulerProps) {
    if (props.directory !== undefined) {
      mkdirSync(props.directory, { recursive: true });
      this.file = join(props.directory, STATE_FILE);
      this.load(this.file);
    }
  }

  /** Takes the SDK's own command objects, so the AWS adapter runs against this unchanged. */
  async send(command: ScheduleCommand): Promise<ServiceOutputTypes> {
    if (command instanceof CreateScheduleCommand) return this.create(command.input);
    if (command instanceof UpdateScheduleCommand) return this.update(command.input);
    if (command instanceof DeleteScheduleCommand) {
      const key = this.existingKey(command.input.Name, command.input.GroupName);
      this.schedules.delete(key);
      this.save();
      return { $metadata: {} };
    }
    if (command instanceof GetScheduleCommand) {
      const stored = this.schedules.get(this.existingKey(command.input.Name, command.input.GroupName));
      return { ...toGetScheduleOutput(stored as StoredSchedule), $metadata: {} };
    }
    throw new Error(`LocalScheduler does not emulate ${command.constructor.name}.`);
  }

  /** Fires every occurrence that has come due since the last call, and every retry that is due. */
  runDue(): Promise<void> {
    const run = this.running.then(() => this.fireDue());
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Fires due occurrences every TICK_MS until `stop()`; the timer does not keep the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.runDue().catch((error: unknown) => this.props.onError?.(error));
    }, TICK_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for the invocations under way. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
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
    return [...this.deadLettered];
  }

  private create(input: CreateScheduleInput): ServiceOutputTypes {
    const now = this.props.clock.now();
    const valid = validate(input, now);
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
      ? new Date(now.getTime() - 60_000).toISOString()
      : at;
    this.schedules.set(key, { ...valid, creationDate: at, lastModificationDate: at, checkedThrough });
    this.save();
    return { ScheduleArn: scheduleArn(valid.groupName, valid.name), $metadata: {} };
  }

  private update(input: CreateScheduleInput): ServiceOutputTypes {
    const now = this.props.clock.now();
    const valid = validate(input, now);
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
    return { ScheduleArn: scheduleArn(valid.groupName, valid.name), $metadata: {} };
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
   * Takes every due occurrence and updates the schedules first (synchronously, so a command arriving
   * while targets are being invoked sees the new state), then invokes the targets in time order.
   */
  private async fireDue(): Promise<void> {
    const now = this.props.clock.now().getTime();
    const deliveries = this.retries.filter((delivery) => delivery.nextAttemptAt <= now);
    for (const delivery of deliveries) this.retries.splice(this.retries.indexOf(delivery), 1);

    let changed = false;
    for (const [key, stored] of this.schedules) {
      if (stored.state !== 'ENABLED') continue;
      let due: ReturnType<typeof dueOccurrences>;
      try {
        due = dueOccurrences(stored, now);
      } catch (error) {
        // One unreadable schedule (say, a hand-edited file) must not stop the others.
        this.props.onError?.(error);
        continue;
      }
      stored.checkedThrough = checkedThroughAt(now, stored.checkedThrough);
      const last = due.occurrences.at(-1);
      if (last === undefined) continue;
      changed = true;
      stored.lastFired = new Date(last).toISOString();
      deliveries.push(...due.occurrences.map((occurrence) => newDelivery(stored, occurrence)));
      if (due.finished && stored.actionAfterCompletion === 'DELETE') this.schedules.delete(key);
    }
    if (changed) this.saveReporting();

    deliveries.sort((a, b) => a.scheduledTime - b.scheduledTime || a.nextAttemptAt - b.nextAttemptAt);
    for (const delivery of deliveries) await this.attempt(delivery);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.attempts += 1;
    const input = fillContextAttributes(delivery);
    try {
      await this.props.invokeTarget(delivery.targetArn, input);
      return;
    } catch (error) {
      this.props.onError?.(error);
      const now = this.props.clock.now().getTime();
      const retriesMade = delivery.attempts - 1;
      const delay = Math.min(RETRY_BASE_DELAY_MS * 2 ** retriesMade, MAX_RETRY_DELAY_MS);
      const nextAttemptAt = now + delay;
      if (retriesMade >= delivery.maximumRetryAttempts) {
        this.deadLetter(delivery, input, 'retries-exhausted', error);
      } else if (nextAttemptAt > delivery.scheduledTime + delivery.maximumEventAgeMs) {
        this.deadLetter(delivery, input, 'event-too-old', error);
      } else {
        delivery.nextAttemptAt = nextAttemptAt;
        this.retries.push(delivery);
      }
    }
  }

  private deadLetter(
    delivery: Delivery,
    input: string,
    reason: LocalDeadLetter['reason'],
    error: unknown,
  ): void {
    const letter: LocalDeadLetter = {
      scheduleArn: delivery.scheduleArn,
      targetArn: delivery.targetArn,
      deadLetterQueueArn: delivery.deadLetterQueueArn,
      input,
      scheduledTime: formatScheduledTime(delivery.scheduledTime),
      attempts: delivery.attempts,
      reason,
      error: error instanceof Error ? error.message : String(error),
      at: this.props.clock.now().toISOString(),
    };
    this.deadLettered.push(letter);
    this.props.onError?.(
      new Error(
        `Dead-lettered ${letter.scheduleArn} at ${letter.scheduledTime} (${reason}): ${letter.error}`,
      ),
    );
  }

  /**
   * Occurrences missed while the process was down are skipped, as if the schedule had been
   * disabled for that time: a local restart should not replay a night's worth of runs at once, and
   * EventBridge itself has no such gap to imitate.
   */
  private load(file: string): void {
    if (!existsSync(file)) return;
    let state: StateFile;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
    } catch (error) {
      throw new Error(`LocalScheduler cannot read ${file}; move it aside to start empty.`, { cause: error });
    }
    if (state.version !== STATE_VERSION || !Array.isArray(state.schedules)) {
      throw new Error(`LocalScheduler does not understand ${file} (version ${String(state.version)}).`);
    }
    const now = this.props.clock.now().getTime();
    for (const stored of state.schedules) {
      const checkedThrough = checkedThroughAt(now, stored.checkedThrough);
      this.schedules.set(keyOf(stored.groupName, stored.name), { ...stored, checkedThrough });
    }
  }

  /** Written to a temporary file and renamed over the old one, so a crash never leaves half a file. */
  private save(): void {
    if (this.file === undefined) return;
    const state: StateFile = { version: STATE_VERSION, schedules: [...this.schedules.values()] };
    this.tempFiles += 1;
    const temp = `${this.file}.${process.pid}.${this.tempFiles}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(temp, this.file);
  }

  private saveReporting(): void {
    try {
      this.save();
    } catch (error) {
      this.props.onError?.(error);
    }
  }
}

type ValidSchedule = Omit<
  StoredSchedule,
  'creationDate' | 'lastModificationDate' | 'checkedThrough' | 'lastFired'
>;

/** The checks EventBridge makes on the fields Countersign sends, with ValidationException as it answers. */
function validate(input: CreateScheduleInput, now: Date): ValidSchedule {
  const name = input.Name ?? '';
  const groupName = input.GroupName ?? DEFAULT_GROUP;
  check(NAME.test(name), `Name "${name}" must be 1-64 characters of [0-9a-zA-Z-_.].`);
  check(NAME.test(groupName), `GroupName "${groupName}" must be 1-64 characters of [0-9a-zA-Z-_.].`);
  check((input.Description?.length ?? 0) <= 512, 'Description must be at most 512 characters.');

  const expression = input.ScheduleExpression ?? '';
  check(expression.length >= 1 && expression.length <= 256, 'ScheduleExpression must be 1-256 characters.');
  let recurring: boolean;
  try {
    recurring = parseScheduleExpression(expression).kind === 'cron';
  } catch (error) {
    if (!(error instanceof ScheduleExpressionError)) throw error;
    throw invalid(`Invalid Schedule Expression ${expression}. ${error.message}`);
  }

  const timeZone = input.ScheduleExpressionTimezone ?? 'UTC';
  check(
    timeZone.length <= 50 && canonicalTimeZone(timeZone) !== undefined,
    `Invalid ScheduleExpressionTimezone "${timeZone}".`,
  );

  const window = input.FlexibleTimeWindow;
  check(window !== undefined, 'FlexibleTimeWindow is required.');
  check(
    window.Mode === 'OFF' || window.Mode === 'FLEXIBLE',
    'FlexibleTimeWindow.Mode must be OFF or FLEXIBLE.',
  );
  if (window.Mode === 'FLEXIBLE') {
    const minutes = window.MaximumWindowInMinutes ?? 0;
    check(minutes >= 1 && minutes <= 1440, 'MaximumWindowInMinutes must be 1-1440 in FLEXIBLE mode.');
  }

  const state = input.State ?? 'ENABLED';
  check(state === 'ENABLED' || state === 'DISABLED', `State must be ENABLED or DISABLED, not ${state}.`);
  const actionAfterCompletion = input.ActionAfterCompletion ?? 'NONE';
  check(
    actionAfterCompletion === 'NONE' || actionAfterCompletion === 'DELETE',
    `ActionAfterCompletion must be NONE or DELETE, not ${actionAfterCompletion}.`,
  );

  const startDate = validDate(input.StartDate, 'StartDate');
  const endDate = validDate(input.EndDate, 'EndDate');
  if (recurring && startDate !== undefined) {
    check(
      startDate.getTime() >= now.getTime() - 5 * MINUTE_MS,
      'The StartDate you specify cannot be earlier than 5 minutes ago.',
    );
  }
  if (startDate !== undefined && endDate !== undefined) {
    check(startDate.getTime() < endDate.getTime(), 'The StartDate must come before the EndDate.');
  }

  const target = validTarget(input.Target);
  return {
    groupName,
    name,
    description: input.Description,
    expression,
    timeZone,
    startDate: startDate?.toISOString(),
    endDate: endDate?.toISOString(),
    state,
    actionAfterCompletion,
    flexibleTimeWindow: { ...window },
    target,
  };
}

function validTarget(target: Target | undefined): Target {
  check(target !== undefined, 'Target is required.');
  const {
    Arn: arn = '',
    RoleArn: roleArn = '',
    Input: input,
    RetryPolicy: retry,
    DeadLetterConfig: dlq,
  } = target;
  check(arn.length >= 1 && arn.length <= 1600, 'Target.Arn must be 1-1600 characters.');
  check(ROLE_ARN.test(roleArn), `Target.RoleArn "${roleArn}" is not an IAM role ARN.`);
  if (input === undefined) {
    // AWS then sends "a default notification", whose form no page documents.
    throw new Error('LocalScheduler needs Target.Input; the default notification is not emulated.');
  }
  check(input.length >= 1, 'Target.Input must not be empty.');
  if (JSON_INPUT_TARGET.test(arn))
    check(isJson(input), 'Target.Input must be well-formed JSON for this target.');
  if (retry?.MaximumEventAgeInSeconds !== undefined) {
    const age = retry.MaximumEventAgeInSeconds;
    check(Number.isInteger(age) && age >= 60 && age <= 86_400, 'MaximumEventAgeInSeconds must be 60-86400.');
  }
  if (retry?.MaximumRetryAttempts !== undefined) {
    const attempts = retry.MaximumRetryAttempts;
    check(
      Number.isInteger(attempts) && attempts >= 0 && attempts <= 185,
      'MaximumRetryAttempts must be 0-185.',
    );
  }
  if (dlq?.Arn !== undefined)
    check(SQS_ARN.test(dlq.Arn), `DeadLetterConfig.Arn "${dlq.Arn}" is not an SQS ARN.`);
  return structuredClone(target);
}

function validDate(value: Date | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  check(value instanceof Date && !Number.isNaN(value.getTime()), `${field} is not a valid timestamp.`);
  return value;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw invalid(message);
}

function invalid(message: string): ValidationException {
  return new ValidationException(errorOptions(message));
}

/** What the SDK's deserializer gives its error classes: the message twice, and response metadata. */
function errorOptions(message: string) {
  return { message, Message: message, $metadata: {} };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The occurrences due by `now` that have not been dealt with, and whether the last of them ends the schedule. */
function dueOccurrences(stored: StoredSchedule, now: number): { occurrences: number[]; finished: boolean } {
  const occurrences = occurrencesBetween(stored, Date.parse(stored.checkedThrough), now);
  const last = occurrences.at(-1);
  const finished =
    last !== undefined && occurrencesBetween(stored, last, Number.POSITIVE_INFINITY, 1).length === 0;
  return { occurrences, finished };
}

/** `checkedThrough` moved up to `now`, never back. */
function checkedThroughAt(now: number, checkedThrough: string): string {
  return new Date(Math.max(now, Date.parse(checkedThrough))).toISOString();
}

/**
 * Occurrences in `(after, through]`, earliest first. EventBridge ignores StartDate and EndDate for
 * at() schedules; the core evaluator does the same.
 */
function occurrencesBetween(
  schedule: SchedulerSchedule,
  after: number,
  through: number,
  limit = Infinity,
): number[] {
  const found: number[] = [];
  let cursor = after;
  // Usually nothing is due: ask for one occurrence first, and for more only when a backlog turns up.
  let size = 1;
  while (found.length < limit) {
    const wanted = Math.min(size, limit - found.length);
    const batch = nextOccurrences(schedule, new Date(cursor), wanted);
    for (const occurrence of batch) {
      if (occurrence.getTime() > through) return found;
      found.push(occurrence.getTime());
    }
    const last = batch.at(-1);
    if (last === undefined || batch.length < wanted) return found;
    cursor = last.getTime();
    size = OCCURRENCE_BATCH;
  }
  return found;
}

function newDelivery(stored: StoredSchedule, occurrence: number): Delivery {
  const retry = stored.target.RetryPolicy;
  return {
    scheduleArn: scheduleArn(stored.groupName, stored.name),
    targetArn: stored.target.Arn ?? '',
    deadLetterQueueArn: stored.target.DeadLetterConfig?.Arn,
    template: stored.target.Input ?? '',
    scheduledTime: occurrence,
    maximumRetryAttempts: retry?.MaximumRetryAttempts ?? DEFAULT_RETRY_POLICY.maximumRetryAttempts,
    maximumEventAgeMs:
      (retry?.MaximumEventAgeInSeconds ?? DEFAULT_RETRY_POLICY.maximumEventAgeSeconds) * 1000,
    attempts: 0,
    nextAttemptAt: occurrence,
  };
}

/** The four keywords of managing-schedule-context-attributes, replaced wherever they appear. */
function fillContextAttributes(delivery: Delivery): string {
  return delivery.template
    .replaceAll('<aws.scheduler.schedule-arn>', delivery.scheduleArn)
    .replaceAll(SCHEDULED_TIME_ATTRIBUTE, formatScheduledTime(delivery.scheduledTime))
    .replaceAll('<aws.scheduler.execution-id>', randomBytes(8).toString('hex'))
    .replaceAll('<aws.scheduler.attempt-number>', String(delivery.attempts));
}

/** `2022-03-22T18:59:43Z`: whole seconds, UTC, as the User Guide's example shows. */
export function formatScheduledTime(instant: number): string {
  return new Date(Math.floor(instant / 1000) * 1000).toISOString().replace('.000Z', 'Z');
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

function keyOf(groupName: string, name: string): string {
  return `${groupName}/${name}`;
}

function scheduleArn(groupName: string, name: string): string {
  return `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${groupName}/${name}`;
}

/**
 * Invoking a schedule's target for one occurrence, as EventBridge Scheduler does: a failed invocation
 * is retried with exponential backoff until `MaximumRetryAttempts` retries are spent or
 * `MaximumEventAgeInSeconds` has passed since the occurrence, then dead-lettered.
 */
import { randomBytes } from 'node:crypto';
import { SCHEDULED_TIME_ATTRIBUTE } from '../../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import type { Clock } from '../../lambdas/core/ports';
import { type StoredSchedule, scheduleArn } from './stored-schedule';

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

/** One occurrence of one schedule on its way to the target. */
export interface Delivery {
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

export interface DeliveriesProps {
  readonly clock: Clock;
  /** Invokes the target with the schedule's input, context attributes filled in. */
  readonly invokeTarget: (targetArn: string, input: string) => Promise<unknown>;
  /** Failed invocations and dead letters, reported as they happen. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** The first retry of a failed invocation waits this long on the clock, each further one twice as long. */
const RETRY_BASE_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 60_000;
/** What EventBridge applies to a target without a RetryPolicy: the most the API allows. */
const DEFAULT_RETRY_POLICY = { maximumEventAgeSeconds: 86_400, maximumRetryAttempts: 185 } as const;

/** Invocations to retry later, and the ones that were given up on. */
export class Deliveries {
  private readonly retries: Delivery[] = [];
  private readonly deadLettered: LocalDeadLetter[] = [];

  constructor(private readonly props: DeliveriesProps) {}

  /** The retries whose time has come, taken off the queue. */
  takeDueRetries(now: number): Delivery[] {
    const due = this.retries.filter((delivery) => delivery.nextAttemptAt <= now);
    for (const delivery of due) this.retries.splice(this.retries.indexOf(delivery), 1);
    return due;
  }

  /** One attempt; a failure is queued for a retry or dead-lettered, never thrown. */
  async attempt(delivery: Delivery): Promise<void> {
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

  deadLetters(): readonly LocalDeadLetter[] {
    return [...this.deadLettered];
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
}

export function newDelivery(stored: StoredSchedule, occurrence: number): Delivery {
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

/** Earliest occurrence first; of one occurrence, the earliest attempt. */
export function byScheduledTime(a: Delivery, b: Delivery): number {
  return a.scheduledTime - b.scheduledTime || a.nextAttemptAt - b.nextAttemptAt;
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

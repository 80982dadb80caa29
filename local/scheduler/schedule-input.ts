/** The checks EventBridge makes on the fields Countersign sends, with ValidationException as it answers. */
import { type CreateScheduleInput, type Target, ValidationException } from '@aws-sdk/client-scheduler';
import {
  canonicalTimeZone,
  parseScheduleExpression,
  ScheduleExpressionError,
} from '../../lambdas/core/schedules';
import type { ValidSchedule } from './stored-schedule';

export const DEFAULT_GROUP = 'default';

const MINUTE_MS = 60_000;
const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]+$/;
/** Templated targets whose input must be well-formed JSON. */
const JSON_INPUT_TARGET = /^arn:aws[a-z-]*:(states|lambda|events):/;

export function validateScheduleInput(input: CreateScheduleInput, now: Date): ValidSchedule {
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

/** What the SDK's deserializer gives its error classes: the message twice, and response metadata. */
export function errorOptions(message: string) {
  return { message, Message: message, $metadata: {} };
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

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

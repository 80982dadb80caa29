import {
  ConflictException,
  type CreateScheduleInput,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { toCreateScheduleInput } from '../../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
} from '../../lambdas/adapters/eventbridge-scheduler/scheduler-client';
import { LocalScheduler } from '../../local/local-scheduler';
import { CONFIG, ID, scheduledJob } from '../support/local-scheduler-harness';

describe('Class: LocalScheduler, as the EventBridge Scheduler API', () => {
  const now = new Date('2026-01-15T12:00:00Z');
  const job = scheduledJob({ name: 'daily', interval: 'daily', start_time: '2026-01-16T09:00:00Z' }, now);
  const input = toCreateScheduleInput(job, CONFIG, now);

  function emulator() {
    return new LocalScheduler({ clock: { now: () => now }, invokeTarget: async () => undefined });
  }

  it('returns from GetSchedule what CreateSchedule was given', async () => {
    // Prepare
    const scheduler = emulator();

    // Act
    await scheduler.send(new CreateScheduleCommand(input));
    const schedule = await scheduler.send(new GetScheduleCommand({ Name: ID, GroupName: CONFIG.groupName }));

    // Assess
    expect(schedule).toMatchObject({
      Arn: `arn:aws:scheduler:local:000000000000:schedule/${CONFIG.groupName}/${ID}`,
      Name: ID,
      GroupName: CONFIG.groupName,
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      StartDate: new Date('2026-01-16T09:00:00Z'),
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: input.Target,
      CreationDate: now,
    });
  });

  it('answers a second CreateSchedule of the same name with ConflictException', async () => {
    // Prepare
    const scheduler = emulator();
    await scheduler.send(new CreateScheduleCommand(input));

    // Act
    const again = scheduler.send(new CreateScheduleCommand(input));

    // Assess
    await expect(again).rejects.toBeInstanceOf(ConflictException);
  });

  it.each([
    ['UpdateSchedule', () => new UpdateScheduleCommand(input)],
    ['DeleteSchedule', () => new DeleteScheduleCommand({ Name: ID, GroupName: CONFIG.groupName })],
    ['GetSchedule', () => new GetScheduleCommand({ Name: ID, GroupName: CONFIG.groupName })],
  ])('answers %s of a missing schedule with ResourceNotFoundException', async (_, command) => {
    // Act
    const result = emulator().send(command());

    // Assess
    await expect(result).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it.each<[string, Partial<CreateScheduleInput>]>([
    ['an expression that does not parse', { ScheduleExpression: 'cron(0 9 * * * *)' }],
    ['rate(), which the evaluator does not support', { ScheduleExpression: 'rate(5 minutes)' }],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus_Mons' }],
    ['no FlexibleTimeWindow', { FlexibleTimeWindow: undefined }],
    ['a name outside [0-9a-zA-Z-_.]', { Name: 'has spaces' }],
    ['a recurring StartDate more than 5 minutes ago', { StartDate: new Date('2026-01-15T11:54:59Z') }],
    [
      'a target input that is not JSON',
      { Target: { ...input.Target, Arn: CONFIG.targetArn, RoleArn: CONFIG.roleArn, Input: '{' } },
    ],
  ])('answers %s with ValidationException', async (_, change) => {
    // Act
    const result = emulator().send(new CreateScheduleCommand({ ...input, ...change } as CreateScheduleInput));

    // Assess
    await expect(result).rejects.toBeInstanceOf(ValidationException);
  });
});

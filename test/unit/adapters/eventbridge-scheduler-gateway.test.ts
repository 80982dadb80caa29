import {
  ConflictException,
  type CreateScheduleInput,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventBridgeScheduleGateway,
  toCreateScheduleInput,
} from '../../../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
} from '../../../lambdas/adapters/eventbridge-scheduler/scheduler-client';
import type { ScheduledJob } from '../../../lambdas/core/scheduled-jobs';
import type { ScheduleRequest } from '../../../lambdas/core/schedules';
import { mockCommands } from '../../support/command-mock';
import { scheduledJob as harnessScheduledJob, ID } from '../../support/local-scheduler-harness';

const NOW = new Date('2026-01-15T12:00:00Z');
const CONFIG = {
  groupName: 'countersign-prod',
  targetArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:RunJob',
  roleArn: 'arn:aws:iam::123456789012:role/countersign-scheduler',
  deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:countersign-scheduler-dlq',
};
const TARGET = {
  Arn: CONFIG.targetArn,
  RoleArn: CONFIG.roleArn,
  Input: `{"scheduled_job_id":"${ID}","scheduled_time":"<aws.scheduler.scheduled-time>"}`,
  RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
  DeadLetterConfig: { Arn: CONFIG.deadLetterQueueArn },
};

/** An approved scheduled job, built the way requests are (test/support/local-scheduler-harness.ts). */
function scheduledJob(request: ScheduleRequest, overrides: Partial<ScheduledJob> = {}): ScheduledJob {
  return harnessScheduledJob(request, NOW, {
    approvalRequired: true,
    approvalStatus: 'approved',
    decision: { outcome: 'approved', user: 'bob', at: NOW.toISOString() },
    ...overrides,
  });
}

function expectedInput(fields: Partial<CreateScheduleInput>): CreateScheduleInput {
  return {
    Name: ID,
    GroupName: CONFIG.groupName,
    Description: 'local/example/MyJob: nightly',
    ActionAfterCompletion: 'NONE',
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: 'ENABLED',
    Target: TARGET,
    ...fields,
  } as CreateScheduleInput;
}

describe('Class: EventBridgeScheduleGateway', () => {
  const schedulerMock = mockCommands();
  const gateway = new EventBridgeScheduleGateway({
    client: schedulerMock.client,
    ...CONFIG,
    clock: { now: () => NOW },
  });

  afterEach(() => {
    schedulerMock.reset();
  });

  describe('Method: put', () => {
    it.each([
      {
        case: 'future in UTC: at() in UTC, deleted after it fires, no StartDate',
        request: { interval: 'future', start_time: '2030-01-01T01:00:00Z', time_zone: 'UTC' },
        expected: {
          ScheduleExpression: 'at(2030-01-01T01:00:00)',
          ScheduleExpressionTimezone: 'UTC',
          ActionAfterCompletion: 'DELETE',
        },
      },
      {
        case: 'future in New York: at() is the wall-clock time there',
        request: { interval: 'future', start_time: '2030-07-04T13:30:00Z', time_zone: 'America/New_York' },
        expected: {
          ScheduleExpression: 'at(2030-07-04T09:30:00)',
          ScheduleExpressionTimezone: 'America/New_York',
          ActionAfterCompletion: 'DELETE',
        },
      },
      {
        case: 'hourly: at the start minute, from the start time',
        request: { interval: 'hourly', start_time: '2026-02-01T10:15:00Z' },
        expected: {
          ScheduleExpression: 'cron(15 * * * ? *)',
          ScheduleExpressionTimezone: 'UTC',
          StartDate: new Date('2026-02-01T10:15:00Z'),
        },
      },
      {
        case: 'daily 09:00 in New York',
        request: {
          interval: 'daily',
          start_time: '2026-02-02T09:00:00-05:00',
          time_zone: 'America/New_York',
        },
        expected: {
          ScheduleExpression: 'cron(0 9 * * ? *)',
          ScheduleExpressionTimezone: 'America/New_York',
          StartDate: new Date('2026-02-02T14:00:00Z'),
        },
      },
      {
        case: 'weekly on Monday in London (EventBridge counts Monday as 2)',
        request: { interval: 'weekly', start_time: '2026-02-02T08:30:00Z', time_zone: 'Europe/London' },
        expected: {
          ScheduleExpression: 'cron(30 8 ? * 2 *)',
          ScheduleExpressionTimezone: 'Europe/London',
          StartDate: new Date('2026-02-02T08:30:00Z'),
        },
      },
      {
        case: 'custom */15 9-17 * * 1-5 in Sydney, no start time',
        request: { interval: 'custom', crontab: '*/15 9-17 * * 1-5', time_zone: 'Australia/Sydney' },
        expected: {
          ScheduleExpression: 'cron(0/15 9-17 ? * 2-6 *)',
          ScheduleExpressionTimezone: 'Australia/Sydney',
        },
      },
      {
        case: 'custom with Sunday written as 0',
        request: { interval: 'custom', crontab: '0 12 * * 0' },
        expected: { ScheduleExpression: 'cron(0 12 ? * 1 *)', ScheduleExpressionTimezone: 'UTC' },
      },
      {
        case: 'custom with Sunday written as 7',
        request: { interval: 'custom', crontab: '0 12 * * 7' },
        expected: { ScheduleExpression: 'cron(0 12 ? * 1 *)', ScheduleExpressionTimezone: 'UTC' },
      },
      {
        case: 'custom Friday to Sunday, 7 closing the range',
        request: { interval: 'custom', crontab: '0 12 * * 5-7' },
        expected: { ScheduleExpression: 'cron(0 12 ? * 1,6,7 *)', ScheduleExpressionTimezone: 'UTC' },
      },
    ] as const)('sends CreateSchedule for $case', async ({ request, expected }) => {
      // Prepare
      schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });

      // Act
      await gateway.put(scheduledJob({ name: 'nightly', ...request }));

      // Assess
      expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual(
        expectedInput(expected),
      );
      expect(schedulerMock.calls()).toHaveLength(1);
    });

    it('sends a disabled job as a DISABLED schedule', async () => {
      // Prepare
      schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
      const job = scheduledJob(
        {
          name: 'nightly',
          interval: 'daily',
          start_time: '2026-02-02T09:00:00-05:00',
          time_zone: 'America/New_York',
        },
        { enabled: false },
      );

      // Act
      await gateway.put(job);

      // Assess
      expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual(
        expectedInput({
          ScheduleExpression: 'cron(0 9 * * ? *)',
          ScheduleExpressionTimezone: 'America/New_York',
          StartDate: new Date('2026-02-02T14:00:00Z'),
          State: 'DISABLED',
        }),
      );
    });

    it('replaces an existing schedule with UpdateSchedule and the same fields on ConflictException', async () => {
      // Prepare
      schedulerMock
        .on(CreateScheduleCommand)
        .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
      schedulerMock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
      const job = scheduledJob({ name: 'nightly', interval: 'hourly', start_time: '2026-02-01T10:15:00Z' });

      // Act
      await gateway.put({ ...job, enabled: false });

      // Assess
      const created = schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
      const updated = schedulerMock.commandCalls(UpdateScheduleCommand)[0]?.args[0].input;
      expect(updated).toEqual(created);
      expect(updated).toEqual(
        expectedInput({
          ScheduleExpression: 'cron(15 * * * ? *)',
          ScheduleExpressionTimezone: 'UTC',
          StartDate: new Date('2026-02-01T10:15:00Z'),
          State: 'DISABLED',
        }),
      );
    });

    it('leaves out a recurring StartDate that has passed, which EventBridge would refuse', async () => {
      // Prepare
      schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
      const job = scheduledJob({ name: 'nightly', interval: 'hourly', start_time: '2026-02-01T10:15:00Z' });
      const later = new EventBridgeScheduleGateway({
        client: schedulerMock.client,
        ...CONFIG,
        clock: { now: () => new Date('2026-03-01T00:00:00Z') },
      });

      // Act
      await later.put(job);

      // Assess
      expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual(
        expectedInput({ ScheduleExpression: 'cron(15 * * * ? *)', ScheduleExpressionTimezone: 'UTC' }),
      );
    });

    it('sends the EndDate of a schedule that has one, and refuses an unreadable one', async () => {
      // Prepare
      schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
      const job = scheduledJob({ name: 'nightly', interval: 'hourly', start_time: '2026-02-01T10:15:00Z' });
      const schedule = job.schedule ?? expect.fail('an hourly job has a schedule');

      // Act
      await gateway.put({ ...job, schedule: { ...schedule, endDate: '2026-03-01T00:00:00.000Z' } });
      const unreadable = gateway.put({ ...job, schedule: { ...schedule, endDate: 'next spring' } });

      // Assess
      expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual(
        expectedInput({
          ScheduleExpression: 'cron(15 * * * ? *)',
          ScheduleExpressionTimezone: 'UTC',
          StartDate: new Date('2026-02-01T10:15:00Z'),
          EndDate: new Date('2026-03-01T00:00:00Z'),
        }),
      );
      await expect(unreadable).rejects.toThrow(
        `Scheduled job ${ID} has an unreadable end date "next spring".`,
      );
      expect(schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(1);
    });

    it('creates again when the schedule vanished between CreateSchedule and UpdateSchedule', async () => {
      // Prepare
      schedulerMock
        .on(CreateScheduleCommand)
        .rejectsOnce(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }))
        .resolves({ ScheduleArn: 'arn' });
      schedulerMock
        .on(UpdateScheduleCommand)
        .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));

      // Act
      await gateway.put(
        scheduledJob({ name: 'nightly', interval: 'hourly', start_time: '2026-02-01T10:15:00Z' }),
      );

      // Assess
      expect(schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(2);
      expect(schedulerMock.commandCalls(UpdateScheduleCommand)).toHaveLength(1);
    });

    it('passes on any other error', async () => {
      // Prepare
      schedulerMock
        .on(CreateScheduleCommand)
        .rejects(new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} }));

      // Act
      const put = gateway.put(
        scheduledJob({ name: 'nightly', interval: 'hourly', start_time: '2026-02-01T10:15:00Z' }),
      );

      // Assess
      await expect(put).rejects.toThrow('slow down');
      expect(schedulerMock.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    });

    it('refuses a scheduled job without a schedule, sending nothing', async () => {
      // Prepare
      const job = scheduledJob({ name: 'nightly', interval: 'hourly', start_time: '2026-02-01T10:15:00Z' });

      // Act
      const put = gateway.put({ ...job, interval: 'immediately', schedule: undefined });

      // Assess
      await expect(put).rejects.toThrow(`Scheduled job ${ID} (immediately) has no schedule`);
      expect(schedulerMock.calls()).toHaveLength(0);
    });

    it('refuses an id that is not a UUID, sending nothing', async () => {
      // Prepare
      const job = scheduledJob({ name: 'nightly', interval: 'hourly', start_time: '2026-02-01T10:15:00Z' });

      // Act
      const put = gateway.put({ ...job, id: 'nightly/../other' });

      // Assess
      await expect(put).rejects.toThrow('Scheduled job id "nightly/../other" is not a UUID');
      expect(schedulerMock.calls()).toHaveLength(0);
    });
  });

  describe('Method: delete', () => {
    it('deletes the schedule named by the id in the group', async () => {
      // Prepare
      schedulerMock.on(DeleteScheduleCommand).resolves({});

      // Act
      await gateway.delete(ID);

      // Assess
      expect(schedulerMock.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
        Name: ID,
        GroupName: CONFIG.groupName,
      });
    });

    it('treats a schedule that is already gone as deleted', async () => {
      // Prepare
      schedulerMock
        .on(DeleteScheduleCommand)
        .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));

      // Act
      const deletion = gateway.delete(ID);

      // Assess
      await expect(deletion).resolves.toBeUndefined();
    });

    it('passes on any other error', async () => {
      // Prepare
      schedulerMock
        .on(DeleteScheduleCommand)
        .rejects(new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} }));

      // Act
      const deletion = gateway.delete(ID);

      // Assess
      await expect(deletion).rejects.toThrow('slow down');
    });

    it('refuses an id that is not a UUID, sending nothing', async () => {
      // Act
      const deletion = gateway.delete('not-a-uuid');

      // Assess
      await expect(deletion).rejects.toThrow('is not a UUID');
      expect(schedulerMock.calls()).toHaveLength(0);
    });
  });

  describe('Method: describe', () => {
    it.each(['ENABLED', 'DISABLED'] as const)('reads a %s schedule by the id in the group', async (state) => {
      // Prepare
      schedulerMock.on(GetScheduleCommand).resolves({
        Name: ID,
        GroupName: CONFIG.groupName,
        State: state,
        Target: { Arn: CONFIG.targetArn, RoleArn: CONFIG.roleArn },
      });

      // Act
      const described = await gateway.describe(ID);

      // Assess
      expect(described).toEqual({ state, currentTarget: true });
      expect(schedulerMock.calls()).toHaveLength(1);
      expect(schedulerMock.commandCalls(GetScheduleCommand)[0]?.args[0].input).toEqual({
        Name: ID,
        GroupName: CONFIG.groupName,
      });
    });

    it('tells a schedule that invokes an earlier target (the state machine itself) from a current one', async () => {
      // Prepare
      schedulerMock.on(GetScheduleCommand).resolves({
        Name: ID,
        GroupName: CONFIG.groupName,
        State: 'ENABLED',
        Target: { Arn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Old', RoleArn: CONFIG.roleArn },
      });

      // Act
      const described = await gateway.describe(ID);

      // Assess
      expect(described).toEqual({ state: 'ENABLED', currentTarget: false });
    });

    it('answers undefined for a schedule that does not exist', async () => {
      // Prepare
      schedulerMock
        .on(GetScheduleCommand)
        .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));

      // Act
      const described = await gateway.describe(ID);

      // Assess
      expect(described).toBeUndefined();
    });

    it('passes on any other error', async () => {
      // Prepare
      schedulerMock
        .on(GetScheduleCommand)
        .rejects(new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} }));

      // Act
      const described = gateway.describe(ID);

      // Assess
      await expect(described).rejects.toThrow('slow down');
    });

    it('refuses an id that is not a UUID, sending nothing', async () => {
      // Act
      const described = gateway.describe('not-a-uuid');

      // Assess
      await expect(described).rejects.toThrow('is not a UUID');
      expect(schedulerMock.calls()).toHaveLength(0);
    });
  });
});

describe('Function: toCreateScheduleInput', () => {
  it('keeps the description within the 512 characters EventBridge allows', () => {
    // Prepare
    const job = scheduledJob(
      { name: 'nightly', interval: 'hourly', start_time: '2026-02-01T10:15:00Z' },
      { name: 'é'.repeat(600) },
    );

    // Act
    const input = toCreateScheduleInput(job, CONFIG, NOW);

    // Assess
    expect(Array.from(input.Description ?? '')).toHaveLength(512);
  });
});

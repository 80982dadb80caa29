import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  EventBridgeScheduleGateway,
  toCreateScheduleInput,
} from '../../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import type { Clock } from '../../lambdas/core/ports';
import type { ScheduledJob } from '../../lambdas/core/scheduled-jobs';
import {
  type ScheduleRequest,
  toSchedulerInput,
  validateScheduleRequest,
} from '../../lambdas/core/schedules';
import { LOCAL_SCHEDULER, LocalScheduler, type LocalSchedulerProps } from '../../local/local-scheduler';

const ID = '3f2b8c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d';
const CONFIG = {
  ...LOCAL_SCHEDULER,
  targetArn: 'arn:aws:states:local:000000000000:stateMachine:countersign-run-job',
};
const HOUR_MS = 3_600_000;

class SettableClock implements Clock {
  private current: number;

  constructor(iso: string) {
    this.current = Date.parse(iso);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = Date.parse(iso);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

interface Invocation {
  readonly targetArn: string;
  readonly input: { readonly scheduled_job_id: string; readonly scheduled_time: string };
}

/** The emulator and the real gateway on one fake clock, recording every target invocation. */
function harness(start: string, options: { directory?: string; failures?: number } = {}) {
  const clock = new SettableClock(start);
  const invocations: Invocation[] = [];
  let failuresLeft = options.failures ?? 0;
  const props: LocalSchedulerProps = {
    clock,
    directory: options.directory,
    invokeTarget: async (targetArn, input) => {
      invocations.push({ targetArn, input: JSON.parse(input) });
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('state machine unavailable');
      }
    },
    onError: () => undefined,
  };
  const scheduler = new LocalScheduler(props);
  const gateway = new EventBridgeScheduleGateway({ client: scheduler, ...CONFIG, clock });
  const firedAt = () => invocations.map((invocation) => invocation.input.scheduled_time);
  /** Moves the clock forward in steps, letting the scheduler look for due occurrences after each. */
  const runUntil = async (iso: string, stepMs = 15 * 60_000) => {
    const end = Date.parse(iso);
    while (clock.now().getTime() < end) {
      clock.set(new Date(Math.min(clock.now().getTime() + stepMs, end)).toISOString());
      await scheduler.runDue();
    }
  };
  return { clock, invocations, firedAt, scheduler, gateway, props, runUntil };
}

/** The path a request takes in production: validated schedule → toSchedulerInput → ScheduledJob.schedule. */
function scheduledJob(
  request: ScheduleRequest,
  now: Date,
  overrides: Partial<ScheduledJob> = {},
): ScheduledJob {
  const validated = validateScheduleRequest(request, now);
  if (!validated.ok) throw new Error(`Invalid test schedule: ${JSON.stringify(validated.errors)}`);
  const { schedule } = validated;
  const scheduler = toSchedulerInput(schedule);
  return {
    id: ID,
    name: schedule.name ?? '',
    jobPath: 'local/example/MyJob',
    interval: schedule.interval,
    startTime: schedule.startTime?.toISOString(),
    timeZone: schedule.timeZone,
    crontab: schedule.crontab,
    oneOff: schedule.interval === 'future',
    enabled: true,
    user: 'alice',
    data: {},
    totalRunCount: 0,
    dateCreated: now.toISOString(),
    approvalRequired: false,
    approvalStatus: 'not_required',
    history: [],
    schedule: {
      expression: scheduler.scheduleExpression,
      timeZone: scheduler.scheduleExpressionTimezone,
      startDate: scheduler.startDate?.toISOString(),
      actionAfterCompletion: scheduler.actionAfterCompletion,
    },
    claims: {},
    ...overrides,
  };
}

const directories: string[] = [];

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'local-scheduler-'));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('Class: LocalScheduler, driven by EventBridgeScheduleGateway', () => {
  it('fires a future run exactly once at its time, not before, then deletes the schedule', async () => {
    // Prepare
    const { clock, invocations, scheduler, gateway } = harness('2026-01-15T12:00:00Z');
    await gateway.put(
      scheduledJob({ name: 'once', interval: 'future', start_time: '2026-01-15T12:30:00Z' }, clock.now()),
    );

    // Act
    clock.set('2026-01-15T12:29:59.999Z');
    await scheduler.runDue();
    const beforeItsTime = invocations.length;
    clock.set('2026-01-15T12:30:00Z');
    await scheduler.runDue();
    clock.set('2026-01-15T14:00:00Z');
    await scheduler.runDue();

    // Assess
    expect(beforeItsTime).toBe(0);
    expect(invocations).toEqual([
      {
        targetArn: CONFIG.targetArn,
        input: { scheduled_job_id: ID, scheduled_time: '2026-01-15T12:30:00Z' },
      },
    ]);
    expect(scheduler.list()).toEqual([]);
  });

  it('fires a future run in New York at its wall-clock time there', async () => {
    // Prepare
    const { clock, firedAt, gateway, runUntil } = harness('2026-06-01T00:00:00Z');
    const request: ScheduleRequest = {
      name: 'once',
      interval: 'future',
      start_time: '2026-07-04T09:30:00-04:00',
      time_zone: 'America/New_York',
    };
    await gateway.put(scheduledJob(request, clock.now()));

    // Act
    await runUntil('2026-07-05T00:00:00Z', HOUR_MS);

    // Assess
    expect(firedAt()).toEqual(['2026-07-04T13:30:00Z']);
  });

  it('keeps a daily 09:00 New York job at 09:00 across the March DST change: 14:00Z, then 13:00Z', async () => {
    // Prepare
    const { clock, firedAt, gateway, runUntil } = harness('2026-03-05T12:00:00Z');
    const request: ScheduleRequest = {
      name: 'daily',
      interval: 'daily',
      start_time: '2026-03-06T09:00:00-05:00',
      time_zone: 'America/New_York',
    };
    await gateway.put(scheduledJob(request, clock.now()));

    // Act
    await runUntil('2026-03-10T00:00:00Z');

    // Assess
    expect(firedAt()).toEqual([
      '2026-03-06T14:00:00Z',
      '2026-03-07T14:00:00Z',
      '2026-03-08T13:00:00Z',
      '2026-03-09T13:00:00Z',
    ]);
  });

  it('runs an hourly New York job once in the repeated hour of the November fall-back', async () => {
    // Prepare: 2026-11-01, 02:00 EDT becomes 01:00 EST; AWS runs a repeated wall-clock time once.
    const { clock, firedAt, gateway, runUntil } = harness('2026-11-01T02:30:00Z');
    const request: ScheduleRequest = {
      name: 'hourly',
      interval: 'hourly',
      start_time: '2026-10-31T23:00:00-04:00',
      time_zone: 'America/New_York',
    };
    await gateway.put(scheduledJob(request, clock.now()));

    // Act
    await runUntil('2026-11-01T09:30:00Z', 60_000);

    // Assess: 23:00 EDT, 00:00 EDT, 01:00 EDT, (01:00 EST not again), 02:00 EST, 03:00 EST, 04:00 EST
    expect(firedAt()).toEqual([
      '2026-11-01T03:00:00Z',
      '2026-11-01T04:00:00Z',
      '2026-11-01T05:00:00Z',
      '2026-11-01T07:00:00Z',
      '2026-11-01T08:00:00Z',
      '2026-11-01T09:00:00Z',
    ]);
  });

  it('stops firing when paused, and after resuming fires the next occurrence only, not the missed ones', async () => {
    // Prepare
    const { clock, firedAt, gateway, runUntil } = harness('2026-01-01T00:00:00Z');
    const job = scheduledJob(
      { name: 'daily', interval: 'daily', start_time: '2026-01-01T09:00:00Z' },
      clock.now(),
    );
    await gateway.put(job);
    await runUntil('2026-01-01T10:00:00Z');

    // Act
    await gateway.put({ ...job, enabled: false });
    await runUntil('2026-01-03T12:00:00Z');
    const whilePaused = firedAt().length;
    await gateway.put(job);
    await runUntil('2026-01-04T10:00:00Z');

    // Assess
    expect(whilePaused).toBe(1);
    expect(firedAt()).toEqual(['2026-01-01T09:00:00Z', '2026-01-04T09:00:00Z']);
  });

  it('stops firing once deleted, and deleting again is fine', async () => {
    // Prepare
    const { clock, firedAt, scheduler, gateway, runUntil } = harness('2026-01-01T00:00:00Z');
    await gateway.put(
      scheduledJob({ name: 'hourly', interval: 'hourly', start_time: '2026-01-01T00:30:00Z' }, clock.now()),
    );
    await runUntil('2026-01-01T02:00:00Z');

    // Act
    await gateway.delete(ID);
    await runUntil('2026-01-01T06:00:00Z');
    await gateway.delete(ID);

    // Assess
    expect(firedAt()).toEqual(['2026-01-01T00:30:00Z', '2026-01-01T01:30:00Z']);
    expect(scheduler.list()).toEqual([]);
  });

  it('describes a schedule by its state, and a missing one as undefined', async () => {
    // Prepare
    const { clock, gateway } = harness('2026-01-01T00:00:00Z');
    const job = scheduledJob(
      { name: 'daily', interval: 'daily', start_time: '2026-01-01T09:00:00Z' },
      clock.now(),
    );

    // Act
    const before = await gateway.describe(ID);
    await gateway.put(job);
    const created = await gateway.describe(ID);
    await gateway.put({ ...job, enabled: false });
    const paused = await gateway.describe(ID);

    // Assess
    expect([before, created, paused]).toEqual([undefined, { state: 'ENABLED' }, { state: 'DISABLED' }]);
  });

  it('keeps schedules across a restart on the same directory and fires them from the new process', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const first = harness('2026-01-01T00:00:00Z', { directory });
    await first.gateway.put(
      scheduledJob(
        { name: 'daily', interval: 'daily', start_time: '2026-01-01T09:00:00Z' },
        first.clock.now(),
      ),
    );
    await first.runUntil('2026-01-01T10:00:00Z');
    await first.scheduler.stop();

    // Act
    const second = harness('2026-01-01T10:00:00Z', { directory });
    const restored = second.scheduler.list();
    await second.runUntil('2026-01-02T10:00:00Z');

    // Assess
    expect(restored).toEqual(first.scheduler.list());
    expect(restored[0]).toMatchObject({
      name: ID,
      expression: 'cron(0 9 * * ? *)',
      lastFired: '2026-01-01T09:00:00.000Z',
    });
    expect(first.firedAt()).toEqual(['2026-01-01T09:00:00Z']);
    expect(second.firedAt()).toEqual(['2026-01-02T09:00:00Z']);
  });

  it('skips the occurrences that came due while the process was down', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const first = harness('2026-01-01T00:00:00Z', { directory });
    await first.gateway.put(
      scheduledJob(
        { name: 'daily', interval: 'daily', start_time: '2026-01-01T09:00:00Z' },
        first.clock.now(),
      ),
    );
    await first.scheduler.stop();

    // Act
    const second = harness('2026-01-01T12:00:00Z', { directory });
    await second.runUntil('2026-01-02T10:00:00Z');

    // Assess
    expect(second.firedAt()).toEqual(['2026-01-02T09:00:00Z']);
  });

  it('retries a failing target with backoff and delivers the occurrence once it succeeds', async () => {
    // Prepare
    const { clock, firedAt, scheduler, gateway } = harness('2026-01-15T12:00:00Z', { failures: 2 });
    await gateway.put(
      scheduledJob({ name: 'once', interval: 'future', start_time: '2026-01-15T12:30:00Z' }, clock.now()),
    );

    // Act
    clock.set('2026-01-15T12:30:00Z');
    await scheduler.runDue();
    await scheduler.runDue();
    const beforeBackoff = firedAt().length;
    clock.advance(1000);
    await scheduler.runDue();
    clock.advance(2000);
    await scheduler.runDue();
    clock.advance(HOUR_MS);
    await scheduler.runDue();

    // Assess
    expect(beforeBackoff).toBe(1);
    expect(firedAt()).toEqual(['2026-01-15T12:30:00Z', '2026-01-15T12:30:00Z', '2026-01-15T12:30:00Z']);
    expect(scheduler.deadLetters()).toEqual([]);
  });

  it('dead-letters an occurrence once the retry policy is spent, and keeps firing others', async () => {
    // Prepare
    const { clock, invocations, scheduler, gateway } = harness('2026-01-15T12:00:00Z', { failures: 1000 });
    await gateway.put(
      scheduledJob({ name: 'once', interval: 'future', start_time: '2026-01-15T12:30:00Z' }, clock.now()),
    );
    clock.set('2026-01-15T12:30:00Z');

    // Act
    for (let minute = 0; minute < 30; minute++) {
      await scheduler.runDue();
      clock.advance(60_000);
    }

    // Assess: the first attempt and the 10 retries the gateway asks for
    expect(invocations).toHaveLength(11);
    expect(scheduler.deadLetters()).toEqual([
      expect.objectContaining({
        scheduleArn: `arn:aws:scheduler:local:000000000000:schedule/${CONFIG.groupName}/${ID}`,
        deadLetterQueueArn: CONFIG.deadLetterQueueArn,
        scheduledTime: '2026-01-15T12:30:00Z',
        attempts: 11,
        reason: 'retries-exhausted',
        error: 'state machine unavailable',
      }),
    ]);
  });

  it('fires due occurrences on its own timer once started', async () => {
    // Prepare
    const { clock, firedAt, scheduler, gateway } = harness('2026-01-15T12:00:00Z');
    await gateway.put(
      scheduledJob({ name: 'once', interval: 'future', start_time: '2026-01-15T12:30:00Z' }, clock.now()),
    );
    clock.set('2026-01-15T12:30:00Z');

    // Act
    scheduler.start();
    await vi.waitFor(() => expect(firedAt()).toHaveLength(1), { timeout: 1000, interval: 20 });
    await scheduler.stop();

    // Assess
    expect(firedAt()).toEqual(['2026-01-15T12:30:00Z']);
  });
});

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

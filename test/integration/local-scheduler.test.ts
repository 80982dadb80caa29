import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toCreateScheduleInput } from '../../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import { CreateScheduleCommand } from '../../lambdas/adapters/eventbridge-scheduler/scheduler-client';
import type { ScheduleRequest } from '../../lambdas/core/schedules';
import { CONFIG, HOUR_MS, harness, ID, scheduledJob } from '../support/local-scheduler-harness';

const directories: string[] = [];

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'local-scheduler-'));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  vi.useRealTimers();
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
    expect([before, created, paused]).toEqual([
      undefined,
      { state: 'ENABLED', currentTarget: true },
      { state: 'DISABLED', currentTarget: true },
    ]);
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

  it('dead-letters an occurrence once it is older than the maximum event age, however many retries are left', async () => {
    // Prepare: a one-minute event age, and retries after 1, 2, 4, 8 and 16 seconds; the next would be 32 s later, at 63 s.
    const { clock, invocations, scheduler } = harness('2026-01-15T12:00:00Z', { failures: 1000 });
    const job = scheduledJob(
      { name: 'once', interval: 'future', start_time: '2026-01-15T12:30:00Z' },
      clock.now(),
    );
    const input = toCreateScheduleInput(job, CONFIG, clock.now());
    await scheduler.send(
      new CreateScheduleCommand({
        ...input,
        Target: { ...input.Target, RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 185 } },
      } as typeof input),
    );
    clock.set('2026-01-15T12:30:00Z');

    // Act
    for (let second = 0; second <= 120; second++) {
      await scheduler.runDue();
      clock.advance(1000);
    }

    // Assess
    expect(invocations).toHaveLength(6);
    expect(scheduler.deadLetters()).toEqual([
      expect.objectContaining({
        scheduledTime: '2026-01-15T12:30:00Z',
        attempts: 6,
        reason: 'event-too-old',
        error: 'state machine unavailable',
        at: '2026-01-15T12:30:31.000Z',
      }),
    ]);
  });

  it('fires due occurrences on its own timer once started, and no more once stopped', async () => {
    // Prepare: the timer is faked, so each tick happens when the test says and not by luck.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { clock, firedAt, scheduler, gateway } = harness('2026-01-15T12:00:00Z');
    await gateway.put(
      scheduledJob({ name: 'hourly', interval: 'hourly', start_time: '2026-01-15T12:30:00Z' }, clock.now()),
    );
    clock.set('2026-01-15T12:30:00Z');

    // Act
    scheduler.start();
    const beforeTheFirstTick = firedAt().length;
    await vi.advanceTimersByTimeAsync(249);
    const justBeforeTheFirstTick = firedAt().length;
    await vi.advanceTimersByTimeAsync(1);
    await scheduler.stop(); // waits for the pass the tick began
    const afterTheFirstTick = firedAt().length;
    clock.set('2026-01-15T14:00:00Z');
    await vi.advanceTimersByTimeAsync(10_000);

    // Assess
    expect([beforeTheFirstTick, justBeforeTheFirstTick, afterTheFirstTick]).toEqual([0, 0, 1]);
    expect(vi.getTimerCount()).toBe(0);
    expect(firedAt()).toEqual(['2026-01-15T12:30:00Z']);
  });
});

import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError, ValidationError } from '../../../lambdas/core/errors';
import { MESSAGES } from '../../../lambdas/core/messages';
import { requestJobRun } from '../../../lambdas/core/request-job-run';
import { coreDeps, runner } from '../../support/core-deps';

const alice = runner('alice');
const deps = () => coreDeps();

async function validationErrorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields;
}

describe('Function: requestJobRun', () => {
  it('runs now when there is no schedule', async () => {
    // Prepare
    const d = deps();

    // Act
    const response = await requestJobRun(d, alice, 'tests/core/MyJobWithNoVars', {});

    // Assess
    expect(response.scheduledJob).toBeNull();
    expect(response.jobResult?.status).toBe('PENDING');
    expect(d.workflow.started).toHaveLength(1);
    expect(d.scheduledJobs.items.size).toBe(0);
  });

  it('keeps a scheduled job and hands it to the scheduler for a future run', async () => {
    // Prepare
    const d = deps();

    // Act
    const response = await requestJobRun(d, alice, 'tests/core/AddNumbers', {
      data: { numbers: [1] },
      schedule: { name: 'later', interval: 'future', start_time: '2030-01-01T01:00:00Z' },
    });

    // Assess
    expect(response.jobResult).toBeNull();
    expect(response.scheduledJob).toMatchObject({
      name: 'later',
      interval: 'future',
      oneOff: true,
      enabled: true,
      user: 'alice',
      data: { numbers: [1], round: false },
      startTime: '2030-01-01T01:00:00.000Z',
      schedule: { expression: 'at(2030-01-01T01:00:00)', timeZone: 'UTC', actionAfterCompletion: 'DELETE' },
    });
    expect(d.scheduler.calls).toEqual([`put:${response.scheduledJob?.id}:ENABLED`]);
    expect(d.workflow.started).toEqual([]);
  });

  it('queues a job that requires approval without scheduling or starting it, even immediately', async () => {
    // Prepare
    const d = deps();

    // Act
    const now = await requestJobRun(d, alice, 'tests/core/RotateCredentials', { data: { service: 'db' } });
    const later = await requestJobRun(d, alice, 'tests/core/RotateCredentials', {
      data: { service: 'db' },
      schedule: { name: 'rotate nightly', interval: 'daily', start_time: '2026-11-26T02:00:00Z' },
    });

    // Assess
    expect(now.scheduledJob).toMatchObject({
      interval: 'immediately',
      approvalRequired: true,
      schedule: undefined,
    });
    expect(later.scheduledJob?.approvalRequired).toBe(true);
    expect(d.scheduler.calls).toEqual([]);
    expect(d.workflow.started).toEqual([]);
  });

  it('lets a dry run of a job that supports it run now without approval', async () => {
    const d = deps();
    const response = await requestJobRun(d, alice, 'tests/core/RotateCredentials', {
      data: { service: 'db' },
      dryrun: true,
    });
    expect(response.jobResult?.dryrun).toBe(true);
    expect(d.scheduledJobs.items.size).toBe(0);
  });

  it('merges data, schedule and dry-run errors into one answer and writes nothing', async () => {
    // Prepare
    const d = deps();

    // Act
    const fields = await validationErrorOf(
      requestJobRun(d, alice, 'tests/core/AddNumbers', {
        data: { numbers: 'x' },
        schedule: { interval: 'future', start_time: '2020-01-01T00:00:00Z' },
        dryrun: true,
      }),
    );

    // Assess
    expect(Object.keys(fields).sort()).toEqual(['data', 'dryrun', 'schedule']);
    expect(Object.keys(fields.schedule as object).sort()).toEqual(['name', 'start_time']);
    expect(d.results.items.size + d.scheduledJobs.items.size + d.scheduler.calls.length).toBe(0);
  });

  it('refuses to schedule a job with sensitive variables', async () => {
    const fields = await validationErrorOf(
      requestJobRun(deps(), alice, 'tests/core/GreetWithSecret', {
        data: { secret: 'x' },
        schedule: { name: 's', interval: 'hourly', start_time: '2030-01-01T00:00:00Z' },
      }),
    );
    expect(fields).toEqual({ schedule: { interval: [MESSAGES.sensitiveSchedule] } });
  });

  it('answers a duplicate name with a field error', async () => {
    const d = deps();
    const schedule = { name: 'twice', interval: 'future', start_time: '2030-01-01T01:00:00Z' };
    await requestJobRun(d, alice, 'tests/core/MyJobWithNoVars', { schedule });
    const fields = await validationErrorOf(
      requestJobRun(d, alice, 'tests/core/MyJobWithNoVars', { schedule }),
    );
    expect(fields).toEqual({ schedule: { name: ['A scheduled job with this name already exists.'] } });
    expect(d.scheduledJobs.items.size).toBe(1);
  });

  it('removes the scheduled job again when the scheduler refuses it', async () => {
    // Prepare
    const d = deps();
    d.scheduler.failPutWith = new Error('throttled');

    // Act & Assess
    await expect(
      requestJobRun(d, alice, 'tests/core/MyJobWithNoVars', {
        schedule: { name: 'x', interval: 'daily', start_time: '2030-01-01T01:00:00Z' },
      }),
    ).rejects.toThrow(ServiceUnavailableError);
    expect(d.scheduledJobs.items.size).toBe(0);
    expect(d.scheduledJobs.names.size).toBe(0);
  });
});

describe('Function: requestJobRun (schedule fields)', () => {
  it('refuses unknown schedule fields instead of ignoring a misspelt time zone', async () => {
    const d = deps();
    const fields = await validationErrorOf(
      requestJobRun(d, alice, 'tests/core/MyJobWithNoVars', {
        schedule: {
          name: 'typo',
          interval: 'daily',
          start_time: '2030-01-01T09:00:00Z',
          timezone: 'America/New_York',
        },
      }),
    );
    expect(fields).toEqual({ schedule: { timezone: ['This field is not allowed.'] } });
    expect(d.scheduledJobs.items.size).toBe(0);
  });
});

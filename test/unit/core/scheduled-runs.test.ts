import { describe, expect, it } from 'vitest';
import { JobCatalogue } from '../../../lambdas/core/jobs';
import { requestJobRun } from '../../../lambdas/core/request-job-run';
import { setScheduledJobEnabled } from '../../../lambdas/core/scheduled-job-management';
import {
  claimScheduledRun,
  countScheduledRun,
  occurrenceResultId,
} from '../../../lambdas/core/scheduled-runs';
import { coreCatalogue as catalogue } from '../../support/core-catalogue';
import { coreDeps, runner } from '../../support/core-deps';

const alice = runner('alice');

async function setup(jobPath = 'tests/core/AddNumbers', data: unknown = { numbers: [2] }) {
  const d = coreDeps(new Date('2030-01-01T00:00:00.000Z'));
  const { scheduledJob } = await requestJobRun(d, alice, jobPath, {
    data,
    schedule: { name: 'hourly', interval: 'hourly', start_time: '2030-01-01T01:00:00Z' },
  });
  if (!scheduledJob) throw new Error('expected a scheduled job');
  d.clock.set('2030-01-01T01:00:05.000Z');
  return { d, id: scheduledJob.id };
}

describe('Function: claimScheduledRun', () => {
  it('claims an occurrence and creates its PENDING result with the requester and input', async () => {
    // Prepare
    const { d, id } = await setup();

    // Act
    const decision = await claimScheduledRun(d, {
      scheduledJobId: id,
      scheduledTime: '2030-01-01T01:00:00Z',
      execution: 'e1',
    });

    // Assess
    const resultId = occurrenceResultId(id, '2030-01-01T01:00:00.000Z');
    expect(decision).toEqual({
      run: true,
      request: {
        jobResultId: resultId,
        jobPath: 'tests/core/AddNumbers',
        data: { numbers: [2], round: false },
        timeLimitSeconds: 60,
      },
    });
    expect(await d.results.get(resultId)).toMatchObject({
      status: 'PENDING',
      user: 'alice',
      scheduledJob: id,
    });
  });

  it('lets a retried step of the same execution through and stops a duplicate delivery', async () => {
    // Prepare
    const { d, id } = await setup();
    const occurrence = { scheduledJobId: id, scheduledTime: '2030-01-01T01:00:00Z' };
    await claimScheduledRun(d, { ...occurrence, execution: 'e1' });

    // Act
    const retried = await claimScheduledRun(d, { ...occurrence, execution: 'e1' });
    const duplicate = await claimScheduledRun(d, { ...occurrence, execution: 'e2' });

    // Assess
    expect(retried.run).toBe(true);
    expect(duplicate).toEqual({ run: false, reason: 'duplicate' });
    expect(d.results.items.size).toBe(1);
    expect(d.metrics.count('DuplicateDeliveriesRefused')).toBe(1);
  });

  it('runs nothing for a paused job, and removes the schedule of a deleted one', async () => {
    // Prepare
    const { d, id } = await setup();
    await setScheduledJobEnabled(d, alice, id, false);

    // Act
    const paused = await claimScheduledRun(d, {
      scheduledJobId: id,
      scheduledTime: '2030-01-01T01:00:00Z',
      execution: 'e1',
    });
    await d.scheduledJobs.delete(id);
    const deleted = await claimScheduledRun(d, {
      scheduledJobId: id,
      scheduledTime: '2030-01-01T01:00:00Z',
      execution: 'e2',
    });

    // Assess
    expect(paused).toEqual({ run: false, reason: 'not-runnable' });
    expect(deleted).toEqual({ run: false, reason: 'missing' });
    expect(d.scheduler.calls.at(-1)).toBe(`delete:${id}`);
    expect(d.results.items.size).toBe(0);
  });

  it('runs nothing unapproved for a job that has started requiring approval since it was scheduled', async () => {
    // Prepare
    const { d, id } = await setup();
    const now = catalogue.get('tests/core/AddNumbers');
    if (!now) throw new Error('catalogue lacks AddNumbers');
    const stricter = new JobCatalogue([{ ...now, approvalRequired: true, hasSensitiveVariables: false }]);

    // Act
    const decision = await claimScheduledRun(
      { ...d, catalogue: stricter },
      { scheduledJobId: id, scheduledTime: '2030-01-01T01:00:00Z', execution: 'e1' },
    );

    // Assess
    expect(decision).toEqual({ run: false, reason: 'not-runnable' });
    expect(d.results.items.size).toBe(0);
  });

  it('refuses an occurrence older than the deduplication window', async () => {
    const { d, id } = await setup();
    d.clock.set('2030-01-01T04:00:00.000Z');
    expect(
      await claimScheduledRun(d, {
        scheduledJobId: id,
        scheduledTime: '2030-01-01T01:00:00Z',
        execution: 'e1',
      }),
    ).toEqual({
      run: false,
      reason: 'stale',
    });
  });

  it('forgets claims that left the window as later occurrences are claimed', async () => {
    // Prepare
    const { d, id } = await setup();
    await claimScheduledRun(d, {
      scheduledJobId: id,
      scheduledTime: '2030-01-01T01:00:00Z',
      execution: 'e1',
    });
    d.clock.set('2030-01-01T05:00:00.000Z');

    // Act
    await claimScheduledRun(d, {
      scheduledJobId: id,
      scheduledTime: '2030-01-01T05:00:00Z',
      execution: 'e5',
    });

    // Assess
    expect(Object.keys((await d.scheduledJobs.get(id))?.claims ?? {})).toEqual(['2030-01-01T05:00:00.000Z']);
  });
});

describe('Function: countScheduledRun', () => {
  it('counts each claimed occurrence once, however often it is repeated', async () => {
    // Prepare
    const { d, id } = await setup();
    await claimScheduledRun(d, {
      scheduledJobId: id,
      scheduledTime: '2030-01-01T01:00:00Z',
      execution: 'e1',
    });

    // Act
    await countScheduledRun(d, { scheduledJobId: id, scheduledTime: '2030-01-01T01:00:00Z' });
    await countScheduledRun(d, { scheduledJobId: id, scheduledTime: '2030-01-01T01:00:00.000Z' });

    // Assess
    expect(await d.scheduledJobs.get(id)).toMatchObject({
      totalRunCount: 1,
      lastRunAt: '2030-01-01T01:00:05.000Z',
    });
  });
});

describe('Function: occurrenceResultId', () => {
  it('is a stable UUID per scheduled job and occurrence', () => {
    const a = occurrenceResultId('job', '2030-01-01T01:00:00.000Z');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(occurrenceResultId('job', '2030-01-01T01:00:00.000Z')).toBe(a);
    expect(occurrenceResultId('job', '2030-01-01T02:00:00.000Z')).not.toBe(a);
  });
});

import { describe, expect, it } from 'vitest';
import { CountingBusinessMetrics } from '../../../lambdas/adapters/metrics/counting-business-metrics';
import { ABANDONED_AFTER_MS, failAbandonedRuns } from '../../../lambdas/core/fail-abandoned-runs';
import type { JobResult } from '../../../lambdas/core/job-results';
import { FixedClock, InMemoryJobResultStore } from '../../support/in-memory-stores';

const result = (id: string, dateCreated: string, status: JobResult['status']): JobResult => ({
  id,
  jobPath: 'local/example/MyJobWithNoVars',
  name: 'My job',
  status,
  user: 'bob',
  dryrun: false,
  dateCreated,
  logs: [],
});

describe('Function: failAbandonedRuns', () => {
  it('fails unfinished results older than the cutoff and leaves newer and finished ones', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    const clock = new FixedClock(new Date('2026-11-25T12:00:00.000Z'));
    await results.create(result('old-pending', '2026-11-25T09:00:00.000Z', 'PENDING'));
    await results.create(result('old-started', '2026-11-25T09:30:00.000Z', 'PENDING'));
    await results.markStarted('old-started', 'exec', '2026-11-25T09:30:01.000Z');
    await results.create(result('old-done', '2026-11-25T08:00:00.000Z', 'SUCCESS'));
    await results.create(result('recent', '2026-11-25T11:59:00.000Z', 'PENDING'));

    // Act
    const failed = await failAbandonedRuns(
      { results, clock, metrics: new CountingBusinessMetrics() },
      { createdBefore: new Date(clock.now().getTime() - ABANDONED_AFTER_MS), reason: 'gone' },
    );

    // Assess
    expect(failed).toBe(2);
    expect((await results.get('old-pending'))?.status).toBe('FAILURE');
    expect((await results.get('old-started'))?.error).toBe('The run failed (Countersign.Abandoned): gone');
    expect((await results.get('old-done'))?.status).toBe('SUCCESS');
    expect((await results.get('recent'))?.status).toBe('PENDING');
  });
});

describe('Function: failAbandonedRuns (a result that cannot be failed)', () => {
  it('reports it and goes on with the rest', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    const clock = new FixedClock(new Date('2026-11-25T12:00:00.000Z'));
    await results.create(result('poison', '2026-11-25T08:00:00.000Z', 'PENDING'));
    await results.create(result('next', '2026-11-25T08:30:00.000Z', 'PENDING'));
    const finish = results.finish.bind(results);
    results.finish = async (id, outcome, at) => {
      if (id === 'poison') throw new Error('Item could not be parsed');
      return finish(id, outcome, at);
    };
    const reported: string[] = [];

    // Act
    const failed = await failAbandonedRuns(
      { results, clock, metrics: new CountingBusinessMetrics() },
      { createdBefore: clock.now(), reason: 'gone', onFailed: (id) => reported.push(id) },
    );

    // Assess
    expect(failed).toBe(1);
    expect(reported).toEqual(['poison']);
    expect((await results.get('next'))?.status).toBe('FAILURE');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { CountingBusinessMetrics } from '../../../lambdas/adapters/metrics/counting-business-metrics';
import { InputUnavailableError, SealedInputError } from '../../../lambdas/core/errors';
import { JobCatalogue } from '../../../lambdas/core/jobs';
import {
  describeWorkflowError,
  executeJob,
  markRunStarted,
  recordFailure,
  recordOutcome,
} from '../../../lambdas/core/run-steps';
import { defineJob } from '../../../lambdas/jobs/define-job';
import { coreCatalogue as catalogue } from '../../support/core-catalogue';
import {
  FixedClock,
  InMemoryInputSealer,
  InMemoryJobResultStore,
  RecordingEventPublisher,
} from '../../support/in-memory-stores';

async function startedResult(results: InMemoryJobResultStore, job = 'tests/core/MyJobWithNoVars') {
  await results.create({
    id: 'r1',
    jobPath: job,
    name: job,
    status: 'PENDING',
    user: 'bob',
    dryrun: false,
    dateCreated: '2026-11-25T12:00:00.000Z',
    logs: [],
  });
  await results.markStarted('r1', 'exec-1', '2026-11-25T12:00:01.000Z');
}

const request = (job: string, data: Record<string, unknown> = {}, timeLimitSeconds = 60) => ({
  jobResultId: 'r1',
  jobPath: job,
  data,
  user: 'bob',
  dryrun: false,
  timeLimitSeconds,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Function: executeJob', () => {
  it('returns the output and keeps the log lines', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    await startedResult(results);

    // Act
    const outcome = await executeJob(
      { catalogue, results, clock: new FixedClock(), inputSealer: new InMemoryInputSealer() },
      request('tests/core/MyJobWithNoVars'),
    );

    // Assess
    expect(outcome).toEqual({ status: 'SUCCESS', output: { greeting: 'Hello, bob.' } });
    expect((await results.get('r1'))?.logs).toEqual([
      { level: 'info', message: 'Hello, bob.', time: '2026-11-25T12:00:00.000Z' },
    ]);
  });

  it('reports a thrown error as a FAILURE outcome with the logs so far', async () => {
    const results = new InMemoryJobResultStore();
    await startedResult(results, 'tests/core/AlwaysFails');

    const outcome = await executeJob(
      { catalogue, results, clock: new FixedClock(), inputSealer: new InMemoryInputSealer() },
      request('tests/core/AlwaysFails'),
    );

    expect(outcome).toEqual({ status: 'FAILURE', error: 'This job always fails.' });
    expect((await results.get('r1'))?.logs.map((l) => [l.level, l.message])).toEqual([
      ['warning', 'About to fail on purpose.'],
      ['error', 'The job failed: This job always fails.'],
    ]);
  });

  it('stops a job at its time limit and says so', async () => {
    // Prepare: the job's seconds and its time limit pass on a fake clock
    vi.useFakeTimers();
    const results = new InMemoryJobResultStore();
    await startedResult(results, 'tests/core/SlowCountdown');

    // Act
    const running = executeJob(
      {
        catalogue,
        results,
        clock: new FixedClock(),
        inputSealer: new InMemoryInputSealer(),
        logFlushIntervalMs: 50,
      },
      request('tests/core/SlowCountdown', { seconds: 5 }, 1),
    );
    let settled = false;
    void running.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    const settledBeforeTheLimit = settled;
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await running;

    // Assess
    expect(settledBeforeTheLimit).toBe(false);
    expect(outcome).toEqual({
      status: 'FAILURE',
      error: 'The job did not finish within its time limit of 1 second.',
    });
    const logs = (await results.get('r1'))?.logs ?? [];
    expect(logs[0]?.message).toBe('5 seconds to go.');
    expect(logs.at(-1)?.level).toBe('error');
  });

  it('refuses output larger than the limit', async () => {
    const big = new JobCatalogue([
      defineJob({ path: 'local/x/Big', hasSensitiveVariables: false, run: () => 'x'.repeat(200 * 1024) }),
    ]);
    const results = new InMemoryJobResultStore();
    await startedResult(results, 'local/x/Big');

    const outcome = await executeJob(
      { catalogue: big, results, clock: new FixedClock(), inputSealer: new InMemoryInputSealer() },
      request('local/x/Big'),
    );

    expect(outcome.status).toBe('FAILURE');
  });

  it('opens sealed input for its own job result and runs the job with it', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    await startedResult(results, 'tests/core/GreetWithSecret');
    const inputSealer = new InMemoryInputSealer();
    const sealedData = await inputSealer.seal({ secret: 'hunter2' }, { jobResultId: 'r1' });

    // Act
    const outcome = await executeJob(
      { catalogue, results, clock: new FixedClock(), inputSealer },
      { ...request('tests/core/GreetWithSecret'), data: undefined, sealedData },
    );

    // Assess
    expect(outcome).toEqual({ status: 'SUCCESS', output: { length: 7 } });
  });

  it('throws, for the workflow to record, when the sealed input is not for this job result', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    await startedResult(results, 'tests/core/GreetWithSecret');
    const inputSealer = new InMemoryInputSealer();
    const sealedData = await inputSealer.seal({ secret: 'hunter2' }, { jobResultId: 'other' });

    // Act & Assess
    await expect(
      executeJob(
        { catalogue, results, clock: new FixedClock(), inputSealer },
        { ...request('tests/core/GreetWithSecret'), data: undefined, sealedData },
      ),
    ).rejects.toThrow(SealedInputError);
    expect((await results.get('r1'))?.logs.map((line) => line.message)).toEqual([
      "The job's sealed input could not be opened.",
    ]);
  });

  it('asks for a retry, logging nothing, when the key service fails to open the input', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    await startedResult(results, 'tests/core/GreetWithSecret');
    const inputSealer = new InMemoryInputSealer();
    const sealedData = await inputSealer.seal({ secret: 'hunter2' }, { jobResultId: 'r1' });
    inputSealer.open = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    };

    // Act & Assess
    await expect(
      executeJob(
        { catalogue, results, clock: new FixedClock(), inputSealer },
        { ...request('tests/core/GreetWithSecret'), data: undefined, sealedData },
      ),
    ).rejects.toThrow(InputUnavailableError);
    expect((await results.get('r1'))?.logs).toEqual([]);
  });

  it('fails cleanly for a job that left the catalogue', async () => {
    const results = new InMemoryJobResultStore();
    await startedResult(results, 'local/x/Gone');
    const outcome = await executeJob(
      { catalogue, results, clock: new FixedClock(), inputSealer: new InMemoryInputSealer() },
      request('local/x/Gone'),
    );
    expect(outcome).toEqual({
      status: 'FAILURE',
      error: 'Job "local/x/Gone" is not in this deployment\'s catalogue.',
    });
  });
});

describe('Function: markRunStarted / recordOutcome / recordFailure', () => {
  it('are idempotent for the same execution and outcome', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    const events = new RecordingEventPublisher();
    const deps = { results, clock: new FixedClock(), events, metrics: new CountingBusinessMetrics() };
    await startedResult(results);

    // Act
    await markRunStarted(deps, 'r1', 'exec-1');
    await recordOutcome(deps, 'r1', { status: 'SUCCESS', output: 1 });
    const again = await recordOutcome(deps, 'r1', { status: 'SUCCESS', output: 1 });

    // Assess
    expect(again.status).toBe('SUCCESS');
    await expect(markRunStarted(deps, 'r1', 'exec-2')).rejects.toThrow('expected state');
    expect(deps.metrics.count('RunsStarted')).toBe(1);
    // At least once: a retried step tells again, with the same content.
    expect(events.published).toEqual([
      expect.objectContaining({
        type: 'Job Run Finished',
        jobResultId: 'r1',
        status: 'SUCCESS',
        user: 'bob',
      }),
      expect.objectContaining({
        type: 'Job Run Finished',
        jobResultId: 'r1',
        status: 'SUCCESS',
        user: 'bob',
      }),
    ]);
  });

  it('finishes the run even when its notification cannot be sent', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    const events = new RecordingEventPublisher();
    events.failWith = new Error('bus unavailable');
    await startedResult(results);

    // Act
    const finished = await recordOutcome(
      { results, clock: new FixedClock(), events, metrics: new CountingBusinessMetrics() },
      'r1',
      {
        status: 'SUCCESS',
      },
    );

    // Assess
    expect(finished.status).toBe('SUCCESS');
    expect((await results.get('r1'))?.status).toBe('SUCCESS');
  });

  it('records a workflow failure once and never overwrites a finished result', async () => {
    const results = new InMemoryJobResultStore();
    const events = new RecordingEventPublisher();
    const deps = { results, clock: new FixedClock(), events, metrics: new CountingBusinessMetrics() };
    await startedResult(results);

    const failed = await recordFailure(deps, 'r1', { Error: 'States.Timeout' });
    const again = await recordFailure(deps, 'r1', { Error: 'Lambda.Unknown', Cause: 'boom' });

    expect(failed?.error).toBe('The job did not finish within its time limit.');
    expect(again?.error).toBe('The job did not finish within its time limit.');
    expect(await recordFailure(deps, 'missing', {})).toBeUndefined();
    expect(deps.metrics.snapshot()).toEqual({ 'RunsFinished{status=FAILURE}': 1 });
    expect(events.published.map((event) => event.type === 'Job Run Finished' && event.status)).toEqual([
      'FAILURE',
    ]);
  });
});

describe('Function: describeWorkflowError', () => {
  it.each([
    [
      { Error: 'Lambda.Unknown', Cause: '{"errorType":"Error","errorMessage":"out of memory"}' },
      'The run failed (Lambda.Unknown): out of memory',
    ],
    [
      { Error: 'Lambda.ServiceException', Cause: 'plain text' },
      'The run failed (Lambda.ServiceException): plain text',
    ],
    [{}, 'The run failed (Error).'],
  ])('%j → %s', (error, expected) => {
    expect(describeWorkflowError(error)).toBe(expected);
  });
});

/**
 * The demo catalogue itself. Core's tests run their own jobs (test/support/core-catalogue.ts), so
 * what the demo jobs do is checked here, each run as the run function runs it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { executeJob } from '../../../lambdas/core/run-steps';
import { catalogue } from '../../../lambdas/jobs/catalogue';
import { FixedClock, InMemoryInputSealer, InMemoryJobResultStore } from '../../support/in-memory-stores';

async function run(jobPath: string, data: Record<string, unknown> = {}, dryrun = false) {
  const results = new InMemoryJobResultStore();
  await results.create({
    id: 'r1',
    jobPath,
    name: jobPath,
    status: 'PENDING',
    user: 'bob',
    dryrun,
    dateCreated: '2026-11-25T12:00:00.000Z',
    logs: [],
  });
  await results.markStarted('r1', 'exec-1', '2026-11-25T12:00:01.000Z');
  const outcome = executeJob(
    { catalogue, results, clock: new FixedClock(), inputSealer: new InMemoryInputSealer() },
    { jobResultId: 'r1', jobPath, data, user: 'bob', dryrun, timeLimitSeconds: 900 },
  );
  return { outcome, logs: async () => (await results.get('r1'))?.logs.map((line) => line.message) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('The demo catalogue', () => {
  it('MyJobWithNoVars greets its user', async () => {
    const { outcome, logs } = await run('local/example/MyJobWithNoVars');
    expect(await outcome).toEqual({ status: 'SUCCESS', output: { greeting: 'Hello, bob.' } });
    expect(await logs()).toEqual(['Hello, bob.']);
  });

  it('AddNumbers adds, rounds when asked, and keeps a label', async () => {
    const { outcome } = await run('local/example/AddNumbers', { numbers: [1, 2.4], round: true, label: 'x' });
    expect(await outcome).toEqual({ status: 'SUCCESS', output: { sum: 3, label: 'x' } });
  });

  it('AlwaysFails fails with its message after a warning', async () => {
    const { outcome, logs } = await run('local/example/AlwaysFails');
    expect(await outcome).toEqual({ status: 'FAILURE', error: 'This job always fails.' });
    expect(await logs()).toEqual(['About to fail on purpose.', 'The job failed: This job always fails.']);
  });

  it('SlowCountdown counts down a second at a time, then lifts off', async () => {
    // Prepare: its seconds pass on a fake clock
    vi.useFakeTimers();
    const { outcome, logs } = await run('local/example/SlowCountdown', { seconds: 2 });

    // Act
    await vi.advanceTimersByTimeAsync(2000);

    // Assess
    expect(await outcome).toEqual({ status: 'SUCCESS', output: { counted: 2 } });
    expect(await logs()).toEqual(['2 seconds to go.', '1 second to go.', 'Lift-off.']);
  });

  it.each([
    [true, { service: 'db', rotated: false }, 'Dry run: would rotate the credential of db.'],
    [false, { service: 'db', rotated: true }, 'Rotated the credential of db.'],
  ])('RotateCredentials with dryrun %s only says what it would do', async (dryrun, output, line) => {
    const { outcome, logs } = await run('local/example/RotateCredentials', { service: 'db' }, dryrun);
    expect(await outcome).toEqual({ status: 'SUCCESS', output });
    expect(await logs()).toEqual([line]);
  });

  it('GreetWithSecret is sensitive and reports only the length of its secret', async () => {
    expect(catalogue.get('local/example/GreetWithSecret')?.hasSensitiveVariables).toBe(true);
    const { outcome, logs } = await run('local/example/GreetWithSecret', { secret: 'hunter2' });
    expect(await outcome).toEqual({ status: 'SUCCESS', output: { length: 7 } });
    expect(JSON.stringify(await logs())).not.toContain('hunter2');
  });
});

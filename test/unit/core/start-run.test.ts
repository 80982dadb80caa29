import { describe, expect, it } from 'vitest';
import {
  NotFoundError,
  PermissionDeniedError,
  ServiceUnavailableError,
  ValidationError,
} from '../../../lambdas/core/errors';
import { JobCatalogue } from '../../../lambdas/core/jobs';
import type { Principal } from '../../../lambdas/core/permissions';
import { authorizeRun, startImmediateRun, validateJobData } from '../../../lambdas/core/start-run';
import { defineJob } from '../../../lambdas/jobs/define-job';
import { coreCatalogue as catalogue } from '../../support/core-catalogue';
import { coreDeps } from '../../support/core-deps';

const runner: Principal = {
  username: 'bob',
  isSuperuser: false,
  permissions: ['view', 'run:tests/core/*'],
  writeEnabled: true,
};

const deps = () => coreDeps();

describe('Function: authorizeRun', () => {
  it('returns the job when the caller may run it', () => {
    expect(authorizeRun(catalogue, runner, 'tests/core/MyJobWithNoVars').path).toBe(
      'tests/core/MyJobWithNoVars',
    );
  });

  it('hides jobs the caller may not view behind a 404', () => {
    const viewer: Principal = { ...runner, permissions: ['run'] };
    expect(() => authorizeRun(catalogue, viewer, 'tests/core/MyJobWithNoVars')).toThrow(NotFoundError);
    expect(() => authorizeRun(catalogue, runner, 'tests/core/Nope')).toThrow(
      'No Job matches the given query.',
    );
  });

  it("refuses callers without run permission with Nautobot's message", () => {
    const viewer: Principal = { ...runner, permissions: ['view'] };
    expect(() => authorizeRun(catalogue, viewer, 'tests/core/MyJobWithNoVars')).toThrow(
      new PermissionDeniedError('This user does not have permission to run jobs.'),
    );
  });

  it('refuses disabled jobs', () => {
    const disabled = new JobCatalogue([
      defineJob({ path: 'tests/core/Off', enabled: false, run: () => null }),
    ]);
    expect(() => authorizeRun(disabled, runner, 'tests/core/Off')).toThrow(
      'This job is not enabled to be run.',
    );
  });
});

describe('Function: validateJobData', () => {
  const addNumbers = catalogue.get('tests/core/AddNumbers');
  if (!addNumbers) throw new Error('catalogue lacks AddNumbers');

  it('applies defaults', () => {
    expect(validateJobData(addNumbers, { numbers: [1, 2] })).toEqual({ numbers: [1, 2], round: false });
  });

  it('reports errors keyed by variable under data', () => {
    // Act
    let error: unknown;
    try {
      validateJobData(addNumbers, { numbers: ['x'], colour: 'red' });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).fields as { data: Record<string, unknown> };
    expect(Object.keys(fields.data).sort()).toEqual(['colour', 'numbers']);
    expect(fields.data.numbers).toEqual({ 0: [expect.any(String)] });
    expect(fields.data.colour).toEqual(['This job has no such variable.']);
  });

  it('treats a missing data object as no variables', () => {
    const noVars = catalogue.get('tests/core/MyJobWithNoVars');
    expect(noVars && validateJobData(noVars, undefined)).toEqual({});
  });
});

describe('Function: startImmediateRun', () => {
  it('records a PENDING result and starts the workflow named after it', async () => {
    // Prepare
    const d = deps();
    const job = authorizeRun(catalogue, runner, 'tests/core/AddNumbers');

    // Act
    const result = await startImmediateRun(d, runner, job, { numbers: [1], round: false });

    // Assess
    expect(result).toMatchObject({
      status: 'PENDING',
      user: 'bob',
      jobPath: 'tests/core/AddNumbers',
      execution: `execution:${result.id}`,
    });
    expect(d.workflow.started).toEqual([
      {
        jobResultId: result.id,
        jobPath: 'tests/core/AddNumbers',
        data: { numbers: [1], round: false },
        timeLimitSeconds: 60,
      },
    ]);
    expect((await d.results.get(result.id))?.data).toEqual({ numbers: [1], round: false });
  });

  it('hands the workflow a job without sensitive variables its plain input, and nothing sealed', async () => {
    // Prepare
    const d = deps();
    const job = authorizeRun(catalogue, runner, 'tests/core/AddNumbers');

    // Act
    await startImmediateRun(d, runner, job, { numbers: [1], round: false });

    // Assess
    expect(d.workflow.started[0]?.sealedData).toBeUndefined();
    expect(d.inputSealer.sealed.size).toBe(0);
  });

  it('never stores the input of a job with sensitive variables, and hands the workflow only its sealed form', async () => {
    // Prepare
    const d = deps();
    const job = authorizeRun(catalogue, runner, 'tests/core/GreetWithSecret');

    // Act
    const result = await startImmediateRun(d, runner, job, { secret: 'hunter2' });

    // Assess
    expect(JSON.stringify([...d.results.items.values()])).not.toContain('hunter2');
    expect(result.data).toBeUndefined();
    const [started] = d.workflow.started;
    expect(started).toEqual({
      jobResultId: result.id,
      jobPath: 'tests/core/GreetWithSecret',
      sealedData: expect.any(String),
      timeLimitSeconds: 60,
    });
    expect(JSON.stringify(started)).not.toContain('hunter2');
    expect(await d.inputSealer.open(started?.sealedData ?? '', { jobResultId: result.id })).toEqual({
      secret: 'hunter2',
    });
  });

  it('records nothing and answers unavailable when the input cannot be sealed', async () => {
    // Prepare
    const d = deps();
    d.inputSealer.seal = async () => {
      throw new Error('KMS unavailable');
    };
    const job = authorizeRun(catalogue, runner, 'tests/core/GreetWithSecret');

    // Act & Assess
    await expect(startImmediateRun(d, runner, job, { secret: 'hunter2' })).rejects.toThrow(
      ServiceUnavailableError,
    );
    expect(d.results.items.size).toBe(0);
    expect(d.workflow.started).toEqual([]);
  });

  it('marks the result FAILURE and answers unavailable when the workflow cannot start', async () => {
    // Prepare
    const d = deps();
    d.workflow.failWith = new Error('throttled');
    const job = authorizeRun(catalogue, runner, 'tests/core/MyJobWithNoVars');

    // Act & Assess
    await expect(startImmediateRun(d, runner, job, {})).rejects.toThrow(ServiceUnavailableError);
    const [stored] = [...d.results.items.values()];
    expect(stored?.status).toBe('FAILURE');
    expect(stored?.error).toMatch(/could not be started/);
  });
});

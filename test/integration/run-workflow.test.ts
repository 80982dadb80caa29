/**
 * The run workflow definition executed by the local Step Functions emulator, with the real step
 * handlers over in-memory stores, and failures injected between the workflow and its steps.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { CountingBusinessMetrics } from '../../lambdas/adapters/metrics/counting-business-metrics';
import { createRunJobHandler } from '../../lambdas/handlers/run-job-handler';
import { createRunStepHandler } from '../../lambdas/handlers/run-step-handler';
import { catalogue } from '../../lambdas/jobs/catalogue';
import type { LocalLambda } from '../../local/lambda-context';
import { LocalInputSealer } from '../../local/local-input-sealer';
import { LOCAL_FUNCTIONS, LocalWorkflow } from '../../local/local-workflow';
import { InMemoryScheduledJobStore } from '../support/in-memory-scheduled-job-store';
import {
  FixedClock,
  InMemoryInputSealer,
  InMemoryJobResultStore,
  RecordingEventPublisher,
  RecordingScheduleGateway,
} from '../support/in-memory-stores';

const logger = new Logger({ logLevel: 'SILENT' });

/** A workflow whose run-step function fails as `failStep` says before doing its work. */
async function runOnce(failStep: (action: string, call: number) => Error | undefined) {
  const results = new InMemoryJobResultStore();
  const clock = new FixedClock();
  const deps = {
    catalogue,
    results,
    clock,
    inputSealer: new InMemoryInputSealer(),
    scheduledJobs: new InMemoryScheduledJobStore(),
    scheduler: new RecordingScheduleGateway(),
    metrics: new CountingBusinessMetrics(),
    events: new RecordingEventPublisher(),
  };
  const runStep = createRunStepHandler(deps, logger) as LocalLambda;
  const calls = new Map<string, number>();
  const steps: string[] = [];
  const workflow = new LocalWorkflow({
    catalogue,
    functions: {
      [LOCAL_FUNCTIONS.runStep]: async (event, context) => {
        const action = (event as { action: string }).action;
        const call = (calls.get(action) ?? 0) + 1;
        calls.set(action, call);
        steps.push(action);
        const error = failStep(action, call);
        if (error) throw error;
        return runStep(event, context);
      },
      [LOCAL_FUNCTIONS.runJob]: createRunJobHandler(deps, logger) as LocalLambda,
    },
  });
  await results.create({
    id: 'r1',
    jobPath: 'local/example/MyJobWithNoVars',
    name: 'My job',
    status: 'PENDING',
    user: 'bob',
    dryrun: false,
    dateCreated: clock.now().toISOString(),
    logs: [],
  });
  await workflow.startRun({
    jobResultId: 'r1',
    jobPath: 'local/example/MyJobWithNoVars',
    data: {},
    timeLimitSeconds: 60,
  });
  await workflow.idle();
  const statesEntered = workflow
    .history('r1')
    .filter((event) => event.type === 'StateEntered')
    .map((event) => event.state);
  return { result: await results.get('r1'), steps, statesEntered, metrics: deps.metrics };
}

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('Workflow: run job', () => {
  it('records SUCCESS through start, run and finish', async () => {
    const { result, steps, statesEntered, metrics } = await runOnce(() => undefined);
    expect(result?.status).toBe('SUCCESS');
    expect(steps).toEqual(['start', 'finish']);
    // Each state entered is billed; a run started now enters four.
    expect(statesEntered).toEqual(['Route', 'MarkStarted', 'RunJob', 'RecordOutcome']);
    expect(metrics.snapshot()).toEqual({ RunsStarted: 1, 'RunsFinished{status=SUCCESS}': 1 });
  });

  it('retries a step that failed for a passing reason, and records the outcome', async () => {
    const { result, steps } = await runOnce((action, call) =>
      action === 'finish' && call === 1 ? named('ThrottlingException', 'Rate exceeded') : undefined,
    );
    expect(result?.status).toBe('SUCCESS');
    expect(steps).toEqual(['start', 'finish', 'finish']);
  });

  it('never leaves a result STARTED when its outcome cannot be written', async () => {
    const { result, steps } = await runOnce((action) =>
      action === 'finish' ? named('StaleStateError') : undefined,
    );
    expect(steps).toEqual(['start', 'finish', 'fail']);
    expect(result?.status).toBe('FAILURE');
    expect(result?.error).toMatch(/StaleStateError/);
  });

  it('records FAILURE without running the job when the start cannot be recorded', async () => {
    const { result, steps } = await runOnce((action) =>
      action === 'start' ? named('NotFoundError') : undefined,
    );
    expect(steps).toEqual(['start', 'fail']);
    expect(result?.status).toBe('FAILURE');
  });

  it('records FAILURE when the sealed input is not for this run, and never runs the job', async () => {
    // Prepare
    const results = new InMemoryJobResultStore();
    const clock = new FixedClock();
    const inputSealer = new LocalInputSealer();
    const deps = {
      catalogue,
      results,
      clock,
      inputSealer,
      scheduledJobs: new InMemoryScheduledJobStore(),
      scheduler: new RecordingScheduleGateway(),
      metrics: new CountingBusinessMetrics(),
      events: new RecordingEventPublisher(),
    };
    const workflow = new LocalWorkflow({
      catalogue,
      functions: {
        [LOCAL_FUNCTIONS.runStep]: createRunStepHandler(deps, logger) as LocalLambda,
        [LOCAL_FUNCTIONS.runJob]: createRunJobHandler(deps, logger) as LocalLambda,
      },
    });
    await results.create({
      id: 'r2',
      jobPath: 'local/example/GreetWithSecret',
      name: 'Greet with a secret',
      status: 'PENDING',
      user: 'bob',
      dryrun: false,
      dateCreated: clock.now().toISOString(),
      logs: [],
    });

    // Act: input sealed for another job result, replayed into this run
    await workflow.startRun({
      jobResultId: 'r2',
      jobPath: 'local/example/GreetWithSecret',
      sealedData: await inputSealer.seal({ secret: 'hunter2' }, { jobResultId: 'r1' }),
      timeLimitSeconds: 60,
    });
    await workflow.idle();

    // Assess
    const result = await results.get('r2');
    expect(result?.status).toBe('FAILURE');
    expect(result?.error).toMatch(/^The run failed \(SealedInputError\)/);
    expect(result?.output).toBeUndefined();
  });
});

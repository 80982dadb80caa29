/**
 * The start-occurrence function (every schedule's target) in front of the real run workflow
 * definition executed by the local engine, with the real step and run handlers over in-memory
 * stores: what a duplicate delivery from EventBridge Scheduler costs and runs.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { requestJobRun } from '../../lambdas/core/request-job-run';
import { occurrenceResultId } from '../../lambdas/core/scheduled-runs';
import { createRunJobHandler } from '../../lambdas/handlers/run-job-handler';
import { createRunStepHandler } from '../../lambdas/handlers/run-step-handler';
import { createStartOccurrenceHandler } from '../../lambdas/handlers/start-occurrence-handler';
import { type LocalLambda, localLambdaContext } from '../../local/lambda-context';
import { LOCAL_FUNCTIONS, LocalWorkflow } from '../../local/local-workflow';
import { coreDeps, runner } from '../support/core-deps';
import { RecordingWorkflowStarter } from '../support/in-memory-stores';

const silent = () => new Logger({ logLevel: 'SILENT' });
const context = () => localLambdaContext('countersign-start-occurrence');

/** A daily scheduled job due at 01:00, the workflow that runs it, and its schedule's target. */
async function setup() {
  const deps = coreDeps(new Date('2030-01-01T00:00:00.000Z'));
  const { scheduledJob } = await requestJobRun(deps, runner('alice'), 'tests/core/AddNumbers', {
    data: { numbers: [2, 3] },
    schedule: { name: 'daily', interval: 'daily', start_time: '2030-01-01T01:00:00Z' },
  });
  if (!scheduledJob) throw new Error('expected a scheduled job');
  deps.clock.set('2030-01-01T01:00:02.000Z');
  const calls = { runStep: [] as string[], runJob: 0 };
  const runStep = createRunStepHandler(deps, silent()) as LocalLambda;
  const runJob = createRunJobHandler(deps, silent()) as LocalLambda;
  const workflow = new LocalWorkflow({
    catalogue: deps.catalogue,
    functions: {
      [LOCAL_FUNCTIONS.runStep]: (event, ctx) => {
        calls.runStep.push((event as { action: string }).action);
        return runStep(event, ctx);
      },
      [LOCAL_FUNCTIONS.runJob]: (event, ctx) => {
        calls.runJob += 1;
        return runJob(event, ctx);
      },
    },
  });
  const startExecution = vi.spyOn(workflow, 'startExecution');
  const handler = createStartOccurrenceHandler({ workflow }, silent()) as LocalLambda;
  const deliver = (scheduledTime: string) =>
    handler({ scheduled_job_id: scheduledJob.id, scheduled_time: scheduledTime }, context());
  const resultId = occurrenceResultId(scheduledJob.id, '2030-01-01T01:00:00.000Z');
  const statesEntered = () =>
    workflow
      .history(resultId)
      .filter((event) => event.type === 'StateEntered')
      .map((event) => event.state);
  return { deps, id: scheduledJob.id, workflow, startExecution, calls, deliver, resultId, statesEntered };
}

const RUN_STATES = ['Route', 'ClaimOccurrence', 'ShouldRun', 'RunJob', 'RecordOutcome'];

describe('Function: start-occurrence handler', () => {
  describe('in front of the run workflow', () => {
    it('starts the execution named after the occurrence, and the job runs once', async () => {
      // Prepare
      const { deps, id, workflow, calls, deliver, resultId, statesEntered } = await setup();

      // Act
      const answer = await deliver('2030-01-01T01:00:00Z');
      await workflow.idle();

      // Assess
      expect(answer).toEqual({
        started: true,
        execution: expect.stringMatching(new RegExp(`:${resultId}$`)),
      });
      expect(statesEntered()).toEqual(RUN_STATES);
      expect(calls).toEqual({ runStep: ['claim', 'finish'], runJob: 1 });
      expect(await deps.results.get(resultId)).toMatchObject({ status: 'SUCCESS', output: { sum: 5 } });
      expect((await deps.scheduledJobs.get(id))?.totalRunCount).toBe(1);
    });

    it('starts nothing for a delivery repeated after the run, in either form of the time', async () => {
      // Prepare
      const { deps, workflow, startExecution, calls, deliver, statesEntered } = await setup();
      const first = await deliver('2030-01-01T01:00:00Z');
      await workflow.idle();

      // Act
      const again = await deliver('2030-01-01T01:00:00Z');
      const canonical = await deliver('2030-01-01T01:00:00.000Z');
      await workflow.idle();

      // Assess: the same execution answers; no state was entered again, and the guard saw no duplicate.
      expect(again).toEqual(first);
      expect(canonical).toEqual(first);
      expect(new Set(startExecution.mock.calls.map(([, name]) => name)).size).toBe(1);
      expect(statesEntered()).toEqual(RUN_STATES);
      expect(calls).toEqual({ runStep: ['claim', 'finish'], runJob: 1 });
      expect(deps.results.items.size).toBe(1);
      expect(deps.metrics.count('DuplicateDeliveriesRefused')).toBe(0);
    });

    it('starts one execution for deliveries that arrive at once', async () => {
      // Prepare
      const { deps, id, workflow, calls, deliver, statesEntered } = await setup();

      // Act
      const answers = await Promise.all([
        deliver('2030-01-01T01:00:00Z'),
        deliver('2030-01-01T01:00:00Z'),
        deliver('2030-01-01T01:00:00Z'),
      ]);
      await workflow.idle();

      // Assess
      expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
      expect(statesEntered()).toEqual(RUN_STATES);
      expect(calls).toEqual({ runStep: ['claim', 'finish'], runJob: 1 });
      expect(deps.results.items.size).toBe(1);
      expect((await deps.scheduledJobs.get(id))?.totalRunCount).toBe(1);
      expect(deps.metrics.count('DuplicateDeliveriesRefused')).toBe(0);
    });
  });

  it('fails the invocation when the start is throttled, so that the delivery is retried', async () => {
    // Prepare
    const workflow = new RecordingWorkflowStarter();
    workflow.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const handler = createStartOccurrenceHandler({ workflow }, silent()) as LocalLambda;

    // Act
    const invocation = handler(
      { scheduled_job_id: '3f2b8c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d', scheduled_time: '2030-01-01T01:00:00Z' },
      context(),
    );

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(workflow.occurrences).toEqual([]);
  });

  it.each([
    ['no input', undefined],
    ['not an object', 'scheduled'],
    ['no scheduled time', { scheduled_job_id: '3f2b8c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d' }],
    ['no scheduled job', { scheduled_time: '2030-01-01T01:00:00Z' }],
    ['a job id that is no UUID', { scheduled_job_id: 'job-1', scheduled_time: '2030-01-01T01:00:00Z' }],
    [
      'the placeholder left unfilled',
      {
        scheduled_job_id: '3f2b8c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d',
        scheduled_time: '<aws.scheduler.scheduled-time>',
      },
    ],
    [
      'a time without its zone',
      { scheduled_job_id: '3f2b8c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d', scheduled_time: '2030-01-01T01:00:00' },
    ],
    [
      'a time that does not exist',
      { scheduled_job_id: '3f2b8c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d', scheduled_time: '2030-02-30T01:00:00Z' },
    ],
  ])('refuses %s without starting anything, logging why', async (_label, event) => {
    // Prepare
    const workflow = new RecordingWorkflowStarter();
    const logger = silent();
    const error = vi.spyOn(logger, 'error');
    const handler = createStartOccurrenceHandler({ workflow }, logger) as LocalLambda;

    // Act
    const answer = await handler(event, context());

    // Assess
    expect(answer).toEqual({ started: false, reason: 'invalid-input' });
    expect(workflow.occurrences).toEqual([]);
    expect(error).toHaveBeenCalledWith('Occurrence refused: not a schedule delivery', {
      issues: expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]),
    });
  });
});

/**
 * Step Functions keeps every execution's input, state inputs and outputs and task parameters in its
 * history for 90 days; the local workflow keeps the same history, so these tests read what would be
 * stored there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, startTestServer } from '../support/local-server';

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
});

afterAll(async () => {
  await server?.close();
});

async function runToTheEnd(path: string, data: Record<string, unknown>) {
  const response = await api.post(`/api/extras/jobs/${path}/run/`, { data });
  expect(response.status).toBe(201);
  const id = response.body.job_result.id as string;
  const result = await api.waitForResult(id);
  await server.workflow.idle();
  return { id, result, history: server.workflow.history(id) };
}

describe('Sensitive input in the run workflow', () => {
  it('runs a job with sensitive variables without its input anywhere in the execution history', async () => {
    // Act
    const { id, result, history } = await runToTheEnd('local/example/GreetWithSecret', { secret: 'hunter2' });

    // Assess: the run saw the secret…
    expect(result).toMatchObject({ status: 'SUCCESS', task_kwargs: null, result: { length: 7 } });
    // …which the workflow carried only sealed, into the one task that opens it.
    const started = history.find((event) => event.type === 'ExecutionStarted');
    expect(started?.data).toEqual({
      job_result_id: id,
      job: 'local/example/GreetWithSecret',
      data: {},
      sealed_data: expect.stringMatching(/^v1(\.[A-Za-z0-9_-]+){4}$/),
      time_limit_seconds: 60,
      scheduled_job_id: null,
      scheduled_time: null,
    });
    const sealed = (started?.data as { sealed_data?: string } | undefined)?.sealed_data;
    const tasks = history.filter((event) => event.type === 'TaskScheduled');
    expect(tasks.map((task) => task.state)).toEqual(['MarkStarted', 'RunJob', 'RecordOutcome']);
    expect(tasks[1]?.data).toMatchObject({
      Payload: { data: {}, sealed_data: sealed },
    });
    expect(JSON.stringify(history)).not.toContain('hunter2');
    const logs = await api.get(`/api/extras/job-results/${id}/logs/`);
    expect(JSON.stringify(logs.body)).not.toContain('hunter2');
  });

  it('carries the input of a job without sensitive variables as is', async () => {
    // Act
    const { result, history } = await runToTheEnd('local/example/AddNumbers', {
      numbers: [1, 2],
      label: 'in-the-clear',
    });

    // Assess: the history read above is the real one, where plain input does show.
    expect(result).toMatchObject({ status: 'SUCCESS', result: { sum: 3, label: 'in-the-clear' } });
    const started = history.find((event) => event.type === 'ExecutionStarted');
    expect(started?.data).toMatchObject({
      data: { numbers: [1, 2], round: false, label: 'in-the-clear' },
      sealed_data: null,
    });
    const runJob = history.find((event) => event.type === 'TaskScheduled' && event.state === 'RunJob');
    expect(runJob?.data).toMatchObject({
      Payload: { data: { numbers: [1, 2], label: 'in-the-clear' }, sealed_data: null },
    });
  });
});

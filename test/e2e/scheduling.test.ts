import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_START_OCCURRENCE } from '../../local/composition';
import { FixedClock } from '../support/in-memory-stores';
import { type ApiClient, startTestServer } from '../support/local-server';

const RUN = '/api/extras/jobs/local/example/MyJobWithNoVars/run/';
const START = '2029-12-31T12:00:00.000Z';
const clock = new FixedClock(new Date(START));
let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;

/** Moves the fake clock, lets the local scheduler fire what is due, and waits for the runs. */
async function advanceTo(time: string): Promise<void> {
  clock.set(time);
  await server.scheduler.runDue();
  await server.workflow.idle();
}

async function schedule(body: Record<string, unknown>) {
  const response = await api.post(RUN, { schedule: body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.scheduled_job;
}

beforeAll(async () => {
  server = await startTestServer({ clock, startScheduler: false });
  api = server.api;
});

// Every test starts at the same instant, whatever the tests before it did to the clock; a test that
// needs another time sets it. The scheduler never goes back over what it has fired.
beforeEach(() => {
  clock.set(START);
});

afterAll(async () => {
  await server?.close();
});

describe('Schedule validation', () => {
  it.each([
    [
      { interval: 'future', start_time: '2030-01-01T01:00:00Z' },
      { name: ['Please provide a name for the job schedule.'] },
    ],
    [
      { name: 'past', interval: 'future', start_time: '2020-01-01T01:00:00Z' },
      {
        start_time: [
          'Please enter a valid date and time greater than or equal to the current date and time.',
        ],
      },
    ],
    [
      { name: 'no start', interval: 'daily' },
      {
        start_time: [
          'Please enter a valid date and time greater than or equal to the current date and time.',
        ],
      },
    ],
    [
      { name: 'bad cron', interval: 'custom', crontab: '61 * * * *' },
      { crontab: ['Please enter a valid crontab.'] },
    ],
  ])("refuses %j with Nautobot's message", async (body, expected) => {
    const response = await api.post(RUN, { schedule: body });
    expect(response.status).toBe(400);
    // Field → list of messages, nested under `schedule` like the request, as Nautobot answers.
    expect(response.body).toEqual({ schedule: expected });
  });

  it.each([
    [{ name: 'x', interval: 'fortnightly', start_time: '2030-01-01T01:00:00Z' }, 'interval'],
    [
      { name: 'x', interval: 'daily', start_time: '2030-01-01T01:00:00Z', time_zone: 'Mars/Olympus' },
      'time_zone',
    ],
    [{ name: 'x', interval: 'custom', crontab: '0 9 1 * 1' }, 'crontab'],
    [{ name: 'x', interval: 'daily', start_time: '2030-01-01T01:00:00' }, 'start_time'],
    [{ name: 'far', interval: 'future', start_time: '9999-12-31T23:59:59-12:00' }, 'start_time'],
    [
      {
        name: 'kiritimati',
        interval: 'daily',
        start_time: '2199-12-31T12:00:00Z',
        time_zone: 'Pacific/Kiritimati',
      },
      'start_time',
    ],
  ])('refuses %j on the %s field', async (body, field) => {
    const response = await api.post(RUN, { schedule: body });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['schedule']);
    expect(Object.keys(response.body.schedule)).toEqual([field]);
    expect(response.body.schedule[field]).toEqual([expect.any(String)]);
  });

  it('answers a too-distant start time for an approval job with a 400 and stores nothing', async () => {
    const schedule = { name: 'far approval', interval: 'future', start_time: '9999-12-31T23:59:59-12:00' };
    const response = await api.post('/api/extras/jobs/local/example/RotateCredentials/run/', {
      data: { service: 'db' },
      schedule,
    });
    expect(response.status).toBe(400);
    expect((await api.get('/api/extras/scheduled-jobs/?limit=1000')).status).toBe(200);
    const preview = await api.get(
      '/api/extras/scheduled-jobs/preview/?interval=future&start_time=9999-12-31T23:59:59Z',
    );
    expect(preview.status).toBe(400);
  });

  it('refuses to schedule a job with sensitive variables', async () => {
    const response = await api.post('/api/extras/jobs/local/example/GreetWithSecret/run/', {
      data: { secret: 's' },
      schedule: { name: 'secret', interval: 'future', start_time: '2030-01-01T01:00:00Z' },
    });
    expect(response).toMatchObject({
      status: 400,
      body: { schedule: { interval: ['Unable to schedule job: Job may have sensitive input variables'] } },
    });
  });

  it('refuses a duplicate schedule name with a 400 and keeps the first', async () => {
    const first = await schedule({
      name: 'unique name',
      interval: 'future',
      start_time: '2030-06-01T00:00:00Z',
    });
    const second = await api.post(RUN, {
      schedule: { name: 'unique name', interval: 'future', start_time: '2030-07-01T00:00:00Z' },
    });
    expect(second).toMatchObject({
      status: 400,
      body: { schedule: { name: ['A scheduled job with this name already exists.'] } },
    });
    expect((await api.get(`/api/extras/scheduled-jobs/${first.id}/`)).body.start_time).toBe(
      '2030-06-01T00:00:00+00:00',
    );
  });
});

describe('A future run', () => {
  it('runs once at its time and counts the run', async () => {
    // Prepare
    const job = await schedule({ name: 'test', interval: 'future', start_time: '2030-01-01T01:00:00.000Z' });
    expect(job).toMatchObject({
      one_off: true,
      enabled: true,
      total_run_count: 0,
      job: 'local/example/MyJobWithNoVars',
    });
    expect(job.next_run_times).toEqual(['2030-01-01T01:00:00+00:00']);

    // Act
    await advanceTo('2030-01-01T00:59:59.000Z');
    const before = await api.get(`/api/extras/job-results/?scheduled_job=${job.id}`);
    await advanceTo('2030-01-01T01:00:00.000Z');
    await advanceTo('2030-01-01T02:00:00.000Z');

    // Assess
    expect(before.body.results).toEqual([]);
    const after = await api.get(`/api/extras/scheduled-jobs/${job.id}/`);
    expect(after.body).toMatchObject({ total_run_count: 1, next_run_times: [] });
    expect(after.body.last_run_at).not.toBeNull();
    const results = await api.get(`/api/extras/job-results/?scheduled_job=${job.id}`);
    expect(results.body.results).toHaveLength(1);
    expect(results.body.results[0]).toMatchObject({
      status: 'SUCCESS',
      user: 'admin',
      scheduled_job: job.id,
    });
  });
});

describe('Recurring runs', () => {
  it('keep 09:00 New York time across the DST change, in preview and in the scheduled job', async () => {
    // Act
    const job = await schedule({
      name: 'morning',
      interval: 'daily',
      start_time: '2030-03-08T09:00:00-05:00',
      time_zone: 'America/New_York',
    });
    const preview = await api.get(
      '/api/extras/scheduled-jobs/preview/?interval=daily&start_time=2030-03-08T09:00:00-05:00&time_zone=America/New_York&count=4',
    );

    // Assess
    const expected = [
      '2030-03-08T09:00:00-05:00',
      '2030-03-09T09:00:00-05:00',
      '2030-03-10T09:00:00-04:00',
      '2030-03-11T09:00:00-04:00',
    ];
    expect(job.next_run_times.slice(0, 4)).toEqual(expected);
    expect(preview.body).toEqual({
      next_run_times: expected,
      schedule_expression: 'cron(0 9 * * ? *)',
      time_zone: 'America/New_York',
    });
    const inUtc = await api.get(`/api/extras/scheduled-jobs/${job.id}/?display_time_zone=UTC`);
    expect(inUtc.body.next_run_times.slice(2, 3)).toEqual(['2030-03-10T13:00:00+00:00']);
    await api.request('DELETE', `/api/extras/scheduled-jobs/${job.id}/`);
  });

  it('run hourly, stop when paused, resume without catching up, and stop for good when deleted', async () => {
    // Prepare
    clock.set('2030-05-01T09:30:00.000Z');
    const job = await schedule({ name: 'hourly', interval: 'hourly', start_time: '2030-05-01T10:15:00Z' });
    const count = async () => (await api.get(`/api/extras/scheduled-jobs/${job.id}/`)).body.total_run_count;

    // Act & Assess
    await advanceTo('2030-05-01T10:15:00.000Z');
    await advanceTo('2030-05-01T11:15:00.000Z');
    expect(await count()).toBe(2);

    const paused = await api.request('PATCH', `/api/extras/scheduled-jobs/${job.id}/`, {
      body: { enabled: false },
    });
    expect(paused.body).toMatchObject({ enabled: false, next_run_times: [] });
    await advanceTo('2030-05-01T13:15:00.000Z');
    expect(await count()).toBe(2);

    await api.request('PATCH', `/api/extras/scheduled-jobs/${job.id}/`, { body: { enabled: true } });
    await advanceTo('2030-05-01T14:15:00.000Z');
    expect(await count()).toBe(3);

    expect((await api.request('DELETE', `/api/extras/scheduled-jobs/${job.id}/`)).status).toBe(204);
    await advanceTo('2030-05-01T16:15:00.000Z');
    // Deleted, but kept on record with its history.
    const gone = await api.get(`/api/extras/scheduled-jobs/${job.id}/`);
    expect(gone.status).toBe(410);
    expect((gone.body as any).scheduled_job.history.at(-1)).toMatchObject({ action: 'deleted' });
    expect(server.scheduler.list().some((s) => s.name === job.id)).toBe(false);
    const results = await api.get(`/api/extras/job-results/?scheduled_job=${job.id}`);
    expect(results.body.results).toHaveLength(3);
  });

  it('runs a crontab schedule in its time zone', async () => {
    clock.set('2030-06-03T00:00:00.000Z');
    const job = await schedule({
      name: 'cron',
      interval: 'custom',
      crontab: '30 8 * * mon-fri',
      time_zone: 'Europe/Berlin',
    });
    expect(job.next_run_times.slice(0, 2)).toEqual([
      '2030-06-03T08:30:00+02:00',
      '2030-06-04T08:30:00+02:00',
    ]);
    await advanceTo('2030-06-03T06:30:00.000Z');
    expect((await api.get(`/api/extras/scheduled-jobs/${job.id}/`)).body.total_run_count).toBe(1);
    await api.request('DELETE', `/api/extras/scheduled-jobs/${job.id}/`);
  });
});

describe('At-least-once delivery', () => {
  it('starts one execution for an occurrence delivered again, later or at once, and runs it once', async () => {
    // Prepare
    clock.set('2030-07-01T00:00:00.000Z');
    const job = await schedule({
      name: 'redelivered',
      interval: 'daily',
      start_time: '2030-07-01T06:00:00Z',
    });
    const target = server.scheduler.list().find((s) => s.name === job.id)?.target;
    expect(target?.Arn).toBe(LOCAL_START_OCCURRENCE.functionArn);
    const deliver = (scheduledTime: string) =>
      server.invokeScheduleTarget(
        target?.Arn as string,
        JSON.stringify({ scheduled_job_id: job.id, scheduled_time: scheduledTime }),
      );
    const refusedBefore = server.metrics.count('DuplicateDeliveriesRefused');

    // Act: the scheduler delivers the first occurrence, and EventBridge delivers it again after the
    // run; the second occurrence is delivered twice at once.
    await advanceTo('2030-07-01T06:00:00.000Z');
    const again = await deliver('2030-07-01T06:00:00Z');
    clock.set('2030-07-02T06:00:00.000Z');
    const [first, second] = await Promise.all([
      deliver('2030-07-02T06:00:00Z'),
      deliver('2030-07-02T06:00:00Z'),
    ]);
    await server.workflow.idle();

    // Assess
    expect((await api.get(`/api/extras/scheduled-jobs/${job.id}/`)).body.total_run_count).toBe(2);
    const results = (await api.get(`/api/extras/job-results/?scheduled_job=${job.id}`)).body.results;
    expect(results.map((result: { status: string }) => result.status)).toEqual(['SUCCESS', 'SUCCESS']);
    // Each execution is named after its occurrence's job result, and no second one was started:
    // the guard never had a duplicate to refuse.
    expect(first).toEqual(second);
    const executions = [again, first].map((answer) =>
      (answer as { execution: string }).execution.split(':').pop(),
    );
    expect(executions.sort()).toEqual(results.map((result: { id: string }) => result.id).sort());
    for (const name of executions) {
      expect(
        server.workflow
          .history(name as string)
          .filter((event) => event.type === 'StateEntered')
          .map((event) => event.state),
      ).toEqual(['Route', 'ClaimOccurrence', 'ShouldRun', 'RunJob', 'RecordOutcome']);
    }
    expect(server.metrics.count('DuplicateDeliveriesRefused')).toBe(refusedBefore);
    await api.request('DELETE', `/api/extras/scheduled-jobs/${job.id}/`);
  });

  it('refuses a delivery no schedule sends, starting nothing and not asking for a retry', async () => {
    const executions = (await api.get('/api/extras/job-results/?limit=0')).body.count;
    const answer = await server.invokeScheduleTarget(
      LOCAL_START_OCCURRENCE.functionArn,
      JSON.stringify({ scheduled_job_id: 'not-a-job', scheduled_time: '2030-07-01T06:00:00Z' }),
    );
    await server.workflow.idle();
    expect(answer).toEqual({ started: false, reason: 'invalid-input' });
    expect((await api.get('/api/extras/job-results/?limit=0')).body.count).toBe(executions);
  });

  // Execution names are unique for 90 days only, and a schedule saved before its target was the
  // start-occurrence function starts executions under generated names: the guard still holds.
  it('runs an occurrence started twice under different names only once (the workflow guard)', async () => {
    // Prepare
    clock.set('2030-08-01T00:00:00.000Z');
    const job = await schedule({ name: 'dupe', interval: 'daily', start_time: '2030-08-01T06:00:00Z' });
    clock.set('2030-08-01T06:00:00.000Z');

    // Act: two deliveries of the same occurrence, as EventBridge may make
    const refusedBefore = server.metrics.count('DuplicateDeliveriesRefused');
    const input = { scheduled_job_id: job.id, scheduled_time: '2030-08-01T06:00:00Z' };
    const executions = await Promise.all([
      server.workflow.startExecution(input),
      server.workflow.startExecution(input),
    ]);
    await server.workflow.idle();

    // Assess
    expect((await api.get(`/api/extras/scheduled-jobs/${job.id}/`)).body.total_run_count).toBe(1);
    const results = await api.get(`/api/extras/job-results/?scheduled_job=${job.id}`);
    expect(results.body.results).toHaveLength(1);
    // Each state entered is billed: the run enters five, the refused duplicate four.
    const statesEntered = executions
      .map((arn) =>
        server.workflow
          .history(arn.split(':').pop() as string)
          .filter((event) => event.type === 'StateEntered')
          .map((event) => event.state),
      )
      .sort((a, b) => b.length - a.length);
    expect(statesEntered).toEqual([
      ['Route', 'ClaimOccurrence', 'ShouldRun', 'RunJob', 'RecordOutcome'],
      ['Route', 'ClaimOccurrence', 'ShouldRun', 'NotRun'],
    ]);
    expect(server.metrics.count('DuplicateDeliveriesRefused')).toBe(refusedBefore + 1);
    await api.request('DELETE', `/api/extras/scheduled-jobs/${job.id}/`);
  });
});

describe('Approval', () => {
  it('queues a job that requires approval, even "immediately", without scheduling or running it', async () => {
    const response = await api.post('/api/extras/jobs/local/example/RotateCredentials/run/', {
      data: { service: 'db' },
      schedule: { interval: 'immediately' },
    });
    expect(response.status).toBe(201);
    expect(response.body.job_result).toBeNull();
    expect(response.body.scheduled_job).toMatchObject({
      approval_required: true,
      approved_by_user: null,
      interval: 'immediately',
    });
    expect(server.scheduler.list().some((s) => s.name === response.body.scheduled_job.id)).toBe(false);
    const queue = await api.get('/api/extras/scheduled-jobs/?approval_required=true&approved=false');
    expect(queue.body.results.map((j: { id: string }) => j.id)).toContain(response.body.scheduled_job.id);
  });
});

describe('Scheduled job API errors', () => {
  it.each([
    ['PATCH', '/api/extras/scheduled-jobs/00000000-0000-4000-8000-000000000000/', { enabled: false }, 404],
    ['DELETE', '/api/extras/scheduled-jobs/00000000-0000-4000-8000-000000000000/', undefined, 404],
    ['GET', '/api/extras/scheduled-jobs/?enabled=maybe', undefined, 400],
    ['GET', '/api/extras/scheduled-jobs/preview/?interval=custom&crontab=nope', undefined, 400],
    [
      'GET',
      '/api/extras/scheduled-jobs/preview/?interval=daily&start_time=2031-01-01T00:00:00Z&count=500',
      undefined,
      400,
    ],
  ])('%s %s → %i', async (method, path, body, status) => {
    const response = await api.request(method, path, body === undefined ? {} : { body });
    expect(response.status).toBe(status);
    expect(typeof response.body).toBe('object');
  });

  it('refuses a PATCH of anything but enabled', async () => {
    const job = await schedule({ name: 'patch me', interval: 'future', start_time: '2031-01-01T00:00:00Z' });
    const response = await api.request('PATCH', `/api/extras/scheduled-jobs/${job.id}/`, {
      body: { name: 'renamed' },
    });
    expect(response.status).toBe(400);
    expect((await api.get(`/api/extras/scheduled-jobs/${job.id}/`)).body.name).toBe('patch me');
  });
});

describe('Restart', () => {
  it('keeps schedules in the data directory and fires them after a restart', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'countersign-restart-'));
    const restartClock = new FixedClock(new Date('2030-09-01T00:00:00.000Z'));
    const first = await startTestServer({ dataDir, clock: restartClock, startScheduler: false });
    const created = await first.api.post(RUN, {
      schedule: { name: 'survivor', interval: 'future', start_time: '2030-09-01T01:00:00Z' },
    });
    await first.close();

    // Act
    const second = await startTestServer({ dataDir, clock: restartClock, startScheduler: false });
    try {
      restartClock.set('2030-09-01T01:00:00.000Z');
      await second.scheduler.runDue();
      await second.workflow.idle();

      // Assess
      const job = await second.api.get(`/api/extras/scheduled-jobs/${created.body.scheduled_job.id}/`);
      expect(job.body.total_run_count).toBe(1);
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Real time', () => {
  it('runs a future job a couple of seconds ahead once, with the real clock and scheduler', async () => {
    const live = await startTestServer();
    try {
      const start = new Date(Date.now() + 2000).toISOString();
      const created = await live.api.post(RUN, {
        schedule: { name: 'soon', interval: 'future', start_time: start },
      });
      expect(created.status).toBe(201);
      const id = created.body.scheduled_job.id;
      const deadline = Date.now() + 10_000;
      let job: { total_run_count: number } = { total_run_count: 0 };
      while (Date.now() < deadline && job.total_run_count === 0) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        job = (await live.api.get(`/api/extras/scheduled-jobs/${id}/`)).body;
      }
      // "Once" without waiting to see: the one-off's schedule has deleted itself, and another pass of
      // the scheduler, now that its time has passed, starts nothing more.
      expect(live.scheduler.list().some((schedule) => schedule.name === id)).toBe(false);
      await live.scheduler.runDue();
      await live.workflow.idle();
      job = (await live.api.get(`/api/extras/scheduled-jobs/${id}/`)).body;
      expect(job.total_run_count).toBe(1);
      const results = await live.api.get(`/api/extras/job-results/?scheduled_job=${id}`);
      expect(results.body.results).toHaveLength(1);
    } finally {
      await live.close();
    }
  });
});

describe('Pause and resume rules', () => {
  it('lets only the requester or a superuser pause, and refuses to resume a one-off whose time passed', async () => {
    // Prepare
    await api.post('/api/users/users/', { username: 'carol', permissions: ['view', 'run'] });
    const carolToken = (await api.post('/api/users/tokens/', { user: 'carol' })).body.key;
    clock.set('2031-02-01T00:00:00.000Z');
    const job = await schedule({
      name: 'admin owned',
      interval: 'future',
      start_time: '2031-02-01T01:00:00Z',
    });

    // Act
    const byOther = await api.request('PATCH', `/api/extras/scheduled-jobs/${job.id}/`, {
      body: { enabled: false },
      token: carolToken,
    });
    const paused = await api.request('PATCH', `/api/extras/scheduled-jobs/${job.id}/`, {
      body: { enabled: false },
    });
    clock.set('2031-02-01T02:00:00.000Z');
    const resumed = await api.request('PATCH', `/api/extras/scheduled-jobs/${job.id}/`, {
      body: { enabled: true },
    });

    // Assess
    expect(byOther.status).toBe(403);
    expect(paused.body.enabled).toBe(false);
    expect(resumed.status).toBe(400);
    expect(Object.keys(resumed.body)).toEqual(['enabled']);
  });

  it('runs a one-off requested for this very moment', async () => {
    clock.set('2031-03-01T00:00:00.000Z');
    const job = await schedule({ name: 'right now', interval: 'future', start_time: '2031-03-01T00:00:00Z' });
    clock.set('2031-03-01T00:00:00.400Z');
    await server.scheduler.runDue();
    await server.workflow.idle();
    expect((await api.get(`/api/extras/scheduled-jobs/${job.id}/`)).body.total_run_count).toBe(1);
  });
});

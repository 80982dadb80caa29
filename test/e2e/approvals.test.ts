/**
 * The four-eyes queue over real HTTP against the local server (dynalite, the real workflow, the local
 * scheduler), on a fake clock: requests wait, decisions are final and made once, approved work runs
 * once as the requester, and a failed handoff is finished by the reconciler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../lambdas/core/ports';
import { FixedClock, RecordingEventPublisher } from '../support/in-memory-stores';
import { type ApiClient, startTestServer } from '../support/local-server';

const ROTATE = 'local/example/RotateCredentials';
const RUN = `/api/extras/jobs/${ROTATE}/run/`;
const NOW = '2029-12-31T12:00:00.000Z';
const clock = new FixedClock(new Date(NOW));
const events = new RecordingEventPublisher();
let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;
const tokens: Record<string, string> = {};
let starts = 0;

async function createUser(username: string, permissions: string[]): Promise<void> {
  const user = await api.post('/api/users/users/', { username, permissions });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  const token = await api.post('/api/users/tokens/', { user: username });
  expect(token.status).toBe(201);
  tokens[username] = token.body.key;
}

let requestCount = 0;
/** A request by alice for RotateCredentials, with a schedule (none: immediately). */
async function request(schedule?: Record<string, unknown>, service = 'db') {
  requestCount += 1;
  const body: Record<string, unknown> = { data: { service } };
  if (schedule !== undefined) body.schedule = { name: `request ${requestCount}`, ...schedule };
  const response = await api.post(RUN, body, tokens.alice);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  expect(response.body.job_result).toBeNull();
  return response.body.scheduled_job;
}

const approve = (id: string, user: string, query = '', body?: unknown) =>
  api.request('POST', `/api/extras/scheduled-jobs/${id}/approve/${query}`, { token: tokens[user], body });
const deny = (id: string, user: string, body?: unknown) =>
  api.request('POST', `/api/extras/scheduled-jobs/${id}/deny/`, { token: tokens[user], body });
const dryRun = (id: string, user: string) =>
  api.request('POST', `/api/extras/scheduled-jobs/${id}/dry-run/`, { token: tokens[user] });
const detail = async (id: string) => (await api.get(`/api/extras/scheduled-jobs/${id}/`)).body;
const runsOf = async (id: string) =>
  (await api.get(`/api/extras/job-results/?scheduled_job=${id}&limit=100`)).body.results as any[];
const scheduleOf = (id: string) => server.scheduler.list().find((schedule) => schedule.name === id);

beforeAll(async () => {
  server = await startTestServer({ clock, startScheduler: false, events });
  api = server.api;
  const start = server.workflow.startExecution.bind(server.workflow);
  server.workflow.startExecution = (input, name) => {
    starts += 1;
    return start(input, name);
  };
  await createUser('alice', ['view', 'run', 'delete']);
  for (const approver of ['bob', 'carol']) await createUser(approver, ['view', 'run', 'approve']);
  await createUser('eve', ['view']);
  await createUser('mallory', ['view', 'run', 'approve:local/example/Other*']);
});

afterAll(async () => {
  await server?.close();
});

describe('Requests for a job that requires approval', () => {
  it.each([
    ['immediately (no schedule)', undefined],
    ['immediately', { interval: 'immediately' }],
    ['in the future', { interval: 'future', start_time: '2030-01-01T01:00:00Z' }],
    ['daily', { interval: 'daily', start_time: '2030-01-01T09:00:00Z' }],
    ['on a crontab', { interval: 'custom', crontab: '0 9 * * 1-5' }],
  ])('%s: wait in the queue with nothing started or scheduled', async (_, schedule) => {
    // Prepare
    const before = starts;

    // Act
    const job = await request(schedule === undefined ? undefined : { ...schedule });
    clock.set('2030-01-02T12:00:00.000Z');
    await server.scheduler.runDue();
    await server.workflow.idle();
    clock.set(NOW);

    // Assess
    expect(job).toMatchObject({
      approval_required: true,
      approval_status: 'pending',
      approved_by_user: null,
      approved_at: null,
      decided_by_user: null,
      history: [{ action: 'requested', user: 'alice', time: NOW, comment: null }],
    });
    expect(starts).toBe(before);
    expect(scheduleOf(job.id)).toBeUndefined();
    expect(await runsOf(job.id)).toEqual([]);
    const queue = await api.get(
      '/api/extras/scheduled-jobs/?approval_required=true&approved=false&limit=1000',
    );
    expect(queue.body.results.map((item: any) => item.id)).toContain(job.id);
    expect(events.published).toContainEqual(
      expect.objectContaining({ type: 'Approval Requested', scheduledJobId: job.id, requester: 'alice' }),
    );
  });

  it('lists the queue oldest start time first, and filters by approval_status', async () => {
    // Prepare
    const later = await request({ interval: 'future', start_time: '2031-06-01T00:00:00Z' });
    const sooner = await request({ interval: 'future', start_time: '2030-06-01T00:00:00Z' });

    // Act
    const queue = await api.get(
      '/api/extras/scheduled-jobs/?approval_required=true&approved=false&limit=1000',
    );
    const pending = await api.get('/api/extras/scheduled-jobs/?approval_status=pending&limit=1000');

    // Assess
    const ids = queue.body.results.map((item: any) => item.id);
    expect(ids.indexOf(sooner.id)).toBeLessThan(ids.indexOf(later.id));
    const order = queue.body.results.map((item: any) => Date.parse(item.start_time ?? item.date_created));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(pending.body.results.map((item: any) => item.id)).toEqual(ids);
    expect(pending.body.results.every((item: any) => item.approval_status === 'pending')).toBe(true);
  });
});

describe('Approving', () => {
  it('refuses the requester, superusers included, and callers without approve on the job', async () => {
    // Prepare
    const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' });
    const admins = await api.post(RUN, {
      data: { service: 'x' },
      schedule: { name: 'admin own', interval: 'future', start_time: '2030-01-01T01:00:00Z' },
    });

    // Act
    const own = await approve(job.id, 'alice');
    const adminOwn = await api.request(
      'POST',
      `/api/extras/scheduled-jobs/${admins.body.scheduled_job.id}/approve/`,
    );
    const noPermission = await approve(job.id, 'eve');
    const otherJobsOnly = await approve(job.id, 'mallory');

    // Assess
    expect(own).toMatchObject({ status: 403, body: { detail: 'You cannot approve your own job request!' } });
    expect(adminOwn).toMatchObject({
      status: 403,
      body: { detail: 'You cannot approve your own job request!' },
    });
    const denied = { status: 403, body: { detail: 'You do not have permission to approve this request.' } };
    expect(noPermission).toMatchObject(denied);
    expect(otherJobsOnly).toMatchObject(denied);
    expect((await detail(job.id)).approval_status).toBe('pending');
  });

  it('hands a one-off to the scheduler, runs it once at its time as the requester, and is final', async () => {
    // Prepare
    const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' }, 'api');

    // Act
    const approved = await approve(job.id, 'bob', '', { comment: 'ok for tonight' });
    const again = await approve(job.id, 'bob');
    const byAnother = await approve(job.id, 'carol');
    const denyAfter = await deny(job.id, 'carol');
    clock.set('2030-01-01T01:00:00.000Z');
    await server.scheduler.runDue();
    await server.workflow.idle();
    clock.set(NOW);

    // Assess
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      approval_status: 'approved',
      approved_by_user: 'bob',
      approved_at: NOW,
      decided_by_user: 'bob',
      decision_comment: 'ok for tonight',
    });
    expect(approved.body.history.map((entry: any) => entry.action)).toEqual(['requested', 'approved']);
    const decided = `This request was already approved by bob at ${NOW}.`;
    for (const refused of [again, byAnother, denyAfter]) {
      expect(refused).toMatchObject({ status: 409, body: { detail: decided } });
    }
    const runs = await runsOf(job.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'SUCCESS',
      user: 'alice',
      approved_by_user: 'bob',
      dryrun: false,
    });
    expect((await detail(job.id)).total_run_count).toBe(1);
    expect(events.published).toContainEqual(
      expect.objectContaining({
        type: 'Approval Decided',
        scheduledJobId: job.id,
        decider: 'bob',
        status: 'approved',
      }),
    );
  });

  it('schedules a recurring request from its next occurrence, skipping those it waited through', async () => {
    // Prepare: daily at 09:00 from 2030-01-01; approved on 2030-01-03 at noon.
    const job = await request({ interval: 'daily', start_time: '2030-01-01T09:00:00Z' });
    clock.set('2030-01-03T12:00:00.000Z');

    // Act
    const approved = await approve(job.id, 'carol');
    await server.scheduler.runDue();
    await server.workflow.idle();
    clock.set('2030-01-04T09:00:00.000Z');
    await server.scheduler.runDue();
    await server.workflow.idle();
    clock.set(NOW);

    // Assess
    expect(approved.status).toBe(200);
    expect(scheduleOf(job.id)).toMatchObject({ state: 'ENABLED' });
    const runs = await runsOf(job.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ user: 'alice', approved_by_user: 'carol', status: 'SUCCESS' });
  });

  it('needs force for a one-off past its start time; force=false is not force; forced, it runs now, once', async () => {
    // Prepare
    const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' });
    clock.set('2030-01-01T02:00:00.000Z');
    const message =
      "The job's start time is in the past. If you want to force a run anyway, add the `force` query parameter.";

    // Act
    const plain = await approve(job.id, 'bob');
    const notForce = await approve(job.id, 'bob', '?force=false');
    const bad = await approve(job.id, 'bob', '?force=maybe');
    const pendingMeanwhile = (await detail(job.id)).approval_status;
    const forced = await approve(job.id, 'bob', '?force=true');
    await server.workflow.idle();
    const forcedAgain = await approve(job.id, 'bob', '?force=1');
    await server.workflow.idle();
    clock.set(NOW);

    // Assess
    expect(plain).toMatchObject({ status: 400, body: { detail: message } });
    expect(notForce).toMatchObject({ status: 400, body: { detail: message } });
    expect(bad).toMatchObject({ status: 400, body: { force: ['Must be true or false.'] } });
    expect(pendingMeanwhile).toBe('pending');
    expect(forced.status).toBe(200);
    expect(forcedAgain.status).toBe(409);
    const runs = await runsOf(job.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'SUCCESS', user: 'alice', approved_by_user: 'bob' });
    expect(scheduleOf(job.id)).toBeUndefined();
  });

  it('runs an immediately request as soon as it is approved, without force, once', async () => {
    // Prepare
    const job = await request({ interval: 'immediately' });
    clock.set('2029-12-31T13:00:00.000Z');

    // Act
    const approved = await approve(job.id, 'carol');
    await server.workflow.idle();
    const again = await approve(job.id, 'carol');
    await server.workflow.idle();
    clock.set(NOW);

    // Assess
    expect(approved.status).toBe(200);
    expect(again.status).toBe(409);
    const runs = await runsOf(job.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'SUCCESS', user: 'alice', approved_by_user: 'carol' });
    expect((await detail(job.id)).total_run_count).toBe(1);
    expect(events.published).toContainEqual(
      expect.objectContaining({ type: 'Job Run Finished', jobResultId: runs[0].id, status: 'SUCCESS' }),
    );
  });
});

describe('Denying', () => {
  it('takes the request out of the queue for good and keeps who, when and why on record', async () => {
    // Prepare
    const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' });

    // Act
    const denied = await deny(job.id, 'bob', { comment: 'not during the freeze' });
    const approveAfter = await approve(job.id, 'carol');
    const denyAgain = await deny(job.id, 'carol');
    clock.set('2030-01-01T01:00:00.000Z');
    await server.scheduler.runDue();
    await server.workflow.idle();
    clock.set(NOW);

    // Assess
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({
      approval_status: 'denied',
      approved_by_user: null,
      decided_by_user: 'bob',
      decided_at: NOW,
      decision_comment: 'not during the freeze',
      next_run_times: [],
    });
    const decided = `This request was already denied by bob at ${NOW}.`;
    expect(approveAfter).toMatchObject({ status: 409, body: { detail: decided } });
    expect(denyAgain).toMatchObject({ status: 409, body: { detail: decided } });
    const queue = await api.get(
      '/api/extras/scheduled-jobs/?approval_required=true&approved=false&limit=1000',
    );
    expect(queue.body.results.map((item: any) => item.id)).not.toContain(job.id);
    const deniedList = await api.get('/api/extras/scheduled-jobs/?approval_status=denied&limit=1000');
    expect(deniedList.body.results.map((item: any) => item.id)).toContain(job.id);
    expect((await detail(job.id)).history.at(-1)).toEqual({
      action: 'denied',
      user: 'bob',
      time: NOW,
      comment: 'not during the freeze',
    });
    expect(await runsOf(job.id)).toEqual([]);
    expect(scheduleOf(job.id)).toBeUndefined();
  });

  it('lets the requester withdraw, and no one else without approve', async () => {
    const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' });
    expect(await deny(job.id, 'eve')).toMatchObject({
      status: 403,
      body: { detail: 'You do not have permission to deny this request.' },
    });
    expect((await deny(job.id, 'alice', { comment: 'no longer needed' })).body).toMatchObject({
      approval_status: 'denied',
      decided_by_user: 'alice',
    });
  });
});

describe('Dry runs', () => {
  it('run now as the caller, marked dry run, and leave the request pending', async () => {
    // Prepare
    const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' }, 'ldap');

    // Act
    const dry = await dryRun(job.id, 'bob');
    const finished = await api.waitForResult(dry.body.id);

    // Assess
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryrun: true, scheduled_job: job.id, user: 'bob', job: ROTATE });
    expect(finished).toMatchObject({ status: 'SUCCESS', result: { service: 'ldap', rotated: false } });
    const after = await detail(job.id);
    expect(after.approval_status).toBe('pending');
    expect(after.history.map((entry: any) => entry.action)).toEqual(['requested', 'dry_run']);
    expect(after.history[1]).toMatchObject({ user: 'bob', comment: `Job result ${dry.body.id}` });
    expect((await runsOf(job.id)).map((run) => [run.id, run.dryrun])).toEqual([[dry.body.id, true]]);
    expect(scheduleOf(job.id)).toBeUndefined();
  });

  it('needs run on the job, and a job that supports dry runs', async () => {
    // Prepare
    const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' });
    const plain = await api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
      schedule: { name: 'no dry run', interval: 'daily', start_time: '2030-01-01T09:00:00Z' },
    });

    // Act
    const noRun = await dryRun(job.id, 'eve');
    const unsupported = await api.post(
      `/api/extras/scheduled-jobs/${plain.body.scheduled_job.id}/dry-run/`,
      {},
    );

    // Assess
    expect(noRun).toMatchObject({
      status: 403,
      body: { detail: 'You do not have permission to run this job.' },
    });
    expect(unsupported).toMatchObject({
      status: 405,
      body: { detail: 'This job does not support dry-run.' },
    });
    expect((await detail(job.id)).history).toHaveLength(1);
  });
});

describe('Deleting', () => {
  it('keeps the request on record with its history, out of every list, and frees its name', async () => {
    // Prepare
    const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' });

    // Act
    const deleted = await api.request('DELETE', `/api/extras/scheduled-jobs/${job.id}/`);
    const after = await api.get(`/api/extras/scheduled-jobs/${job.id}/`);
    const approveAfter = await approve(job.id, 'bob');
    const again = await api.post(RUN, {
      data: { service: 'db' },
      schedule: { name: job.name, interval: 'future', start_time: '2030-01-01T01:00:00Z' },
    });

    // Assess
    expect(deleted.status).toBe(204);
    expect(after.status).toBe(410);
    expect(after.body.detail).toBe(`This scheduled job was deleted by admin at ${NOW}.`);
    expect(after.body.scheduled_job.history.map((entry: any) => entry.action)).toEqual([
      'requested',
      'deleted',
    ]);
    expect(approveAfter.status).toBe(410);
    const all = await api.get('/api/extras/scheduled-jobs/?limit=1000');
    expect(all.body.results.map((item: any) => item.id)).not.toContain(job.id);
    expect(again.status).toBe(201);
  });
});

describe('Races', () => {
  it('twenty approvers at once: exactly one approval, one run', async () => {
    // Prepare
    const approvers = Array.from({ length: 20 }, (_, i) => `approver${i}`);
    for (const approver of approvers) await createUser(approver, ['view', 'approve']);
    const job = await request({ interval: 'immediately' });

    // Act
    const answers = await Promise.all(approvers.map((approver) => approve(job.id, approver)));
    await server.workflow.idle();

    // Assess
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
    const winner = answers.find((answer) => answer.status === 200)?.body.approved_by_user;
    for (const loser of answers.filter((answer) => answer.status === 409)) {
      expect(loser.body.detail).toBe(`This request was already approved by ${winner} at ${NOW}.`);
    }
    expect(await runsOf(job.id)).toHaveLength(1);
    const history = (await detail(job.id)).history.map((entry: any) => entry.action);
    expect(history).toEqual(['requested', 'approved']);
  });

  it('approve against deny: exactly one decision wins', async () => {
    for (let round = 0; round < 5; round++) {
      // Prepare
      const job = await request({ interval: 'future', start_time: '2030-01-01T01:00:00Z' });

      // Act
      const [approved, denied] = await Promise.all([approve(job.id, 'bob'), deny(job.id, 'carol')]);

      // Assess
      expect([approved.status, denied.status].sort()).toEqual([200, 409]);
      const final = await detail(job.id);
      expect(final.approval_status).toBe(approved.status === 200 ? 'approved' : 'denied');
      expect(final.history).toHaveLength(2);
      expect(scheduleOf(job.id) !== undefined).toBe(approved.status === 200);
    }
  });

  it("approve against the requester's delete: approved and run, or gone and never run", async () => {
    for (let round = 0; round < 5; round++) {
      // Prepare
      const job = await request({ interval: 'immediately' });

      // Act
      const [approved, deleted] = await Promise.all([
        approve(job.id, 'bob'),
        api.request('DELETE', `/api/extras/scheduled-jobs/${job.id}/`, { token: tokens.alice }),
      ]);
      await server.workflow.idle();

      // Assess
      const runs = await runsOf(job.id);
      expect(deleted.status).toBe(204);
      if (approved.status === 200) {
        // Approved first: its run was claimed before the delete landed, or refused after it; never twice.
        expect(runs.length).toBeLessThanOrEqual(1);
      } else {
        // Deleted first: the approval found it gone, and nothing ever ran.
        expect(approved.status).toBe(410);
        expect(runs).toEqual([]);
      }
      expect(scheduleOf(job.id)).toBeUndefined();
    }
  });
});

describe('Handoffs that fail', () => {
  it('a run that cannot be started: 202, approval kept; the reconciler runs it once', async () => {
    // Prepare
    const job = await request({ interval: 'immediately' });
    const startOccurrence = server.workflow.startOccurrence.bind(server.workflow);
    server.workflow.startOccurrence = async () => {
      throw new Error('StartExecution throttled');
    };

    // Act
    const approved = await approve(job.id, 'bob');
    server.workflow.startOccurrence = startOccurrence;
    const beforeReconcile = await runsOf(job.id);
    const pass = await server.reconcile();
    await server.workflow.idle();
    const again = await server.reconcile();
    await server.workflow.idle();

    // Assess
    expect(approved.status).toBe(202);
    expect(approved.body.detail).toMatch(/approval is recorded/);
    expect(approved.body.scheduled_job).toMatchObject({
      approval_status: 'approved',
      approved_by_user: 'bob',
    });
    expect(beforeReconcile).toEqual([]);
    expect(pass.handoffsFinished).toBe(1);
    expect(again.handoffsFinished).toBe(0);
    const runs = await runsOf(job.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'SUCCESS', user: 'alice', approved_by_user: 'bob' });
  });

  it('a schedule that cannot be created: 202; repeating the call finishes it; one schedule', async () => {
    // Prepare
    const job = await request({ interval: 'daily', start_time: '2030-01-01T09:00:00Z' });
    const send = server.scheduler.send.bind(server.scheduler);
    server.scheduler.send = async () => {
      throw new Error('ThrottlingException');
    };

    // Act
    const approved = await approve(job.id, 'bob');
    const noSchedule = scheduleOf(job.id);
    server.scheduler.send = send;
    const repeated = await approve(job.id, 'bob');
    const pass = await server.reconcile();

    // Assess
    expect(approved.status).toBe(202);
    expect(noSchedule).toBeUndefined();
    expect(repeated.status).toBe(200);
    expect(scheduleOf(job.id)).toMatchObject({ state: 'ENABLED' });
    expect(pass.handoffsFinished).toBe(0);
    expect(server.scheduler.list().filter((schedule) => schedule.name === job.id)).toHaveLength(1);
  });

  it('a schedule that cannot be created is created by the reconciler', async () => {
    // Prepare
    const job = await request({ interval: 'daily', start_time: '2030-01-01T09:00:00Z' });
    const send = server.scheduler.send.bind(server.scheduler);
    server.scheduler.send = async () => {
      throw new Error('ThrottlingException');
    };
    const approved = await approve(job.id, 'bob');
    server.scheduler.send = send;

    // Act
    const pass = await server.reconcile();

    // Assess
    expect(approved.status).toBe(202);
    expect(pass.handoffsFinished).toBe(1);
    expect(scheduleOf(job.id)).toMatchObject({ state: 'ENABLED' });
    expect(await approve(job.id, 'bob')).toMatchObject({ status: 409 });
  });
});

it('publishes each decision once', () => {
  const decisions = events.published.filter(
    (event): event is Extract<DomainEvent, { type: 'Approval Decided' }> => event.type === 'Approval Decided',
  );
  const ids = decisions.map((event) => event.scheduledJobId);
  expect(new Set(ids).size).toBe(ids.length);
});

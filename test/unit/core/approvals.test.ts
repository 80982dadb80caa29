import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  approveRequest,
  denyRequest,
  dryRunRequest,
  finishHandoffs,
  handOn,
} from '../../../lambdas/core/approvals';
import { JobCatalogue } from '../../../lambdas/core/jobs';
import { requestJobRun } from '../../../lambdas/core/request-job-run';
import { claimScheduledRun, occurrenceResultId } from '../../../lambdas/core/scheduled-runs';
import { defineJob } from '../../../lambdas/jobs/define-job';
import { coreDeps, runner } from '../../support/core-deps';

/** A small catalogue of its own: one job that needs approval and supports dry runs, one that does not. */
const catalogue = new JobCatalogue([
  defineJob({
    path: 'test/approvals/Rotate',
    approvalRequired: true,
    supportsDryrun: true,
    hasSensitiveVariables: false,
    variables: z.strictObject({ service: z.string() }),
    run: (_, { service }) => service,
  }),
  defineJob({ path: 'test/approvals/Plain', hasSensitiveVariables: false, run: () => null }),
]);
const ROTATE = 'test/approvals/Rotate';
const NOW = '2026-11-25T12:00:00.000Z';

const alice = runner('alice');
const bob = runner('bob', ['view', 'approve']);
const carol = runner('carol', ['view', 'approve']);

function deps() {
  return { ...coreDeps(new Date(NOW)), catalogue };
}

async function requested(
  d: ReturnType<typeof deps>,
  schedule: Record<string, unknown> | undefined = {
    name: 'rotate',
    interval: 'future',
    start_time: '2026-11-26T00:00:00Z',
  },
) {
  const response = await requestJobRun(d, alice, ROTATE, { data: { service: 'db' }, schedule });
  if (!response.scheduledJob) throw new Error('no scheduled job');
  return response.scheduledJob;
}

describe('Class: JobCatalogue', () => {
  it('refuses a job that is both sensitive and approval-required, naming it', () => {
    expect(
      () =>
        new JobCatalogue([
          defineJob({ path: 'test/approvals/Secret', approvalRequired: true, run: () => null }),
        ]),
    ).toThrow('Job "test/approvals/Secret" has sensitive variables and so cannot also require approval.');
  });
});

describe('Function: requestJobRun (approval required)', () => {
  it('records the request pending, with its history, and tells who may approve', async () => {
    const d = deps();
    const job = await requested(d);
    expect(job).toMatchObject({
      approvalStatus: 'pending',
      history: [{ action: 'requested', user: 'alice', time: NOW }],
    });
    expect(d.scheduler.calls).toEqual([]);
    expect(d.workflow.started).toEqual([]);
    expect(d.events.published).toEqual([
      {
        type: 'Approval Requested',
        scheduledJobId: job.id,
        jobPath: ROTATE,
        requester: 'alice',
        startTime: '2026-11-26T00:00:00.000Z',
      },
    ]);
    expect(d.metrics.snapshot()).toEqual({ ApprovalsRequested: 1 });
  });
});

describe('Function: approveRequest', () => {
  it('records the decision and its history in one write, then creates the schedule', async () => {
    // Prepare
    const d = deps();
    const job = await requested(d);

    // Act
    const approval = await approveRequest(d, bob, job.id, { force: false, comment: 'ok' });

    // Assess
    expect(approval.handedOn).toBe(true);
    expect(approval.scheduledJob).toMatchObject({
      approvalStatus: 'approved',
      decision: { outcome: 'approved', user: 'bob', at: NOW, comment: 'ok' },
    });
    const stored = await d.scheduledJobs.get(job.id);
    expect(stored?.handoff).toBeUndefined();
    expect(stored?.history.map((entry) => entry.action)).toEqual(['requested', 'approved']);
    expect(d.scheduler.calls).toEqual([`put:${job.id}:ENABLED`]);
    expect(d.events.published.at(-1)).toEqual({
      type: 'Approval Decided',
      scheduledJobId: job.id,
      jobPath: ROTATE,
      requester: 'alice',
      decider: 'bob',
      status: 'approved',
      comment: 'ok',
    });
  });

  it.each([
    ['the requester', alice, 'You cannot approve your own job request!'],
    [
      'a superuser who requested it',
      { ...alice, isSuperuser: true },
      'You cannot approve your own job request!',
    ],
    ['a caller without approve', runner('dave'), 'You do not have permission to approve this request.'],
    [
      'a caller with approve on other jobs only',
      runner('erin', ['view', 'approve:test/other/*']),
      'You do not have permission to approve this request.',
    ],
  ])('refuses %s and changes nothing', async (_, principal, message) => {
    const d = deps();
    const job = await requested(d);
    await expect(approveRequest(d, principal, job.id, { force: false })).rejects.toThrow(message);
    expect((await d.scheduledJobs.get(job.id))?.approvalStatus).toBe('pending');
    expect(d.scheduler.calls).toEqual([]);
  });

  it('answers not found to a caller who may not view the job', async () => {
    const d = deps();
    const job = await requested(d);
    const outsider = runner('oscar', ['view:test/other/*', 'approve']);
    await expect(approveRequest(d, outsider, job.id, { force: false })).rejects.toThrow(
      'No ScheduledJob matches the given query.',
    );
  });

  it('refuses a job that does not require approval', async () => {
    const d = deps();
    const response = await requestJobRun(d, alice, 'test/approvals/Plain', {
      schedule: { name: 'plain', interval: 'daily', start_time: '2026-11-26T00:00:00Z' },
    });
    await expect(approveRequest(d, bob, response.scheduledJob?.id ?? '', { force: false })).rejects.toThrow(
      'This scheduled job does not require approval.',
    );
  });

  it('is final: a second approval, by anyone, names the first', async () => {
    const d = deps();
    const job = await requested(d);
    await approveRequest(d, bob, job.id, { force: false });
    const decided = `This request was already approved by bob at ${NOW}.`;
    await expect(approveRequest(d, bob, job.id, { force: false })).rejects.toThrow(decided);
    await expect(approveRequest(d, carol, job.id, { force: false })).rejects.toThrow(decided);
    await expect(denyRequest(d, carol, job.id, {})).rejects.toThrow(decided);
    expect(d.scheduler.calls).toHaveLength(1);
    // One decision, counted once; the refused ones are not decisions.
    expect(d.metrics.count('ApprovalsDecided', { decision: 'approved' })).toBe(1);
    expect(d.metrics.count('ApprovalsDecided', { decision: 'denied' })).toBe(0);
  });

  it('needs force for a one-off past its start time, and then runs it now through the guard', async () => {
    // Prepare
    const d = deps();
    const job = await requested(d);
    d.clock.set('2026-11-26T00:00:00.000Z');

    // Act
    const unforced = approveRequest(d, bob, job.id, { force: false });
    await expect(unforced).rejects.toThrow("The job's start time is in the past.");
    const approval = await approveRequest(d, bob, job.id, { force: true });

    // Assess
    expect(approval.scheduledJob.handoff).toBe('run');
    expect(d.workflow.occurrences).toEqual([
      { scheduledJobId: job.id, scheduledTime: '2026-11-26T00:00:00.000Z' },
    ]);
    expect(d.scheduler.calls).toEqual([]);
  });

  it('keeps the approval when the schedule cannot be created, and the repeat by the approver finishes it', async () => {
    // Prepare
    const d = deps();
    const job = await requested(d);
    d.scheduler.failPutWith = new Error('throttled');

    // Act
    const first = await approveRequest(d, bob, job.id, { force: false });
    d.scheduler.failPutWith = undefined;
    const byAnother = approveRequest(d, carol, job.id, { force: false });
    const repeated = await approveRequest(d, bob, job.id, { force: false });

    // Assess
    expect(first.handedOn).toBe(false);
    expect(first.scheduledJob).toMatchObject({ approvalStatus: 'approved', handoff: 'schedule' });
    await expect(byAnother).rejects.toThrow('already approved by bob');
    expect(repeated.handedOn).toBe(true);
    expect((await d.scheduledJobs.get(job.id))?.handoff).toBeUndefined();
    expect([...d.scheduler.schedules.keys()]).toEqual([job.id]);
  });
});

describe('Function: finishHandoffs', () => {
  it('creates the schedules and starts the runs a failure left, once each', async () => {
    // Prepare
    const d = deps();
    const scheduled = await requested(d);
    const immediate = await requested(d, { interval: 'immediately' });
    d.scheduler.failPutWith = new Error('throttled');
    d.workflow.failWith = new Error('throttled');
    await approveRequest(d, bob, scheduled.id, { force: false });
    await approveRequest(d, bob, immediate.id, { force: false });
    d.scheduler.failPutWith = undefined;
    d.workflow.failWith = undefined;

    // Act
    const pass = await finishHandoffs(d);

    // Assess
    expect(pass).toEqual({ finished: 2, failed: 0 });
    expect([...d.scheduler.schedules.keys()]).toEqual([scheduled.id]);
    expect(await finishHandoffs(d)).toEqual({ finished: 1, failed: 0 }); // the run, until the guard claims it
    expect(d.workflow.occurrences).toHaveLength(2); // the same occurrence again: the guard runs it once
    expect(d.workflow.occurrences[0]).toEqual({ scheduledJobId: immediate.id, scheduledTime: NOW });
    expect((await d.scheduledJobs.get(scheduled.id))?.handoff).toBeUndefined();
    // The run's mark is cleared by the guard's claim, not by starting it.
    expect((await d.scheduledJobs.get(immediate.id))?.handoff).toBe('run');
  });

  it('runs a one-off whose time passed while its schedule could not be created', async () => {
    const d = deps();
    const job = await requested(d);
    d.scheduler.failPutWith = new Error('throttled');
    await approveRequest(d, bob, job.id, { force: false });
    d.scheduler.failPutWith = undefined;
    d.clock.set('2026-11-26T01:00:00.000Z');

    await finishHandoffs(d);

    expect(d.scheduler.schedules.size).toBe(0);
    expect((await d.scheduledJobs.get(job.id))?.handoff).toBe('run');
    expect(d.workflow.occurrences).toEqual([{ scheduledJobId: job.id, scheduledTime: NOW }]);
  });
});

describe('Function: claimScheduledRun (an approved run)', () => {
  it('claims the approval instant once, clears the handoff, and runs as the requester', async () => {
    // Prepare
    const d = deps();
    const job = await requested(d, { interval: 'immediately' });
    await approveRequest(d, bob, job.id, { force: false });
    d.clock.set('2026-11-25T16:00:00.000Z'); // later than the claim window: an approved run is never stale

    // Act
    const claimed = await claimScheduledRun(d, {
      scheduledJobId: job.id,
      scheduledTime: NOW,
      execution: 'e1',
    });
    const duplicate = await claimScheduledRun(d, {
      scheduledJobId: job.id,
      scheduledTime: NOW,
      execution: 'e2',
    });
    await handOn(d, (await d.scheduledJobs.get(job.id)) ?? job);

    // Assess
    expect(claimed).toMatchObject({ run: true, request: { jobResultId: occurrenceResultId(job.id, NOW) } });
    expect(duplicate.run).toBe(false);
    expect((await d.scheduledJobs.get(job.id))?.handoff).toBeUndefined();
    expect(await d.results.get(occurrenceResultId(job.id, NOW))).toMatchObject({
      user: 'alice',
      approvedBy: 'bob',
      scheduledJob: job.id,
    });
    expect(d.workflow.occurrences).toHaveLength(1);
  });

  it('refuses every occurrence of a request that is pending or denied', async () => {
    const d = deps();
    const pending = await requested(d, {
      name: 'daily',
      interval: 'daily',
      start_time: '2026-11-26T00:00:00Z',
    });
    const denied = await requested(d, {
      name: 'denied',
      interval: 'daily',
      start_time: '2026-11-26T00:00:00Z',
    });
    await denyRequest(d, bob, denied.id, {});
    for (const id of [pending.id, denied.id]) {
      expect(await claimScheduledRun(d, { scheduledJobId: id, scheduledTime: NOW, execution: 'e' })).toEqual({
        run: false,
        reason: 'not-runnable',
      });
    }
    expect(d.results.items.size).toBe(0);
  });
});

describe('Function: denyRequest', () => {
  it('lets the requester withdraw, and refuses others without approve', async () => {
    const d = deps();
    const job = await requested(d);
    await expect(denyRequest(d, runner('dave'), job.id, {})).rejects.toThrow(
      'You do not have permission to deny this request.',
    );
    const withdrawn = await denyRequest(d, alice, job.id, { comment: 'not needed' });
    expect(withdrawn).toMatchObject({
      approvalStatus: 'denied',
      decision: { outcome: 'denied', user: 'alice', comment: 'not needed' },
    });
    expect(withdrawn.history.at(-1)).toEqual({
      action: 'denied',
      user: 'alice',
      time: NOW,
      comment: 'not needed',
    });
    expect(d.metrics.count('ApprovalsDecided', { decision: 'denied' })).toBe(1);
  });
});

describe('Function: dryRunRequest', () => {
  it('runs now as the caller, marked dry run, and leaves the decision open', async () => {
    const d = deps();
    const job = await requested(d);
    const result = await dryRunRequest(d, runner('dave', ['view', 'run']), job.id);
    expect(result).toMatchObject({ dryrun: true, user: 'dave', scheduledJob: job.id, status: 'PENDING' });
    expect(d.workflow.started).toEqual([
      expect.objectContaining({ jobResultId: result.id, data: { service: 'db' } }),
    ]);
    const after = await d.scheduledJobs.get(job.id);
    expect(after?.approvalStatus).toBe('pending');
    expect(after?.history.at(-1)).toEqual({
      action: 'dry_run',
      user: 'dave',
      time: NOW,
      comment: `Job result ${result.id}`,
    });
  });

  it('needs run on the job, and a job with dry runs', async () => {
    const d = deps();
    const job = await requested(d);
    await expect(dryRunRequest(d, bob, job.id)).rejects.toThrow(
      'You do not have permission to run this job.',
    );
    const plain = await requestJobRun(d, alice, 'test/approvals/Plain', {
      schedule: { name: 'plain', interval: 'daily', start_time: '2026-11-26T00:00:00Z' },
    });
    await expect(dryRunRequest(d, alice, plain.scheduledJob?.id ?? '')).rejects.toThrow(
      'This job does not support dry-run.',
    );
    expect(d.workflow.started).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { JobCatalogue } from '../../../lambdas/core/jobs';
import { requestJobRun } from '../../../lambdas/core/request-job-run';
import { listScheduledJobs } from '../../../lambdas/core/scheduled-job-management';
import { defineJob } from '../../../lambdas/jobs/define-job';
import { coreDeps, runner } from '../../support/core-deps';

const catalogue = new JobCatalogue(
  ['Seen', 'Hidden'].map((name) =>
    defineJob({
      path: `test/queue/${name}`,
      approvalRequired: true,
      hasSensitiveVariables: false,
      run: () => null,
    }),
  ),
);

describe('Function: listScheduledJobs', () => {
  it('gives a viewer limited by a glob full pages of the queue, each job once, oldest start first', async () => {
    // Prepare: 12 requests alternating between a job the viewer may see and one it may not.
    const d = { ...coreDeps(new Date('2026-11-25T12:00:00.000Z')), catalogue };
    const requester = runner('alice', ['view', 'run']);
    for (let i = 0; i < 12; i++) {
      await requestJobRun(d, requester, `test/queue/${i % 2 === 0 ? 'Seen' : 'Hidden'}`, {
        schedule: {
          name: `request ${i}`,
          interval: 'future',
          start_time: `2026-12-${String(10 + i).padStart(2, '0')}T00:00:00Z`,
        },
      });
    }
    const viewer = runner('victor', ['view:test/queue/Seen', 'approve']);
    const queue = { approvalRequired: true, approved: false };

    // Act
    const first = await listScheduledJobs(d, viewer, queue, { limit: 4 });
    const second = await listScheduledJobs(d, viewer, queue, { limit: 4, cursor: first.next });

    // Assess
    expect(first.items.map((job) => job.name)).toEqual(['request 0', 'request 2', 'request 4', 'request 6']);
    expect(second.items.map((job) => job.name)).toEqual(['request 8', 'request 10']);
    expect(second.next).toBeUndefined();
  });
});

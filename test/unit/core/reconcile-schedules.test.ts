import { describe, expect, it, vi } from 'vitest';
import { CountingBusinessMetrics } from '../../../lambdas/adapters/metrics/counting-business-metrics';
import { RECONCILE_PAGE_SIZE, reconcileSchedules } from '../../../lambdas/core/reconcile-schedules';
import { LIVE, type ScheduledJob } from '../../../lambdas/core/scheduled-jobs';
import { InMemoryScheduledJobStore } from '../../support/in-memory-scheduled-job-store';
import { FixedClock, RecordingScheduleGateway, SequentialIds } from '../../support/in-memory-stores';

const NOW = new Date('2026-11-25T12:00:00.000Z');

function deps() {
  return {
    scheduledJobs: new InMemoryScheduledJobStore(),
    scheduler: new RecordingScheduleGateway(),
    clock: new FixedClock(NOW),
    ids: new SequentialIds(),
    metrics: new CountingBusinessMetrics(),
  };
}

type Deps = ReturnType<typeof deps>;

const DAILY = {
  interval: 'daily',
  startTime: '2026-12-01T09:00:00.000Z',
  oneOff: false,
  schedule: {
    expression: 'cron(0 9 * * ? *)',
    timeZone: 'UTC',
    startDate: '2026-12-01T09:00:00.000Z',
    actionAfterCompletion: 'NONE',
  },
} as const satisfies Partial<ScheduledJob>;

const FUTURE = {
  interval: 'future',
  startTime: '2027-01-01T01:00:00.000Z',
  oneOff: true,
  schedule: {
    expression: 'at(2027-01-01T01:00:00)',
    timeZone: 'UTC',
    actionAfterCompletion: 'DELETE',
  },
} as const satisfies Partial<ScheduledJob>;

/** A scheduled job in the store: daily, enabled and approval-free unless overridden. */
async function stored(d: Deps, overrides: Partial<ScheduledJob> = {}): Promise<ScheduledJob> {
  const id = d.ids.newId();
  const job: ScheduledJob = {
    id,
    name: `job ${id}`,
    jobPath: 'local/example/MyJobWithNoVars',
    timeZone: 'UTC',
    enabled: true,
    user: 'alice',
    data: {},
    totalRunCount: 0,
    dateCreated: '2026-11-20T00:00:00.000Z',
    approvalRequired: false,
    approvalStatus: 'not_required',
    history: [],
    claims: {},
    ...DAILY,
    ...overrides,
  };
  await d.scheduledJobs.create(job);
  return job;
}

/** The schedule as the scheduler has it: put from the job in the given state. */
function scheduleOf(d: Deps, job: ScheduledJob, state: 'ENABLED' | 'DISABLED'): void {
  d.scheduler.schedules.set(job.id, { ...job, enabled: state === 'ENABLED' });
}

const approved = {
  approvalRequired: true,
  approvalStatus: 'approved',
  decision: { outcome: 'approved', user: 'bob', at: '2026-11-21T00:00:00.000Z' },
} as const;

describe('Function: reconcileSchedules', () => {
  it.each([
    ['an approval-free job', {}],
    ['an approved job', approved],
    ['a one-off still ahead', FUTURE],
  ])('puts the missing schedule of %s', async (_, overrides) => {
    // Prepare
    const d = deps();
    const job = await stored(d, overrides);
    const onRepaired = vi.fn();

    // Act
    const summary = await reconcileSchedules(d, { onRepaired });

    // Assess
    expect(summary).toEqual({ checked: 1, repaired: 1, failed: 0 });
    expect(d.metrics.count('SchedulesRepaired')).toBe(1);
    expect(d.scheduler.calls).toEqual([`put:${job.id}:ENABLED`]);
    expect(d.scheduler.schedules.get(job.id)).toEqual(job);
    expect(onRepaired).toHaveBeenCalledExactlyOnceWith({
      scheduledJobId: job.id,
      found: undefined,
      put: 'ENABLED',
    });
  });

  it.each([
    ['ENABLED', {}],
    ['DISABLED', { enabled: false }],
  ] as const)(
    'puts a %s schedule made before the target changed at the current target, without an alarm',
    async (state, overrides) => {
      // Prepare
      const d = deps();
      const job = await stored(d, overrides);
      scheduleOf(d, job, state);
      d.scheduler.outdatedTargets.add(job.id);
      const onRepaired = vi.fn();

      // Act
      const summary = await reconcileSchedules(d, { onRepaired });
      const again = await reconcileSchedules(d);

      // Assess
      expect(summary).toEqual({ checked: 1, repaired: 1, failed: 0 });
      expect(again).toEqual({ checked: 1, repaired: 0, failed: 0 });
      expect(d.scheduler.calls).toEqual([`put:${job.id}:${state}`]);
      expect(d.scheduler.outdatedTargets.size).toBe(0);
      expect(onRepaired).toHaveBeenCalledExactlyOnceWith({
        scheduledJobId: job.id,
        found: state,
        put: state,
        outdatedTarget: true,
      });
      // An upgrade re-points every schedule once; SchedulesRepaired alarms on failures only.
      expect(d.metrics.count('SchedulesRepaired')).toBe(0);
    },
  );

  it('enables the schedule of a resumed job that is still DISABLED', async () => {
    // Prepare
    const d = deps();
    const job = await stored(d);
    scheduleOf(d, job, 'DISABLED');

    // Act
    const summary = await reconcileSchedules(d);

    // Assess
    expect(summary).toEqual({ checked: 1, repaired: 1, failed: 0 });
    expect(d.scheduler.calls).toEqual([`put:${job.id}:ENABLED`]);
  });

  it('disables the schedule of a paused job that is still ENABLED', async () => {
    // Prepare
    const d = deps();
    const job = await stored(d, { enabled: false });
    scheduleOf(d, job, 'ENABLED');
    const onRepaired = vi.fn();

    // Act
    const summary = await reconcileSchedules(d, { onRepaired });

    // Assess
    expect(summary).toEqual({ checked: 1, repaired: 1, failed: 0 });
    expect(d.scheduler.calls).toEqual([`put:${job.id}:DISABLED`]);
    expect(onRepaired).toHaveBeenCalledExactlyOnceWith({
      scheduledJobId: job.id,
      found: 'ENABLED',
      put: 'DISABLED',
    });
  });

  it('puts a DISABLED schedule for a paused job that has none', async () => {
    // Prepare
    const d = deps();
    const job = await stored(d, { enabled: false });

    // Act
    await reconcileSchedules(d);

    // Assess
    expect(d.scheduler.calls).toEqual([`put:${job.id}:DISABLED`]);
  });

  it('leaves schedules that match their job alone', async () => {
    // Prepare
    const d = deps();
    scheduleOf(d, await stored(d), 'ENABLED');
    scheduleOf(d, await stored(d, { enabled: false }), 'DISABLED');
    scheduleOf(d, await stored(d, approved), 'ENABLED');

    // Act
    const summary = await reconcileSchedules(d);

    // Assess
    expect(summary).toEqual({ checked: 3, repaired: 0, failed: 0 });
    expect(d.scheduler.calls).toEqual([]);
  });

  it.each([
    ['a recurring request awaiting approval', { approvalRequired: true, approvalStatus: 'pending' }],
    ['a one-off awaiting approval', { ...FUTURE, approvalRequired: true, approvalStatus: 'pending' }],
    [
      'a paused request awaiting approval',
      { approvalRequired: true, approvalStatus: 'pending', enabled: false },
    ],
    [
      'an immediately request (never scheduled)',
      { interval: 'immediately', oneOff: true, schedule: undefined, ...approved },
    ],
    ['a one-off that has run', { ...FUTURE, totalRunCount: 1 }],
    ['a one-off whose time has passed', { ...FUTURE, startTime: '2026-11-25T11:59:00.000Z' }],
    ['a paused one-off whose time has passed', { ...FUTURE, startTime: NOW.toISOString(), enabled: false }],
  ] as const)('neither reads nor puts the schedule of %s', async (_, overrides) => {
    // Prepare
    const d = deps();
    await stored(d, overrides);
    const describeSchedule = vi.spyOn(d.scheduler, 'describe');

    // Act
    const summary = await reconcileSchedules(d);

    // Assess
    expect(summary).toEqual({ checked: 0, repaired: 0, failed: 0 });
    expect(describeSchedule).not.toHaveBeenCalled();
    expect(d.scheduler.calls).toEqual([]);
  });

  it('counts a failed put, tells of it, and repairs the other jobs', async () => {
    // Prepare
    const d = deps();
    const first = await stored(d);
    const failing = await stored(d);
    const last = await stored(d, { enabled: false });
    const error = new Error('throttled');
    d.scheduler.failPutOf.set(failing.id, error);
    const onFailed = vi.fn();

    // Act
    const summary = await reconcileSchedules(d, { onFailed });

    // Assess
    expect(summary).toEqual({ checked: 3, repaired: 2, failed: 1 });
    expect(onFailed).toHaveBeenCalledExactlyOnceWith(failing.id, error);
    expect([...d.scheduler.schedules.keys()].sort()).toEqual([first.id, last.id].sort());
  });

  it('counts a failed read of the schedule and goes on', async () => {
    // Prepare
    const d = deps();
    const unreadable = await stored(d);
    const other = await stored(d);
    const realDescribe = d.scheduler.describe.bind(d.scheduler);
    vi.spyOn(d.scheduler, 'describe').mockImplementation(async (id) => {
      if (id === unreadable.id) throw new Error('access denied');
      return realDescribe(id);
    });
    const onFailed = vi.fn();

    // Act
    const summary = await reconcileSchedules(d, { onFailed });

    // Assess
    expect(summary).toEqual({ checked: 2, repaired: 1, failed: 1 });
    expect(onFailed).toHaveBeenCalledExactlyOnceWith(unreadable.id, expect.any(Error));
    expect(d.scheduler.calls).toEqual([`put:${other.id}:ENABLED`]);
  });

  it(`reads enabled and disabled jobs ${RECONCILE_PAGE_SIZE} at a time, to the end of each list`, async () => {
    // Prepare
    const d = deps();
    for (let i = 0; i < 2 * RECONCILE_PAGE_SIZE + 1; i++) await stored(d);
    for (let i = 0; i < 3; i++) await stored(d, { enabled: false });
    const list = vi.spyOn(d.scheduledJobs, 'list');

    // Act
    const summary = await reconcileSchedules(d);

    // Assess
    expect(summary).toEqual({ checked: 204, repaired: 204, failed: 0 });
    const nexts = await Promise.all(list.mock.results.map(async ({ value }) => (await value).next));
    expect(list.mock.calls).toEqual([
      [{ enabled: true }, { limit: RECONCILE_PAGE_SIZE, cursor: undefined }],
      [{ enabled: true }, { limit: RECONCILE_PAGE_SIZE, cursor: nexts[0] }],
      [{ enabled: true }, { limit: RECONCILE_PAGE_SIZE, cursor: nexts[1] }],
      [{ enabled: false }, { limit: RECONCILE_PAGE_SIZE, cursor: undefined }],
    ]);
    expect(nexts).toEqual([expect.any(String), expect.any(String), undefined, undefined]);
  });

  it('judges a job paused since it was listed by what it is now', async () => {
    // Prepare: the list still shows the job enabled; it has been paused and its schedule disabled.
    const d = deps();
    const job = await stored(d, { enabled: false });
    scheduleOf(d, job, 'DISABLED');
    vi.spyOn(d.scheduledJobs, 'list').mockResolvedValueOnce({ items: [{ ...job, enabled: true }] });

    // Act
    const summary = await reconcileSchedules(d);

    // Assess
    expect(summary).toEqual({ checked: 2, repaired: 0, failed: 0 });
    expect(d.scheduler.calls).toEqual([]);
  });

  it('does not put a schedule for a job deleted since it was listed', async () => {
    // Prepare
    const d = deps();
    const job = await stored(d);
    await d.scheduledJobs.delete(job.id);
    vi.spyOn(d.scheduledJobs, 'list').mockResolvedValueOnce({ items: [job] });

    // Act
    const summary = await reconcileSchedules(d);

    // Assess
    expect(summary).toEqual({ checked: 1, repaired: 0, failed: 0 });
    expect(d.scheduler.calls).toEqual([]);
  });
});

describe('Function: reconcileSchedules (racing a resume)', () => {
  it('puts again when a resume lands between its read and its put', async () => {
    // Prepare: a paused job with no schedule; the user resumes it while the repair is in flight,
    // and the user's own put reaches the scheduler before the repair's.
    const d = deps();
    const job = await stored(d, { enabled: false });
    const gateway = d.scheduler;
    const put = gateway.put.bind(gateway);
    let resumed = false;
    gateway.put = async (putJob: ScheduledJob) => {
      if (!resumed) {
        resumed = true;
        const resumedJob = await d.scheduledJobs.update(
          job.id,
          { enabled: true, history: { action: 'resumed', user: 'alice', time: '2026-11-25T12:00:00.000Z' } },
          LIVE,
        );
        if (resumedJob.kind !== 'updated') throw new Error('not resumed');
        await put(resumedJob.scheduledJob);
      }
      await put(putJob);
    };

    // Act
    await reconcileSchedules(d);

    // Assess
    expect(gateway.calls).toEqual([
      `put:${job.id}:ENABLED`,
      `put:${job.id}:DISABLED`,
      `put:${job.id}:ENABLED`,
    ]);
    expect(await gateway.describe(job.id)).toEqual({ state: 'ENABLED', currentTarget: true });
  });
});

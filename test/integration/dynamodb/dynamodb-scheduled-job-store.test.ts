import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, PutCommand } from '../../../lambdas/adapters/dynamodb/document-client';
import {
  DynamoDbScheduledJobStore,
  ORPHAN_TAKEOVER_MS,
} from '../../../lambdas/adapters/dynamodb/dynamodb-scheduled-job-store';
import { scheduledJobKey } from '../../../lambdas/adapters/dynamodb/keys';
import { scheduledJobNameToItem, scheduledJobToItem } from '../../../lambdas/adapters/dynamodb/mappers';
import { MAX_FILTERED_QUERIES } from '../../../lambdas/adapters/dynamodb/query-page';
import { BadRequestError, ConflictError } from '../../../lambdas/core/errors';
import type { Page, PageRequest } from '../../../lambdas/core/pagination';
import {
  AWAITING_DECISION,
  approvableBy,
  LIVE,
  type ScheduledJob,
  type ScheduledJobFilter,
} from '../../../lambdas/core/scheduled-jobs';
import { type LocalDynamoDb, startDynalite } from '../../support/dynalite';
import { InMemoryScheduledJobStore } from '../../support/in-memory-scheduled-job-store';
import { FixedClock } from '../../support/in-memory-stores';
import { walkForwardAndBack } from './paging';

const JOB_A = 'local/example/JobA';
const JOB_B = 'local/example/JobB';
const T0 = Date.UTC(2025, 0, 1);
const at = (ms: number): string => new Date(T0 + ms).toISOString();

let clock = 0;
function aScheduledJob(overrides: Partial<ScheduledJob> = {}): ScheduledJob {
  clock += 1;
  return {
    id: randomUUID(),
    name: `schedule ${randomUUID()}`,
    jobPath: JOB_A,
    interval: 'daily',
    startTime: at(86_400_000 + clock * 1000),
    timeZone: 'Europe/Paris',
    oneOff: false,
    enabled: true,
    user: 'alice',
    data: {},
    totalRunCount: 0,
    dateCreated: at(clock * 1000),
    approvalRequired: false,
    approvalStatus: 'not_required',
    history: [],
    schedule: {
      expression: 'cron(0 9 * * ? *)',
      timeZone: 'Europe/Paris',
      startDate: at(86_400_000),
      actionAfterCompletion: 'NONE',
    },
    claims: {},
    ...overrides,
  };
}

const approved = {
  approvalRequired: true,
  approvalStatus: 'approved',
  decision: { outcome: 'approved', user: 'bob', at: at(5_000) },
} as const;
const pending = { approvalRequired: true, approvalStatus: 'pending' } as const;

/** Follows `next` to the end, then `previous` back, and returns the items met each way, in list order. */
async function walkBothWays<T>(
  list: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
): Promise<{ forward: T[]; backward: T[]; pages: number }> {
  let page = await list({ limit });
  const forward = [...page.items];
  let pages = 1;
  while (page.next !== undefined) {
    page = await list({ limit, cursor: page.next });
    forward.push(...page.items);
    pages += 1;
  }
  const backward = [...page.items];
  while (page.previous !== undefined) {
    page = await list({ limit, cursor: page.previous });
    backward.unshift(...page.items);
  }
  return { forward, backward, pages };
}

describe('Class: DynamoDbScheduledJobStore', () => {
  let db: LocalDynamoDb;
  let time: FixedClock;
  let store: DynamoDbScheduledJobStore;

  beforeAll(async () => {
    db = await startDynalite();
    time = new FixedClock(new Date(T0));
    store = new DynamoDbScheduledJobStore({ client: db.docClient, tableName: db.tableName, clock: time });
  });

  afterAll(async () => {
    await db.close();
  });

  /** A reservation left behind by a create that died before its second write. */
  async function orphanReservation(name: string, reservedAt: Date): Promise<void> {
    await db.docClient.send(
      new PutCommand({
        TableName: db.tableName,
        Item: scheduledJobNameToItem({
          name,
          scheduledJob: randomUUID(),
          reservedAt: reservedAt.toISOString(),
        }),
      }),
    );
  }

  describe('Method: create', () => {
    it('stores a scheduled job that get returns unchanged', async () => {
      // Prepare
      const job = aScheduledJob({
        interval: 'custom',
        startTime: undefined,
        crontab: '0 9 * * 1-5',
        data: { count: 3, nested: { deep: [1, 'two', null] }, big: 2 ** 60 },
        lastRunAt: at(7_000),
        totalRunCount: 4,
        ...approved,
      });

      // Act
      await store.create(job);

      // Assess
      expect(await store.get(job.id)).toEqual(job);
    });

    it('keeps every field of the schedule EventBridge is given, an EndDate included', async () => {
      // Prepare
      const job = aScheduledJob({
        schedule: {
          expression: 'cron(0 9 * * ? *)',
          timeZone: 'Europe/Paris',
          startDate: at(86_400_000),
          endDate: at(30 * 86_400_000),
          actionAfterCompletion: 'NONE',
        },
      });

      // Act
      await store.create(job);

      // Assess
      expect((await store.get(job.id))?.schedule).toStrictEqual(job.schedule);
    });

    it('stores a job without a schedule (an `immediately` request)', async () => {
      // Prepare
      const job = aScheduledJob({ interval: 'immediately', oneOff: true, schedule: undefined, ...pending });

      // Act
      await store.create(job);

      // Assess
      expect(await store.get(job.id)).toEqual(job);
    });

    it('fails with ConflictError when the name is taken, and keeps the first job', async () => {
      // Prepare
      const first = aScheduledJob();
      await store.create(first);
      const second = aScheduledJob({ name: first.name });

      // Act
      const creating = store.create(second);

      // Assess
      await expect(creating).rejects.toThrow(
        new ConflictError('A scheduled job with this name already exists.'),
      );
      expect(await store.get(first.id)).toEqual(first);
      expect(await store.get(second.id)).toBeUndefined();
    });

    it('lets exactly one of several concurrent creates with one name succeed', async () => {
      // Prepare
      const name = `contested ${randomUUID()}`;
      const jobs = Array.from({ length: 8 }, () => aScheduledJob({ name }));

      // Act
      const outcomes = await Promise.allSettled(jobs.map((job) => store.create(job)));

      // Assess
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConflictError);
      }
      const stored = await Promise.all(jobs.map((job) => store.get(job.id)));
      expect(stored.filter((job) => job !== undefined)).toHaveLength(1);
    });

    it('fails with ConflictError when the id is taken, and leaves the new name free', async () => {
      // Prepare
      const first = aScheduledJob();
      await store.create(first);
      const sameId = aScheduledJob({ id: first.id });

      // Act
      const creating = store.create(sameId);

      // Assess
      await expect(creating).rejects.toThrow(ConflictError);
      expect(await store.get(first.id)).toEqual(first);
      await expect(store.create(aScheduledJob({ name: sameId.name }))).resolves.toBeUndefined();
    });

    it('takes over a reservation whose job is missing once it is older than the takeover wait', async () => {
      // Prepare
      const job = aScheduledJob();
      await orphanReservation(job.name, new Date(time.now().getTime() - ORPHAN_TAKEOVER_MS - 1));

      // Act
      await store.create(job);

      // Assess
      expect(await store.get(job.id)).toEqual(job);
      await expect(store.create(aScheduledJob({ name: job.name }))).rejects.toThrow(ConflictError);
    });

    it('refuses a reservation whose job is missing while it is young: its create may be in flight', async () => {
      // Prepare
      const job = aScheduledJob();
      await orphanReservation(job.name, new Date(time.now().getTime() - 1000));

      // Act
      const creating = store.create(job);

      // Assess
      await expect(creating).rejects.toThrow(ConflictError);
      expect(await store.get(job.id)).toBeUndefined();
    });

    it('completes a repeated create that died between its two writes', async () => {
      // Prepare
      const job = aScheduledJob();
      await db.docClient.send(
        new PutCommand({
          TableName: db.tableName,
          Item: scheduledJobNameToItem({
            name: job.name,
            scheduledJob: job.id,
            reservedAt: time.now().toISOString(),
          }),
        }),
      );

      // Act
      await store.create(job);

      // Assess
      expect(await store.get(job.id)).toEqual(job);
    });
  });

  describe('Method: get', () => {
    it('returns undefined for an unknown id', async () => {
      // Act
      const found = await store.get(randomUUID());

      // Assess
      expect(found).toBeUndefined();
    });
  });

  describe('Method: delete', () => {
    it('removes the job, returns it, and frees its name', async () => {
      // Prepare
      const job = aScheduledJob();
      await store.create(job);

      // Act
      const deleted = await store.delete(job.id);

      // Assess
      expect(deleted).toEqual(job);
      expect(await store.get(job.id)).toBeUndefined();
      const successor = aScheduledJob({ name: job.name });
      await store.create(successor);
      expect(await store.get(successor.id)).toEqual(successor);
    });

    it('returns undefined when the job is already gone', async () => {
      // Prepare
      const job = aScheduledJob();
      await store.create(job);
      await store.delete(job.id);

      // Act
      const again = await store.delete(job.id);

      // Assess
      expect(again).toBeUndefined();
    });

    it('leaves a name that died with its job to the next create once the reservation is old', async () => {
      // Prepare: a delete that removed the job and died before releasing the name
      const job = aScheduledJob();
      await store.create(job);
      await db.docClient.send(new DeleteCommand({ TableName: db.tableName, Key: scheduledJobKey(job.id) }));
      const later = new DynamoDbScheduledJobStore({
        client: db.docClient,
        tableName: db.tableName,
        clock: new FixedClock(new Date(time.now().getTime() + ORPHAN_TAKEOVER_MS + 1)),
      });
      const successor = aScheduledJob({ name: job.name });

      // Act
      await later.create(successor);

      // Assess
      expect(await later.get(successor.id)).toEqual(successor);
    });

    it('does not free a name that another job took over', async () => {
      // Prepare
      const job = aScheduledJob();
      await store.create(job);
      await db.docClient.send(new DeleteCommand({ TableName: db.tableName, Key: scheduledJobKey(job.id) }));
      const later = new DynamoDbScheduledJobStore({
        client: db.docClient,
        tableName: db.tableName,
        clock: new FixedClock(new Date(time.now().getTime() + ORPHAN_TAKEOVER_MS + 1)),
      });
      const successor = aScheduledJob({ name: job.name });
      await later.create(successor);
      // The old job is back for its delete to finish: a delete that raced the takeover.
      await db.docClient.send(new PutCommand({ TableName: db.tableName, Item: scheduledJobToItem(job) }));

      // Act
      const deleted = await later.delete(job.id);

      // Assess
      expect(deleted).toEqual(job);
      await expect(later.create(aScheduledJob({ name: job.name }))).rejects.toThrow(ConflictError);
      expect(await later.get(successor.id)).toEqual(successor);
    });
  });

  describe('Method: update', () => {
    const paused = { action: 'paused', user: 'alice', time: at(9_000) } as const;

    it('sets enabled, appends the history entry in the same write, and returns the updated job', async () => {
      // Prepare
      const job = aScheduledJob();
      await store.create(job);

      // Act
      const outcome = await store.update(job.id, { enabled: false, history: paused }, LIVE);

      // Assess
      const expected = { ...job, enabled: false, history: [paused] };
      expect(outcome).toEqual({ kind: 'updated', scheduledJob: expected });
      expect(await store.get(job.id)).toEqual(expected);
    });

    it('moves the job between the enabled lists', async () => {
      // Prepare
      const own = new DynamoDbScheduledJobStore({ client: db.docClient, tableName: await db.newTable() });
      const job = aScheduledJob();
      await own.create(job);
      const ids = async (enabled: boolean) =>
        (await own.list({ enabled }, { limit: 10 })).items.map((item) => item.id);

      // Act
      await own.update(job.id, { enabled: false, history: paused }, LIVE);
      const whileDisabled = [await ids(true), await ids(false)];
      await own.update(job.id, { enabled: true, history: { ...paused, action: 'resumed' } }, LIVE);
      const whenEnabled = [await ids(true), await ids(false)];

      // Assess
      expect(whileDisabled).toEqual([[], [job.id]]);
      expect(whenEnabled).toEqual([[job.id], []]);
    });

    it('refuses an unknown id, and creates nothing', async () => {
      // Prepare
      const id = randomUUID();

      // Act
      const outcome = await store.update(id, { enabled: true, history: paused }, LIVE);

      // Assess
      expect(outcome).toEqual({ kind: 'refused', current: undefined });
      expect(await store.get(id)).toBeUndefined();
    });
  });

  describe('Method: update (decisions and deletion)', () => {
    const decision = (outcome: 'approved' | 'denied', user: string) => ({ outcome, user, at: at(7_000) });
    const entry = (action: 'approved' | 'denied' | 'deleted', user: string) => ({
      action,
      user,
      time: at(7_000),
    });

    it('approves only a pending request, and never for its requester', async () => {
      // Prepare
      const job = aScheduledJob({ ...pending });
      await store.create(job);
      const approve = (user: string) =>
        store.update(
          job.id,
          {
            decision: { status: 'approved', decision: decision('approved', user), handoff: 'schedule' },
            history: entry('approved', user),
          },
          approvableBy(user),
        );

      // Act
      const own = await approve('alice');
      const first = await approve('bob');
      const second = await approve('carol');

      // Assess
      expect(own).toEqual({ kind: 'refused', current: job });
      expect(first.kind).toBe('updated');
      expect(second).toMatchObject({ kind: 'refused', current: { decision: decision('approved', 'bob') } });
      expect(await store.get(job.id)).toEqual({
        ...job,
        approvalStatus: 'approved',
        decision: decision('approved', 'bob'),
        handoff: 'schedule',
        history: [entry('approved', 'bob')],
      });
    });

    it('makes exactly one of ten concurrent decisions', async () => {
      // Prepare
      const job = aScheduledJob({ ...pending });
      await store.create(job);

      // Act
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.update(
            job.id,
            {
              decision: {
                status: i % 2 === 0 ? 'approved' : 'denied',
                decision: decision(i % 2 === 0 ? 'approved' : 'denied', `user${i}`),
              },
              history: entry(i % 2 === 0 ? 'approved' : 'denied', `user${i}`),
            },
            AWAITING_DECISION,
          ),
        ),
      );

      // Assess
      expect(outcomes.filter((outcome) => outcome.kind === 'updated')).toHaveLength(1);
      expect((await store.get(job.id))?.history).toHaveLength(1);
    });

    it('moves a request between the queue, the handoff partition and the approved list', async () => {
      // Prepare
      const own = new DynamoDbScheduledJobStore({ client: db.docClient, tableName: await db.newTable() });
      const job = aScheduledJob({ ...pending });
      await own.create(job);
      const ids = async (filter: ScheduledJobFilter) =>
        (await own.list(filter, { limit: 10 })).items.map((item) => item.id);
      const lists = async () => [
        await ids({ approvalRequired: true, approved: false }),
        await ids({ awaitingHandoff: true }),
        await ids({ approvalStatus: 'approved' }),
      ];

      // Act
      const queued = await lists();
      await own.update(
        job.id,
        {
          decision: { status: 'approved', decision: decision('approved', 'bob'), handoff: 'run' },
          history: entry('approved', 'bob'),
        },
        approvableBy('bob'),
      );
      const handingOff = await lists();
      const claimed = await own.claimOccurrence(job.id, at(7_000), 'exec-1', [], { handoff: true });
      const handedOn = await lists();

      // Assess
      expect(queued).toEqual([[job.id], [], []]);
      expect(handingOff).toEqual([[], [job.id], [job.id]]);
      expect(claimed.kind).toBe('claimed');
      expect(handedOn).toEqual([[], [], [job.id]]);
      expect((await own.get(job.id))?.handoff).toBeUndefined();
    });

    it('claims an approved run only while its handoff is pending', async () => {
      const job = aScheduledJob({ ...approved, handoff: 'schedule' });
      await store.create(job);
      const refused = await store.claimOccurrence(job.id, at(7_000), 'exec-1', [], { handoff: true });
      expect(refused.kind).toBe('not-runnable');
      expect((await store.get(job.id))?.claims).toEqual({});
    });

    it('keeps a deleted job, with its history, out of every list, frees its name, and refuses to claim it', async () => {
      // Prepare
      const own = new DynamoDbScheduledJobStore({
        client: db.docClient,
        tableName: await db.newTable(),
        clock: time,
      });
      const job = aScheduledJob({ ...approved });
      await own.create(job);

      // Act
      const deleted = await own.update(
        job.id,
        { deleted: { user: 'alice', at: at(7_000) }, history: entry('deleted', 'alice') },
        LIVE,
      );
      const again = await own.update(
        job.id,
        { deleted: { user: 'bob', at: at(8_000) }, history: entry('deleted', 'bob') },
        LIVE,
      );
      const lists = await Promise.all(
        [
          {},
          { jobPath: JOB_A },
          { user: 'alice' },
          { enabled: true },
          { approvalStatus: 'approved' as const },
        ].map(async (filter) => (await own.list(filter, { limit: 10 })).items),
      );
      const claim = await own.claimOccurrence(job.id, at(9_000), 'exec-1', []);
      const sameName = aScheduledJob({ name: job.name });
      await own.create(sameName);

      // Assess
      expect(deleted).toEqual({
        kind: 'updated',
        scheduledJob: {
          ...job,
          deleted: { user: 'alice', at: at(7_000) },
          history: [entry('deleted', 'alice')],
        },
      });
      expect(again.kind).toBe('refused');
      expect(lists).toEqual(
        [[], [], [], [], []].map(() => expect.not.arrayContaining([expect.objectContaining({ id: job.id })])),
      );
      expect(claim.kind).toBe('not-runnable');
      expect((await own.get(sameName.id))?.name).toBe(job.name);
      expect((await own.get(job.id))?.deleted).toEqual({ user: 'alice', at: at(7_000) });
    });
  });

  describe('Method: list', () => {
    let listed: DynamoDbScheduledJobStore;
    const reference = new InMemoryScheduledJobStore();
    let seeded: ScheduledJob[];

    beforeAll(async () => {
      listed = new DynamoDbScheduledJobStore({ client: db.docClient, tableName: await db.newTable() });
      // 48 jobs: every combination of job, user, enabled and approval state twice. Start times run
      // against creation times, and a few jobs share a creation or start time, so the id decides.
      seeded = Array.from({ length: 48 }, (_, i) => {
        const approval = Math.floor(i / 8) % 3;
        return aScheduledJob({
          jobPath: i % 2 === 0 ? JOB_A : JOB_B,
          user: Math.floor(i / 2) % 2 === 0 ? 'alice' : 'bob',
          enabled: Math.floor(i / 4) % 2 === 0,
          ...(approval === 1 ? pending : approval === 2 ? approved : {}),
          dateCreated: at(Math.floor(i / 2) * 1000),
          startTime: i % 7 === 0 ? undefined : at(86_400_000 - Math.floor(i / 3) * 1000),
          interval: i % 7 === 0 ? 'custom' : 'daily',
          crontab: i % 7 === 0 ? '0 9 * * *' : undefined,
        });
      });
      for (const job of seeded) {
        await listed.create(job);
        await reference.create(job);
      }
    });

    const expectedIds = async (filter: ScheduledJobFilter): Promise<string[]> =>
      (await reference.list(filter, { limit: 1000 })).items.map((job) => job.id);

    const LIST_FILTERS: [string, ScheduledJobFilter][] = [
      ['no filter', {}],
      ['job', { jobPath: JOB_A }],
      ['user', { user: 'bob' }],
      ['enabled', { enabled: true }],
      ['disabled', { enabled: false }],
      ['approval required', { approvalRequired: true }],
      ['approval not required', { approvalRequired: false }],
      ['approved', { approved: true }],
      ['not approved (the queue)', { approved: false }],
      ['the approval queue', { approvalRequired: true, approved: false }],
      ['approval required and approved', { approvalRequired: true, approved: true }],
      ['approval not required and not approved', { approvalRequired: false, approved: false }],
      ['job and user', { jobPath: JOB_B, user: 'alice' }],
      ['job and disabled', { jobPath: JOB_A, enabled: false }],
      ['user and enabled', { user: 'alice', enabled: true }],
      ['the approval queue of one job', { jobPath: JOB_A, approvalRequired: true, approved: false }],
      ['approved for one user', { user: 'bob', approved: true }],
      ['approval required and enabled', { approvalRequired: true, enabled: true }],
      ['approval not required and disabled', { approvalRequired: false, enabled: false }],
      [
        'every filter',
        { jobPath: JOB_B, user: 'alice', enabled: true, approvalRequired: true, approved: true },
      ],
    ];

    it.each(LIST_FILTERS)(
      'pages through the jobs matching %s, forward and back, in the store order',
      async (_, filter) => {
        // Prepare
        const expected = await expectedIds(filter);

        // Act
        const { forward, backward } = await walkBothWays((page) => listed.list(filter, page), 3);

        // Assess
        expect(expected.length).toBeGreaterThan(0);
        expect(forward.map((job) => job.id)).toEqual(expected);
        expect(backward.map((job) => job.id)).toEqual(expected);
      },
    );

    it.each([1, 2, 4, 5, 7])('never skips or repeats a job in any list, with pages of %i', async (limit) => {
      for (const [, filter] of LIST_FILTERS) {
        // Prepare
        const expected = await expectedIds(filter);

        // Act
        const { forward, backward } = await walkBothWays((page) => listed.list(filter, page), limit);

        // Assess
        expect(forward.map((job) => job.id)).toEqual(expected);
        expect(backward.map((job) => job.id)).toEqual(expected);
      }
    });

    it('pages exactly, in pages of the limit, where one index partition answers the filter', async () => {
      // Prepare
      const filter = { approvalRequired: true, approved: false };
      const expected = await expectedIds(filter);

      // Act
      const pages = await walkForwardAndBack((page) => listed.list(filter, page), 6);

      // Assess
      expect(pages.map((page) => page.length)).toEqual([6, 6, 4]);
      expect(pages.flat().map((job) => job.id)).toEqual(expected);
    });

    it('lists the approval queue by start time, oldest first, and every other list newest first', async () => {
      // Prepare
      const startOrder = (job: ScheduledJob) => `${job.startTime ?? job.dateCreated}#${job.id}`;
      const createdOrder = (job: ScheduledJob) => `${job.dateCreated}#${job.id}`;
      const sorted = (jobs: ScheduledJob[], key: (job: ScheduledJob) => string, direction: 1 | -1) =>
        [...jobs].sort((a, b) => (key(a) < key(b) ? -direction : direction)).map((job) => job.id);

      // Act
      const [queue, all] = await Promise.all([
        listed.list({ approvalRequired: true, approved: false }, { limit: 1000 }),
        listed.list({}, { limit: 1000 }),
      ]);

      // Assess
      const waiting = seeded.filter((job) => job.approvalStatus === 'pending');
      expect(queue.items.map((job) => job.id)).toEqual(sorted(waiting, startOrder, 1));
      expect(all.items.map((job) => job.id)).toEqual(sorted(seeded, createdOrder, -1));
    });

    it('returns nothing for approved jobs that need no approval, without reading', async () => {
      // Act
      const page = await listed.list({ approvalRequired: false, approved: true }, { limit: 10 });

      // Assess
      expect(page).toEqual({ items: [] });
    });

    it('gives short pages with exact links when the filter is far narrower than its partition', async () => {
      // Prepare: 40 jobs in one job partition, of which only the oldest and the newest are disabled
      const own = new DynamoDbScheduledJobStore({ client: db.docClient, tableName: await db.newTable() });
      const jobs = Array.from({ length: 40 }, (_, i) => aScheduledJob({ enabled: i !== 0 && i !== 39 }));
      for (const job of jobs) await own.create(job);
      const limit = 2;

      // Act
      const { forward, backward, pages } = await walkBothWays(
        (page) => own.list({ jobPath: JOB_A, enabled: false }, page),
        limit,
      );

      // Assess
      const expected = [jobs[39]?.id, jobs[0]?.id];
      expect(forward.map((job) => job.id)).toEqual(expected);
      expect(backward.map((job) => job.id)).toEqual(expected);
      // A page reads at most MAX_FILTERED_QUERIES × (limit + 1) items, so 40 need several pages.
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(40 / (MAX_FILTERED_QUERIES * (limit + 1))));
    });

    /** Follows `link` from `page` while pages are empty, and returns the first page with items (or the end). */
    async function skipEmpty(
      list: (page: PageRequest) => Promise<Page<ScheduledJob>>,
      page: Page<ScheduledJob>,
      link: 'next' | 'previous',
    ): Promise<Page<ScheduledJob>> {
      let current = page;
      while (current.items.length === 0 && current[link] !== undefined) {
        current = await list({ limit: 1, cursor: current[link] });
      }
      return current;
    }

    it('ends a filtered list with an empty page that links back to the last page', async () => {
      // Prepare: the only disabled job is the newest, so the first page's reads stop before the end
      const own = new DynamoDbScheduledJobStore({ client: db.docClient, tableName: await db.newTable() });
      const jobs = Array.from({ length: 12 }, (_, i) => aScheduledJob({ enabled: i !== 11 }));
      for (const job of jobs) await own.create(job);
      const list = (page: PageRequest) => own.list({ jobPath: JOB_A, enabled: false }, page);
      const first = await list({ limit: 1 });

      // Act
      const end = await skipEmpty(list, await list({ limit: 1, cursor: first.next }), 'next');
      const back = await skipEmpty(list, await list({ limit: 1, cursor: end.previous }), 'previous');

      // Assess
      expect(first).toMatchObject({ items: [jobs[11]], previous: undefined, next: expect.any(String) });
      expect(end).toEqual({ items: [], previous: expect.any(String) });
      expect(back).toMatchObject({ items: [jobs[11]], previous: undefined });
    });

    it('starts a filtered list, walked back, with an empty page that links on to the first page', async () => {
      // Prepare: the only disabled job is the oldest, so walking back ends before the start
      const own = new DynamoDbScheduledJobStore({ client: db.docClient, tableName: await db.newTable() });
      const jobs = Array.from({ length: 12 }, (_, i) => aScheduledJob({ enabled: i !== 0 }));
      for (const job of jobs) await own.create(job);
      const list = (page: PageRequest) => own.list({ jobPath: JOB_A, enabled: false }, page);
      const last = await skipEmpty(list, await list({ limit: 1 }), 'next');

      // Act
      const start = await skipEmpty(list, await list({ limit: 1, cursor: last.previous }), 'previous');
      const on = await skipEmpty(list, await list({ limit: 1, cursor: start.next }), 'next');

      // Assess
      expect(last).toMatchObject({ items: [jobs[0]], next: undefined, previous: expect.any(String) });
      expect(start).toEqual({ items: [], next: expect.any(String) });
      expect(on).toMatchObject({ items: [jobs[0]], next: undefined });
    });

    it('throws BadRequestError for a cursor of another filter', async () => {
      // Prepare
      const first = await listed.list({ jobPath: JOB_A, enabled: true }, { limit: 2 });

      // Act
      const reading = listed.list({ jobPath: JOB_A, enabled: false }, { limit: 2, cursor: first.next });

      // Assess
      await expect(reading).rejects.toThrow(BadRequestError);
    });
  });

  describe('Method: claimOccurrence', () => {
    const OCCURRENCE = '2025-01-02T09:00:00.000Z';

    async function created(overrides: Partial<ScheduledJob> = {}): Promise<ScheduledJob> {
      const job = aScheduledJob(overrides);
      await store.create(job);
      return job;
    }

    it('claims a free occurrence of a runnable job for the execution', async () => {
      // Prepare
      const job = await created();

      // Act
      const outcome = await store.claimOccurrence(job.id, OCCURRENCE, 'execution-1', []);

      // Assess
      const claimed = { ...job, claims: { [OCCURRENCE]: { execution: 'execution-1', counted: false } } };
      expect(outcome).toEqual({ kind: 'claimed', scheduledJob: claimed });
      expect(await store.get(job.id)).toEqual(claimed);
    });

    it('claims an occurrence of an approved job that requires approval', async () => {
      // Prepare
      const job = await created(approved);

      // Act
      const outcome = await store.claimOccurrence(job.id, OCCURRENCE, 'execution-1', []);

      // Assess
      expect(outcome.kind).toBe('claimed');
    });

    it('answers claimed again when the same execution repeats the claim (a retried step)', async () => {
      // Prepare
      const job = await created();
      const first = await store.claimOccurrence(job.id, OCCURRENCE, 'execution-1', []);

      // Act
      const again = await store.claimOccurrence(job.id, OCCURRENCE, 'execution-1', []);

      // Assess
      expect(again).toEqual(first);
    });

    it('answers duplicate when another execution claims a claimed occurrence', async () => {
      // Prepare
      const job = await created();
      await store.claimOccurrence(job.id, OCCURRENCE, 'execution-1', []);

      // Act
      const other = await store.claimOccurrence(job.id, OCCURRENCE, 'execution-2', []);

      // Assess
      expect(other).toEqual({ kind: 'duplicate' });
      expect((await store.get(job.id))?.claims[OCCURRENCE]?.execution).toBe('execution-1');
    });

    it('answers missing for an unknown job, and creates nothing', async () => {
      // Prepare
      const id = randomUUID();

      // Act
      const outcome = await store.claimOccurrence(id, OCCURRENCE, 'execution-1', []);

      // Assess
      expect(outcome).toEqual({ kind: 'missing' });
      expect(await store.get(id)).toBeUndefined();
    });

    it.each<[string, Partial<ScheduledJob>]>([
      ['disabled', { enabled: false }],
      ['waiting for approval', pending],
    ])('answers not-runnable for a job that is %s, and claims nothing', async (_, overrides) => {
      // Prepare
      const job = await created(overrides);

      // Act
      const outcome = await store.claimOccurrence(job.id, OCCURRENCE, 'execution-1', []);

      // Assess
      expect(outcome).toEqual({ kind: 'not-runnable', scheduledJob: job });
      expect((await store.get(job.id))?.claims).toEqual({});
    });

    it('forgets the listed claims in the same write, but never the occurrence it claims', async () => {
      // Prepare
      const job = await created();
      const [old1, old2, kept] = [
        '2025-01-01T07:00:00.000Z',
        '2025-01-01T08:00:00.000Z',
        '2025-01-02T08:00:00.000Z',
      ];
      for (const occurrence of [old1, old2, kept]) await store.claimOccurrence(job.id, occurrence, 'old', []);

      // Act
      const outcome = await store.claimOccurrence(job.id, OCCURRENCE, 'execution-1', [
        old1,
        old2,
        old1,
        OCCURRENCE,
        '2024-12-31T00:00:00.000Z',
      ]);

      // Assess
      const claims = {
        [kept]: { execution: 'old', counted: false },
        [OCCURRENCE]: { execution: 'execution-1', counted: false },
      };
      expect(outcome).toEqual({ kind: 'claimed', scheduledJob: { ...job, claims } });
      expect((await store.get(job.id))?.claims).toEqual(claims);
    });

    it('lets exactly one of 10 concurrent executions claim an occurrence', async () => {
      // Prepare
      const job = await created();
      const executions = Array.from({ length: 10 }, (_, i) => `execution-${i}`);

      // Act
      const outcomes = await Promise.all(
        executions.map((execution) => store.claimOccurrence(job.id, OCCURRENCE, execution, [])),
      );

      // Assess
      const winners = outcomes.flatMap((outcome, i) => (outcome.kind === 'claimed' ? [executions[i]] : []));
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.kind === 'duplicate')).toHaveLength(9);
      expect((await store.get(job.id))?.claims[OCCURRENCE]).toEqual({
        execution: winners[0],
        counted: false,
      });
    });
  });

  describe('Method: countRun', () => {
    const OCCURRENCE = '2025-01-02T09:00:00.000Z';

    async function claimed(): Promise<ScheduledJob> {
      const job = aScheduledJob();
      await store.create(job);
      await store.claimOccurrence(job.id, OCCURRENCE, 'execution-1', []);
      return job;
    }

    it('counts the run of a claimed occurrence and marks the claim counted', async () => {
      // Prepare
      const job = await claimed();

      // Act
      await store.countRun(job.id, OCCURRENCE, at(9_000));

      // Assess
      expect(await store.get(job.id)).toEqual({
        ...job,
        totalRunCount: 1,
        lastRunAt: at(9_000),
        claims: { [OCCURRENCE]: { execution: 'execution-1', counted: true } },
      });
    });

    it('counts a claim once however often it is repeated', async () => {
      // Prepare
      const job = await claimed();
      await store.countRun(job.id, OCCURRENCE, at(9_000));

      // Act
      await store.countRun(job.id, OCCURRENCE, at(10_000));

      // Assess
      const found = await store.get(job.id);
      expect(found?.totalRunCount).toBe(1);
      expect(found?.lastRunAt).toBe(at(9_000));
    });

    it('counts 5 concurrent counts of one occurrence once', async () => {
      // Prepare
      const job = await claimed();

      // Act
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => store.countRun(job.id, OCCURRENCE, at(9_000 + i))),
      );

      // Assess
      expect((await store.get(job.id))?.totalRunCount).toBe(1);
    });

    it('ignores an occurrence that was never claimed (or was forgotten)', async () => {
      // Prepare
      const job = await claimed();

      // Act
      await store.countRun(job.id, '2025-01-03T09:00:00.000Z', at(9_000));

      // Assess
      expect(await store.get(job.id)).toMatchObject({ totalRunCount: 0, lastRunAt: undefined });
    });

    it('ignores a missing job, and creates nothing', async () => {
      // Prepare
      const id = randomUUID();

      // Act
      await store.countRun(id, OCCURRENCE, at(9_000));

      // Assess
      expect(await store.get(id)).toBeUndefined();
    });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '../../../lambdas/adapters/dynamodb/document-client';
import { DynamoDbJobResultStore } from '../../../lambdas/adapters/dynamodb/dynamodb-job-result-store';
import { DynamoDbScheduledJobStore } from '../../../lambdas/adapters/dynamodb/dynamodb-scheduled-job-store';
import { and, oneOf } from '../../../lambdas/core/conditions';
import { ConflictError } from '../../../lambdas/core/errors';
import type { JobResult } from '../../../lambdas/core/job-results';
import type { ScheduledJobChange } from '../../../lambdas/core/ports';
import {
  AWAITING_DECISION,
  approvableBy,
  handoffPending,
  LIVE,
  type ScheduledJob,
  type ScheduledJobCondition,
  type ScheduledJobFilter,
} from '../../../lambdas/core/scheduled-jobs';
import { type LocalDynamoDb, startDynalite } from '../../support/dynalite';

const JOB = 'local/example/Counted';
let dynamodb: LocalDynamoDb;
let store: DynamoDbJobResultStore;

beforeAll(async () => {
  dynamodb = await startDynalite();
  store = new DynamoDbJobResultStore({ client: dynamodb.docClient, tableName: dynamodb.tableName });
});

afterAll(async () => {
  await dynamodb?.close();
});

function aResult(overrides: Partial<JobResult> = {}): JobResult {
  return {
    id: randomUUID(),
    jobPath: JOB,
    name: 'Counted',
    status: 'PENDING',
    user: 'alice',
    dryrun: false,
    dateCreated: new Date().toISOString(),
    logs: [],
    ...overrides,
  };
}

/** What each filter's list holds, read from the list itself. */
async function listed(filter: Parameters<DynamoDbJobResultStore['count']>[0]): Promise<number> {
  return (await store.list(filter, { limit: 1000 })).items.length;
}

describe('Class: DynamoDbJobResultStore', () => {
  describe('Method: count', () => {
    it('follows creation and every status change once, repeats included', async () => {
      // Prepare
      const [a, b, c] = [aResult(), aResult({ scheduledJob: 'sched-1' }), aResult()];
      for (const result of [a, b, c]) await store.create(result);

      // Act
      await store.markStarted(a.id, 'exec-a', new Date().toISOString());
      await store.markStarted(a.id, 'exec-a', new Date().toISOString()); // a repeat
      await store.finish(a.id, { status: 'SUCCESS' }, new Date().toISOString());
      await store.finish(a.id, { status: 'SUCCESS' }, new Date().toISOString()); // a repeat
      await store.finish(b.id, { status: 'FAILURE', error: 'no' }, new Date().toISOString()); // never started
      await store.abandon(c.id, 'gone', new Date().toISOString());
      await store.abandon(c.id, 'gone', new Date().toISOString()); // moved on: not again

      // Assess
      const filters = [
        {},
        { jobPath: JOB },
        { status: 'PENDING' as const },
        { status: 'SUCCESS' as const },
        { status: 'FAILURE' as const },
        { jobPath: JOB, status: 'FAILURE' as const },
        { scheduledJob: 'sched-1' },
        { scheduledJob: 'sched-1', status: 'FAILURE' as const },
      ];
      for (const filter of filters) {
        expect({ filter, count: await store.count(filter) }).toEqual({ filter, count: await listed(filter) });
      }
      expect(await store.count({ jobPath: JOB, status: 'FAILURE' })).toBe(2);
    });

    it('counts by reading a partition that has no counter yet', async () => {
      expect(await store.count({ jobPath: 'local/example/NeverRun' })).toBe(0);
    });
  });

  describe('Method: repairCounts', () => {
    it('puts back a counter that a stopped process left off, and leaves true ones alone', async () => {
      // Prepare: a result whose count was never added, as if the process stopped after the write.
      await store.create(aResult({ jobPath: 'local/example/Drifted' }));
      await dynamodb.docClient.send(
        new UpdateCommand({
          TableName: dynamodb.tableName,
          Key: { pk: 'COUNT#RESULTS#JOB#local/example/Drifted', sk: 'COUNT' },
          UpdateExpression: 'ADD #n :minus',
          ExpressionAttributeNames: { '#n': 'all' },
          ExpressionAttributeValues: { ':minus': -1 },
        }),
      );
      expect(await store.count({ jobPath: 'local/example/Drifted' })).toBe(0);

      // Act
      const repaired = await store.repairCounts();
      const again = await store.repairCounts();

      // Assess
      expect(repaired).toBe(1);
      expect(again).toBe(0);
      expect(await store.count({ jobPath: 'local/example/Drifted' })).toBe(1);
    });
  });
});

describe('Class: DynamoDbScheduledJobStore', () => {
  let scheduled: DynamoDbScheduledJobStore;
  let tableName: string;
  let created = 0;

  beforeAll(async () => {
    tableName = await dynamodb.newTable();
    scheduled = new DynamoDbScheduledJobStore({ client: dynamodb.docClient, tableName });
  });

  const PAUSABLE: ScheduledJobCondition = and(LIVE, oneOf('approvalStatus', ['not_required', 'approved']));

  function aScheduledJob(overrides: Partial<ScheduledJob> = {}): ScheduledJob {
    created += 1;
    const dateCreated = new Date(Date.UTC(2025, 0, 1, 0, 0, created)).toISOString();
    return {
      id: randomUUID(),
      name: `counted ${randomUUID()}`,
      jobPath: 'local/example/JobA',
      interval: 'daily',
      startTime: new Date(Date.UTC(2030, 0, 1, 0, 0, created)).toISOString(),
      timeZone: 'UTC',
      oneOff: false,
      enabled: true,
      user: 'alice',
      data: {},
      totalRunCount: 0,
      dateCreated,
      approvalRequired: false,
      approvalStatus: 'not_required',
      history: [],
      schedule: {
        expression: 'cron(0 9 * * ? *)',
        timeZone: 'UTC',
        startDate: dateCreated,
        actionAfterCompletion: 'NONE',
      },
      claims: {},
      ...overrides,
    };
  }
  const pending = { approvalRequired: true, approvalStatus: 'pending' } as const;
  const when = new Date(Date.UTC(2026, 0, 1)).toISOString();

  const pause = (id: string, enabled: boolean) =>
    scheduled.update(
      id,
      { enabled, history: { action: enabled ? 'resumed' : 'paused', user: 'alice', time: when } },
      PAUSABLE,
    );
  const decide = (id: string, status: 'approved' | 'denied', user: string, handoff?: 'run' | 'schedule') => {
    const change: ScheduledJobChange = {
      decision: { status, decision: { outcome: status, user, at: when }, handoff },
      history: { action: status, user, time: when },
    };
    return scheduled.update(id, change, status === 'approved' ? approvableBy(user) : AWAITING_DECISION);
  };
  const remove = (id: string) =>
    scheduled.update(
      id,
      { deleted: { user: 'alice', at: when }, history: { action: 'deleted', user: 'alice', time: when } },
      LIVE,
    );

  /** Every list a counter serves, and some a combined filter counts by reading. */
  const FILTERS: ScheduledJobFilter[] = [
    {},
    { jobPath: 'local/example/JobA' },
    { jobPath: 'local/example/JobB' },
    { user: 'alice' },
    { user: 'bob' },
    { enabled: true },
    { enabled: false },
    ...(['not_required', 'pending', 'approved', 'denied'] as const).map((approvalStatus) => ({
      approvalStatus,
    })),
    { approvalRequired: true },
    { approvalRequired: false },
    { approvalRequired: true, approved: true },
    { approvalRequired: true, approved: false },
    { awaitingHandoff: true },
    { jobPath: 'local/example/JobA', enabled: false },
    { user: 'bob', approvalStatus: 'pending' },
  ];

  /** Each filter's count next to the length of its list, read from the list itself. */
  async function countsAndLists() {
    return Promise.all(
      FILTERS.map(async (filter) => ({
        filter,
        count: await scheduled.count(filter),
        listed: (await scheduled.list(filter, { limit: 1000 })).items.length,
      })),
    );
  }

  function expectExact(rows: Awaited<ReturnType<typeof countsAndLists>>) {
    for (const { filter, count, listed } of rows)
      expect({ filter, count }).toEqual({ filter, count: listed });
  }

  async function counterItem(item: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await dynamodb.docClient.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: `COUNT#${item}`, sk: 'COUNT' },
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  describe('Method: count', () => {
    it('stays exact through creates, pauses, decisions, handoffs and deletions, repeats included', async () => {
      // Prepare
      const plain = aScheduledJob();
      const paused = aScheduledJob({ jobPath: 'local/example/JobB' });
      const toRun = aScheduledJob({ ...pending, user: 'bob' });
      const toSchedule = aScheduledJob({ ...pending, user: 'bob', jobPath: 'local/example/JobB' });
      const toDeny = aScheduledJob({ ...pending, user: 'bob' });
      const waiting = aScheduledJob({ ...pending, user: 'bob' });
      const toDelete = aScheduledJob();
      const undone = aScheduledJob({ user: 'bob' });
      for (const job of [plain, paused, toRun, toSchedule, toDeny, waiting, toDelete, undone]) {
        await scheduled.create(job);
      }

      // Act
      expect((await pause(paused.id, false)).kind).toBe('updated');
      expect((await pause(paused.id, false)).kind).toBe('updated'); // a repeat: moves nothing
      expect((await pause(plain.id, false)).kind).toBe('updated');
      expect((await pause(plain.id, true)).kind).toBe('updated');
      expect((await decide(toRun.id, 'approved', 'carol', 'run')).kind).toBe('updated');
      expect((await decide(toRun.id, 'approved', 'dave', 'run')).kind).toBe('refused'); // decided already
      expect((await decide(toSchedule.id, 'approved', 'carol', 'schedule')).kind).toBe('updated');
      expect((await decide(toDeny.id, 'denied', 'carol')).kind).toBe('updated');
      const midway = await countsAndLists();
      expect((await scheduled.claimOccurrence(toRun.id, when, 'exec-1', [], { handoff: true })).kind).toBe(
        'claimed',
      );
      expect((await scheduled.claimOccurrence(toRun.id, when, 'exec-1', [], { handoff: true })).kind).toBe(
        'claimed',
      ); // a repeat
      expect(
        (await scheduled.update(toSchedule.id, { handoff: { done: true } }, handoffPending('schedule'))).kind,
      ).toBe('updated');
      expect(
        (await scheduled.update(toSchedule.id, { handoff: { done: true } }, handoffPending('schedule'))).kind,
      ).toBe('refused');
      expect((await remove(toDelete.id)).kind).toBe('updated');
      expect((await remove(toDelete.id)).kind).toBe('refused'); // deleted already
      expect((await remove(toDeny.id)).kind).toBe('updated'); // a denied request, deleted
      expect(await scheduled.delete(undone.id)).toBeDefined();
      expect(await scheduled.delete(undone.id)).toBeUndefined();

      // Assess
      expectExact(midway);
      expectExact(await countsAndLists());
      // Served by the counters themselves, not by reading: they hold the lists' true lengths.
      expect(await counterItem('SCHEDULED')).toMatchObject({
        all: 5,
        enabled_true: 4,
        enabled_false: 1,
        approval_not_required: 2,
        approval_pending: 1,
        approval_approved: 2,
        approval_handoff: 0,
        approval_denied: 0,
      });
      expect(await counterItem('SCHEDULED#USER#bob')).toMatchObject({ all: 3 });
      expect(await counterItem('SCHEDULED#JOB#local/example/JobB')).toMatchObject({ all: 2 });
    });

    it('stays exact through concurrent pauses, resumes, decisions and deletions of the same jobs', async () => {
      // Prepare
      const flipped = aScheduledJob({ jobPath: 'local/example/JobC' });
      const contested = aScheduledJob({ ...pending, jobPath: 'local/example/JobC' });
      const doomed = aScheduledJob({ jobPath: 'local/example/JobC' });
      for (const job of [flipped, contested, doomed]) await scheduled.create(job);

      // Act
      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 8 }, (_, i) => pause(flipped.id, i % 2 === 1)),
        ...Array.from({ length: 6 }, (_, i) =>
          decide(
            contested.id,
            i % 2 === 0 ? 'approved' : 'denied',
            `approver${i}`,
            i % 2 === 0 ? 'run' : undefined,
          ),
        ),
        ...Array.from({ length: 4 }, () => remove(doomed.id)),
        ...Array.from({ length: 4 }, (_, i) => pause(doomed.id, i % 2 === 1)),
      ]);

      // Assess
      const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      for (const failure of failures) expect(failure).toBeInstanceOf(ConflictError);
      const decided = outcomes
        .slice(8, 14)
        .filter((o) => o.status === 'fulfilled' && o.value.kind === 'updated');
      expect(decided).toHaveLength(1);
      expectExact(await countsAndLists());
      expect(await scheduled.count({ jobPath: 'local/example/JobC' })).toBe(2);
    });
  });

  describe('Method: repairCounts', () => {
    it('puts back counters knocked off by hand, and leaves true ones alone', async () => {
      // Prepare
      await scheduled.create(aScheduledJob({ ...pending, user: 'erin' }));
      for (const [item, attribute, delta] of [
        ['SCHEDULED#USER#erin', 'all', -1],
        ['SCHEDULED', 'approval_pending', 5],
      ] as const) {
        await dynamodb.docClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `COUNT#${item}`, sk: 'COUNT' },
            UpdateExpression: 'ADD #n :delta',
            ExpressionAttributeNames: { '#n': attribute },
            ExpressionAttributeValues: { ':delta': delta },
          }),
        );
      }
      const knockedOff = await countsAndLists();
      expect(await scheduled.count({ user: 'erin' })).toBe(0);

      // Act
      const repaired = await scheduled.repairCounts();
      const again = await scheduled.repairCounts();

      // Assess
      expect(knockedOff.filter(({ count, listed }) => count !== listed).length).toBeGreaterThan(0);
      expect(repaired).toBe(2);
      expect(again).toBe(0);
      expectExact(await countsAndLists());
      expect(await scheduled.count({ user: 'erin' })).toBe(1);
    });
  });
});

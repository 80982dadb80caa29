import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbJobResultStore } from '../../../lambdas/adapters/dynamodb/dynamodb-job-result-store';
import type { JobResult } from '../../../lambdas/core/job-results';
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

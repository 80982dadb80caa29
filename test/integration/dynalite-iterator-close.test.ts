/**
 * dynalite 4.0.0 closes the LevelDB iterator behind each read with `iterator.return()`, which
 * abstract-level 3 iterators lack, so without local/dynalite-iterator-close.ts every Query, Scan
 * and ListTables left one open for the life of the server. Counts the iterators alive in this
 * process around reads of every kind the stores make.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryObjects } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { dynaliteIteratorClasses } from '../../local/dynalite-iterator-close';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/local-dynamodb';

/**
 * Iterators still reachable: an open one is held by its database, a closed one is garbage
 * (`queryObjects` collects all garbage before it counts).
 */
function liveIterators(): number {
  return dynaliteIteratorClasses().reduce(
    (sum, iteratorClass) =>
      sum + (queryObjects(iteratorClass as unknown as new () => object, { format: 'count' }) as number),
    0,
  );
}

const TABLE = 'countersign-iterators';
let store: LocalDynamoDb | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await store?.close();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  store = undefined;
  dataDir = undefined;
});

describe('Local DynamoDB (dynalite on LevelDB)', () => {
  it('closes the iterator behind every Query, Scan and ListTables, read to the end or not', async () => {
    // Prepare: a table on disk, as `npm start` keeps it, with a page's worth of items.
    dataDir = await mkdtemp(join(tmpdir(), 'countersign-iterators-'));
    store = await startLocalDynamoDb({ path: dataDir, tableName: TABLE });
    const client = store.client;
    for (let index = 0; index < 12; index += 1) {
      await client.call('PutItem', {
        TableName: TABLE,
        Item: {
          pk: { S: 'USER#x' },
          sk: { S: `ITEM#${index}` },
          gsi1pk: { S: 'USERS' },
          gsi1sk: { S: `user-${index}` },
        },
      });
    }
    const before = liveIterators();
    const reads = 25;

    // Act: each kind of read, whole and cut short by a Limit.
    for (let round = 0; round < reads; round += 1) {
      await client.call('Query', {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'USER#x' } },
      });
      await client.call('Query', {
        TableName: TABLE,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'USERS' } },
        Limit: 3,
      });
      await client.call('Scan', { TableName: TABLE, Limit: 2 });
      await client.call('ListTables', {});
    }

    // Assess: before the fix, 200 more (100 reads, each an iterator and the one it wraps).
    expect(liveIterators() - before).toBe(0);
  });
});

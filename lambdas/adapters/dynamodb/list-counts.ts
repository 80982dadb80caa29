/**
 * How many items a list holds, for the `count` of every list answer, without a Scan.
 *
 * The job result lists (the ones that grow without bound) keep a counter per index partition they
 * are served from: `COUNT#<index>|<partition>[|<sort key prefix>]` / `COUNT`, with `n` a number, in
 * the `COUNTERS` partition of gsi1 so that the repair pass can find every counter. A store changes
 * counters after the item write that moves an item in or out of a partition (create, a status
 * transition), with one `ADD` per counter and only when the write really changed the item.
 *
 * dynalite has no transactions, so a counter cannot change in the same write as its item: a process
 * that dies between the two leaves the counter one off. `repairCounts` recounts every counter's
 * partition (a keys-only `Select: COUNT` Query) and writes the true number only if the counter did
 * not move while it counted; the reconciler runs it every 15 minutes. A counter that does not exist
 * yet is counted by reading.
 *
 * Other lists (users, tokens, scheduled jobs, and job result lists with a residual FilterExpression)
 * are small by nature and are counted by reading their partition's keys each time.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './document-client';
import { type IndexName, type IndexQuery, indexAttributes } from './keys';
import type { QueryFilter } from './query-page';

const COUNTERS_PARTITION = 'COUNTERS';

export function counterName(query: IndexQuery): string {
  return [
    query.index,
    query.partition,
    ...(query.sortKeyPrefix === undefined ? [] : [query.sortKeyPrefix]),
  ].join('|');
}

function queryOfCounter(name: string): IndexQuery {
  const [index, partition, sortKeyPrefix] = name.split('|');
  return { index: index as IndexName, partition: partition ?? '', sortKeyPrefix };
}

function counterKey(name: string) {
  return { pk: `COUNT#${name}`, sk: 'COUNT' };
}

interface Table {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Adds each delta to its counter, creating counters as needed. */
export async function adjustCounters(table: Table, deltas: ReadonlyMap<string, number>): Promise<void> {
  await Promise.all(
    [...deltas]
      .filter(([, delta]) => delta !== 0)
      .map(([name, delta]) =>
        table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: counterKey(name),
            UpdateExpression: 'ADD #n :delta SET #gsi1pk = :counters, #gsi1sk = :name',
            ExpressionAttributeNames: { '#n': 'n', '#gsi1pk': 'gsi1pk', '#gsi1sk': 'gsi1sk' },
            ExpressionAttributeValues: { ':delta': delta, ':counters': COUNTERS_PARTITION, ':name': name },
          }),
        ),
      ),
  );
}

/** The counters' moves when an item leaves the partitions `from` for `to`. */
export function counterMoves(from: readonly IndexQuery[], to: readonly IndexQuery[]): Map<string, number> {
  const deltas = new Map<string, number>();
  for (const query of from) deltas.set(counterName(query), (deltas.get(counterName(query)) ?? 0) - 1);
  for (const query of to) deltas.set(counterName(query), (deltas.get(counterName(query)) ?? 0) + 1);
  return deltas;
}

/** Counts a partition's items (with a filter, those that pass it) by reading its keys. */
export async function countByReading(table: Table, query: IndexQuery, filter?: QueryFilter): Promise<number> {
  const { pk, sk } = indexAttributes(query.index);
  const prefix = query.sortKeyPrefix;
  const request: QueryCommandInput = {
    TableName: table.tableName,
    IndexName: query.index,
    Select: 'COUNT',
    KeyConditionExpression: prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: {
      '#pk': pk,
      ...(prefix === undefined ? {} : { '#sk': sk }),
      ...filter?.names,
    },
    ExpressionAttributeValues: {
      ':pk': query.partition,
      ...(prefix === undefined ? {} : { ':prefix': prefix }),
      ...filter?.values,
    },
    ...(filter === undefined ? {} : { FilterExpression: filter.expression }),
  };
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const result = await table.client.send(new QueryCommand({ ...request, ExclusiveStartKey: start }));
    count += result.Count ?? 0;
    start = result.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
}

/** The partition's counter, or (no counter yet) its count by reading. */
export async function countFromCounter(table: Table, query: IndexQuery): Promise<number> {
  const name = counterName(query);
  const { Item: item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: counterKey(name), ProjectionExpression: 'n' }),
  );
  const n = item?.n;
  return typeof n === 'number' ? Math.max(0, n) : countByReading(table, query);
}

/**
 * Recounts every counter's partition and corrects the counters that drifted; a counter that moved
 * while its partition was counted is left for the next pass. Returns how many were corrected.
 */
export async function repairCounters(table: Table): Promise<number> {
  let repaired = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: '#pk = :counters',
        ExpressionAttributeNames: { '#pk': 'gsi1pk' },
        ExpressionAttributeValues: { ':counters': COUNTERS_PARTITION },
        ExclusiveStartKey: start,
      }),
    );
    start = page.LastEvaluatedKey;
    for (const item of page.Items ?? []) {
      const name = String(item.gsi1sk);
      const seen = Number(item.n);
      const counted = await countByReading(table, queryOfCounter(name));
      if (counted === seen) continue;
      try {
        await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: counterKey(name),
            UpdateExpression: 'SET #n = :counted',
            ConditionExpression: '#n = :seen',
            ExpressionAttributeNames: { '#n': 'n' },
            ExpressionAttributeValues: { ':counted': counted, ':seen': seen },
          }),
        );
        repaired += 1;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  } while (start !== undefined);
  return repaired;
}

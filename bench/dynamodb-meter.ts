/**
 * Meters every call a DynamoDB client makes: its duration, and the capacity it consumed as DynamoDB
 * reports it (`ReturnConsumedCapacity: 'INDEXES'`, added to each request).
 *
 * dynalite reports the table's units for writes but not the global secondary indexes', which on AWS
 * are billed too (each index an item is in is written with it). With `indexWrites`, the meter reads
 * the item before and after each write (with a separate, unmetered client) and adds the index write
 * units DynamoDB bills for them: per index, a put or delete of the projected item (ALL here), two
 * when the write moves the item within the index, none when the index entry is unchanged.
 */
import { createRequire } from 'node:module';
import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDbClient } from '../lambdas/adapters/dynamodb/document-client';
import { INDEX_NAMES, indexAttributes } from '../lambdas/adapters/dynamodb/keys';

type Item = Record<string, AttributeValue>;

/** dynalite's own item size (bytes, as DynamoDB counts them for capacity). */
const { itemSize } = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize: (item: Item) => number;
};

export interface MeteredCall {
  readonly operation: string;
  readonly ms: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

export class DynamoDbMeter {
  readonly calls: MeteredCall[] = [];

  constructor(private readonly options: { readonly indexWrites: boolean }) {}

  /** Meters every call of `client`; `plain` (not metered) reads the before/after images. */
  install(client: DynamoDbClient, plain: DynamoDbClient): void {
    client.intercept(async (operation, sent, next) => {
      const input: Record<string, unknown> = { ...sent, ReturnConsumedCapacity: 'INDEXES' };
      const key = WRITES.has(operation) && this.options.indexWrites ? keyOf(input) : undefined;
      const before = key ? await read(plain, input.TableName as string, key) : undefined;
      const started = performance.now();
      let output: unknown;
      let failedCondition = false;
      try {
        output = await next(input);
        return output as Awaited<ReturnType<typeof next>>;
      } catch (error) {
        failedCondition = error instanceof Error && error.name === 'ConditionalCheckFailedException';
        throw error;
      } finally {
        const ms = performance.now() - started;
        const consumed = [
          (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined)
            ?.ConsumedCapacity ?? [],
        ].flat();
        let readUnits = 0;
        let writeUnits = 0;
        const reported = consumed.reduce((sum, capacity) => sum + (capacity.CapacityUnits ?? 0), 0);
        if (WRITES.has(operation)) writeUnits = reported;
        // DynamoDB bills a read that finds nothing half a unit; dynalite reports 0 for an empty Query.
        else readUnits = output === undefined ? 0 : Math.max(reported, 0.5);
        if (key) {
          const after = await read(plain, input.TableName as string, key);
          // A failed condition still costs the write of the item it was checked against.
          if (failedCondition) writeUnits = units(before);
          else writeUnits += indexWriteUnits(before, after);
        }
        this.calls.push({ operation, ms, readUnits, writeUnits });
      }
    });
  }

  /** Calls made since `mark` (an index into `calls`). */
  since(mark: number): readonly MeteredCall[] {
    return this.calls.slice(mark);
  }
}

/** The table key (strings), whether the document client has marshalled the input yet or not. */
function keyOf(input: Record<string, unknown>): Item | undefined {
  const source = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const attribute = (value: unknown): AttributeValue | undefined =>
    typeof value === 'string' ? { S: value } : (value as AttributeValue | undefined);
  const pk = attribute(source?.pk);
  const sk = attribute(source?.sk);
  return pk && sk ? { pk, sk } : undefined;
}

async function read(client: DynamoDbClient, tableName: string, key: Item): Promise<Item | undefined> {
  const { Item: item } = await client.call('GetItem', {
    TableName: tableName,
    Key: key,
    ConsistentRead: true,
  });
  return item as Item | undefined;
}

function units(item: Item | undefined): number {
  return item ? Math.ceil(itemSize(item) / 1024) : 1;
}

function indexWriteUnits(before: Item | undefined, after: Item | undefined): number {
  let total = 0;
  for (const index of INDEX_NAMES) {
    const { pk, sk } = indexAttributes(index);
    const keyBefore = before?.[pk] && before[sk] ? JSON.stringify([before[pk], before[sk]]) : undefined;
    const keyAfter = after?.[pk] && after[sk] ? JSON.stringify([after[pk], after[sk]]) : undefined;
    if (keyBefore === undefined && keyAfter === undefined) continue;
    if (keyBefore === undefined) total += units(after);
    else if (keyAfter === undefined) total += units(before);
    else if (keyBefore !== keyAfter) total += units(before) + units(after);
    else if (JSON.stringify(before) !== JSON.stringify(after)) total += Math.max(units(before), units(after));
  }
  return total;
}

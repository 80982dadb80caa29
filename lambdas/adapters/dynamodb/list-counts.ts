/**
 * How many items a list holds, for the `count` of every list answer, without a Scan.
 *
 * The job result and scheduled job lists (the ones that grow without bound) are counted by
 * counters. A counter is one number attribute of a counter item `COUNT#<item>` / `COUNT`, and each
 * list is one slot (item and attribute; see keys.ts, jobResultCounters and scheduledJobCounters):
 * the lists of one job share one item, the lists of all jobs another, so a creation or a status
 * change updates two or three items, one `ADD` each, right after the item write that moved a record,
 * and only when that write changed it. Counter items sit in the `COUNTERS` partition of gsi1, so the
 * repair pass finds them all; each store's pass recounts only the slots of its own layout.
 *
 * dynalite has no transactions, so a counter cannot change in the same write as its item: a process
 * that dies between the two leaves the counter one off. `repairCounters` recounts every slot's list
 * (a keys-only `Select: COUNT` Query) and writes the true number only if the counter did not move
 * while it counted; the reconciler runs it every 15 minutes. A slot that does not exist yet is
 * counted by reading.
 *
 * Other lists (users and tokens, few by nature, and lists with a residual FilterExpression, read from
 * their most selective partition) are counted by reading their partition's keys each time.
 */
import {
  type DocumentClient,
  GetCommand,
  isConditionalCheckFailed,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from './document-client';
import { type CounterSlot, type IndexQuery, indexAttributes } from './keys';
import type { QueryFilter } from './query-page';

const COUNTERS_PARTITION = 'COUNTERS';
/** Attributes of a counter item that are not counters. */
const NOT_COUNTERS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk']);

/** How a store's lists map to counter slots and back. */
export interface CounterLayout {
  /** The slot that counts this list, or undefined when the list has none. */
  slotOf(query: IndexQuery): CounterSlot | undefined;
  /** The list a slot counts, or undefined for an attribute that is no slot. */
  queryOf(slot: CounterSlot): IndexQuery | undefined;
}

function counterKey(item: string) {
  return { pk: `COUNT#${item}`, sk: 'COUNT' };
}

interface Table {
  readonly client: DocumentClient;
  readonly tableName: string;
}

/** Slot → delta, keyed `<item>\n<attribute>`. */
export type CounterDeltas = Map<string, number>;

const slotKey = (slot: CounterSlot) => `${slot.item}\n${slot.attribute}`;

/** The counters' moves when an item leaves the slots `from` for `to`. */
export function counterMoves(from: readonly CounterSlot[], to: readonly CounterSlot[]): CounterDeltas {
  const deltas: CounterDeltas = new Map();
  for (const slot of from) deltas.set(slotKey(slot), (deltas.get(slotKey(slot)) ?? 0) - 1);
  for (const slot of to) deltas.set(slotKey(slot), (deltas.get(slotKey(slot)) ?? 0) + 1);
  return deltas;
}

/** Adds each delta to its counter: one UpdateItem per counter item, creating items as needed. */
export async function adjustCounters(table: Table, deltas: CounterDeltas): Promise<void> {
  const byItem = new Map<string, [string, number][]>();
  for (const [key, delta] of deltas) {
    if (delta === 0) continue;
    const [item = '', attribute = ''] = key.split('\n');
    byItem.set(item, [...(byItem.get(item) ?? []), [attribute, delta]]);
  }
  await Promise.all(
    [...byItem].map(([item, changes]) => {
      const names: Record<string, string> = { '#gsi1pk': 'gsi1pk', '#gsi1sk': 'gsi1sk' };
      const values: Record<string, unknown> = { ':counters': COUNTERS_PARTITION, ':item': item };
      const adds = changes.map(([attribute, delta], i) => {
        names[`#c${i}`] = attribute;
        values[`:d${i}`] = delta;
        return `#c${i} :d${i}`;
      });
      return table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: counterKey(item),
          UpdateExpression: `ADD ${adds.join(', ')} SET #gsi1pk = :counters, #gsi1sk = :item`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    }),
  );
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

/** The list's counter, or (no counter for it yet) its count by reading. */
export function countFromCounter(table: Table, layout: CounterLayout, query: IndexQuery): Promise<number> {
  return countFromCounters(table, layout, [query]);
}

/**
 * The total of several lists (merged partitions), from their counters: one GetItem per counter item
 * they share; a list without a counter yet is counted by reading.
 */
export async function countFromCounters(
  table: Table,
  layout: CounterLayout,
  queries: readonly IndexQuery[],
): Promise<number> {
  const byItem = new Map<string, { attribute: string; query: IndexQuery }[]>();
  const unslotted: IndexQuery[] = [];
  for (const query of queries) {
    const slot = layout.slotOf(query);
    if (slot === undefined) unslotted.push(query);
    else byItem.set(slot.item, [...(byItem.get(slot.item) ?? []), { attribute: slot.attribute, query }]);
  }
  const counts = await Promise.all([
    ...unslotted.map((query) => countByReading(table, query)),
    ...[...byItem].map(async ([key, slots]) => {
      const { Item: item } = await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: counterKey(key),
          ProjectionExpression: slots.map((_, i) => `#c${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(
            slots.map(({ attribute }, i) => [`#c${i}`, attribute]),
          ),
        }),
      );
      const each = await Promise.all(
        slots.map(({ attribute, query }) => {
          const n = item?.[attribute];
          return typeof n === 'number' ? Math.max(0, n) : countByReading(table, query);
        }),
      );
      return each.reduce((sum, n) => sum + n, 0);
    }),
  ]);
  return counts.reduce((sum, n) => sum + n, 0);
}

/**
 * Recounts every counter's list and corrects the counters that drifted; a counter that moved while
 * its list was counted is left for the next pass. Returns how many were corrected.
 */
export async function repairCounters(table: Table, layout: CounterLayout): Promise<number> {
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
    for (const counters of page.Items ?? []) {
      const item = String(counters.gsi1sk);
      for (const [attribute, seen] of Object.entries(counters)) {
        if (NOT_COUNTERS.has(attribute) || typeof seen !== 'number') continue;
        const query = layout.queryOf({ item, attribute });
        if (query === undefined) continue;
        const counted = await countByReading(table, query);
        if (counted === seen) continue;
        try {
          await table.client.send(
            new UpdateCommand({
              TableName: table.tableName,
              Key: counterKey(item),
              UpdateExpression: 'SET #c = :counted',
              ConditionExpression: '#c = :seen',
              ExpressionAttributeNames: { '#c': attribute },
              ExpressionAttributeValues: { ':counted': counted, ':seen': seen },
            }),
          );
          repaired += 1;
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
    }
  } while (start !== undefined);
  return repaired;
}

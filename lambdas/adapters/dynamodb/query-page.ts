/**
 * The one implementation of list pagination for every store.
 *
 * A page is read with `Limit = limit + 1`: the extra item (never returned) tells whether there is a
 * further page, so a last page has no `next` and a first page reached by going back has no `previous`,
 * without an extra request and without handing out cursors to empty pages.
 *
 * Going back (`dir: 'prev'`) queries in the opposite order from the exclusive start key and reverses
 * what it read. The first page has no `previous`, the last no `next`; a page reached by `next` always
 * has a `previous` and one reached by `previous` a `next`. A cursor past what is left of a list that
 * shrank (items changed status, say) gives the list's last or first page rather than an empty one.
 *
 * A list may also carry a filter (a FilterExpression) for the part of a request that no index answers.
 * DynamoDB applies `Limit` before the filter, so a filtered read continues from where DynamoDB stopped,
 * up to MAX_FILTERED_QUERIES requests of `limit + 1` items each, and then returns what it found: a page
 * of a filtered list may be short, even empty. Its links then continue from the last item *read* (the
 * LastEvaluatedKey), not the last item returned, so nothing is skipped or repeated. A `next` may then
 * find that nothing after it passes the filter: that page is empty, has no `next`, and its `previous`
 * is a `last` cursor (the list's last page, which has no `next` although reached backwards), since a
 * `prev` from its position could leave out the item there. Likewise an empty page before the first
 * match has a `first` cursor as its `next`. Unfiltered lists keep the rule for shrunk lists above.
 */

import { BadRequestError } from '../../core/errors';
import { MESSAGES } from '../../core/messages';
import { MAX_PAGE_SIZE, type Page, type PageRequest } from '../../core/pagination';
import {
  type CursorDirection,
  type CursorKey,
  type DecodedCursor,
  decodeCursor,
  encodeCursor,
  queryHash,
} from './cursor';
import { type DocumentClient, QueryCommand, type QueryCommandInput } from './document-client';
import { type IndexQuery, indexAttributes, indexKeyAttributeNames } from './keys';

export type Item = Record<string, unknown>;
export type ListOrder = 'ascending' | 'descending';

/** Requests one filtered page may make; each reads at most `limit + 1` items. */
export const MAX_FILTERED_QUERIES = 4;

/**
 * A FilterExpression with its placeholders. They must not be the ones the paging itself uses
 * (`#pk`, `#sk`, `:pk`, `:prefix`, `:position`).
 */
export interface QueryFilter {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
}

const PAGING_PLACEHOLDERS = new Set(['#pk', '#sk', ':pk', ':prefix', ':position']);

interface StoreQuery<T> {
  readonly client: DocumentClient;
  readonly tableName: string;
  /** The order the reader sees, by the index's sort key. */
  readonly order: ListOrder;
  readonly page: PageRequest;
  readonly toDomain: (item: Item) => T;
  /** Narrows what the index returns; such lists may have short pages (see above). */
  readonly filter?: QueryFilter | undefined;
}

export interface QueryPageInput<T> extends StoreQuery<T> {
  readonly query: IndexQuery;
}

export interface MergedQueryPageInput<T> extends StoreQuery<T> {
  /** Partitions of one index, without sort key prefixes; their union is listed in sort key order. */
  readonly queries: readonly IndexQuery[];
}

interface Slice {
  /** At most `limit` items, in the order they were read. */
  readonly items: readonly Item[];
  /** Whether items may follow in the order they were read. */
  readonly more: boolean;
  /**
   * Where reading stopped, when `more`: the key to resume from. Absent, it is the last item's key;
   * a filtered read sets it, since it may have read past the last item it returns.
   */
  readonly end?: CursorKey | undefined;
}

interface Paginator<T> extends StoreQuery<T> {
  readonly q: string;
  /** Whether reads apply a filter, so that an empty read says nothing about the list having shrunk. */
  readonly filtered: boolean;
  readonly keyNames: readonly string[];
  readonly acceptsKey: (key: CursorKey) => boolean;
  readonly keyOf: (item: Item) => CursorKey;
  readonly read: (order: ListOrder, limit: number, start: CursorKey | undefined) => Promise<Slice>;
}

const reversed = (order: ListOrder): ListOrder => (order === 'ascending' ? 'descending' : 'ascending');

function checkedLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new BadRequestError('Invalid limit.');
  }
  return limit;
}

function pickKey(item: Item, names: readonly string[]): CursorKey {
  const key: Record<string, string> = {};
  for (const name of names) {
    const value = item[name];
    if (typeof value !== 'string') throw new Error(`Item has no string key attribute "${name}".`);
    key[name] = value;
  }
  return key;
}

async function paginate<T>(p: Paginator<T>): Promise<Page<T>> {
  const limit = checkedLimit(p.page.limit);
  let cursor: DecodedCursor | undefined;
  if (p.page.cursor !== undefined) {
    cursor = decodeCursor(p.page.cursor, { q: p.q, keyNames: p.keyNames });
    if (!p.acceptsKey(cursor.key)) throw new BadRequestError(MESSAGES.invalidCursor);
  }
  const link = (item: Item | undefined, dir: CursorDirection): string | undefined =>
    item === undefined ? undefined : encodeCursor(p.keyOf(item), dir, p.q);
  /** Where a slice stopped reading: its `end` when a filtered read went past its last item, else that item. */
  const stop = (slice: Slice, dir: CursorDirection): string | undefined =>
    slice.end === undefined ? link(slice.items.at(-1), dir) : encodeCursor(slice.end, dir, p.q);

  /**
   * A slice read in the list's order; `previous` only for a page that was not read from the start.
   * An empty page (a filtered read that found nothing) links back from where it stopped: everything
   * it read between its cursor and there was filtered out.
   */
  const forwardPage = (slice: Slice, fromStart: boolean): Page<T> => ({
    items: slice.items.map(p.toDomain),
    previous: fromStart ? undefined : (link(slice.items[0], 'prev') ?? stop(slice, 'prev')),
    next: slice.more ? stop(slice, 'next') : undefined,
  });
  /** A slice read against the list's order; `next` only for a page that was not read from the end. */
  const backwardPage = (slice: Slice, fromEnd: boolean): Page<T> => {
    const items = [...slice.items].reverse();
    return {
      items: items.map(p.toDomain),
      previous: slice.more ? stop(slice, 'prev') : undefined,
      next: fromEnd ? undefined : (link(items.at(-1), 'next') ?? stop(slice, 'next')),
    };
  };

  const firstPage = async (): Promise<Page<T>> => forwardPage(await p.read(p.order, limit, undefined), true);
  const lastPage = async (): Promise<Page<T>> =>
    backwardPage(await p.read(reversed(p.order), limit, undefined), true);

  if (cursor === undefined) return firstPage();
  if (cursor.dir === 'first') return firstPage();
  if (cursor.dir === 'last') return lastPage();
  if (cursor.dir === 'next') {
    const slice = await p.read(p.order, limit, cursor.key);
    if (slice.items.length > 0 || slice.more) return forwardPage(slice, false);
    // Nothing after the cursor passes the filter: the end of the list, reached.
    if (p.filtered) return { items: [], previous: encodeCursor(cursor.key, 'last', p.q) };
    // Everything after the cursor has gone since it was made: what is left is the last page.
    return lastPage();
  }
  const slice = await p.read(reversed(p.order), limit, cursor.key);
  if (slice.items.length > 0 || slice.more) return backwardPage(slice, false);
  if (p.filtered) return { items: [], next: encodeCursor(cursor.key, 'first', p.q) };
  // Everything before the cursor has gone since it was made: what is left is the first page.
  return firstPage();
}

function checkedFilter(filter: QueryFilter | undefined): QueryFilter | undefined {
  if (filter === undefined) return undefined;
  const placeholders = [...Object.keys(filter.names), ...Object.keys(filter.values)];
  const clash = placeholders.find((placeholder) => PAGING_PLACEHOLDERS.has(placeholder));
  if (clash !== undefined) throw new Error(`The filter placeholder "${clash}" is reserved for paging.`);
  return filter;
}

/** What identifies a filter in a cursor's query hash; nothing for an unfiltered list, so its cursors keep. */
function filterHashParts(filter: QueryFilter | undefined): string[] {
  return filter === undefined
    ? []
    : [filter.expression, JSON.stringify(filter.names), JSON.stringify(filter.values)];
}

/**
 * Runs a Query for `wanted` items. Unfiltered, that is one request. Filtered, DynamoDB counts the items
 * it read, not those that passed, so it continues from LastEvaluatedKey up to MAX_FILTERED_QUERIES
 * requests; `lastEvaluatedKey` is where it stopped, or undefined when the partition was read to its end.
 */
async function queryUpTo(
  client: DocumentClient,
  input: QueryCommandInput,
  wanted: number,
  filter: QueryFilter | undefined,
): Promise<{ items: Item[]; lastEvaluatedKey: Item | undefined }> {
  const request: QueryCommandInput =
    filter === undefined
      ? input
      : {
          ...input,
          FilterExpression: filter.expression,
          ExpressionAttributeNames: { ...input.ExpressionAttributeNames, ...filter.names },
          ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ...filter.values },
        };
  const requests = filter === undefined ? 1 : MAX_FILTERED_QUERIES;
  const items: Item[] = [];
  let start = input.ExclusiveStartKey;
  for (let sent = 0; sent < requests; sent++) {
    const result = await client.send(
      new QueryCommand({ ...request, ExclusiveStartKey: start, Limit: wanted }),
    );
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
    if (start === undefined || items.length >= wanted) break;
  }
  return { items, lastEvaluatedKey: start };
}

/** One page of a Query on one index partition (optionally a sort key prefix), resumed from a cursor. */
export function queryPage<T>(input: QueryPageInput<T>): Promise<Page<T>> {
  const { client, tableName, query } = input;
  const attributes = indexAttributes(query.index);
  const keyNames = indexKeyAttributeNames(query.index);
  const prefix = query.sortKeyPrefix;
  const filter = checkedFilter(input.filter);
  return paginate({
    ...input,
    q: queryHash([query.index, query.partition, prefix ?? '', ...filterHashParts(filter)]),
    filtered: filter !== undefined,
    keyNames,
    // DynamoDB refuses a start key outside the key condition; refuse it first, as the client's mistake.
    acceptsKey: (key) =>
      key[attributes.pk] === query.partition &&
      (prefix === undefined || !!key[attributes.sk]?.startsWith(prefix)),
    keyOf: (item) => pickKey(item, keyNames),
    read: async (order, limit, start) => {
      const request: QueryCommandInput = {
        TableName: tableName,
        IndexName: query.index,
        KeyConditionExpression:
          prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames:
          prefix === undefined ? { '#pk': attributes.pk } : { '#pk': attributes.pk, '#sk': attributes.sk },
        ExpressionAttributeValues:
          prefix === undefined ? { ':pk': query.partition } : { ':pk': query.partition, ':prefix': prefix },
        ScanIndexForward: order === 'ascending',
        ExclusiveStartKey: start,
      };
      const { items, lastEvaluatedKey } = await queryUpTo(client, request, limit + 1, filter);
      // More than `limit` items: the page stops at its last item. Otherwise DynamoDB may have stopped
      // early (its 1 MB page size, or a filtered read that ran out of requests), past the last item.
      if (items.length > limit) return { items: items.slice(0, limit), more: true };
      return {
        items,
        more: lastEvaluatedKey !== undefined,
        end: lastEvaluatedKey === undefined ? undefined : pickKey(lastEvaluatedKey, keyNames),
      };
    },
  });
}

/**
 * One page of the union of several partitions of one index, in sort key order. The cursor is a
 * position (a sort key value, unique across the partitions) rather than a start key, because each
 * partition resumes from the same position. Each partition is read up to `limit + 1` items; only items
 * up to the nearest point where some partition stopped early are certain to be in order, so the page
 * ends there. With a filter, that point is where the partition stopped reading, not its last match.
 */
export function queryMergedPage<T>(input: MergedQueryPageInput<T>): Promise<Page<T>> {
  const { client, tableName, queries } = input;
  const index = queries[0]?.index;
  if (
    index === undefined ||
    queries.some((query) => query.index !== index || query.sortKeyPrefix !== undefined)
  ) {
    throw new Error('A merged query needs partitions of one index and no sort key prefixes.');
  }
  const attributes = indexAttributes(index);
  const keyNames = [attributes.sk];
  const filter = checkedFilter(input.filter);
  return paginate({
    ...input,
    q: queryHash([index, ...queries.map((query) => query.partition), ...filterHashParts(filter)]),
    filtered: filter !== undefined,
    keyNames,
    acceptsKey: () => true,
    keyOf: (item) => pickKey(item, keyNames),
    read: async (order, limit, start) => {
      const position = start?.[attributes.sk];
      const operator = order === 'ascending' ? '>' : '<';
      const sortKey = (item: Item): string => pickKey(item, keyNames)[attributes.sk] as string;
      const reads = await Promise.all(
        queries.map(async (query) => {
          const { items, lastEvaluatedKey } = await queryUpTo(
            client,
            {
              TableName: tableName,
              IndexName: index,
              KeyConditionExpression:
                position === undefined ? '#pk = :pk' : `#pk = :pk AND #sk ${operator} :position`,
              ExpressionAttributeNames:
                position === undefined
                  ? { '#pk': attributes.pk }
                  : { '#pk': attributes.pk, '#sk': attributes.sk },
              ExpressionAttributeValues:
                position === undefined
                  ? { ':pk': query.partition }
                  : { ':pk': query.partition, ':position': position },
              ScanIndexForward: order === 'ascending',
            },
            limit + 1,
            filter,
          );
          // Where this partition stopped reading; a filtered read may have stopped past its last item.
          return { items, stoppedAt: lastEvaluatedKey === undefined ? undefined : sortKey(lastEvaluatedKey) };
        }),
      );
      const before = (a: string, b: string): boolean => (order === 'ascending' ? a < b : a > b);
      let horizon: string | undefined;
      for (const { stoppedAt } of reads) {
        if (stoppedAt !== undefined && (horizon === undefined || before(stoppedAt, horizon)))
          horizon = stoppedAt;
      }
      const merged = reads
        .flatMap(({ items }) => items)
        .filter((item) => horizon === undefined || !before(horizon, sortKey(item)))
        .sort((a, b) => {
          const [x, y] = [sortKey(a), sortKey(b)];
          return x === y ? 0 : before(x, y) ? -1 : 1;
        });
      const items = merged.slice(0, limit);
      // A full page stops at its last item; a shorter one at the horizon, which may lie past its last item.
      if (merged.length > limit) return { items, more: true };
      return {
        items,
        more: horizon !== undefined,
        end: horizon === undefined ? undefined : { [attributes.sk]: horizon },
      };
    },
  });
}

/**
 * dynalite writes a change in three separate LevelDB steps (old index entries deleted, new ones put,
 * then the item), so a process killed in between leaves indexes that disagree with their items: a
 * result missing from `?status=` lists, or listed as SUCCESS while it is STARTED. The items are the
 * truth. Before dynalite opens the database, this recomputes every index entry from the items, with
 * dynalite's own key functions, and writes the difference in one LevelDB batch, which is atomic: a
 * crash during the repair leaves the database as it was, to be repaired on the next start.
 *
 * It reads the whole table, which is fine for the single user's local database it serves.
 */
import { createRequire } from 'node:module';

const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  iterator(options: { gte: string; lt: string }): AsyncIterable<[string, unknown]>;
  batch(
    operations: ({ type: 'put'; key: string; value: unknown } | { type: 'del'; key: string })[],
  ): Promise<void>;
}

interface DynaliteIndex {
  readonly IndexName: string;
}

interface DynaliteTable {
  readonly TableName: string;
  readonly GlobalSecondaryIndexes?: readonly DynaliteIndex[];
  readonly LocalSecondaryIndexes?: readonly DynaliteIndex[];
}

interface DynaliteDb {
  createKey(item: unknown, table: DynaliteTable): string;
  getIndexActions(
    indexes: readonly DynaliteIndex[],
    existingItem: unknown,
    item: unknown,
    table: DynaliteTable,
  ): { puts: { index: string; key: string; item: unknown }[] };
}

export interface IndexRepair {
  readonly items: number;
  readonly entriesChecked: number;
  /** Entries deleted because no item has them (or not with that content). */
  readonly entriesRemoved: number;
  /** Entries written because an item had none (or a stale one). */
  readonly entriesWritten: number;
}

/** Repairs the indexes of `tableName` in the dynalite database at `path` (closed, not in use). */
export async function repairDynaliteIndexes(path: string, tableName: string): Promise<IndexRepair> {
  const { Level } = requireFromDynalite('level') as {
    Level: new (path: string, options: { valueEncoding: 'json' }) => LevelDb;
  };
  const dynaliteDb = requireFromDynalite('./db') as DynaliteDb;
  const db = new Level(path, { valueEncoding: 'json' });
  await db.open();
  try {
    const table = (await db.get(`table~${tableName}`)) as DynaliteTable | undefined;
    if (table === undefined) return { items: 0, entriesChecked: 0, entriesRemoved: 0, entriesWritten: 0 };

    const expected = new Map<string, string>();
    const values = new Map<string, unknown>();
    let items = 0;
    for await (const [, item] of db.iterator(range(`item-${tableName}~`))) {
      items += 1;
      for (const [type, indexes] of [
        ['global', table.GlobalSecondaryIndexes ?? []],
        ['local', table.LocalSecondaryIndexes ?? []],
      ] as const) {
        for (const put of dynaliteDb.getIndexActions(indexes, undefined, item, table).puts) {
          const key = `${indexPrefix(type, tableName, put.index)}${put.key}`;
          expected.set(key, JSON.stringify(put.item));
          values.set(key, put.item);
        }
      }
    }

    const operations: Parameters<LevelDb['batch']>[0] = [];
    let entriesChecked = 0;
    let entriesRemoved = 0;
    const found = new Set<string>();
    for (const [type, indexes] of [
      ['global', table.GlobalSecondaryIndexes ?? []],
      ['local', table.LocalSecondaryIndexes ?? []],
    ] as const) {
      for (const index of indexes) {
        for await (const [key, value] of db.iterator(range(indexPrefix(type, tableName, index.IndexName)))) {
          entriesChecked += 1;
          if (expected.get(key) === JSON.stringify(value)) {
            found.add(key);
          } else {
            operations.push({ type: 'del', key });
            entriesRemoved += 1;
          }
        }
      }
    }
    let entriesWritten = 0;
    for (const [key, value] of values) {
      if (found.has(key)) continue;
      operations.push({ type: 'put', key, value });
      entriesWritten += 1;
    }
    // A key both stale and expected is deleted then written again; LevelDB applies a batch in order.
    if (operations.length > 0) await db.batch(operations);
    return { items, entriesChecked, entriesRemoved, entriesWritten };
  } finally {
    await db.close();
  }
}

function indexPrefix(type: 'global' | 'local', tableName: string, indexName: string): string {
  return `index-${type}~${tableName}~${indexName}~`;
}

/** Every key that starts with `prefix`, which ends in dynalite's separator '~' (the next one is DEL). */
function range(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: `${prefix.slice(0, -1)}\x7f` };
}

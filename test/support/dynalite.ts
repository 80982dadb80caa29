/**
 * An in-process dynalite on a free loopback port, reached through the functions' own DynamoDB client
 * (`client`, `docClient`), with the application's table created from the same schema the stack deploys.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  createDocumentClient,
  type DocumentClient,
  DynamoDbClient,
} from '../../lambdas/adapters/dynamodb/document-client';
import { ensureTable } from '../../lambdas/adapters/dynamodb/table-schema';

interface DynaliteOptions {
  /** Milliseconds a table stays CREATING; 0 makes it ACTIVE at once. */
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
  /** LevelDB directory; in memory when absent. */
  readonly path?: string;
}

// dynalite is CommonJS and ships no types; this is the part of it used here.
const dynalite = createRequire(import.meta.url)('dynalite') as (options?: DynaliteOptions) => Server;

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDbClient;
  readonly docClient: DocumentClient;
  /** A table created at start. */
  readonly tableName: string;
  /** Creates another empty table (for tests that need a list to themselves) and returns its name. */
  newTable(): Promise<string>;
  close(): Promise<void>;
}

export async function startDynalite(options: { readonly path?: string } = {}): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDbClient({
    endpoint,
    region: 'us-east-1',
    credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
    maxAttempts: 1,
  });
  const docClient = createDocumentClient(client);

  const newTable = async (): Promise<string> => {
    const tableName = `countersign-${randomUUID()}`;
    await ensureTable(client, tableName);
    return tableName;
  };
  const tableName = await newTable();

  return {
    endpoint,
    client,
    docClient,
    tableName,
    newTable,
    close: async () => {
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

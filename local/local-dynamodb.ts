import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { DynamoDbClient } from '../lambdas/adapters/dynamodb/document-client';
import { ensureTable } from '../lambdas/adapters/dynamodb/table-schema';
import { makeDynaliteCloseItsIterators } from './dynalite-iterator-close';

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDbClient;
  /** Requests served so far (benchmarks count DynamoDB calls per operation with it). */
  requestCount(): number;
  /** Writes that changed the table so far (not refused ones): tests prove a request wrote nothing. */
  appliedWriteCount(): number;
  close(): Promise<void>;
}

const WRITE_TARGET = /\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)$/;

/**
 * DynamoDB for local mode: dynalite speaking the real protocol on a loopback port, kept on disk
 * (LevelDB) when given a directory, reached through the functions' own DynamoDB client.
 */
export async function startLocalDynamoDb(props: {
  readonly path?: string;
  readonly tableName: string;
  /** Called with the client before first use (benchmarks add middleware that meters each call). */
  readonly instrument?: ((client: DynamoDbClient, endpoint: string) => void) | undefined;
}): Promise<LocalDynamoDb> {
  if (props.path !== undefined) await mkdir(props.path, { recursive: true });
  // Without it every Query and Scan leaves a LevelDB iterator open for as long as the server runs.
  makeDynaliteCloseItsIterators();
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(props.path ? { path: props.path } : {}),
  });
  let requests = 0;
  let appliedWrites = 0;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    requests += 1;
    if (WRITE_TARGET.test(String(request.headers['x-amz-target'] ?? ''))) {
      response.on('finish', () => {
        if (response.statusCode === 200) appliedWrites += 1;
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDbClient({
    endpoint,
    region: 'local',
    credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
    maxAttempts: 3,
  });
  await ensureTable(client, props.tableName);
  props.instrument?.(client, endpoint);
  return {
    endpoint,
    client,
    requestCount: () => requests,
    appliedWriteCount: () => appliedWrites,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

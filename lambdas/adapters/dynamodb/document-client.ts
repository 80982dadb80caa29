import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Optional domain fields are `undefined` when absent; they are left out of items rather than refused. */
export function createDocumentClient(
  config: DynamoDBClientConfig | DynamoDBClient = {},
): DynamoDBDocumentClient {
  const client = config instanceof DynamoDBClient ? config : new DynamoDBClient(config);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export interface DynamoDbStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The condition of a conditional write did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

import type { CreateTableCommandInput, DescribeTableCommandOutput } from '@aws-sdk/client-dynamodb';
import { isServiceError } from '../aws/aws-client';
import type { DynamoDbClient } from './document-client';
import { INDEX_NAMES, indexAttributes } from './keys';

/**
 * The table exactly as the CDK stack builds it: `pk`/`sk` and five overloaded indexes `gsiNpk`/`gsiNsk`,
 * all strings, projection ALL. The local runtime and the tests create it from here.
 */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const indexKeys = INDEX_NAMES.map((index) => ({ index, ...indexAttributes(index) }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      ...indexKeys.flatMap(({ pk, sk }) => [
        { AttributeName: pk, AttributeType: 'S' as const },
        { AttributeName: sk, AttributeType: 'S' as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexKeys.map(({ index, pk, sk }) => ({
      IndexName: index,
      KeySchema: [
        { AttributeName: pk, KeyType: 'HASH' as const },
        { AttributeName: sk, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

/**
 * Creates the table unless it exists (a local data directory keeps it between starts) and waits until
 * it and its indexes are ACTIVE. For local and test use; the deployed table belongs to the CDK stack.
 */
export async function ensureTable(
  client: DynamoDbClient,
  tableName: string,
  { timeoutMs = 30_000, pollMs = 50 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  try {
    await client.call('CreateTable', { ...createTableInput(tableName) });
  } catch (error) {
    if (!isServiceError(error, 'ResourceInUseException')) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table: table } = (await client.call('DescribeTable', {
      TableName: tableName,
    })) as Pick<DescribeTableCommandOutput, 'Table'>;
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline)
      throw new Error(`Table ${tableName} did not become ACTIVE within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * DynamoDB as the stores use it: commands with plain JavaScript values (`GetCommand`, `PutCommand`,
 * `UpdateCommand`, `DeleteCommand`, `QueryCommand`, named and shaped as `@aws-sdk/lib-dynamodb`'s),
 * marshalled with the SDK's own `@aws-sdk/util-dynamodb` and sent by the small signed client in
 * ../aws/aws-client.ts instead of the SDK's DynamoDB client (see there why).
 */

import type {
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsClient, isServiceError, type ServiceClientOptions } from '../aws/aws-client';

export type { QueryCommandInput };

/** A DynamoDB operation's JSON input and output, as the wire carries them (AttributeValues). */
export type DynamoDbJson = Record<string, unknown>;

/**
 * Wraps every call (benchmarks meter calls with one): `next` sends the input, which the
 * interceptor may change first.
 */
export type DynamoDbInterceptor = (
  operation: string,
  input: DynamoDbJson,
  next: (input: DynamoDbJson) => Promise<DynamoDbJson>,
) => Promise<DynamoDbJson>;

/** The low-level DynamoDB API (`DynamoDB_20120810.<Operation>`, JSON 1.0). */
export class DynamoDbClient {
  private readonly client: AwsClient;
  private readonly interceptors: DynamoDbInterceptor[] = [];

  /** Four attempts, the first retry within 25 ms: the SDK's DynamoDB defaults. */
  constructor(options: ServiceClientOptions) {
    this.client = new AwsClient({
      maxAttempts: 4,
      retryBaseMs: 25,
      ...options,
      service: 'dynamodb',
      serviceId: 'DYNAMODB',
    });
  }

  intercept(interceptor: DynamoDbInterceptor): void {
    this.interceptors.push(interceptor);
  }

  call(operation: string, input: DynamoDbJson): Promise<DynamoDbJson> {
    const send = (sent: DynamoDbJson) =>
      this.client.json(`DynamoDB_20120810.${operation}`, sent, '1.0') as Promise<DynamoDbJson>;
    const chain = this.interceptors.reduceRight<(input: DynamoDbJson) => Promise<DynamoDbJson>>(
      (next, interceptor) => (sent) => interceptor(operation, sent, next),
      send,
    );
    return chain(input);
  }
}

type Output<T> = Omit<T, '$metadata'>;

/** A document command: its operation, its input, and (for typing only) its output. */
abstract class DocumentCommand<Input, Result> {
  abstract readonly operation: string;
  declare readonly output: Result;
  constructor(readonly input: Input) {}
}

export class GetCommand extends DocumentCommand<GetCommandInput, Output<GetCommandOutput>> {
  readonly operation = 'GetItem';
}
export class PutCommand extends DocumentCommand<PutCommandInput, Output<PutCommandOutput>> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends DocumentCommand<UpdateCommandInput, Output<UpdateCommandOutput>> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends DocumentCommand<DeleteCommandInput, Output<DeleteCommandOutput>> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends DocumentCommand<QueryCommandInput, Output<QueryCommandOutput>> {
  readonly operation = 'Query';
}

/** Seeding many items at once (benchmarks); UnprocessedItems are returned as DynamoDB sent them. */
export class BatchWriteCommand extends DocumentCommand<
  BatchWriteCommandInput,
  Omit<Output<BatchWriteCommandOutput>, 'UnprocessedItems'> & { UnprocessedItems?: DynamoDbJson }
> {
  readonly operation = 'BatchWriteItem';
}

/** Input members that hold items or values (marshalled), and output members (unmarshalled). */
const RECORD_INPUTS = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const RECORD_OUTPUTS = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;

/** Optional domain fields are `undefined` when absent; they are left out of items rather than refused. */
const MARSHALL_OPTIONS = { removeUndefinedValues: true } as const;

type NativeRecord = Record<string, NativeAttributeValue>;

/** `lib-dynamodb`'s DynamoDBDocumentClient, for the five commands the stores send. */
export class DocumentClient {
  constructor(readonly dynamodb: DynamoDbClient) {}

  async send<Result>(command: DocumentCommand<object, Result>): Promise<Result> {
    const input: DynamoDbJson = { ...command.input };
    for (const member of RECORD_INPUTS) {
      const value = input[member] as NativeRecord | undefined;
      if (value !== undefined) input[member] = marshall(value, MARSHALL_OPTIONS);
    }
    if (command instanceof BatchWriteCommand) input.RequestItems = marshallRequestItems(command.input);
    const output = await this.dynamodb.call(command.operation, input);
    for (const member of RECORD_OUTPUTS) {
      const value = output[member] as Parameters<typeof unmarshall>[0] | undefined;
      if (value !== undefined) output[member] = unmarshall(value);
    }
    if (Array.isArray(output.Items)) output.Items = output.Items.map((item) => unmarshall(item));
    return output as Result;
  }
}

function marshallRequestItems({ RequestItems: tables = {} }: BatchWriteCommandInput): DynamoDbJson {
  return Object.fromEntries(
    Object.entries(tables).map(([table, requests]) => [
      table,
      requests.map(({ PutRequest: put, DeleteRequest: remove }) =>
        put?.Item
          ? { PutRequest: { Item: marshall(put.Item, MARSHALL_OPTIONS) } }
          : { DeleteRequest: { Key: marshall(remove?.Key ?? {}, MARSHALL_OPTIONS) } },
      ),
    ]),
  );
}

export function createDocumentClient(client: DynamoDbClient | ServiceClientOptions): DocumentClient {
  return new DocumentClient(client instanceof DynamoDbClient ? client : new DynamoDbClient(client));
}

export interface DynamoDbStoreOptions {
  readonly client: DocumentClient;
  readonly tableName: string;
}

/** The condition of a conditional write did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return isServiceError(error, 'ConditionalCheckFailedException');
}

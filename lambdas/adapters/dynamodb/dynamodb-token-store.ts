import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors';
import type { Page, PageRequest } from '../../core/pagination';
import type { TokenStore } from '../../core/ports';
import type { Token } from '../../core/users';
import { type DynamoDbStoreOptions, isConditionalCheckFailed } from './document-client';
import { tokenKey, tokenListQuery } from './keys';
import { tokenFromItem, tokenToItem } from './mappers';
import { queryPage } from './query-page';

export class DynamoDbTokenStore implements TokenStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoDbStoreOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  /** Fails with ConflictError if a token with the same key hash exists (a key is never issued twice). */
  async create(token: Token): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: tokenToItem(token),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new ConflictError('A token with this key already exists.');
      throw error;
    }
  }

  async findByKeyHash(keyHash: string): Promise<Token | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: tokenKey(keyHash) }),
    );
    return item === undefined ? undefined : tokenFromItem(item);
  }

  list(filter: { readonly user?: string | undefined }, page: PageRequest): Promise<Page<Token>> {
    return queryPage({
      client: this.client,
      tableName: this.tableName,
      query: tokenListQuery(filter),
      order: 'descending',
      page,
      toDomain: tokenFromItem,
    });
  }
}

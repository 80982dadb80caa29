import type { Page, PageRequest } from '../../core/pagination';
import type { TokenStore } from '../../core/ports';
import type { Token } from '../../core/users';
import { itemExists, putIfAbsent, writeIf } from './conditions';
import type { DynamoDbStoreOptions } from './document-client';
import { DeleteCommand, type DocumentClient, GetCommand, QueryCommand } from './document-client';
import { indexAttributes, tokenByIdQuery, tokenKey, tokenListQuery } from './keys';
import { countByReading } from './list-counts';
import { tokenFromItem, tokenToItem } from './mappers';
import { queryPage } from './query-page';

/** Keys are random; a clash means the same key was issued twice, which must never pass silently. */
const TOKEN_KEY_TAKEN = 'A token with this key already exists.';

export class DynamoDbTokenStore implements TokenStore {
  private readonly client: DocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoDbStoreOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  /** Fails with ConflictError if a token with the same key hash exists (a key is never issued twice). */
  async create(token: Token): Promise<void> {
    await putIfAbsent(this.client, { TableName: this.tableName, Item: tokenToItem(token) }, TOKEN_KEY_TAKEN);
  }

  async findByKeyHash(keyHash: string): Promise<Token | undefined> {
    const { Item: item } = await this.client.send(
      // Strongly consistent, so a revoked token is refused from the moment its item is deleted.
      new GetCommand({ TableName: this.tableName, Key: tokenKey(keyHash), ConsistentRead: true }),
    );
    return item === undefined ? undefined : tokenFromItem(item);
  }

  /**
   * Queries gsi3, so it is eventually consistent: a token created a moment ago may not be found yet,
   * and one deleted a moment ago may still be. Tokens stored before gsi3 was added are never found.
   */
  async findById(id: string): Promise<Token | undefined> {
    const query = tokenByIdQuery(id);
    const { pk } = indexAttributes(query.index);
    const { Items: items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: query.index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pk },
        ExpressionAttributeValues: { ':pk': query.partition },
      }),
    );
    const [item] = items;
    return item === undefined ? undefined : tokenFromItem(item);
  }

  /** Deletes the token in one conditional write; false when it was already gone. */
  delete(keyHash: string): Promise<boolean> {
    return writeIf({
      condition: itemExists,
      send: (condition) =>
        this.client.send(
          new DeleteCommand({ TableName: this.tableName, Key: tokenKey(keyHash), ...condition }),
        ),
    });
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

  /** By reading the tokens' keys: tokens are few. */
  count(filter: { readonly user?: string | undefined }): Promise<number> {
    return countByReading({ client: this.client, tableName: this.tableName }, tokenListQuery(filter));
  }
}

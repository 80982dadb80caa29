import { MESSAGES } from '../../core/messages';
import type { Page, PageRequest } from '../../core/pagination';
import type { UserStore } from '../../core/ports';
import type { User } from '../../core/users';
import { putIfAbsent } from './conditions';
import type { DynamoDbStoreOptions } from './document-client';
import { type DocumentClient, GetCommand } from './document-client';
import { userKey, userListQuery } from './keys';
import { countByReading } from './list-counts';
import { userFromItem, userToItem } from './mappers';
import { queryPage } from './query-page';

export class DynamoDbUserStore implements UserStore {
  private readonly client: DocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoDbStoreOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  async create(user: User): Promise<void> {
    await putIfAbsent(
      this.client,
      { TableName: this.tableName, Item: userToItem(user) },
      MESSAGES.usernameTaken,
    );
  }

  async get(username: string): Promise<User | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: userKey(username) }),
    );
    return item === undefined ? undefined : userFromItem(item);
  }

  /** By username, as Nautobot lists users. */
  list(page: PageRequest): Promise<Page<User>> {
    return queryPage({
      client: this.client,
      tableName: this.tableName,
      query: userListQuery(),
      order: 'ascending',
      page,
      toDomain: userFromItem,
    });
  }

  /** By reading the users' keys: users are few. */
  count(): Promise<number> {
    return countByReading({ client: this.client, tableName: this.tableName }, userListQuery());
  }
}

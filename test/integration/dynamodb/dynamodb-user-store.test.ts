import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbUserStore } from '../../../lambdas/adapters/dynamodb/dynamodb-user-store';
import { BadRequestError, ConflictError } from '../../../lambdas/core/errors';
import type { User } from '../../../lambdas/core/users';
import { type LocalDynamoDb, startDynalite } from '../../support/dynalite';
import { walkForwardAndBack } from './paging';

function aUser(username: string, overrides: Partial<User> = {}): User {
  return {
    username,
    isSuperuser: false,
    permissions: ['view', 'run:local/example/*'],
    dateJoined: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('Class: DynamoDbUserStore', () => {
  let db: LocalDynamoDb;
  let store: DynamoDbUserStore;

  beforeAll(async () => {
    db = await startDynalite();
    store = new DynamoDbUserStore({ client: db.docClient, tableName: db.tableName });
  });

  afterAll(async () => {
    await db.close();
  });

  describe('Method: create', () => {
    it('stores a user that get returns unchanged', async () => {
      // Prepare
      const user = aUser('alice@example.com', { isSuperuser: true, permissions: [] });

      // Act
      await store.create(user);

      // Assess
      expect(await store.get(user.username)).toEqual(user);
    });

    it('fails with ConflictError when the username is taken, and keeps the first user', async () => {
      // Prepare
      const first = aUser('bob');
      await store.create(first);

      // Act
      const second = store.create({ ...first, isSuperuser: true });

      // Assess
      await expect(second).rejects.toThrow(ConflictError);
      expect(await store.get('bob')).toEqual(first);
    });
  });

  describe('Method: get', () => {
    it('returns undefined for an unknown username', async () => {
      // Act
      const user = await store.get('nobody');

      // Assess
      expect(user).toBeUndefined();
    });
  });

  describe('Method: list', () => {
    it('pages by username through 2.5 pages, forward and back', async () => {
      // Prepare
      const own = new DynamoDbUserStore({ client: db.docClient, tableName: await db.newTable() });
      const usernames = Array.from({ length: 10 }, (_, i) => `user-${String.fromCharCode(106 - i)}`);
      for (const username of usernames) await own.create(aUser(username));

      // Act
      const pages = await walkForwardAndBack((page) => own.list(page), 4);

      // Assess
      expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
      expect(pages.flat().map((user) => user.username)).toEqual([...usernames].sort());
    });

    it('throws BadRequestError for a cursor it did not make', async () => {
      // Act
      const attempt = store.list({ limit: 1, cursor: 'eyJ2IjoxfQ' });

      // Assess
      await expect(attempt).rejects.toThrow(BadRequestError);
    });
  });
});

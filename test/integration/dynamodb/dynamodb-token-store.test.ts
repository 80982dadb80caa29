import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbTokenStore } from '../../../lambdas/adapters/dynamodb/dynamodb-token-store';
import { BadRequestError, ConflictError } from '../../../lambdas/core/errors';
import type { Token } from '../../../lambdas/core/users';
import { type LocalDynamoDb, startDynalite } from '../../support/dynalite';
import { walkForwardAndBack } from './paging';

const T0 = Date.UTC(2025, 0, 1);
let clock = 0;

function aToken(user: string, overrides: Partial<Token> = {}): Token {
  clock += 1;
  const keyHash = randomUUID().replaceAll('-', '').repeat(2);
  return {
    id: randomUUID(),
    user,
    keyHash,
    keyHint: keyHash.slice(-4),
    created: new Date(T0 + clock * 1000).toISOString(),
    writeEnabled: true,
    description: '',
    ...overrides,
  };
}

function newestFirst(tokens: readonly Token[]): string[] {
  return [...tokens]
    .sort((a, b) => (`${a.created}#${a.id}` < `${b.created}#${b.id}` ? 1 : -1))
    .map((t) => t.id);
}

describe('Class: DynamoDbTokenStore', () => {
  let db: LocalDynamoDb;
  let store: DynamoDbTokenStore;

  beforeAll(async () => {
    db = await startDynalite();
    store = new DynamoDbTokenStore({ client: db.docClient, tableName: db.tableName });
  });

  afterAll(async () => {
    await db.close();
  });

  describe('Method: create', () => {
    it('stores a token that findByKeyHash returns unchanged', async () => {
      // Prepare
      const token = aToken('alice', {
        expires: '2026-01-01T00:00:00.000Z',
        writeEnabled: false,
        description: 'CI',
      });

      // Act
      await store.create(token);

      // Assess
      expect(await store.findByKeyHash(token.keyHash)).toEqual(token);
    });

    it('fails with ConflictError when the key hash is taken, and keeps the first token', async () => {
      // Prepare
      const first = aToken('alice');
      await store.create(first);

      // Act
      const second = store.create(aToken('mallory', { keyHash: first.keyHash }));

      // Assess
      await expect(second).rejects.toThrow(ConflictError);
      expect(await store.findByKeyHash(first.keyHash)).toEqual(first);
    });
  });

  describe('Method: findByKeyHash', () => {
    it('returns undefined for an unknown key hash', async () => {
      // Act
      const token = await store.findByKeyHash('0'.repeat(64));

      // Assess
      expect(token).toBeUndefined();
    });
  });

  describe('Method: findById', () => {
    it('finds a token by its id', async () => {
      // Prepare
      const token = aToken('alice', { expires: '2026-01-01T00:00:00.000Z', description: 'CI' });
      await store.create(token);
      await store.create(aToken('alice'));

      // Act
      const found = await store.findById(token.id);

      // Assess
      expect(found).toEqual(token);
    });

    it('returns undefined for an unknown id', async () => {
      // Act
      const found = await store.findById(randomUUID());

      // Assess
      expect(found).toBeUndefined();
    });
  });

  describe('Method: delete', () => {
    it('deletes the token and answers true, leaving other tokens alone', async () => {
      // Prepare
      const token = aToken('alice');
      const other = aToken('alice');
      await store.create(token);
      await store.create(other);

      // Act
      const deleted = await store.delete(token.keyHash);

      // Assess
      expect(deleted).toBe(true);
      expect(await store.findByKeyHash(token.keyHash)).toBeUndefined();
      expect(await store.findById(token.id)).toBeUndefined();
      expect(await store.findByKeyHash(other.keyHash)).toEqual(other);
    });

    it('answers false when the token is already gone, the second time and for an unknown key hash', async () => {
      // Prepare
      const token = aToken('bob');
      await store.create(token);
      await store.delete(token.keyHash);

      // Act
      const again = await store.delete(token.keyHash);
      const unknown = await store.delete('f'.repeat(64));

      // Assess
      expect(again).toBe(false);
      expect(unknown).toBe(false);
    });
  });

  describe('Method: list', () => {
    let listed: DynamoDbTokenStore;
    let seeded: Token[];

    beforeAll(async () => {
      listed = new DynamoDbTokenStore({ client: db.docClient, tableName: await db.newTable() });
      // Alice and Bob take turns; pairs share a creation time, so the id decides their order.
      seeded = Array.from({ length: 20 }, (_, i) =>
        aToken(i % 2 === 0 ? 'alice' : 'bob', {
          created: new Date(T0 + Math.floor(i / 2) * 1000).toISOString(),
        }),
      );
      for (const token of seeded) await listed.create(token);
    });

    it('pages all tokens newest first through 2.5 pages, forward and back', async () => {
      // Act
      const pages = await walkForwardAndBack((page) => listed.list({}, page), 8);

      // Assess
      expect(pages.map((page) => page.length)).toEqual([8, 8, 4]);
      expect(pages.flat().map((token) => token.id)).toEqual(newestFirst(seeded));
    });

    it.each(['alice', 'bob'])(
      "pages %s's tokens newest first through 2.5 pages, forward and back",
      async (user) => {
        // Act
        const pages = await walkForwardAndBack((page) => listed.list({ user }, page), 4);

        // Assess
        expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
        expect(pages.flat().map((token) => token.id)).toEqual(
          newestFirst(seeded.filter((t) => t.user === user)),
        );
      },
    );

    it('returns nothing for a user without tokens', async () => {
      // Act
      const page = await listed.list({ user: 'carol' }, { limit: 5 });

      // Assess
      expect(page).toEqual({ items: [], next: undefined, previous: undefined });
    });

    it("throws BadRequestError for another user's cursor", async () => {
      // Prepare
      const { next } = await listed.list({ user: 'alice' }, { limit: 2 });

      // Act
      const attempts = [
        listed.list({ user: 'bob' }, { limit: 2, cursor: next }),
        listed.list({}, { limit: 2, cursor: next }),
      ];

      // Assess
      for (const attempt of attempts) await expect(attempt).rejects.toThrow(BadRequestError);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { authenticate, hashTokenKey } from '../../../lambdas/core/authentication';
import { AuthenticationError } from '../../../lambdas/core/errors';
import { FixedClock, InMemoryTokenStore, InMemoryUserStore } from '../../support/in-memory-stores';

async function setup() {
  const users = new InMemoryUserStore();
  const tokens = new InMemoryTokenStore();
  const clock = new FixedClock();
  await users.create({
    username: 'alice',
    isSuperuser: false,
    permissions: ['run'],
    dateJoined: '2026-01-01T00:00:00.000Z',
  });
  const key = '0123456789abcdef0123456789abcdef01234567';
  await tokens.create({
    id: 't1',
    user: 'alice',
    keyHash: hashTokenKey(key),
    keyHint: '4567',
    created: '2026-01-01T00:00:00.000Z',
    expires: '2026-12-01T00:00:00.000Z',
    writeEnabled: false,
    description: '',
  });
  return { deps: { users, tokens, clock }, key, clock };
}

describe('Function: authenticate', () => {
  it('resolves a valid token to its user, keeping the token write flag', async () => {
    // Prepare
    const { deps, key } = await setup();

    // Act
    const principal = await authenticate(deps, `Token ${key}`);

    // Assess
    expect(principal).toEqual({
      username: 'alice',
      isSuperuser: false,
      permissions: ['run'],
      writeEnabled: false,
    });
  });

  it.each([
    [undefined, 'Authentication credentials were not provided.'],
    ['', 'Authentication credentials were not provided.'],
    ['Bearer abc', 'Authentication credentials were not provided.'],
    ['Token', 'Invalid token header. No credentials provided.'],
    ['Token a b', 'Invalid token header. Token string should not contain spaces.'],
    ['Token nope-nope-nope', 'Invalid token.'],
    ['Token <script>', 'Invalid token.'],
  ])('refuses %j with "%s"', async (header, message) => {
    const { deps } = await setup();
    await expect(authenticate(deps, header)).rejects.toThrow(new AuthenticationError(message));
  });

  it('refuses an expired token', async () => {
    // Prepare
    const { deps, key, clock } = await setup();
    clock.advance(30 * 24 * 3600 * 1000);

    // Act & Assess
    await expect(authenticate(deps, `Token ${key}`)).rejects.toThrow('Token expired.');
  });

  it('accepts a short operator-chosen key such as COUNTERSIGN_ADMIN_TOKEN=s3cret', async () => {
    // Prepare
    const { deps } = await setup();
    await deps.tokens.create({
      id: 't2',
      user: 'alice',
      keyHash: hashTokenKey('s3cret'),
      keyHint: 'cret',
      created: '2026-01-01T00:00:00.000Z',
      writeEnabled: true,
      description: '',
    });

    // Act & Assess
    expect((await authenticate(deps, 'Token s3cret')).username).toBe('alice');
  });

  it('stores only the hash: the key itself is nowhere in the token store', async () => {
    const { deps, key } = await setup();
    expect(JSON.stringify([...deps.tokens.items.values()])).not.toContain(key);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../lambdas/core/errors';
import type { Principal } from '../../../lambdas/core/permissions';
import {
  bootstrapAdmin,
  createToken,
  getToken,
  revokeToken,
  type UserAdministrationDeps,
} from '../../../lambdas/core/user-administration';
import {
  FixedClock,
  InMemoryTokenStore,
  InMemoryUserStore,
  SequentialIds,
} from '../../support/in-memory-stores';

const alice: Principal = { username: 'alice', isSuperuser: false, permissions: [], writeEnabled: true };
const bob: Principal = { username: 'bob', isSuperuser: false, permissions: ['view'], writeEnabled: true };
const admin: Principal = { username: 'admin', isSuperuser: true, permissions: [], writeEnabled: true };
const NOT_FOUND = new NotFoundError('No Token matches the given query.');

async function setup() {
  const users = new InMemoryUserStore();
  const tokens = new InMemoryTokenStore();
  const deps: UserAdministrationDeps = { users, tokens, clock: new FixedClock(), ids: new SequentialIds() };
  for (const principal of [alice, bob, admin]) {
    await users.create({
      username: principal.username,
      isSuperuser: principal.isSuperuser,
      permissions: principal.permissions,
      dateJoined: '2026-01-01T00:00:00.000Z',
    });
  }
  const { token } = await createToken(deps, alice, { writeEnabled: true, description: "alice's" });
  return { deps, tokens, token };
}

describe('Function: getToken', () => {
  it.each([
    ['its owner', alice],
    ['a superuser', admin],
  ])('shows a token to %s', async (_, principal) => {
    // Prepare
    const { deps, token } = await setup();

    // Act
    const found = await getToken(deps, principal, token.id);

    // Assess
    expect(found).toEqual(token);
  });

  it("answers NotFoundError for another user's token, as for a missing one", async () => {
    // Prepare
    const { deps, token } = await setup();

    // Act
    const attempts = [
      getToken(deps, bob, token.id),
      getToken(deps, admin, '00000000-0000-4000-8000-00000000ffff'),
    ];

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toThrow(NOT_FOUND);
  });

  it('answers NotFoundError for an id that is not a UUID, without reading the store', async () => {
    // Prepare
    const { deps, tokens } = await setup();
    const findById = vi.spyOn(tokens, 'findById');

    // Act
    const attempt = getToken(deps, admin, 'not-a-uuid');

    // Assess
    await expect(attempt).rejects.toThrow(NOT_FOUND);
    expect(findById).not.toHaveBeenCalled();
  });
});

describe('Function: revokeToken', () => {
  it.each([
    ['its owner', alice],
    ['a superuser', admin],
  ])('lets %s revoke a token, which is then gone', async (_, principal) => {
    // Prepare
    const { deps, tokens, token } = await setup();

    // Act
    await revokeToken(deps, principal, token.id);

    // Assess
    expect(await tokens.findByKeyHash(token.keyHash)).toBeUndefined();
  });

  it("answers NotFoundError for another user's token and leaves it alone", async () => {
    // Prepare
    const { deps, tokens, token } = await setup();

    // Act
    const attempt = revokeToken(deps, bob, token.id);

    // Assess
    await expect(attempt).rejects.toThrow(NOT_FOUND);
    expect(await tokens.findByKeyHash(token.keyHash)).toEqual(token);
  });

  it('answers NotFoundError for a missing token, and for one revoked already', async () => {
    // Prepare
    const { deps, token } = await setup();
    await revokeToken(deps, alice, token.id);

    // Act
    const attempts = [
      revokeToken(deps, alice, token.id),
      revokeToken(deps, admin, '00000000-0000-4000-8000-00000000ffff'),
    ];

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toThrow(NOT_FOUND);
  });

  it('answers NotFoundError when the token goes between the lookup and the delete', async () => {
    // Prepare
    const { deps, tokens, token } = await setup();
    vi.spyOn(tokens, 'delete').mockResolvedValue(false);

    // Act
    const attempt = revokeToken(deps, alice, token.id);

    // Assess
    await expect(attempt).rejects.toThrow(NOT_FOUND);
  });

  it('answers NotFoundError for an id that is not a UUID, without touching the store', async () => {
    // Prepare
    const { deps, tokens } = await setup();
    const findById = vi.spyOn(tokens, 'findById');
    const remove = vi.spyOn(tokens, 'delete');

    // Act
    const attempt = revokeToken(deps, admin, `../${'x'.repeat(40)}`);

    // Assess
    await expect(attempt).rejects.toThrow(NOT_FOUND);
    expect(findById).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
  });
});

describe('Function: bootstrapAdmin', () => {
  it('issues and shows a token when a start stopped after creating the admin but before its token', async () => {
    // Prepare: what a process killed between the two writes leaves behind
    const users = new InMemoryUserStore();
    const tokens = new InMemoryTokenStore();
    const deps: UserAdministrationDeps = { users, tokens, clock: new FixedClock(), ids: new SequentialIds() };
    await users.create({
      username: 'admin',
      isSuperuser: true,
      permissions: [],
      dateJoined: '2026-01-01T00:00:00.000Z',
    });

    // Act
    const first = await bootstrapAdmin(deps, undefined);
    const second = await bootstrapAdmin(deps, undefined);

    // Assess: shown once, then never again while the admin has a token
    expect(first.generatedKey).toMatch(/.{20,}/);
    expect(second.generatedKey).toBeUndefined();
    expect(await tokens.count({ user: 'admin' })).toBe(1);
  });
});

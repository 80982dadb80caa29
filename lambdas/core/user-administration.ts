import { generateTokenKey, hashTokenKey } from './authentication';
import { isRecordId } from './clock';
import { ConflictError, NotFoundError, PermissionDeniedError, ValidationError } from './errors';
import { MESSAGES } from './messages';
import type { Page, PageRequest } from './pagination';
import { isValidPermission, type Principal } from './permissions';
import type { Clock, IdGenerator, TokenStore, UserStore } from './ports';
import { type Token, USERNAME, type User } from './users';

export interface UserAdministrationDeps {
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export interface NewUser {
  readonly username: string;
  readonly isSuperuser: boolean;
  readonly permissions: readonly string[];
}

export interface NewToken {
  /** Whose token; defaults to the caller. Only superusers may name someone else. */
  readonly user?: string | undefined;
  readonly expires?: string | undefined;
  readonly writeEnabled: boolean;
  readonly description: string;
}

const ADMINS_ONLY = MESSAGES.noPermission;

function requireSuperuser(principal: Principal): void {
  if (!principal.isSuperuser) throw new PermissionDeniedError(ADMINS_ONLY);
}

export async function createUser(
  deps: UserAdministrationDeps,
  principal: Principal,
  input: NewUser,
): Promise<User> {
  requireSuperuser(principal);
  const errors: Record<string, string[]> = {};
  if (!USERNAME.test(input.username)) {
    errors.username = ['Enter a valid username of up to 150 letters, digits and @/./+/-/_ characters.'];
  }
  const badPermissions = input.permissions.filter((p) => !isValidPermission(p));
  if (badPermissions.length > 0) {
    errors.permissions = badPermissions.map(
      (p) =>
        `"${p}" is not a permission: write action[:job-glob] with action one of view, run, approve, delete.`,
    );
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  const user: User = {
    username: input.username,
    isSuperuser: input.isSuperuser,
    permissions: [...new Set(input.permissions)],
    dateJoined: deps.clock.now().toISOString(),
  };
  try {
    await deps.users.create(user);
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new ValidationError({ username: ['A user with that username already exists.'] });
    }
    throw error;
  }
  return user;
}

export async function listUsers(deps: UserAdministrationDeps, principal: Principal, page: PageRequest) {
  requireSuperuser(principal);
  return deps.users.list(page);
}

export async function countUsers(deps: UserAdministrationDeps, principal: Principal): Promise<number> {
  requireSuperuser(principal);
  return deps.users.count();
}

export async function getUser(deps: UserAdministrationDeps, principal: Principal, username: string) {
  if (!principal.isSuperuser && principal.username !== username) throw new PermissionDeniedError(ADMINS_ONLY);
  const user = USERNAME.test(username) ? await deps.users.get(username) : undefined;
  if (!user) throw new NotFoundError('No User matches the given query.');
  return user;
}

/** The new token with its key, which is returned once and never stored. */
export interface IssuedToken {
  readonly token: Token;
  readonly key: string;
}

export async function createToken(
  deps: UserAdministrationDeps,
  principal: Principal,
  input: NewToken,
): Promise<IssuedToken> {
  const owner = input.user ?? principal.username;
  if (owner !== principal.username) requireSuperuser(principal);
  const now = deps.clock.now();
  if (input.expires !== undefined && Date.parse(input.expires) <= now.getTime()) {
    throw new ValidationError({ expires: ['The expiry must be in the future.'] });
  }
  if (!(await deps.users.get(owner))) {
    throw new ValidationError({ user: [`Invalid username "${owner}" - object does not exist.`] });
  }
  const key = generateTokenKey();
  const token: Token = {
    id: deps.ids.newId(),
    user: owner,
    keyHash: hashTokenKey(key),
    keyHint: key.slice(-4),
    created: now.toISOString(),
    expires: input.expires === undefined ? undefined : new Date(input.expires).toISOString(),
    writeEnabled: input.writeEnabled,
    description: input.description,
  };
  await deps.tokens.create(token);
  return { token, key };
}

/** Superusers see every token (or one user's, filtered); everyone else sees only their own. */
export async function listTokens(
  deps: UserAdministrationDeps,
  principal: Principal,
  filter: { readonly user?: string | undefined },
  page: PageRequest,
): Promise<Page<Token>> {
  if (principal.isSuperuser) return deps.tokens.list(filter, page);
  if (filter.user !== undefined && filter.user !== principal.username) return { items: [] };
  return deps.tokens.list({ user: principal.username }, page);
}

export async function countTokens(
  deps: UserAdministrationDeps,
  principal: Principal,
  filter: { readonly user?: string | undefined },
): Promise<number> {
  if (principal.isSuperuser) return deps.tokens.count(filter);
  if (filter.user !== undefined && filter.user !== principal.username) return 0;
  return deps.tokens.count({ user: principal.username });
}

const TOKEN_NOT_FOUND = 'No Token matches the given query.';

/**
 * One token, seen by its owner or a superuser. Anyone else gets NotFoundError, as for a token that
 * does not exist, so that ids of other users' tokens reveal nothing; an id that is not a record id
 * is not looked up at all.
 */
export async function getToken(
  deps: UserAdministrationDeps,
  principal: Principal,
  id: string,
): Promise<Token> {
  const token = isRecordId(id) ? await deps.tokens.findById(id) : undefined;
  if (!token || (!principal.isSuperuser && token.user !== principal.username)) {
    throw new NotFoundError(TOKEN_NOT_FOUND);
  }
  return token;
}

/**
 * Revokes a token, under the same rules as getToken; the caller's own token included (its next
 * request is refused). Takes effect at once: requests are authenticated by reading the token item.
 */
export async function revokeToken(
  deps: UserAdministrationDeps,
  principal: Principal,
  id: string,
): Promise<void> {
  const token = await getToken(deps, principal, id);
  // Gone meanwhile (a concurrent revoke, or the lookup index lagging behind an earlier one).
  if (!(await deps.tokens.delete(token.keyHash))) throw new NotFoundError(TOKEN_NOT_FOUND);
}

/**
 * First start of a deployment: make sure the `admin` superuser exists and, when an operator
 * supplies a key, that it is a valid token of admin. Returns a generated key only when it made one.
 */
export async function bootstrapAdmin(
  deps: UserAdministrationDeps,
  suppliedKey: string | undefined,
): Promise<{ readonly generatedKey?: string | undefined }> {
  const username = 'admin';
  let created = false;
  if (!(await deps.users.get(username))) {
    try {
      await deps.users.create({
        username,
        isSuperuser: true,
        permissions: [],
        dateJoined: deps.clock.now().toISOString(),
      });
      created = true;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  // A start that stopped between creating the user and its token (or an admin left without any
  // token) would otherwise lock the operator out with no hint: issue and show a new one.
  const needsKey = created || (await deps.tokens.count({ user: username })) === 0;
  const key = suppliedKey ?? (needsKey ? generateTokenKey() : undefined);
  if (key === undefined) return {};
  const keyHash = hashTokenKey(key);
  if (await deps.tokens.findByKeyHash(keyHash)) return {};
  await deps.tokens.create({
    id: deps.ids.newId(),
    user: username,
    keyHash,
    keyHint: key.slice(-4),
    created: deps.clock.now().toISOString(),
    writeEnabled: true,
    description: suppliedKey === undefined ? 'Generated on first start' : 'From COUNTERSIGN_ADMIN_TOKEN',
  });
  return suppliedKey === undefined ? { generatedKey: key } : {};
}

/** What `createSuperuser` did: the superuser, whether it was created now, and its new token. */
export interface CreatedSuperuser {
  readonly user: User;
  readonly created: boolean;
  readonly issued: IssuedToken;
}

/**
 * An operator's way into a deployment (`npm run create-superuser`): makes sure `username` is a
 * superuser, creating it when missing, and issues it a new token whose key is returned once.
 * An existing user who is not a superuser is refused (ConflictError) and left unchanged: this
 * never promotes anyone.
 */
export async function createSuperuser(
  deps: UserAdministrationDeps,
  username: string,
  description = 'Issued by create-superuser',
): Promise<CreatedSuperuser> {
  if (!USERNAME.test(username)) {
    throw new ValidationError({
      username: ['Enter a valid username of up to 150 letters, digits and @/./+/-/_ characters.'],
    });
  }
  let user = await deps.users.get(username);
  let created = false;
  if (!user) {
    const candidate: User = {
      username,
      isSuperuser: true,
      permissions: [],
      dateJoined: deps.clock.now().toISOString(),
    };
    try {
      await deps.users.create(candidate);
      user = candidate;
      created = true;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      user = await deps.users.get(username);
    }
  }
  if (!user?.isSuperuser) {
    throw new ConflictError(
      `The user "${username}" already exists and is not a superuser; it was left unchanged (this never promotes a user).`,
    );
  }
  const issued = await createToken(
    deps,
    { username, isSuperuser: true, permissions: user.permissions, writeEnabled: true },
    { user: username, writeEnabled: true, description },
  );
  return { user, created, issued };
}

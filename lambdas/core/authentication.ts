import { createHash, randomBytes } from 'node:crypto';
import { AuthenticationError } from './errors';
import type { Principal } from './permissions';
import type { Clock, TokenStore, UserStore } from './ports';

export interface AuthenticationDeps {
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly clock: Clock;
}

/** Tokens are 40 hex characters, as in Nautobot; only their SHA-256 is ever stored. */
export function generateTokenKey(): string {
  return randomBytes(20).toString('hex');
}

export function hashTokenKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Any printable key up to 256 characters; operators may choose short ones locally (COUNTERSIGN_ADMIN_TOKEN). */
const TOKEN_KEY = /^[\x21-\x7e]{1,256}$/;

/** Resolves an `Authorization: Token <key>` header to the caller, with DRF's messages on failure. */
export async function authenticate(
  deps: AuthenticationDeps,
  authorization: string | undefined,
): Promise<Principal> {
  if (authorization === undefined || authorization.trim() === '') {
    throw new AuthenticationError('Authentication credentials were not provided.');
  }
  const parts = authorization.trim().split(/\s+/);
  if (parts[0]?.toLowerCase() !== 'token') {
    throw new AuthenticationError('Authentication credentials were not provided.');
  }
  if (parts.length === 1) throw new AuthenticationError('Invalid token header. No credentials provided.');
  if (parts.length > 2)
    throw new AuthenticationError('Invalid token header. Token string should not contain spaces.');
  const key = parts[1] ?? '';
  if (!TOKEN_KEY.test(key)) throw new AuthenticationError('Invalid token.');

  const token = await deps.tokens.findByKeyHash(hashTokenKey(key));
  if (!token) throw new AuthenticationError('Invalid token.');
  if (token.expires !== undefined && Date.parse(token.expires) <= deps.clock.now().getTime()) {
    throw new AuthenticationError('Token expired.');
  }
  const user = await deps.users.get(token.user);
  if (!user) throw new AuthenticationError('Invalid token.');
  return {
    username: user.username,
    isSuperuser: user.isSuperuser,
    permissions: user.permissions,
    writeEnabled: token.writeEnabled,
  };
}

export interface User {
  readonly username: string;
  readonly isSuperuser: boolean;
  readonly permissions: readonly string[];
  readonly dateJoined: string;
}

export interface Token {
  readonly id: string;
  readonly user: string;
  /** SHA-256 of the key, hex. The key itself is never stored. */
  readonly keyHash: string;
  /** The last four characters of the key, so people can tell their tokens apart. */
  readonly keyHint: string;
  readonly created: string;
  readonly expires?: string | undefined;
  readonly writeEnabled: boolean;
  readonly description: string;
}

export const USERNAME = /^[A-Za-z0-9_.@+-]{1,150}$/;

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api/client';
import type { Me } from './api/types';

/** The API token lives in sessionStorage: it ends with the browser tab, never written to disk by us. */
const TOKEN_KEY = 'countersign.token';
const REASON_KEY = 'countersign.signedOutReason';

export interface Session {
  readonly token: string;
  readonly me: Me;
  readonly api: Api;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.removeItem(REASON_KEY);
}

export function forgetToken(reason?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  if (reason) sessionStorage.setItem(REASON_KEY, reason);
  else sessionStorage.removeItem(REASON_KEY);
}

/** Why the user was last sent back to sign-in (an expired or revoked token), shown there once. */
export function signedOutReason(): string | null {
  return sessionStorage.getItem(REASON_KEY);
}

import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { Me } from '../api/types';
import { useTitle } from '../hooks';
import { signedOutReason } from '../session';

export function SignIn({ onSignIn }: { onSignIn: (token: string) => Promise<Me> }) {
  useTitle('Sign in');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const reason = signedOutReason();

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Countersign</h1>
      {reason && !error && (
        <p class="notice" role="alert">
          You were signed out: {reason}
        </p>
      )}
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          if (token.trim() === '') {
            setError('Enter your API token.');
            return;
          }
          setBusy(true);
          setError(undefined);
          try {
            await onSignIn(token.trim());
          } catch (caught) {
            setError(
              caught instanceof ApiError
                ? caught.status === 401
                  ? `That token was refused: ${caught.message}`
                  : caught.message
                : 'Could not reach the server.',
            );
            setBusy(false);
          }
        }}
      >
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          aria-describedby="token-help"
          aria-invalid={error ? true : undefined}
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
        />
        <p id="token-help" class="help">
          Your token is kept for this browser tab only and forgotten when you sign out or close it.
        </p>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

import { useState } from 'preact/hooks';
import { ApiError, detailOf, fieldErrors, query } from '../api/client';
import type { Page, Token, User } from '../api/types';
import { ConfirmDialog } from '../components/dialog';
import { Empty, ErrorMessage, Loading } from '../components/states';
import { useResource, useTitle } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';
import { browserTimeZone, formatTime, wallTimeToIso } from '../time';

function errorText(caught: unknown): string {
  if (caught instanceof ApiError) {
    const fields = Object.entries(fieldErrors(caught.body));
    return (
      detailOf(caught.body) ??
      (fields.map(([field, messages]) => `${field}: ${messages.join(' ')}`).join(' ') || caught.message)
    );
  }
  return caught instanceof Error ? caught.message : String(caught);
}

function SuperusersOnly() {
  return <ErrorMessage error={new ApiError(403, { detail: 'Administration is for superusers.' })} />;
}

export function AdminUsers() {
  useTitle('Administration');
  const { api, me } = useSession();
  const users = useResource((signal) => api.get<Page<User>>('/api/users/users/?limit=1000', signal), [api]);
  const [username, setUsername] = useState('');
  const [superuser, setSuperuser] = useState(false);
  const [permissions, setPermissions] = useState('view\nrun');
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();
  if (!me.is_superuser) return <SuperusersOnly />;

  return (
    <section>
      <h1 tabIndex={-1}>Administration</h1>
      <h2>Users</h2>
      {users.loading && !users.data && <Loading what="users" />}
      {users.error !== undefined && <ErrorMessage error={users.error} retry={users.reload} />}
      {users.data && users.data.results.length === 0 && <Empty>No users.</Empty>}
      {users.data && users.data.results.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Superuser</th>
                <th scope="col">Permissions</th>
                <th scope="col">Joined</th>
              </tr>
            </thead>
            <tbody>
              {users.data.results.map((user) => (
                <tr key={user.username}>
                  <td>
                    <Link href={`/admin/users/${encodeURIComponent(user.username)}`}>{user.username}</Link>
                  </td>
                  <td>{user.is_superuser ? 'Yes' : 'No'}</td>
                  <td>
                    {user.permissions.length === 0 ? (
                      <span class="muted">None</span>
                    ) : (
                      <code>{user.permissions.join(', ')}</code>
                    )}
                  </td>
                  <td>{formatTime(user.date_joined)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Add a user</h2>
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setError(undefined);
          setCreated(undefined);
          try {
            const user = await api.post<User>('/api/users/users/', {
              username: username.trim(),
              is_superuser: superuser,
              permissions: permissions
                .split(/\n|,/)
                .map((permission) => permission.trim())
                .filter(Boolean),
            });
            setCreated(user.username);
            setUsername('');
            users.reload();
          } catch (caught) {
            setError(errorText(caught));
          }
        }}
      >
        <div class="field">
          <label for="new-username">Username</label>
          <input
            id="new-username"
            type="text"
            autocomplete="off"
            value={username}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'new-user-error' : undefined}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </div>
        <div class="field checkbox">
          <input
            id="new-superuser"
            type="checkbox"
            checked={superuser}
            onChange={(event) => setSuperuser(event.currentTarget.checked)}
          />
          <label for="new-superuser">Superuser (may do everything, and administer users)</label>
        </div>
        <div class="field">
          <label for="new-permissions">Permissions</label>
          <textarea
            id="new-permissions"
            rows={4}
            aria-describedby="new-permissions-help"
            value={permissions}
            onInput={(event) => setPermissions(event.currentTarget.value)}
          />
          <p id="new-permissions-help" class="help">
            One per line, written <code>action:job-glob</code> with action one of view, run, approve, delete
            (the glob defaults to every job), e.g. <code>run:local/example/*</code>.
          </p>
        </div>
        {error && (
          <p id="new-user-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        {created && (
          <p class="notice" role="status">
            Created {created}.{' '}
            <Link href={`/admin/users/${encodeURIComponent(created)}`}>Give them a token</Link>.
          </p>
        )}
        <button type="submit" class="primary">
          Add user
        </button>
      </form>
    </section>
  );
}

export function AdminUser({ username }: { username: string }) {
  useTitle(`User ${username}`);
  const { api, me } = useSession();
  const user = useResource(
    (signal) => api.get<User>(`/api/users/users/${encodeURIComponent(username)}/`, signal),
    [api, username],
  );
  const tokens = useResource(
    (signal) => api.get<Page<Token>>(`/api/users/tokens/${query({ user: username, limit: 1000 })}`, signal),
    [api, username],
  );
  const [description, setDescription] = useState('');
  const [writeEnabled, setWriteEnabled] = useState(true);
  const [expires, setExpires] = useState('');
  const [issued, setIssued] = useState<Token & { key?: string }>();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string>();
  const [revoking, setRevoking] = useState<Token>();
  if (!me.is_superuser) return <SuperusersOnly />;

  return (
    <section>
      <p class="breadcrumbs">
        <Link href="/admin">Administration</Link> › {username}
      </p>
      <h1 tabIndex={-1}>{username}</h1>
      {user.error !== undefined && <ErrorMessage error={user.error} retry={user.reload} />}
      {user.data && (
        <dl class="facts">
          <dt>Superuser</dt>
          <dd>{user.data.is_superuser ? 'Yes' : 'No'}</dd>
          <dt>Permissions</dt>
          <dd>
            {user.data.permissions.length === 0 ? (
              <span class="muted">None</span>
            ) : (
              <ul class="compact">
                {user.data.permissions.map((permission) => (
                  <li key={permission}>
                    <code>{permission}</code>
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Joined</dt>
          <dd>{formatTime(user.data.date_joined)}</dd>
        </dl>
      )}

      <h2>Tokens</h2>
      {tokens.loading && !tokens.data && <Loading what="tokens" />}
      {tokens.error !== undefined && <ErrorMessage error={tokens.error} retry={tokens.reload} />}
      {tokens.data && tokens.data.results.length === 0 && <Empty>{username} has no token.</Empty>}
      {tokens.data && tokens.data.results.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Tokens of {username}</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Description</th>
                <th scope="col">Writes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.results.map((token) => (
                <tr key={token.id}>
                  <td>
                    <code>{token.display}</code>
                  </td>
                  <td>{token.description || <span class="muted">—</span>}</td>
                  <td>{token.write_enabled ? 'Allowed' : 'Read-only'}</td>
                  <td>{formatTime(token.created)}</td>
                  <td>{token.expires ? formatTime(token.expires) : 'Never'}</td>
                  <td>
                    <button
                      type="button"
                      class="danger"
                      onClick={() => setRevoking(token)}
                      aria-label={`Revoke token ${token.display}`}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>Create a token</h3>
      {issued?.key && (
        <div class="key-once" role="status">
          <p>
            The new token's key is shown <strong>only this once</strong>. Copy it now and hand it to{' '}
            {issued.user}.
          </p>
          <label for="new-key">New key</label>
          <div class="copy-row">
            <input
              id="new-key"
              type="text"
              readOnly
              value={issued.key}
              onFocus={(event) => event.currentTarget.select()}
            />
            <button
              type="button"
              onClick={async () => {
                try {
                  await navigator.clipboard.writeText(issued.key ?? '');
                  setCopied(true);
                } catch {
                  document.querySelector<HTMLInputElement>('#new-key')?.select();
                  setCopied(false);
                }
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      )}
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setError(undefined);
          setCopied(false);
          try {
            const expiry = expires ? wallTimeToIso(expires, browserTimeZone) : undefined;
            const token = await api.post<Token & { key?: string }>('/api/users/tokens/', {
              user: username,
              description,
              write_enabled: writeEnabled,
              ...(expiry ? { expires: expiry } : {}),
            });
            setIssued(token);
            setDescription('');
            tokens.reload();
          } catch (caught) {
            setError(errorText(caught));
          }
        }}
      >
        <div class="field">
          <label for="token-description">Description</label>
          <input
            id="token-description"
            type="text"
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </div>
        <div class="field checkbox">
          <input
            id="token-write"
            type="checkbox"
            checked={writeEnabled}
            onChange={(event) => setWriteEnabled(event.currentTarget.checked)}
          />
          <label for="token-write">
            Allow writes (run, approve, delete); unticked, the token is read-only
          </label>
        </div>
        <div class="field">
          <label for="token-expires">Expires (optional, {browserTimeZone})</label>
          <input
            id="token-expires"
            type="datetime-local"
            value={expires}
            onInput={(event) => setExpires(event.currentTarget.value)}
          />
        </div>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary">
          Create token
        </button>
      </form>
      <ConfirmDialog
        open={revoking !== undefined}
        title="Revoke this token?"
        confirmLabel="Revoke"
        danger
        onCancel={() => setRevoking(undefined)}
        onConfirm={async () => {
          const token = revoking;
          setRevoking(undefined);
          if (!token) return;
          try {
            await api.request('DELETE', `/api/users/tokens/${token.id}/`);
          } catch (caught) {
            setError(errorText(caught));
          }
          tokens.reload();
        }}
      >
        <p>
          Token <code>{revoking?.display}</code> of {username} is refused from its next request. This cannot
          be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}

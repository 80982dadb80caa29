import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api/client';
import type { Me } from './api/types';
import { Layout } from './components/layout';
import { Loading } from './components/states';
import { AdminUser, AdminUsers } from './pages/admin';
import { ApprovalQueue } from './pages/approvals';
import { JobResultDetail, JobResults } from './pages/job-results';
import { JobRun } from './pages/job-run';
import { Jobs } from './pages/jobs';
import { NotFound } from './pages/not-found';
import { ScheduledJobDetail, ScheduledJobs } from './pages/scheduled-jobs';
import { SignIn } from './pages/sign-in';
import { navigate, useLocation } from './router';
import { forgetToken, type Session, SessionContext, storedToken, storeToken } from './session';

export function App() {
  const { path } = useLocation();
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);

  const signOut = useCallback((reason?: string) => {
    forgetToken(reason);
    setSession(null);
    const next = location.pathname.startsWith('/sign-in') ? '' : location.pathname + location.search;
    navigate(`/sign-in${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`, { replace: true });
  }, []);

  const signIn = useCallback(
    async (token: string): Promise<Me> => {
      const api = new Api(token, (reason) => signOut(reason));
      // Checked with its own client: a wrong token at sign-in is an error on the form, not a redirect.
      const me = await new Api(token).me();
      storeToken(token);
      setSession({ token, me, api });
      return me;
    },
    [signOut],
  );

  // A reload keeps the session (sessionStorage); the token is checked again before any page shows.
  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    signIn(token)
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : 'Please sign in again.';
        signOut(reason);
      })
      .finally(() => setRestoring(false));
  }, [signIn, signOut]);

  if (restoring) return <Loading what="your session" />;
  if (!session) {
    if (!path.startsWith('/sign-in')) {
      queueMicrotask(() => signOut());
      return null;
    }
    return <SignIn onSignIn={signIn} />;
  }
  if (path.startsWith('/sign-in')) {
    queueMicrotask(() =>
      navigate(new URLSearchParams(location.search).get('next') ?? '/jobs', { replace: true }),
    );
    return null;
  }
  return (
    <SessionContext.Provider value={session}>
      <Layout onSignOut={() => signOut()}>
        <Routes path={path} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Routes({ path }: { path: string }) {
  const segments = useMemo(
    () => path.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent),
    [path],
  );
  const [first, ...rest] = segments;
  switch (first) {
    case undefined:
    case '':
      queueMicrotask(() => navigate('/jobs', { replace: true }));
      return null;
    case 'jobs':
      return rest.length === 0 ? <Jobs /> : <JobRun jobPath={rest.join('/')} />;
    case 'approvals':
      return rest.length === 0 ? <ApprovalQueue /> : <NotFound />;
    case 'scheduled-jobs':
      return rest.length === 0 ? <ScheduledJobs /> : <ScheduledJobDetail id={rest[0] ?? ''} />;
    case 'job-results':
      return rest.length === 0 ? <JobResults /> : <JobResultDetail id={rest[0] ?? ''} />;
    case 'admin':
      if (rest.length === 0) return <AdminUsers />;
      if (rest[0] === 'users' && rest[1]) return <AdminUser username={rest[1]} />;
      return <NotFound />;
    default:
      return <NotFound />;
  }
}

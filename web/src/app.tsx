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

/** Only a path on this site: `?next=https://elsewhere` must not send a signed-in user away. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/jobs';
}

export function App() {
  const { path } = useLocation();
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);

  const signOut = useCallback((reason?: string) => {
    forgetToken(reason);
    setSession(null);
  }, []);

  const signIn = useCallback(
    async (token: string): Promise<Me> => {
      // Checked with a client of its own: a wrong token at sign-in is an error on the form.
      const me = await new Api(token).me();
      storeToken(token);
      setSession({ token, me, api: new Api(token, (reason) => signOut(reason)) });
      return me;
    },
    [signOut],
  );

  // A reload keeps the session (sessionStorage); the token is checked again before any page shows.
  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    signIn(token)
      .catch((error: unknown) => signOut(error instanceof Error ? error.message : 'Please sign in again.'))
      .finally(() => setRestoring(false));
  }, [signIn, signOut]);

  // Signed out, every address shows sign-in and remembers where to go next; signed in, the sign-in
  // address goes on to that page.
  const onSignInPage = path.startsWith('/sign-in');
  useEffect(() => {
    if (restoring) return;
    if (!session && !onSignInPage) {
      const here = location.pathname + location.search;
      navigate(here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    }
    if (session && onSignInPage) {
      navigate(safeNext(new URLSearchParams(location.search).get('next')), { replace: true });
    }
  }, [restoring, session, onSignInPage]);

  if (restoring) return <Loading what="your session" />;
  if (!session) return <SignIn onSignIn={signIn} />;
  if (onSignInPage) return null;
  return (
    <SessionContext.Provider value={session}>
      <Layout onSignOut={() => signOut()}>
        <Routes path={path} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Routes({ path }: { path: string }) {
  useEffect(() => {
    if (path === '/') navigate('/jobs', { replace: true });
  }, [path]);
  const segments = useMemo(
    () => path.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent),
    [path],
  );
  const [first, ...rest] = segments;
  switch (first) {
    case undefined:
    case '':
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

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { QUEUE_CHANGED, QUEUE_QUERY, type QueuePage } from '../queue';
import { Link, useLocation } from '../router';
import { useSession } from '../session';
import { browserTimeZone } from '../time';

const QUEUE_REFRESH_MS = 15_000;

function useQueueCount(): number | undefined {
  const { api } = useSession();
  const [count, setCount] = useState<number>();
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api.get<QueuePage>(QUEUE_QUERY).then(
        (page) => {
          if (!stopped) setCount(page.results.length);
        },
        () => undefined, // The queue page itself shows errors; the badge just keeps its last value.
      );
    load();
    const timer = setInterval(load, QUEUE_REFRESH_MS);
    addEventListener(QUEUE_CHANGED, load);
    return () => {
      stopped = true;
      clearInterval(timer);
      removeEventListener(QUEUE_CHANGED, load);
    };
  }, [api]);
  return count;
}

export function Layout({ children, onSignOut }: { children: ComponentChildren; onSignOut: () => void }) {
  const { me } = useSession();
  const { path } = useLocation();
  const queueCount = useQueueCount();
  const links: [string, ComponentChildren][] = [
    ['/jobs', 'Jobs'],
    [
      '/approvals',
      <>
        Approvals{' '}
        {queueCount !== undefined && (
          <span class="count" data-testid="queue-count">
            {queueCount}
            <span class="visually-hidden"> pending</span>
          </span>
        )}
      </>,
    ],
    ['/scheduled-jobs', 'Scheduled jobs'],
    ['/job-results', 'Job results'],
  ];
  if (me.is_superuser) links.push(['/admin', 'Administration']);

  // A new page (not the first one) moves focus to its heading, so keyboard and screen-reader users
  // start at its top rather than on the link they followed.
  const firstPath = useRef(path);
  useEffect(() => {
    if (path === firstPath.current) return;
    firstPath.current = '';
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Countersign</span>
        <nav aria-label="Main">
          <ul>
            {links.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong data-testid="username">{me.username}</strong>
            {me.is_superuser ? ' (superuser)' : ''}
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer>Times are shown in your time zone, {browserTimeZone}, unless a schedule names its own.</footer>
    </>
  );
}

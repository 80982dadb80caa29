import { useTitle } from '../hooks';
import { Link } from '../router';

export function NotFound() {
  useTitle('Not found');
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{location.pathname}</code>. <Link href="/jobs">Go to the jobs</Link>.
      </p>
    </section>
  );
}

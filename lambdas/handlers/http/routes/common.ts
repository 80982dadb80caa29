/** What every route module shares: its dependencies, the list answer, and the error shapes. */
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import type { Page } from '../../../core/pagination';
import type { RequestJobRunDeps } from '../../../core/request-job-run';
import type { ScheduledJobDeps } from '../../../core/scheduled-job-management';
import type { UserAdministrationDeps } from '../../../core/user-administration';
import { json } from '../responses';
import type { RouteContext } from '../router';
import { serializePage } from '../serializers';

export type ApiDeps = RequestJobRunDeps &
  ScheduledJobDeps &
  UserAdministrationDeps & { readonly logger: Logger };

/** Ids are bounded like every value that may become a key (DynamoDB caps sort keys at 1 KB). */
export const idParam = () => z.string().check(z.minLength(1), z.maxLength(1024));

/** A list answer: `{count, next, previous, results}` with links that keep the query. */
export function pageJson<T>(
  context: Pick<RouteContext, 'event' | 'links'>,
  found: Page<T>,
  serialize: (item: T) => unknown,
  query: Record<string, string | number | boolean | undefined>,
  count: number | null = null,
) {
  const kept: Record<string, string | number | undefined> = {};
  for (const [name, value] of Object.entries(query))
    kept[name] = typeof value === 'boolean' ? String(value) : value;
  return json(200, {
    ...serializePage(found, serialize, context.links, context.event.rawPath, kept),
    count,
  });
}

/** The list envelope around `item`, as Nautobot (Django REST Framework) answers lists. */
export function pageOf(item: z.ZodMiniType) {
  return z.object({
    count: z.nullable(z.int().check(z.describe('How many items the whole list holds, when known.'))),
    next: z.nullable(z.url().check(z.describe('The next page; it carries an opaque cursor.'))),
    previous: z.nullable(z.url()),
    results: z.array(item),
  });
}

export const dateTime = () => z.iso.datetime({ offset: true });

/** A one-page list example. */
export function examplePage(results: readonly unknown[]) {
  return { count: results.length, next: null, previous: null, results };
}

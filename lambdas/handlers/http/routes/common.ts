/** What every route module shares: its dependencies, the list answer, and the error shapes. */
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import type { ApprovalDeps } from '../../../core/approvals';
import { cursorAt, type Lister, type ListRequest, MAX_OFFSET, readPage } from '../../../core/pagination';
import type { RequestJobRunDeps } from '../../../core/request-job-run';
import type { ScheduledJobDeps } from '../../../core/scheduled-job-management';
import type { UserAdministrationDeps } from '../../../core/user-administration';
import { HttpError } from '../http-errors';
import { json } from '../responses';
import type { RouteContext } from '../router';

export type ApiDeps = RequestJobRunDeps &
  ApprovalDeps &
  ScheduledJobDeps &
  UserAdministrationDeps & {
    readonly logger: Logger;
    /** What `GET /api/status/` reports. */
    readonly runtimeMode: 'local' | 'deployed';
  };

/** Ids are bounded like every value that may become a key (DynamoDB caps sort keys at 1 KB). */
export const idParam = () => z.string().check(z.minLength(1), z.maxLength(1024));

type QueryValues = Record<string, string | number | boolean | undefined>;

/**
 * A list answer as Nautobot gives it: `{count, next, previous, results}`. The links keep the query,
 * carry the offset a Nautobot client counts with, and a cursor, which is how they are served: a
 * client that follows them never makes the server read what it skipped.
 */
export async function listJson<T>(
  context: Pick<RouteContext, 'event' | 'links'>,
  options: {
    readonly request: ListRequest;
    readonly list: Lister<T>;
    readonly count: () => Promise<number>;
    readonly serialize: (item: T) => unknown;
    /** The filters, kept in the links. */
    readonly filters?: QueryValues;
  },
) {
  const { request, list, serialize, filters = {} } = options;
  const link = (offset: number | undefined, cursor: string | undefined) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) {
      if (value !== undefined) params.set(name, String(value));
    }
    params.set('limit', String(request.limit));
    if (offset !== undefined && offset > 0) params.set('offset', String(offset));
    if (cursor !== undefined) params.set('cursor', cursor);
    return `${context.links.baseUrl}${context.event.rawPath}?${params.toString()}`;
  };
  // Known unless a cursor came without one (links made before offsets were carried).
  const offset = request.offset ?? (request.cursor === undefined ? 0 : undefined);
  if (request.cursor === undefined && offset !== undefined && offset > MAX_OFFSET) {
    const cursor = await cursorAt(list, MAX_OFFSET);
    throw new HttpError(400, {
      offset: [
        `Offsets above ${MAX_OFFSET} are not served: reaching one reads every item before it. Page on with ` +
          'the `cursor` of the `next` links instead; `next` here continues from offset ' +
          `${MAX_OFFSET}.`,
      ],
      next: cursor === undefined ? null : link(MAX_OFFSET, cursor),
    });
  }
  const [found, count] = await Promise.all([readPage(list, request), options.count()]);
  return json(200, {
    count,
    next:
      found.next === undefined
        ? null
        : link(offset === undefined ? undefined : offset + found.items.length, found.next),
    previous:
      found.previous === undefined
        ? null
        : link(offset === undefined ? undefined : Math.max(0, offset - request.limit), found.previous),
    results: found.items.map(serialize),
  });
}

/** The list envelope around `item`, as Nautobot (Django REST Framework) answers lists. */
export function pageOf(item: z.ZodMiniType) {
  return z.object({
    count: z.int().check(z.describe('How many items the whole list holds.')),
    next: z.nullable(z.url().check(z.describe('The next page; it carries the offset and an opaque cursor.'))),
    previous: z.nullable(z.url()),
    results: z.array(item),
  });
}

export const dateTime = () => z.iso.datetime({ offset: true });

/** A one-page list example. */
export function examplePage(results: readonly unknown[]) {
  return { count: results.length, next: null, previous: null, results };
}

import { BadRequestError } from './errors';
import { MESSAGES } from './messages';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
/**
 * The deepest `offset` served without a cursor. DynamoDB has no offset: reaching one reads every item
 * before it, a page of up to MAX_PAGE_SIZE at a time, so this bounds that cost to ten such reads.
 */
export const MAX_OFFSET = 10_000;

/** An opaque position in a list, produced and understood only by the store that made it. */
export type Cursor = string;

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: Cursor | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: Cursor | undefined;
  readonly previous?: Cursor | undefined;
}

/** A page as a client asks for it: a cursor (the fast path), or an offset as Nautobot's clients send. */
export interface ListRequest extends PageRequest {
  readonly offset?: number | undefined;
}

export type Lister<T> = (page: PageRequest) => Promise<Page<T>>;

/**
 * Reads the page a request names. A cursor is followed as it is (any offset with it only numbers the
 * page); an offset without one is reached by reading the items before it, at most MAX_OFFSET.
 * Returns the cursor at the offset too, so that a refused deeper offset can name where to go on from.
 */
export async function readPage<T>(list: Lister<T>, request: ListRequest): Promise<Page<T>> {
  const offset = request.offset ?? 0;
  if (request.cursor !== undefined || offset === 0)
    return list({ limit: request.limit, cursor: request.cursor });
  if (offset > MAX_OFFSET) throw new BadRequestError(`Offset ${offset} is deeper than ${MAX_OFFSET}.`);
  const cursor = await cursorAt(list, offset);
  if (cursor === undefined) return { items: [], previous: undefined };
  return list({ limit: request.limit, cursor });
}

/**
 * The cursor that continues after the first `offset` items, read a page at a time; undefined when
 * the list is shorter. Pages may be short (filtered lists), so it counts what it was given.
 */
export async function cursorAt<T>(list: Lister<T>, offset: number): Promise<string | undefined> {
  let skipped = 0;
  let cursor: string | undefined;
  while (skipped < offset) {
    const page = await list({ limit: Math.min(MAX_PAGE_SIZE, offset - skipped), cursor });
    skipped += page.items.length;
    if (page.next === undefined) return undefined;
    cursor = page.next;
  }
  return cursor;
}

/**
 * Pages a list that is already in memory (the job catalogue) with the same opaque cursors and
 * links as the stored lists.
 */
export function pageInMemory<T>(items: readonly T[], page: PageRequest): Page<T> {
  const start = page.cursor === undefined ? 0 : decodeOffset(page.cursor, items.length);
  const end = Math.min(items.length, start + page.limit);
  return {
    items: items.slice(start, end),
    next: end < items.length ? encodeOffset(end) : undefined,
    previous: start > 0 ? encodeOffset(Math.max(0, start - page.limit)) : undefined,
  };
}

function encodeOffset(offset: number): Cursor {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
}

function decodeOffset(cursor: Cursor, length: number): number {
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= length) return o;
  } catch {
    // Falls through to the error below.
  }
  throw new BadRequestError(MESSAGES.invalidCursor);
}

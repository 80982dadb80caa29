import { BadRequestError } from './errors';
import { MESSAGES } from './messages';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

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

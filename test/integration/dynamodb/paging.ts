import { expect } from 'vitest';
import type { Page, PageRequest } from '../../../lambdas/core/pagination';

type List<T> = (page: PageRequest) => Promise<Page<T>>;

/**
 * Follows `next` from the first page to the last, then `previous` back to the first, checking the
 * links on the way, and returns the pages met going forward.
 */
export async function walkForwardAndBack<T>(list: List<T>, limit: number): Promise<(readonly T[])[]> {
  const forward: Page<T>[] = [];
  let page = await list({ limit });
  forward.push(page);
  while (page.next !== undefined) {
    page = await list({ limit, cursor: page.next });
    forward.push(page);
  }

  const backward: Page<T>[] = [page];
  while (page.previous !== undefined) {
    page = await list({ limit, cursor: page.previous });
    backward.unshift(page);
  }

  expect(backward.map((p) => p.items)).toEqual(forward.map((p) => p.items));
  forward.forEach((p, index) => {
    expect(p.items.length).toBeLessThanOrEqual(limit);
    expect(p.previous === undefined).toBe(index === 0);
    expect(p.next === undefined).toBe(index === forward.length - 1);
  });
  backward.forEach((p, index) => {
    expect(p.previous === undefined).toBe(index === 0);
    expect(p.next === undefined).toBe(index === backward.length - 1);
  });
  return forward.map((p) => p.items);
}

/** Decodes a cursor, lets `change` alter it, and encodes it again: a client tampering with it. */
export function tamper(cursor: string, change: (decoded: Record<string, unknown>) => void): string {
  const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(decoded);
  return Buffer.from(JSON.stringify(decoded), 'utf8').toString('base64url');
}

import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../lambdas/core/errors';
import { pageInMemory } from '../../../lambdas/core/pagination';

describe('Function: pageInMemory', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];

  it('walks forwards and back with opaque cursors', () => {
    // Act
    const first = pageInMemory(items, { limit: 2 });
    const second = pageInMemory(items, { limit: 2, cursor: first.next });
    const third = pageInMemory(items, { limit: 2, cursor: second.next });
    const back = pageInMemory(items, { limit: 2, cursor: second.previous });

    // Assess
    expect([first.items, second.items, third.items]).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(first.previous).toBeUndefined();
    expect(third.next).toBeUndefined();
    expect(back.items).toEqual(['a', 'b']);
  });

  it.each([
    'nope',
    Buffer.from('{"o":-1}').toString('base64url'),
    Buffer.from('{"o":99}').toString('base64url'),
  ])('refuses the cursor %s', (cursor) => {
    expect(() => pageInMemory(items, { limit: 2, cursor })).toThrow(BadRequestError);
  });
});

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { COUNTERSIGN_VERSION } from '../../../lambdas/core/version';
import { HttpError } from '../../../lambdas/handlers/http/http-errors';
import { json } from '../../../lambdas/handlers/http/responses';
import { defineRoute, match, sortRoutes } from '../../../lambdas/handlers/http/router';
import pkg from '../../../package.json' with { type: 'json' };

const route = (
  method: 'GET' | 'POST',
  path: string,
  params?: z.ZodMiniObject<Record<string, z.ZodMiniString<string>>>,
) =>
  defineRoute({
    method,
    path,
    operationId: `${method} ${path}`,
    summary: '',
    tag: 'test',
    params,
    responses: {},
    handle: async () => json(200, {}),
  });

const threeSegments = z.strictObject({ name: z.string().check(z.regex(/^[^/]+\/[^/]+\/[^/]+$/)) });

describe('Function: match', () => {
  const routes = sortRoutes([
    route('GET', '/things/{name+}/', threeSegments),
    route('POST', '/things/{name+}/run/', threeSegments),
    route('GET', '/things/{id}/', z.strictObject({ id: z.string() })),
    route('GET', '/things/preview/'),
  ]);

  it('prefers literal segments, then single parameters, then greedy ones', () => {
    expect(match(routes, 'GET', '/things/preview').route.path).toBe('/things/preview/');
    expect(match(routes, 'GET', '/things/one/').route.path).toBe('/things/{id}/');
    expect(match(routes, 'GET', '/things/a/b/c/').params).toEqual({ name: 'a/b/c' });
  });

  it('skips a route whose parameters do not pass their schema', () => {
    // `a/b` is no name, so `/things/a/b/run/` is the name `a/b/run`.
    expect(match(routes, 'GET', '/things/a/b/run/')).toMatchObject({ params: { name: 'a/b/run' } });
    expect(match(routes, 'POST', '/things/a/b/c/run/')).toMatchObject({ params: { name: 'a/b/c' } });
  });

  it('answers 405 naming the methods of every matching route, 404 when none matches', () => {
    const notAllowed = (() => {
      try {
        match(routes, 'GET', '/things/a/b/c/run/');
      } catch (error) {
        return error;
      }
    })() as HttpError;
    expect(notAllowed).toBeInstanceOf(HttpError);
    expect(notAllowed.statusCode).toBe(405);
    expect(notAllowed.headers).toEqual({ allow: 'POST' });
    expect(() => match(routes, 'GET', '/nothing/')).toThrow('Not found.');
  });
});

describe('Constant: COUNTERSIGN_VERSION', () => {
  it("is package.json's version", () => {
    expect(COUNTERSIGN_VERSION).toBe(pkg.version);
  });
});

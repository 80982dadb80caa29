/** API tokens: `/api/users/tokens/`. Users manage their own; superusers anyone's. */
import * as z from 'zod/mini';
import {
  countTokens,
  createToken,
  getToken,
  listTokens,
  revokeToken,
} from '../../../core/user-administration';
import { listRequest, pageQuery, textParam } from '../request';
import { json, noContent } from '../responses';
import { defineRoute, type Route } from '../router';
import { serializeToken } from '../serializers';
import { type ApiDeps, dateTime, examplePage, idParam, listJson, pageOf } from './common';

const TAG = 'tokens';

const tokenJson = z.object({
  id: z.string(),
  url: z.url(),
  user: z.string(),
  created: dateTime(),
  expires: z.nullable(dateTime()),
  write_enabled: z.boolean(),
  description: z.string(),
  display: z.string().check(z.describe('The last characters of the key.')),
  key: z.optional(
    z.string().check(z.describe('The key itself: in the answer that created it, and never again.')),
  ),
});

const tokenExample = {
  id: '5e0c1b2a-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
  url: 'https://countersign.example.com/api/users/tokens/5e0c1b2a-3d4e-4f5a-8b6c-7d8e9f0a1b2c/',
  user: 'alice',
  created: '2026-11-30T08:05:00.000Z',
  expires: null,
  write_enabled: true,
  description: 'CI pipeline',
  display: '****9a2e',
};

export function tokenRoutes(deps: ApiDeps): Route[] {
  const byId = z.strictObject({ id: idParam() });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/users/tokens/',
      operationId: 'users_tokens_list',
      summary: "List tokens, newest first: the caller's own, or (superusers) anyone's",
      tag: TAG,
      query: z.strictObject({ ...pageQuery, user: textParam() }),
      responses: {
        200: {
          description: 'A page of tokens.',
          schema: pageOf(tokenJson),
          example: examplePage([tokenExample]),
        },
      },
      handle: async ({ principal, query, event, links }) => {
        const filter = { user: query.user };
        return listJson(
          { event, links },
          {
            request: listRequest(query),
            list: (page) => listTokens(deps, principal, filter, page),
            count: () => countTokens(deps, principal, filter),
            serialize: (token) => serializeToken(token, links),
            filters: filter,
          },
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/users/tokens/',
      operationId: 'users_tokens_create',
      summary: 'Create a token; its key is shown in this answer only',
      tag: TAG,
      body: z.strictObject({
        user: z.optional(z.string()),
        expires: z.optional(
          z.iso.datetime({ offset: true, error: 'Enter a valid date/time with a time zone.' }),
        ),
        write_enabled: z._default(z.boolean(), true),
        description: z._default(z.string().check(z.maxLength(200)), ''),
      }),
      responses: {
        201: {
          description: 'The new token, with its key.',
          schema: tokenJson,
          example: { ...tokenExample, key: '3f1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a9a2e' },
        },
      },
      handle: async ({ principal, body, links }) => {
        const issued = await createToken(deps, principal, {
          user: body.user,
          expires: body.expires,
          writeEnabled: body.write_enabled,
          description: body.description,
        });
        return json(201, serializeToken(issued.token, links, issued.key));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/users/tokens/{id}/',
      operationId: 'users_tokens_retrieve',
      summary: 'Show one token (never its key)',
      tag: TAG,
      params: byId,
      responses: { 200: { description: 'The token.', schema: tokenJson, example: tokenExample } },
      handle: async ({ principal, params, links }) =>
        json(200, serializeToken(await getToken(deps, principal, params.id), links)),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/users/tokens/{id}/',
      operationId: 'users_tokens_destroy',
      summary: 'Revoke a token',
      tag: TAG,
      params: byId,
      responses: { 204: { description: 'Revoked.' } },
      handle: async ({ principal, params }) => {
        await revokeToken(deps, principal, params.id);
        return noContent();
      },
    }),
  ];
}

/** User administration (superusers): `/api/users/users/`. */
import * as z from 'zod/mini';
import { countUsers, createUser, getUser, listUsers } from '../../../core/user-administration';
import { listRequest, pageQuery } from '../request';
import { json } from '../responses';
import { defineRoute, type Route } from '../router';
import { serializePrincipal, serializeUser } from '../serializers';
import { type ApiDeps, dateTime, examplePage, idParam, listJson, pageOf } from './common';

const TAG = 'users';

const userJson = z.object({
  id: z.string(),
  url: z.url(),
  username: z.string(),
  is_superuser: z.boolean(),
  permissions: z.array(z.string().check(z.describe('`action:job-glob`, e.g. `run:local/example/*`.'))),
  date_joined: dateTime(),
});

const userExample = {
  id: 'alice',
  url: 'https://countersign.example.com/api/users/users/alice/',
  username: 'alice',
  is_superuser: false,
  permissions: ['view', 'run:local/example/*', 'approve:local/example/*'],
  date_joined: '2026-11-30T08:00:00.000Z',
};

export function userRoutes(deps: ApiDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/users/users/',
      operationId: 'users_users_list',
      summary: 'List users, by username',
      tag: TAG,
      query: z.strictObject({ ...pageQuery }),
      responses: {
        200: {
          description: 'A page of users.',
          schema: pageOf(userJson),
          example: examplePage([userExample]),
        },
      },
      handle: async ({ principal, query, event, links }) => {
        return listJson(
          { event, links },
          {
            request: listRequest(query),
            list: (page) => listUsers(deps, principal, page),
            count: () => countUsers(deps, principal),
            serialize: (user) => serializeUser(user, links),
          },
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/users/users/',
      operationId: 'users_users_create',
      summary: 'Create a user',
      tag: TAG,
      body: z.strictObject({
        username: z.string({ error: 'This field is required.' }),
        is_superuser: z._default(z.boolean(), false),
        permissions: z._default(z.array(z.string()).check(z.maxLength(100)), []),
      }),
      responses: { 201: { description: 'The new user.', schema: userJson, example: userExample } },
      handle: async ({ principal, body, links }) => {
        const user = await createUser(deps, principal, {
          username: body.username,
          isSuperuser: body.is_superuser,
          permissions: body.permissions,
        });
        return json(201, serializeUser(user, links));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/users/me/',
      operationId: 'users_me_retrieve',
      summary:
        'Who the token belongs to (the web page shows the name and offers administration to superusers)',
      tag: TAG,
      responses: {
        200: {
          description: 'The caller.',
          schema: z.object({
            username: z.string(),
            is_superuser: z.boolean(),
            permissions: z.array(z.string()),
            write_enabled: z.boolean(),
          }),
          example: {
            username: 'alice',
            is_superuser: false,
            permissions: ['view', 'run:local/example/*'],
            write_enabled: true,
          },
        },
      },
      handle: async ({ principal }) => json(200, serializePrincipal(principal)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/users/users/{username}/',
      operationId: 'users_users_retrieve',
      summary: 'Show one user',
      tag: TAG,
      params: z.strictObject({ username: idParam() }),
      responses: { 200: { description: 'The user.', schema: userJson, example: userExample } },
      handle: async ({ principal, params, links }) =>
        json(200, serializeUser(await getUser(deps, principal, params.username), links)),
    }),
  ];
}

/** The API root and status, as Nautobot serves them (pynautobot reads the version from the root's answer). */
import * as z from 'zod/mini';
import { API_VERSION, COUNTERSIGN_VERSION } from '../../../core/version';
import { json } from '../responses';
import { defineRoute, type Route } from '../router';
import type { ApiDeps } from './common';

const TAG = 'api';

const rootJson = z.object({
  extras: z.url(),
  users: z.url(),
  status: z.url(),
  docs: z.url(),
  openapi: z.url(),
});

const statusJson = z.object({
  'countersign-version': z.string(),
  'api-version': z
    .string()
    .check(z.describe('The Nautobot REST API version whose shapes Countersign follows.')),
  mode: z.enum(['local', 'deployed']),
});

export function apiRootRoutes(deps: Pick<ApiDeps, 'runtimeMode'>): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/',
      operationId: 'api_root',
      summary: 'The API root: links to the API sections; `API-Version` names the API version',
      tag: TAG,
      responses: {
        200: {
          description: 'Links to the sections of the API.',
          schema: rootJson,
          example: {
            extras: 'https://countersign.example.com/api/extras/',
            users: 'https://countersign.example.com/api/users/',
            status: 'https://countersign.example.com/api/status/',
            docs: 'https://countersign.example.com/api/docs/',
            openapi: 'https://countersign.example.com/api/openapi.json',
          },
        },
      },
      handle: async ({ links }) =>
        json(200, {
          extras: `${links.baseUrl}/api/extras/`,
          users: `${links.baseUrl}/api/users/`,
          status: `${links.baseUrl}/api/status/`,
          docs: `${links.baseUrl}/api/docs/`,
          openapi: `${links.baseUrl}/api/openapi.json`,
        }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/extras/',
      operationId: 'extras_root',
      summary: 'Links to the extras endpoints',
      tag: TAG,
      responses: {
        200: {
          description: 'Links.',
          schema: z.record(z.string(), z.url()),
          example: { jobs: 'https://countersign.example.com/api/extras/jobs/' },
        },
      },
      handle: async ({ links }) =>
        json(200, {
          jobs: `${links.baseUrl}/api/extras/jobs/`,
          'job-results': `${links.baseUrl}/api/extras/job-results/`,
          'scheduled-jobs': `${links.baseUrl}/api/extras/scheduled-jobs/`,
        }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/users/',
      operationId: 'users_root',
      summary: 'Links to the users endpoints',
      tag: TAG,
      responses: {
        200: {
          description: 'Links.',
          schema: z.record(z.string(), z.url()),
          example: { users: 'https://countersign.example.com/api/users/users/' },
        },
      },
      handle: async ({ links }) =>
        json(200, {
          users: `${links.baseUrl}/api/users/users/`,
          tokens: `${links.baseUrl}/api/users/tokens/`,
        }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/status/',
      operationId: 'status_retrieve',
      summary: "Countersign's version, the API version it follows, and where it runs",
      tag: TAG,
      responses: {
        200: {
          description: 'The status.',
          schema: statusJson,
          example: {
            'countersign-version': COUNTERSIGN_VERSION,
            'api-version': API_VERSION,
            mode: 'deployed',
          },
        },
      },
      handle: async () =>
        json(200, {
          'countersign-version': COUNTERSIGN_VERSION,
          'api-version': API_VERSION,
          mode: deps.runtimeMode,
        }),
    }),
  ];
}

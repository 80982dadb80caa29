/**
 * Every route × every kind of caller, against the local server: the expected status of each cell is
 * the table below, and no caller succeeds where it has no permission. Prints the matrix it observed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, startTestServer } from '../support/local-server';

const CALLERS = [
  'anonymous',
  'badToken',
  'revokedToken',
  'noPermissions',
  'viewOnly',
  'runOneJobGlob',
  'approver',
  'superuser',
  'readOnlyToken',
] as const;
type Caller = (typeof CALLERS)[number];

interface Fixture {
  /** Awaiting approval, asked for by someone else than every caller. */
  readonly pendingJob: string;
  /** Needs no approval: one to pause and delete. */
  readonly plainJob: string;
  readonly result: string;
  /** A token of the requester, to read and delete. */
  readonly token: string;
}

interface RouteCase {
  readonly method: string;
  readonly path: (f: Fixture) => string;
  readonly body?: (caller: Caller) => unknown;
  /** Expected status, caller by caller, in the order of CALLERS. */
  readonly expected: readonly number[];
  /** Who may succeed at all; a 2xx for anyone else is an unauthorized success. */
  readonly allowed: readonly Caller[];
}

const ALL: readonly Caller[] = CALLERS;
const AUTHENTICATED: readonly Caller[] = [
  'noPermissions',
  'viewOnly',
  'runOneJobGlob',
  'approver',
  'superuser',
  'readOnlyToken',
];
const VIEWERS: readonly Caller[] = ['viewOnly', 'runOneJobGlob', 'approver', 'superuser', 'readOnlyToken'];
// biome-ignore format: one row per route, one column per caller (CALLERS' order)
const ROUTES: Record<string, RouteCase> = {
  'GET /api/':                         { method: 'GET', path: () => '/api/', expected: [401, 401, 401, 200, 200, 200, 200, 200, 200], allowed: AUTHENTICATED },
  'GET /api/extras/':                  { method: 'GET', path: () => '/api/extras/', expected: [401, 401, 401, 200, 200, 200, 200, 200, 200], allowed: AUTHENTICATED },
  'GET /api/users/':                   { method: 'GET', path: () => '/api/users/', expected: [401, 401, 401, 200, 200, 200, 200, 200, 200], allowed: AUTHENTICATED },
  'GET /api/status/':                  { method: 'GET', path: () => '/api/status/', expected: [401, 401, 401, 200, 200, 200, 200, 200, 200], allowed: AUTHENTICATED },
  'GET /api/openapi.json':             { method: 'GET', path: () => '/api/openapi.json', expected: [200, 200, 200, 200, 200, 200, 200, 200, 200], allowed: ALL },
  'GET /api/docs/':                    { method: 'GET', path: () => '/api/docs/', expected: [200, 200, 200, 200, 200, 200, 200, 200, 200], allowed: ALL },
  'GET jobs':                          { method: 'GET', path: () => '/api/extras/jobs/', expected: [401, 401, 401, 200, 200, 200, 200, 200, 200], allowed: AUTHENTICATED },
  'GET job':                           { method: 'GET', path: () => '/api/extras/jobs/local/example/AddNumbers/', expected: [401, 401, 401, 404, 200, 200, 200, 200, 200], allowed: VIEWERS },
  'POST job run':                      { method: 'POST', path: () => '/api/extras/jobs/local/example/AddNumbers/run/', body: () => ({ data: { numbers: [1] } }), expected: [401, 401, 401, 404, 403, 201, 403, 201, 403], allowed: ['runOneJobGlob', 'superuser'] },
  'GET job-results':                   { method: 'GET', path: () => '/api/extras/job-results/', expected: [401, 401, 401, 403, 200, 200, 200, 200, 200], allowed: VIEWERS },
  'GET job-result':                    { method: 'GET', path: (f) => `/api/extras/job-results/${f.result}/`, expected: [401, 401, 401, 404, 200, 404, 200, 200, 200], allowed: ['viewOnly', 'approver', 'superuser', 'readOnlyToken'] },
  'GET job-result logs':               { method: 'GET', path: (f) => `/api/extras/job-results/${f.result}/logs/`, expected: [401, 401, 401, 404, 200, 404, 200, 200, 200], allowed: ['viewOnly', 'approver', 'superuser', 'readOnlyToken'] },
  'GET scheduled-jobs':                { method: 'GET', path: () => '/api/extras/scheduled-jobs/', expected: [401, 401, 401, 403, 200, 200, 200, 200, 200], allowed: VIEWERS },
  'GET scheduled-jobs preview':        { method: 'GET', path: () => '/api/extras/scheduled-jobs/preview/?interval=daily&start_time=2031-01-01T00:00:00Z', expected: [401, 401, 401, 200, 200, 200, 200, 200, 200], allowed: AUTHENTICATED },
  'GET scheduled-job':                 { method: 'GET', path: (f) => `/api/extras/scheduled-jobs/${f.pendingJob}/`, expected: [401, 401, 401, 404, 200, 404, 200, 200, 200], allowed: ['viewOnly', 'approver', 'superuser', 'readOnlyToken'] },
  'PATCH scheduled-job':               { method: 'PATCH', path: (f) => `/api/extras/scheduled-jobs/${f.plainJob}/`, body: () => ({ enabled: false }), expected: [401, 401, 401, 404, 403, 404, 403, 200, 403], allowed: ['superuser'] },
  'DELETE scheduled-job':              { method: 'DELETE', path: (f) => `/api/extras/scheduled-jobs/${f.plainJob}/`, expected: [401, 401, 401, 404, 403, 404, 403, 204, 403], allowed: ['superuser'] },
  'POST approve':                      { method: 'POST', path: (f) => `/api/extras/scheduled-jobs/${f.pendingJob}/approve/`, expected: [401, 401, 401, 404, 403, 404, 200, 200, 403], allowed: ['approver', 'superuser'] },
  'POST deny':                         { method: 'POST', path: (f) => `/api/extras/scheduled-jobs/${f.pendingJob}/deny/`, expected: [401, 401, 401, 404, 403, 404, 200, 200, 403], allowed: ['approver', 'superuser'] },
  'POST dry-run':                      { method: 'POST', path: (f) => `/api/extras/scheduled-jobs/${f.pendingJob}/dry-run/`, expected: [401, 401, 401, 404, 403, 404, 403, 200, 403], allowed: ['superuser'] },
  'GET users':                         { method: 'GET', path: () => '/api/users/users/', expected: [401, 401, 401, 403, 403, 403, 403, 200, 403], allowed: ['superuser'] },
  'POST users':                        { method: 'POST', path: () => '/api/users/users/', body: (caller) => ({ username: `made-by-${caller}-${Math.random().toString(36).slice(2)}` }), expected: [401, 401, 401, 403, 403, 403, 403, 201, 403], allowed: ['superuser'] },
  'GET user':                          { method: 'GET', path: () => '/api/users/users/requester/', expected: [401, 401, 401, 403, 403, 403, 403, 200, 403], allowed: ['superuser'] },
  'GET tokens':                        { method: 'GET', path: () => '/api/users/tokens/', expected: [401, 401, 401, 200, 200, 200, 200, 200, 200], allowed: AUTHENTICATED },
  'POST tokens (own)':                 { method: 'POST', path: () => '/api/users/tokens/', body: () => ({}), expected: [401, 401, 401, 201, 201, 201, 201, 201, 403], allowed: ['noPermissions', 'viewOnly', 'runOneJobGlob', 'approver', 'superuser'] },
  'GET token (someone else\'s)':       { method: 'GET', path: (f) => `/api/users/tokens/${f.token}/`, expected: [401, 401, 401, 404, 404, 404, 404, 200, 404], allowed: ['superuser'] },
  'DELETE token (someone else\'s)':    { method: 'DELETE', path: (f) => `/api/users/tokens/${f.token}/`, expected: [401, 401, 401, 404, 404, 404, 404, 204, 403], allowed: ['superuser'] },
};

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;
const keys: Partial<Record<Caller, string | null>> = {};
let requesterKey: string;
let result: string;

async function userWithToken(username: string, permissions: string[], writeEnabled = true) {
  expect((await api.post('/api/users/users/', { username, permissions })).status).toBe(201);
  const token = await api.post('/api/users/tokens/', { user: username, write_enabled: writeEnabled });
  expect(token.status).toBe(201);
  return token.body as { key: string; id: string };
}

async function fixture(): Promise<Fixture> {
  const name = Math.random().toString(36).slice(2);
  const pending = await api.post(
    '/api/extras/jobs/local/example/RotateCredentials/run/',
    {
      data: { service: 'db' },
      schedule: { name: `pending ${name}`, interval: 'future', start_time: '2031-01-01T00:00:00Z' },
    },
    requesterKey,
  );
  const plain = await api.post(
    '/api/extras/jobs/local/example/MyJobWithNoVars/run/',
    { schedule: { name: `plain ${name}`, interval: 'future', start_time: '2031-01-01T00:00:00Z' } },
    requesterKey,
  );
  const token = await api.post('/api/users/tokens/', { user: 'requester' });
  expect([pending.status, plain.status, token.status]).toEqual([201, 201, 201]);
  return {
    pendingJob: pending.body.scheduled_job.id,
    plainJob: plain.body.scheduled_job.id,
    result,
    token: token.body.id,
  };
}

beforeAll(async () => {
  server = await startTestServer({ startScheduler: false });
  api = server.api;
  requesterKey = (await userWithToken('requester', ['view', 'run', 'delete'])).key;
  const revoked = await userWithToken('revoked', ['view', 'run', 'approve', 'delete']);
  expect((await api.request('DELETE', `/api/users/tokens/${revoked.id}/`)).status).toBe(204);
  keys.anonymous = null;
  keys.badToken = 'not-a-real-token-0123456789';
  keys.revokedToken = revoked.key;
  keys.noPermissions = (await userWithToken('nobody', [])).key;
  keys.viewOnly = (await userWithToken('viewer', ['view'])).key;
  keys.runOneJobGlob = (
    await userWithToken('runner', ['view:local/example/Add*', 'run:local/example/Add*'])
  ).key;
  keys.approver = (await userWithToken('approver', ['view', 'approve'])).key;
  // The superuser is the server's admin, whose token the client sends when given none.
  keys.readOnlyToken = (await userWithToken('reader', ['view', 'run', 'approve', 'delete'], false)).key;
  const run = await api.post(
    '/api/extras/jobs/local/example/RotateCredentials/run/',
    { data: { service: 'x' }, dryrun: true },
    requesterKey,
  );
  result =
    run.body.job_result?.id ??
    (await api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {}, requesterKey)).body.job_result
      .id;
  await server.workflow.idle();
});

afterAll(async () => {
  await server?.close();
});

describe('Authorization matrix', () => {
  it(`answers each of ${Object.keys(ROUTES).length} routes × ${CALLERS.length} callers as the table says`, async () => {
    const observed: Record<string, number[]> = {};
    const unauthorizedSuccesses: string[] = [];
    for (const [name, route] of Object.entries(ROUTES)) {
      observed[name] = [];
      for (const caller of CALLERS) {
        const f = await fixture();
        const token = caller === 'superuser' ? undefined : keys[caller];
        const response = await api.request(route.method, route.path(f), {
          token,
          ...(route.body === undefined ? {} : { body: route.body(caller) }),
        });
        observed[name].push(response.status);
        if (response.status < 300 && !route.allowed.includes(caller))
          unauthorizedSuccesses.push(`${name} by ${caller}`);
      }
    }
    const width = Math.max(...Object.keys(ROUTES).map((name) => name.length));
    console.log(
      `[authorization matrix] ${Object.keys(ROUTES).length} routes × ${CALLERS.length} callers; unauthorized successes ${unauthorizedSuccesses.length}\n` +
        `${''.padEnd(width)} ${CALLERS.map((c) => c.slice(0, 8).padStart(8)).join(' ')}\n` +
        Object.entries(observed)
          .map(([name, row]) => `${name.padEnd(width)} ${row.map((s) => String(s).padStart(8)).join(' ')}`)
          .join('\n'),
    );
    expect(unauthorizedSuccesses).toEqual([]);
    expect(observed).toEqual(
      Object.fromEntries(Object.entries(ROUTES).map(([name, route]) => [name, route.expected])),
    );
  }, 300_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiClient, startTestServer } from '../support/local-server';

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;
let bobToken: string;
let viewerToken: string;
let readOnlyToken: string;

async function createUserWithToken(
  username: string,
  permissions: string[],
  writeEnabled = true,
): Promise<string> {
  const user = await api.post('/api/users/users/', { username, permissions });
  expect(user.status).toBe(201);
  const token = await api.post('/api/users/tokens/', { user: username, write_enabled: writeEnabled });
  expect(token.status).toBe(201);
  return token.body.key as string;
}

/** Starts a run of a job that takes no input, as admin, and returns its job result id. */
async function runNow(jobPath: string): Promise<string> {
  const response = await api.post(`/api/extras/jobs/${jobPath}/run/`, {});
  expect(response.status).toBe(201);
  return response.body.job_result.id as string;
}

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  bobToken = await createUserWithToken('bob', ['view', 'run:local/*']);
  viewerToken = await createUserWithToken('vera', ['view:local/example/*']);
  readOnlyToken = await createUserWithToken('rory', ['view', 'run'], false);
});

afterAll(async () => {
  await server?.close();
});

describe('Authentication', () => {
  it.each([
    [null, 'Authentication credentials were not provided.'],
    ['not-a-real-token', 'Invalid token.'],
  ])('answers 401 with a JSON detail for token %j', async (token, detail) => {
    const response = await api.get('/api/extras/jobs/', token);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail });
    expect(response.headers.get('www-authenticate')).toBe('Token');
  });

  it('refuses writes with a read-only token and changes nothing', async () => {
    const before = await api.get('/api/extras/job-results/?job=local/example/MyJobWithNoVars&limit=1000');
    const response = await api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {}, readOnlyToken);
    const after = await api.get('/api/extras/job-results/?job=local/example/MyJobWithNoVars&limit=1000');
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: 'This token does not permit write operations.' });
    expect(after.body.results.length).toBe(before.body.results.length);
  });
});

describe('Jobs catalogue', () => {
  it('lists the jobs a user may view, with variables as JSON Schema', async () => {
    const response = await api.get('/api/extras/jobs/', viewerToken);
    expect(response.status).toBe(200);
    const paths = response.body.results.map((job: { id: string }) => job.id);
    expect(paths).toContain('local/example/AddNumbers');
    expect(paths).not.toContain('local/testing/Overrun');
    const addNumbers = response.body.results.find(
      (job: { id: string }) => job.id === 'local/example/AddNumbers',
    );
    expect(addNumbers).toMatchObject({
      name: 'Add numbers',
      has_sensitive_variables: false,
      approval_required: false,
      variables: {
        type: 'object',
        required: ['numbers'],
        properties: {
          numbers: { type: 'array', description: 'The numbers to add' },
          round: { type: 'boolean', default: false, description: 'Round the sum to the nearest integer' },
        },
      },
    });
  });

  it('pages the catalogue with cursors like every other list', async () => {
    const first = await api.get('/api/extras/jobs/?limit=2');
    const second = await api.get(first.body.next);
    const back = await api.get(second.body.previous);
    expect(first.body.results).toHaveLength(2);
    expect(first.body.count).toBeGreaterThan(4);
    expect(second.body.results[0].id).not.toBe(first.body.results[0].id);
    expect(back.body.results.map((j: { id: string }) => j.id)).toEqual(
      first.body.results.map((j: { id: string }) => j.id),
    );
    expect((await api.get('/api/extras/jobs/?cursor=bm9wZQ')).body).toEqual({ detail: 'Invalid cursor.' });
  });

  it('shows one job by its path, and 404s unknown or hidden ones', async () => {
    expect((await api.get('/api/extras/jobs/local/example/MyJobWithNoVars/')).body.job_class_name).toBe(
      'MyJobWithNoVars',
    );
    expect(await api.get('/api/extras/jobs/local/example/Nope/')).toMatchObject({
      status: 404,
      body: { detail: 'No Job matches the given query.' },
    });
    expect((await api.get('/api/extras/jobs/local/testing/Overrun/', viewerToken)).status).toBe(404);
  });
});

describe('Running a job now', () => {
  it('answers 201 with a PENDING result that reaches SUCCESS, with its output and logs', async () => {
    // Act
    const response = await api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {}, bobToken);

    // Assess
    expect(response.status).toBe(201);
    expect(response.body.scheduled_job).toBeNull();
    expect(response.body.job_result).toMatchObject({
      status: 'PENDING',
      user: 'bob',
      job: 'local/example/MyJobWithNoVars',
    });
    const done = await api.waitForResult(response.body.job_result.id, bobToken);
    expect(done).toMatchObject({ status: 'SUCCESS', result: { greeting: 'Hello, bob.' }, traceback: null });
    expect(done.date_started).not.toBeNull();
    expect(done.date_done).not.toBeNull();
    const logs = await api.get(`/api/extras/job-results/${done.id}/logs/`, bobToken);
    expect(logs.body).toEqual([
      expect.objectContaining({ log_level: 'info', message: 'Hello, bob.', job_result: done.id }),
    ]);
  });

  it('validates data against the job variables', async () => {
    const ok = await api.post('/api/extras/jobs/local/example/AddNumbers/run/', {
      data: { numbers: [1, 2.5], round: true },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.job_result.task_kwargs).toEqual({ numbers: [1, 2.5], round: true });
    expect((await api.waitForResult(ok.body.job_result.id)).result).toEqual({ sum: 4 });

    const bad = await api.post('/api/extras/jobs/local/example/AddNumbers/run/', {
      data: { numbers: 'one', extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.data).toEqual({
      numbers: ['Invalid input: expected array, received string'],
      extra: ['This job has no such variable.'],
    });
  });

  it('records a failing job as FAILURE with its error and logs', async () => {
    const response = await api.post('/api/extras/jobs/local/example/AlwaysFails/run/', {});
    const done = await api.waitForResult(response.body.job_result.id);
    expect(done).toMatchObject({ status: 'FAILURE', traceback: 'This job always fails.', result: null });
    const logs = await api.get(`/api/extras/job-results/${done.id}/logs/`);
    expect(logs.body.map((line: { log_level: string }) => line.log_level)).toEqual(['warning', 'error']);
  });

  it('ends a job past its time limit as FAILURE', async () => {
    const response = await api.post('/api/extras/jobs/local/testing/Overrun/run/', {});
    const done = await api.waitForResult(response.body.job_result.id);
    expect(done.status).toBe('FAILURE');
    expect(done.traceback).toBe('The job did not finish within its time limit of 1 second.');
  });

  it('never stores the input of a job with sensitive variables', async () => {
    const response = await api.post('/api/extras/jobs/local/example/GreetWithSecret/run/', {
      data: { secret: 'hunter2' },
    });
    const done = await api.waitForResult(response.body.job_result.id);
    expect(done).toMatchObject({ status: 'SUCCESS', task_kwargs: null, result: { length: 7 } });
  });

  it.each([
    ['unknown job', '/api/extras/jobs/local/example/Nope/run/', {}, undefined, 404],
    ['disabled job', '/api/extras/jobs/local/testing/Disabled/run/', {}, undefined, 403],
    ['no run permission', '/api/extras/jobs/local/example/MyJobWithNoVars/run/', {}, 'viewer', 403],
    [
      'unknown field',
      '/api/extras/jobs/local/example/MyJobWithNoVars/run/',
      { colour: 'red' },
      undefined,
      400,
    ],
    [
      'data not an object',
      '/api/extras/jobs/local/example/MyJobWithNoVars/run/',
      { data: [1] },
      undefined,
      400,
    ],
  ])('refuses %s with a JSON 4xx', async (_case, path, body, who, status) => {
    const response = await api.post(path, body, who === 'viewer' ? viewerToken : undefined);
    expect(response.status).toBe(status);
    expect(typeof response.body).toBe('object');
  });

  it("gives Nautobot's messages for permission and disabled jobs", async () => {
    expect(
      (await api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {}, viewerToken)).body,
    ).toEqual({
      detail: 'This user does not have permission to run jobs.',
    });
    expect((await api.post('/api/extras/jobs/local/testing/Disabled/run/', {})).body).toEqual({
      detail: 'This job is not enabled to be run.',
    });
  });

  it.each([
    ['invalid JSON', '{nope', 'application/json', 400],
    ['a JSON array', '[]', 'application/json', 400],
    ['a non-JSON media type', 'a=b', 'application/x-www-form-urlencoded', 415],
  ])('refuses %s', async (_case, rawBody, contentType, status) => {
    const response = await api.request('POST', '/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
      rawBody,
      headers: { 'content-type': contentType },
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('Job results', () => {
  it('pages with opaque cursors forwards and back, newest first', async () => {
    // Prepare
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await api.post('/api/extras/jobs/local/example/AddNumbers/run/', {
        data: { numbers: [i] },
      });
      ids.push(response.body.job_result.id);
    }
    await server.workflow.idle();

    // Act
    const first = await api.get('/api/extras/job-results/?job=local/example/AddNumbers&limit=2');
    const second = await api.get(first.body.next);
    const back = await api.get(second.body.previous);

    // Assess
    // Nautobot's count (issue 11): the whole list's size, not null.
    const all = await api.get('/api/extras/job-results/?job=local/example/AddNumbers&limit=1000');
    expect(first.body.count).toBe(all.body.results.length);
    expect(first.body.previous).toBeNull();
    expect(first.body.results.map((r: { id: string }) => r.id)).toEqual([ids[4], ids[3]]);
    expect(second.body.results.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(back.body.results.map((r: { id: string }) => r.id)).toEqual([ids[4], ids[3]]);
  });

  it('filters by status and job together', async () => {
    // Prepare: a failure the filter must find, and a success of another job that it must leave out
    const failed = await api.waitForResult(await runNow('local/example/AlwaysFails'));
    const succeeded = await api.waitForResult(await runNow('local/example/MyJobWithNoVars'));
    const ids = async (query: string) =>
      (await api.get(`/api/extras/job-results/?${query}&limit=1000`)).body.results.map(
        (r: { id: string }) => r.id,
      );

    // Act
    const response = await api.get(
      '/api/extras/job-results/?job=local/example/AlwaysFails&status=FAILURE&limit=1000',
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.results.length).toBeGreaterThan(0);
    for (const result of response.body.results)
      expect(result).toMatchObject({ job: 'local/example/AlwaysFails', status: 'FAILURE' });
    expect(response.body.results.map((r: { id: string }) => r.id)).toContain(failed.id);
    expect(await ids('job=local/example/MyJobWithNoVars&status=SUCCESS')).toContain(succeeded.id);
    expect(await ids('job=local/example/MyJobWithNoVars&status=FAILURE')).not.toContain(succeeded.id);
  });

  it('shows users only the results of jobs they may view', async () => {
    // Prepare: one result the viewer may see and one outside local/example/ that it may not
    const visible = await runNow('local/example/MyJobWithNoVars');
    const hidden = await runNow('local/testing/Overrun');

    // Act
    const response = await api.get('/api/extras/job-results/?limit=1000', viewerToken);

    // Assess
    expect(response.body.results.every((r: { job: string }) => r.job.startsWith('local/example/'))).toBe(
      true,
    );
    const ids = response.body.results.map((r: { id: string }) => r.id);
    expect(ids).toContain(visible);
    expect(ids).not.toContain(hidden);
    expect((await api.get(`/api/extras/job-results/${hidden}/`)).status).toBe(200);
  });

  it.each([
    ['/api/extras/job-results/?status=DONE', 'status'],
    // `limit=0` and `limit=1001` are Nautobot's page size and its cap since issue 11 (pagination.test.ts).
    ['/api/extras/job-results/?limit=-1', 'limit'],
    ['/api/extras/job-results/?offset=ten', 'offset'],
    ['/api/extras/job-results/?limit=ten', 'limit'],
    ['/api/extras/job-results/?colour=red', 'colour'],
    ['/api/extras/job-results/?limit=1&limit=2', 'limit'],
  ])('refuses the malformed query %s', async (path, field) => {
    const response = await api.get(path);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual([field]);
  });

  it('refuses a tampered cursor', async () => {
    const response = await api.get('/api/extras/job-results/?cursor=eyJ2IjoxfQ');
    expect(response).toMatchObject({ status: 400, body: { detail: 'Invalid cursor.' } });
  });

  it('404s an unknown result, an unknown path and 405s a wrong method', async () => {
    expect((await api.get('/api/extras/job-results/00000000-0000-4000-8000-000000000000/')).status).toBe(404);
    expect(await api.get('/api/extras/nothing-here/')).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
    expect((await api.request('DELETE', '/api/extras/jobs/')).status).toBe(405);
  });
});

describe('Users and tokens', () => {
  it('lets a user create and list their own tokens, the key shown only once', async () => {
    const created = await api.post('/api/users/tokens/', {}, bobToken);
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^[0-9a-f]{40}$/);
    const listed = await api.get('/api/users/tokens/', bobToken);
    expect(
      listed.body.results.every(
        (t: { user: string; key?: string }) => t.user === 'bob' && t.key === undefined,
      ),
    ).toBe(true);
    expect((await api.get('/api/extras/jobs/', created.body.key)).status).toBe(200);
  });

  it('lets a user see and revoke their own token, which is refused at once', async () => {
    const created = await api.post('/api/users/tokens/', { description: 'to revoke' }, bobToken);
    expect(created.status).toBe(201);
    const { id, key, url } = created.body;
    const path = `/api/users/tokens/${id}/`;
    expect(url).toMatch(new RegExp(`${path}$`));

    const shown = await api.get(path, bobToken);
    expect(shown).toMatchObject({ status: 200, body: { id, user: 'bob', description: 'to revoke' } });
    expect(shown.body.key).toBeUndefined();
    expect((await api.get(path, key)).status).toBe(200);

    expect((await api.request('PUT', path, { body: {}, token: bobToken })).status).toBe(405);
    const revoked = await api.request('DELETE', path, { token: bobToken });
    expect(revoked).toMatchObject({ status: 204, body: '' });
    expect(await api.get('/api/extras/jobs/', key)).toMatchObject({
      status: 401,
      body: { detail: 'Invalid token.' },
    });
    expect((await api.get(path, bobToken)).status).toBe(404);
    expect((await api.request('DELETE', path, { token: bobToken })).status).toBe(404);
  });

  it("answers 404 for another user's token, and lets a superuser see and revoke it", async () => {
    const created = await api.post('/api/users/tokens/', { user: 'vera' });
    expect(created.status).toBe(201);
    const path = `/api/users/tokens/${created.body.id}/`;

    expect(await api.get(path, bobToken)).toMatchObject({
      status: 404,
      body: { detail: 'No Token matches the given query.' },
    });
    expect((await api.request('DELETE', path, { token: bobToken })).status).toBe(404);
    expect((await api.get('/api/extras/jobs/', created.body.key)).status).toBe(200);

    expect(await api.get(path)).toMatchObject({ status: 200, body: { user: 'vera' } });
    expect((await api.request('DELETE', path)).status).toBe(204);
    expect((await api.get('/api/extras/jobs/', created.body.key)).status).toBe(401);
  });

  it('lets a caller revoke the token they are using', async () => {
    const created = await api.post('/api/users/tokens/', {}, bobToken);
    const path = `/api/users/tokens/${created.body.id}/`;
    expect((await api.request('DELETE', path, { token: created.body.key })).status).toBe(204);
    expect((await api.get(path, created.body.key)).status).toBe(401);
  });

  it('answers 404 for a token id that is not a UUID', async () => {
    expect((await api.get('/api/users/tokens/not-a-uuid/')).status).toBe(404);
    expect((await api.request('DELETE', `/api/users/tokens/${'t'.repeat(3000)}/`)).status).toBe(404);
  });

  it('keeps user administration to superusers', async () => {
    expect((await api.get('/api/users/users/', bobToken)).status).toBe(403);
    expect((await api.post('/api/users/users/', { username: 'mallory' }, bobToken)).status).toBe(403);
    expect((await api.post('/api/users/tokens/', { user: 'vera' }, bobToken)).status).toBe(403);
  });

  it('validates new users', async () => {
    const duplicate = await api.post('/api/users/users/', { username: 'bob' });
    expect(duplicate).toMatchObject({
      status: 400,
      body: { username: ['A user with that username already exists.'] },
    });
    const badPermission = await api.post('/api/users/users/', { username: 'zed', permissions: ['fly:*'] });
    expect(badPermission.status).toBe(400);
    expect(Object.keys(badPermission.body)).toEqual(['permissions']);
    expect((await api.get('/api/users/users/zed/')).status).toBe(404);
  });
});

describe('Edge cases', () => {
  it('answers unauthenticated callers 401 before routing', async () => {
    expect((await api.get('/api/no/such/route/', null)).status).toBe(401);
    expect((await api.request('PUT', '/api/extras/jobs/', { token: null })).status).toBe(401);
  });

  it.each([
    `/api/extras/job-results/${'x'.repeat(3000)}/`,
    `/api/extras/job-results/${'x'.repeat(3000)}/logs/`,
    `/api/users/users/${'y'.repeat(3000)}/`,
    `/api/extras/scheduled-jobs/${'z'.repeat(3000)}/`,
  ])('answers 404 for an oversized id in %#', async (path) => {
    expect((await api.get(path)).status).toBe(404);
  });

  it('refuses oversized filter values with a 400', async () => {
    const response = await api.get(`/api/extras/job-results/?job=${'j'.repeat(3000)}`);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['job']);
  });

  it('refuses job input larger than the input budget and records nothing', async () => {
    const before = await api.get('/api/extras/job-results/?job=local/example/GreetWithSecret&limit=1000');
    const response = await api.post('/api/extras/jobs/local/example/GreetWithSecret/run/', {
      data: { secret: 's'.repeat(40 * 1024) },
    });
    const after = await api.get('/api/extras/job-results/?job=local/example/GreetWithSecret&limit=1000');
    expect(response.status).toBe(400);
    expect(response.body.data.non_field_errors[0]).toMatch(/larger than 32768 bytes/);
    expect(after.body.results.length).toBe(before.body.results.length);
  });

  it('refuses a body over 256 KiB with a 413', async () => {
    const response = await api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
      data: { x: 'y'.repeat(300 * 1024) },
    });
    expect(response.status).toBe(413);
  });
});

describe('Accept: application/json; indent=4', () => {
  it('pretty-prints answers and errors as Nautobot does, and only when asked', async () => {
    const headers = { accept: 'application/json; indent=4' };
    const read = async (path: string, extra: Record<string, string> = {}) => {
      const response = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Token ${ADMIN_TOKEN}`, ...extra },
      });
      return { status: response.status, text: await response.text() };
    };
    const pretty = await read('/api/extras/jobs/?limit=1', headers);
    expect(pretty.status).toBe(200);
    expect(pretty.text).toBe(JSON.stringify(JSON.parse(pretty.text), null, 4));
    const error = await read('/api/extras/job-results/no-such-result/', headers);
    expect(error).toEqual({ status: 404, text: JSON.stringify(JSON.parse(error.text), null, 4) });
    expect(error.text).toContain('\n    "detail"');
    const compact = await read('/api/extras/jobs/?limit=1');
    expect(compact.text).not.toContain('\n');
  });
});

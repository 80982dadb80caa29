/**
 * pynautobot 3.1.1, replayed: the exact requests its `core/query.py` (`Request.get_version`,
 * `get_status`, `get_openapi`, `_make_call`, `get`'s `req_all` and `req_all_threaded`, `get_count`)
 * and `core/endpoint.py` (`JobsEndpoint.run`, `Endpoint.get`, `Record.delete`,
 * `Record.full_details`) send, with their headers and query strings, against the real local server.
 * Each step below names the pynautobot call it stands for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestServer } from '../support/local-server';

let server: Awaited<ReturnType<typeof startTestServer>>;
const RESULTS = 121;

/** `requests` with pynautobot's session header; answers as pynautobot sees them. */
async function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  options: { params?: Record<string, string | number>; json?: unknown } = {},
) {
  const target = new URL(url);
  for (const [name, value] of Object.entries(options.params ?? {}))
    target.searchParams.set(name, String(value));
  const response = await fetch(target, {
    method,
    headers: {
      'User-Agent': 'python-pynautobot/3.1.1',
      ...headers,
      ...(options.json === undefined
        ? {}
        : { 'Content-Type': headers['Content-Type'] ?? 'application/json' }),
    },
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** `Request._make_call`: its headers, for a token and an optional API version. */
function callHeaders(verb: string, apiVersion?: string, withData = false): Record<string, string> {
  const headers: Record<string, string> =
    verb === 'post' || verb === 'put' || (verb === 'delete' && withData)
      ? { 'Content-Type': 'application/json;' }
      : { accept: 'application/json;' };
  headers.authorization = `Token ${ADMIN_TOKEN}`;
  if (apiVersion) headers.accept = `application/json; version=${apiVersion}`;
  return headers;
}

/** `Request.get` without threading (`req_all`), as `Endpoint.filter` calls it. */
async function reqAll(url: string, filters: Record<string, string> = {}, limit?: number) {
  const addParams = limit === undefined ? undefined : { limit };
  const call = (params?: Record<string, string | number>, override?: string) =>
    send('get', override ?? url, callHeaders('get'), { params: override ? {} : { ...filters, ...params } });
  let req = (await call(addParams)).body;
  const ret = [...req.results];
  let firstRun = true;
  while (req.next) {
    req =
      addParams === undefined && firstRun
        ? (await call({ limit: req.count, offset: req.results.length })).body
        : (await call(undefined, req.next)).body;
    firstRun = false;
    ret.push(...req.results);
  }
  return ret;
}

/** `calc_pages`, bug for bug. */
const calcPages = (limit: number, count: number) => Math.trunc(count / limit) + (limit % count > 0 ? 1 : 0);

/** `Request.get` with `threading=True` (`req_all_threaded` and `concurrent_get`). */
async function reqAllThreaded(url: string, limit?: number) {
  const addParams = limit === undefined ? { limit: 0 } : { limit };
  const first = await send('get', url, callHeaders('get'), { params: addParams });
  expect(first.status).toBe(200);
  const req = first.body;
  const ret = [...req.results];
  if (req.next) {
    const pageSize = req.results.length;
    const pages = calcPages(pageSize, req.count);
    const offsets = Array.from({ length: Math.max(0, pages - 1) }, (_, i) => (i + 1) * pageSize);
    if (pages === 1) {
      ret.push(...(await send('get', req.next, callHeaders('get'))).body.results);
    } else {
      const answers = await Promise.all(
        offsets.map((offset) =>
          send('get', url, callHeaders('get'), { params: { offset, limit: pageSize } }),
        ),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        ret.push(...answer.body.results);
      }
    }
  }
  return ret;
}

beforeAll(async () => {
  server = await startTestServer();
  for (let i = 0; i < RESULTS; i += 11) {
    await Promise.all(
      Array.from({ length: Math.min(11, RESULTS - i) }, () =>
        server.api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {}),
      ),
    );
  }
  await server.workflow.idle();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('pynautobot 3.1.1', () => {
  const api = () => `${server.url}/api`;

  it('nb.version: reads API-Version from GET /api/', async () => {
    const headers = { 'Content-Type': 'application/json;', Authorization: `Token ${ADMIN_TOKEN}` };
    const root = await send('get', `${api()}/`, headers);
    expect(root.status).toBe(200);
    expect(root.headers.get('API-Version')).toBe('2.4');
    const pinned = await send('get', `${api()}/`, { ...headers, accept: 'application/json; version=2.4' });
    expect(pinned.headers.get('API-Version')).toBe('2.4');
  });

  it('refuses an API version it does not serve with a 406, still naming its own', async () => {
    const answer = await send('get', `${api()}/`, callHeaders('get', '1.3'));
    expect(answer.status).toBe(406);
    expect(answer.body.detail).toMatch(/Supported versions are 2\.4/);
    expect(answer.headers.get('API-Version')).toBe('2.4');
  });

  it('nb.status() and nb.openapi()', async () => {
    const status = await send('get', `${api()}/status/`, {
      'Content-Type': 'application/json;',
      authorization: `Token ${ADMIN_TOKEN}`,
      accept: 'application/json; version=2.4',
    });
    expect(status.body).toMatchObject({ 'api-version': '2.4', mode: 'local' });
    const openapi = await send('get', `${api()}/docs/?format=openapi`, {
      'Content-Type': 'application/json;',
      Authorization: `Token ${ADMIN_TOKEN}`,
    });
    expect(openapi.body.openapi).toBe('3.1.0');
  });

  it('nb.extras.jobs.run(job_name=..., data={}) and its job result reaching SUCCESS', async () => {
    // JobsEndpoint.run posts its keyword arguments as the body, with the version it read.
    const run = await send(
      'post',
      `${api()}/extras/jobs/local/example/MyJobWithNoVars/run/`,
      callHeaders('post', '2.4'),
      { json: { job_name: 'local/example/MyJobWithNoVars', data: {} } },
    );
    expect(run.status).toBe(201);
    await server.workflow.idle();
    // Record.full_details: GET the result's own url.
    const result = await send('get', run.body.job_result.url, callHeaders('get'));
    expect(result.body.status).toBe('SUCCESS');
    // nb.extras.job_results.get(id)
    const got = await send(
      'get',
      `${api()}/extras/job-results/${run.body.job_result.id}/`,
      callHeaders('get'),
    );
    expect(got.body).toMatchObject({ id: run.body.job_result.id, status: 'SUCCESS' });
  });

  it('refuses job_name naming another job than the path', async () => {
    const run = await send(
      'post',
      `${api()}/extras/jobs/local/example/MyJobWithNoVars/run/`,
      callHeaders('post'),
      {
        json: { job_name: 'local/example/AddNumbers', data: {} },
      },
    );
    expect(run.status).toBe(400);
    expect(Object.keys(run.body)).toEqual(['job_name']);
  });

  it('jobs.run(..., schedule={...}) returns a scheduled job, and scheduled_job.delete() deletes it', async () => {
    const run = await send(
      'post',
      `${api()}/extras/jobs/local/example/MyJobWithNoVars/run/`,
      callHeaders('post', '2.4'),
      {
        json: {
          job_id: 'local/example/MyJobWithNoVars',
          data: {},
          task_queue: 'default',
          schedule: { name: 'pynautobot daily', interval: 'daily', start_time: '2031-01-01T09:00:00Z' },
        },
      },
    );
    expect(run.status).toBe(201);
    const id = run.body.scheduled_job.id;
    // Record.delete: DELETE {endpoint url}/{id}/
    const deleted = await send('delete', `${api()}/extras/scheduled-jobs/${id}/`, callHeaders('delete'));
    expect(deleted.status).toBe(204);
    // Kept on record with its history: Gone, not Not Found (pynautobot's get() raises on it).
    expect((await send('get', `${api()}/extras/scheduled-jobs/${id}/`, callHeaders('get'))).status).toBe(410);
  });

  it('nb.extras.job_results.count() is the number of results', async () => {
    const count = (
      await send('get', `${api()}/extras/job-results/`, callHeaders('get'), { params: { limit: 1 } })
    ).body.count;
    expect(count).toBe((await reqAll(`${api()}/extras/job-results/`)).length);
    expect(count).toBeGreaterThanOrEqual(RESULTS);
  });

  it.each([
    ['all()', () => reqAll(`${api()}/extras/job-results/`)],
    ['all(limit=50)', () => reqAll(`${api()}/extras/job-results/`, {}, 50)],
    ['all() with threading', () => reqAllThreaded(`${api()}/extras/job-results/`)],
    ['all(limit=50) with threading', () => reqAllThreaded(`${api()}/extras/job-results/`, 50)],
    ['all(limit=20) with threading', () => reqAllThreaded(`${api()}/extras/job-results/`, 20)],
  ])('nb.extras.job_results.%s lists every result exactly once', async (_call, list) => {
    const results = await list();
    const count = (
      await send('get', `${api()}/extras/job-results/`, callHeaders('get'), { params: { limit: 1 } })
    ).body.count;
    const ids = results.map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(count);
  });

  it('nb.extras.job_results.filter(status="SUCCESS")', async () => {
    const results = await reqAll(`${api()}/extras/job-results/`, { status: 'SUCCESS' });
    expect(results.length).toBeGreaterThanOrEqual(RESULTS);
    expect(results.every((r: { status: string }) => r.status === 'SUCCESS')).toBe(true);
    expect(new Set(results.map((r: { id: string }) => r.id)).size).toBe(results.length);
  });
});

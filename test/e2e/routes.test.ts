/** The router enforces every route's declaration the same way, and picks the most specific route. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, startTestServer } from '../support/local-server';

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
});

afterAll(async () => {
  await server?.close();
});

describe('Query parameters', () => {
  it.each([
    '/api/extras/jobs/',
    '/api/extras/jobs/local/example/MyJobWithNoVars/',
    '/api/extras/job-results/',
    '/api/extras/job-results/00000000-0000-4000-8000-000000000000/',
    '/api/extras/job-results/00000000-0000-4000-8000-000000000000/logs/',
    '/api/extras/scheduled-jobs/',
    '/api/extras/scheduled-jobs/preview/',
    '/api/extras/scheduled-jobs/00000000-0000-4000-8000-000000000000/',
    '/api/users/users/',
    '/api/users/users/admin/',
    '/api/users/tokens/',
    '/api/users/tokens/00000000-0000-4000-8000-000000000000/',
  ])('refuses an unknown one on GET %s before doing anything', async (path) => {
    const response = await api.get(`${path}?x=1`);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['x']);
    expect(response.body.x[0]).toMatch(/^Unknown query parameter\./);
  });

  it('refuses one on a POST too, and runs nothing', async () => {
    const response = await api.post('/api/extras/jobs/local/testing/run/run/?x=1', {});
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['x']);
  });
});

describe('Matching', () => {
  it('reads `…/jobs/local/testing/run/` as the job named `run`, not as a run request', async () => {
    const response = await api.get('/api/extras/jobs/local/testing/run/');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: 'local/testing/run', job_class_name: 'run' });
  });

  it('runs the job named `run` at `…/run/run/`', async () => {
    const response = await api.post('/api/extras/jobs/local/testing/run/run/', {});
    expect(response.status).toBe(201);
    expect((await api.waitForResult(response.body.job_result.id)).result).toBe('ran');
  });

  it('answers 405 with the allowed methods where the path is a route but not for this method', async () => {
    const getRun = await api.get('/api/extras/jobs/local/example/MyJobWithNoVars/run/');
    expect(getRun.status).toBe(405);
    expect(getRun.headers.get('allow')).toBe('POST');
    const postJob = await api.post('/api/extras/jobs/local/testing/run/', {});
    expect(postJob.status).toBe(405);
    expect(postJob.headers.get('allow')).toBe('GET');
    const scheduled = await api.request(
      'PUT',
      '/api/extras/scheduled-jobs/00000000-0000-4000-8000-000000000000/',
    );
    expect(scheduled.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'PATCH']);
  });

  it('prefers a literal segment to a parameter', async () => {
    const response = await api.get('/api/extras/scheduled-jobs/preview/?interval=immediately');
    expect(response.status).toBe(200);
    expect(response.body.next_run_times).toHaveLength(1);
  });

  it('answers 404 for a path no job has', async () => {
    expect(await api.get('/api/extras/jobs/not-a-job-path/')).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
  });
});

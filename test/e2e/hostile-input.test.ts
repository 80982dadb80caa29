import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, startTestServer } from '../support/local-server';

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;
let scheduledJobId: string;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  const created = await api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
    schedule: { name: 'hostile-target', interval: 'daily', start_time: '2099-01-01T00:00:00Z' },
  });
  expect(created.status).toBe(201);
  scheduledJobId = created.body.scheduled_job.id;
});

afterAll(async () => {
  await server?.close();
});

describe('Field names that are built-in object properties', () => {
  const run = '/api/extras/jobs/local/example/MyJobWithNoVars/run/';
  it.each([
    ['POST', '/api/users/users/', '{"username":"x","constructor":1}', 'constructor'],
    ['POST', '/api/users/tokens/', '{"toString":1}', 'toString'],
    ['POST', run, '{"hasOwnProperty":1}', 'hasOwnProperty'],
    ['POST', run, '{"valueOf":1,"schedule":{"name":"n"}}', 'valueOf'],
    ['POST', run, '{"__proto__":{"isSuperuser":true}}', '__proto__'],
  ])('%s %s %s is a 400 naming the field', async (method, path, rawBody, field) => {
    const response = await api.request(method, path, {
      rawBody,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body[field]).toEqual(['This field is not allowed.']);
  });

  it('refuses them nested in a run body, nested like the request', async () => {
    const response = await api.request('POST', run, {
      rawBody: '{"data":{"constructor":1},"schedule":{"name":"n","interval":"immediately","toString":1}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      data: { constructor: ['This job has no such variable.'] },
      schedule: { toString: ['This field is not allowed.'] },
    });
  });

  it("refuses __proto__ among a job's variables instead of dropping it", async () => {
    const response = await api.request('POST', '/api/extras/jobs/local/example/AddNumbers/run/', {
      rawBody: '{"data":{"numbers":[1],"__proto__":{"round":true}}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    // Parsed, not an object literal: in a literal `__proto__` would set the prototype.
    expect(response.body).toEqual(JSON.parse('{"data":{"__proto__":["This job has no such variable."]}}'));
  });

  it('refuses __proto__ in a PATCH of a scheduled job and changes nothing', async () => {
    const before = await api.get(`/api/extras/scheduled-jobs/${scheduledJobId}/`);
    const response = await api.request('PATCH', `/api/extras/scheduled-jobs/${scheduledJobId}/`, {
      rawBody: '{"enabled":false,"__proto__":{"enabled":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    // JSON.parse makes `__proto__` an own property; read it as one, not through the accessor.
    expect(Object.getOwnPropertyDescriptor(response.body, '__proto__')?.value).toEqual([
      'This field is not allowed.',
    ]);
    const after = await api.get(`/api/extras/scheduled-jobs/${scheduledJobId}/`);
    expect(after.body).toEqual(before.body);
  });

  it('does not reach Object.prototype', async () => {
    await api.request('POST', run, {
      rawBody: '{"data":{"__proto__":{"polluted":1}},"constructor":{"prototype":{"polluted":1}}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Deeply nested values', () => {
  it.each([100, 10_000, 100_000])('answer 400 for %i levels under the size limit', async (depth) => {
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const response = await api.request('POST', '/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
      rawBody: `{"schedule":{"name":"n","interval":${nested}}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ detail: expect.stringMatching(/nested/) });
  });

  it('still accepts ordinary nesting', async () => {
    const response = await api.post('/api/extras/jobs/local/example/AddNumbers/run/', {
      data: { numbers: [1, 2] },
    });
    expect(response.status).toBe(201);
  });
});

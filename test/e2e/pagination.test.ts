/**
 * Nautobot's limit/offset pagination on every list: `count` a number, `limit=0` the server's page
 * size, links a client can follow to the end, offsets within bounds, and a clear 400 beyond them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, startTestServer } from '../support/local-server';

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;
const JOB = 'local/example/AddNumbers';
const LIST = `/api/extras/job-results/?job=${JOB}`;
let ids: string[];

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  ids = [];
  for (let i = 0; i < 12; i += 1) {
    const response = await api.post(`/api/extras/jobs/${JOB}/run/`, { data: { numbers: [i] } });
    ids.unshift(response.body.job_result.id); // newest first, as listed
  }
  await server.workflow.idle();
});

afterAll(async () => {
  await server?.close();
});

const idsOf = (body: { results: { id: string }[] }) => body.results.map((r) => r.id);

describe('Limit and offset', () => {
  it('counts the whole list and links onwards with the offset and a cursor', async () => {
    const first = await api.get(`${LIST}&limit=5`);
    expect(first.body).toMatchObject({ count: 12, previous: null });
    expect(idsOf(first.body)).toEqual(ids.slice(0, 5));
    const next = new URL(first.body.next);
    expect(next.searchParams.get('offset')).toBe('5');
    expect(next.searchParams.get('limit')).toBe('5');
    expect(next.searchParams.get('job')).toBe(JOB);
    expect(next.searchParams.get('cursor')).not.toBeNull();
  });

  it('gives the same page for an offset as for the links that reach it', async () => {
    const first = await api.get(`${LIST}&limit=5`);
    const second = await api.get(first.body.next);
    const byOffset = await api.get(`${LIST}&limit=5&offset=5`);
    expect(idsOf(byOffset.body)).toEqual(ids.slice(5, 10));
    expect(idsOf(second.body)).toEqual(ids.slice(5, 10));
    expect(new URL(byOffset.body.next).searchParams.get('offset')).toBe('10');
    expect(new URL(byOffset.body.previous).searchParams.has('offset')).toBe(false);
    expect(idsOf((await api.get(byOffset.body.previous)).body)).toEqual(ids.slice(0, 5));
  });

  it('lists every item exactly once when the links are followed to the end', async () => {
    const seen: string[] = [];
    let page = (await api.get(`${LIST}&limit=5`)).body;
    seen.push(...idsOf(page));
    while (page.next !== null) {
      page = (await api.get(page.next)).body;
      seen.push(...idsOf(page));
    }
    expect(seen).toEqual(ids);
  });

  it("reads limit=0 as the server's page size and cuts a larger limit to it, as Nautobot does", async () => {
    const zero = await api.get(`${LIST}&limit=0`);
    expect(zero.status).toBe(200);
    expect(idsOf(zero.body)).toEqual(ids);
    const large = await api.get(`${LIST}&limit=100000&offset=2`);
    expect(idsOf(large.body)).toEqual(ids.slice(2));
    expect(large.body.next).toBeNull();
  });

  it('answers an offset past the end with an empty page and the count', async () => {
    const past = await api.get(`${LIST}&offset=50`);
    expect(past.body).toMatchObject({ count: 12, next: null, results: [] });
  });

  it('refuses an offset deeper than it serves, naming the cursor to use instead', async () => {
    const deep = await api.get(`${LIST}&offset=10001`);
    expect(deep.status).toBe(400);
    expect(deep.body.offset[0]).toMatch(/Offsets above 10000 are not served.*`cursor`/);
    expect(deep.body).toHaveProperty('next');
  });

  it('counts every list', async () => {
    for (const path of [
      '/api/extras/jobs/',
      '/api/extras/job-results/',
      `/api/extras/job-results/?status=SUCCESS&job=${JOB}`,
      '/api/extras/scheduled-jobs/',
      '/api/users/users/',
      '/api/users/tokens/',
    ]) {
      const all = await api.get(`${path}${path.includes('?') ? '&' : '?'}limit=1000`);
      expect({ path, count: all.body.count }).toEqual({ path, count: all.body.results.length });
    }
    expect((await api.get(`/api/extras/job-results/?status=SUCCESS&job=${JOB}`)).body.count).toBe(12);
  });
});

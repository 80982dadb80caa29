/**
 * The bundles the stack deploys, loaded and invoked as Lambda would: each entry is built with the
 * stack's own esbuild settings, imported in a fresh Node process with only the environment the
 * stack sets, and called with a real event against dynalite. This catches what type checks and
 * in-process tests cannot: ESM/CommonJS interop, a missing banner, a module-scope crash.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbTokenStore } from '../../lambdas/adapters/dynamodb/dynamodb-token-store';
import { DynamoDbUserStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-store';
import { systemClock, uuidGenerator } from '../../lambdas/core/clock';
import { bootstrapAdmin } from '../../lambdas/core/user-administration';
import {
  copyBesideBundle,
  esbuildBuildOptions,
  HANDLER_ENTRIES,
  type HandlerName,
  PROJECT_ROOT,
} from '../../lib/bundling';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite';

const run = promisify(execFile);
const TOKEN = 'bundled-handler-token';

let dynamodb: LocalDynamoDb;
let outDir: string;

/**
 * Step Functions' StartExecution as the SDK meets it over HTTP (JSON 1.0): the answers are queued by
 * each test, the requests kept, so the bundled start-occurrence function is seen to name the
 * execution and to tell an existing one from a failure.
 */
const stepFunctions = {
  server: undefined as Server | undefined,
  endpoint: '',
  requests: [] as { target: string; body: Record<string, unknown> }[],
  answers: [] as { status: number; body: unknown }[],
};

beforeAll(async () => {
  dynamodb = await startDynalite();
  stepFunctions.server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      stepFunctions.requests.push({
        target: String(request.headers['x-amz-target']),
        body: JSON.parse(text),
      });
      const answer = stepFunctions.answers.shift() ?? { status: 500, body: { __type: 'InternalFailure' } };
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => stepFunctions.server?.listen(0, '127.0.0.1', resolve));
  stepFunctions.endpoint = `http://127.0.0.1:${(stepFunctions.server.address() as AddressInfo).port}`;
  const stores = { client: dynamodb.docClient, tableName: dynamodb.tableName };
  await bootstrapAdmin(
    {
      users: new DynamoDbUserStore(stores),
      tokens: new DynamoDbTokenStore(stores),
      clock: systemClock,
      ids: uuidGenerator,
    },
    TOKEN,
  );
  outDir = await mkdtemp(join(tmpdir(), 'countersign-bundles-'));
  await Promise.all(
    Object.entries(HANDLER_ENTRIES).map(([name, entry]) =>
      build({
        ...esbuildBuildOptions(join(PROJECT_ROOT, entry)),
        outfile: join(outDir, name, 'index.mjs'),
        logLevel: 'silent',
      }),
    ),
  );
  // What NodejsFunction's afterBundling hook does for each function.
  for (const name of Object.keys(HANDLER_ENTRIES) as HandlerName[]) {
    const commands = copyBesideBundle(name, PROJECT_ROOT, join(outDir, name));
    if (commands.length > 0) await run('sh', ['-c', commands.join(' && ')]);
  }
}, 120_000);

afterAll(async () => {
  await dynamodb?.close();
  await new Promise((resolve) => stepFunctions.server?.close(resolve));
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Imports a bundle in a fresh process with the stack's environment and invokes it once. */
async function invoke(name: HandlerName, event: unknown): Promise<unknown> {
  const driver = join(outDir, `${name}-driver.mjs`);
  await writeFile(
    driver,
    `const { handler } = await import(${JSON.stringify(join(outDir, name, 'index.mjs'))});
const context = { awsRequestId: 'req-1', functionName: '${name}', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:${name}', memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/${name}', logStreamName: 's', getRemainingTimeInMillis: () => 30000 };
const result = await handler(${JSON.stringify(event)}, context);
process.stdout.write('\\n@@RESULT@@' + JSON.stringify(result ?? null));`,
  );
  const { stdout } = await run(process.execPath, [driver], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      TABLE_NAME: dynamodb.tableName,
      POWERTOOLS_SERVICE_NAME: 'countersign',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:run',
      SCHEDULE_GROUP_NAME: 'countersign',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
      SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
      SCHEDULER_TARGET_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:start-occurrence',
      INPUT_KEY_PARAMETER: '/countersign/Countersign-Workflow-InputKey',
      EVENT_BUS_NAME: 'countersign-events',
    },
    timeout: 30_000,
    // The docs page's script is some 1.7 MB.
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.slice(stdout.lastIndexOf('@@RESULT@@') + '@@RESULT@@'.length));
}

const httpEvent = {
  version: '2.0',
  routeKey: 'ANY /api/{proxy+}',
  rawPath: '/api/extras/jobs/',
  rawQueryString: 'limit=2',
  headers: { authorization: `Token ${TOKEN}`, host: 'api.example.com' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'api',
    domainName: 'api.example.com',
    domainPrefix: 'api',
    http: {
      method: 'GET',
      path: '/api/extras/jobs/',
      protocol: 'HTTP/1.1',
      sourceIp: '192.0.2.1',
      userAgent: 'test',
    },
    requestId: 'gw-1',
    routeKey: 'ANY /api/{proxy+}',
    stage: '$default',
    time: '25/Nov/2026:12:00:00 +0000',
    timeEpoch: 1795000000000,
  },
  isBase64Encoded: false,
};

describe('Bundled handlers', () => {
  it('authorizer: resolves a stored token to its user', async () => {
    const result = await invoke('authorizer', {
      ...httpEvent,
      type: 'REQUEST',
      routeArn: 'arn',
      identitySource: [],
    });
    expect(result).toMatchObject({
      isAuthorized: true,
      context: { username: 'admin', is_superuser: 'true' },
    });
  });

  it('api: answers a request with the authorizer context the gateway passes', async () => {
    const principal = { username: 'admin', is_superuser: 'true', permissions: '[]', write_enabled: 'true' };
    const result = (await invoke('api', {
      ...httpEvent,
      requestContext: { ...httpEvent.requestContext, authorizer: { lambda: principal } },
    })) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).results).toHaveLength(2);
  });

  it('api: serves the docs page and its Swagger UI files (copied beside the bundle) without a token', async () => {
    const get = async (path: string) =>
      (await invoke('api', {
        ...httpEvent,
        rawPath: path,
        rawQueryString: '',
        headers: { host: 'api.example.com' },
        requestContext: {
          ...httpEvent.requestContext,
          http: { ...httpEvent.requestContext.http, path },
          authorizer: { lambda: { denied: 'Authentication credentials were not provided.' } },
        },
      })) as { statusCode: number; headers: Record<string, string>; body: string };
    const script = await get('/api/docs/swagger-ui-bundle.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body.length).toBeGreaterThan(100_000);
    const document = await get('/api/openapi.json');
    expect(document.statusCode).toBe(200);
    expect(JSON.parse(document.body).openapi).toBe('3.1.0');
  });

  it('run-step: records a step against the table', async () => {
    const result = await invoke('runStep', {
      action: 'fail',
      job_result_id: '00000000-0000-4000-8000-000000000000',
      error: {},
    });
    expect(result).toEqual({ status: 'MISSING' });
  });

  it('run-job: reports a job missing from the catalogue as a FAILURE outcome', async () => {
    const result = await invoke('runJob', {
      job_result_id: '00000000-0000-4000-8000-000000000000',
      job: 'local/example/Missing',
      data: {},
      sealed_data: null,
      user: 'admin',
      dryrun: false,
      time_limit_seconds: 5,
    });
    expect(result).toEqual({
      status: 'FAILURE',
      error: 'Job "local/example/Missing" is not in this deployment\'s catalogue.',
    });
  });

  it('reconcile: lists scheduled jobs from the table and reports the pass', async () => {
    const result = await invoke('reconcile', { source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(result).toEqual({ checked: 0, repaired: 0, failed: 0, abandonedRuns: 0, handoffsFinished: 0 });
  });

  describe('start-occurrence', () => {
    const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:run';
    const occurrence = {
      scheduled_job_id: '3f2b8c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d',
      scheduled_time: '2030-01-01T01:00:00Z',
    };
    // occurrenceResultId(id, '2030-01-01T01:00:00.000Z'): the job result the occurrence will have.
    const name = '161f021f-0e72-897c-946e-326c01ef5f67';

    it('starts the execution named after the occurrence, and takes an existing one for started', async () => {
      // Prepare
      stepFunctions.requests.length = 0;
      stepFunctions.answers.push(
        {
          status: 200,
          body: { executionArn: `arn:aws:states:us-east-1:123456789012:execution:run:${name}`, startDate: 1 },
        },
        { status: 400, body: { __type: 'com.amazonaws.states#ExecutionAlreadyExists', message: 'exists' } },
      );

      // Act
      const first = await invoke('startOccurrence', occurrence);
      const duplicate = await invoke('startOccurrence', occurrence);

      // Assess
      const execution = `arn:aws:states:us-east-1:123456789012:execution:run:${name}`;
      expect(first).toEqual({ started: true, execution });
      expect(duplicate).toEqual({ started: true, execution });
      expect(stepFunctions.requests).toEqual([
        {
          target: 'AWSStepFunctions.StartExecution',
          body: {
            stateMachineArn: STATE_MACHINE,
            name,
            input: JSON.stringify({
              scheduled_job_id: occurrence.scheduled_job_id,
              scheduled_time: '2030-01-01T01:00:00.000Z',
            }),
          },
        },
        expect.objectContaining({ body: expect.objectContaining({ name }) }),
      ]);
    });

    it('fails the invocation when the start is throttled, so that it is retried', async () => {
      stepFunctions.answers.push(
        ...Array.from({ length: 3 }, () => ({
          status: 400,
          body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
        })),
      );
      await expect(invoke('startOccurrence', occurrence)).rejects.toThrow(/Rate exceeded/);
    });

    it('refuses what no schedule sends without calling Step Functions', async () => {
      stepFunctions.requests.length = 0;
      const result = await invoke('startOccurrence', { ...occurrence, scheduled_time: 'tomorrow' });
      expect(result).toEqual({ started: false, reason: 'invalid-input' });
      expect(stepFunctions.requests).toEqual([]);
    });
  });
});

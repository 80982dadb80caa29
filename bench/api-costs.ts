/**
 * What operations cost, printed as figures (a benchmark, not a test: timings on a shared machine are
 * noisy; counts, capacity units and state transitions are exact).
 *
 * 1. List latency as the table grows (job results newest first, by job, by status, ten pages deep).
 * 2. API latency ÷ the time of the DynamoDB round trips it makes, per operation: HTTP requests through
 *    the local server (authorizer and API handlers, as deployed) to dynalite on disk. The latency is
 *    the time spent in the two functions, as API Gateway reports it (the local gateway stand-in and
 *    this process's HTTP client are printed apart); each DynamoDB call is timed at the functions'
 *    client. The API here starts no workflow, so every call is the API's own.
 * 3. Cost per 1,000 runs for a run started now, one scheduled occurrence and a refused duplicate
 *    delivery: the states the real workflow definition enters in the local engine, the write and
 *    read units DynamoDB reports (`ReturnConsumedCapacity`, plus index writes; see dynamodb-meter.ts),
 *    Lambda invocations, API Gateway and Scheduler requests, and log bytes (estimated). Occurrences
 *    are delivered as EventBridge Scheduler delivers them, by invoking the schedule's target (the
 *    start-occurrence function, whose handler is timed here) with the schedule's input.
 * 4. The stack's idle cost per month, from its synthesized resources, and the reconciler's passes.
 *
 *   npm run bench:costs [-- --samples 200] [-- --sizes 1000,100000] [-- --skip lists]
 */
import '../local/quiet-node-version-warning';
import '../local/polyfills';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createDocumentClient, DynamoDbClient } from '../lambdas/adapters/dynamodb/document-client';
import { DynamoDbJobResultStore } from '../lambdas/adapters/dynamodb/dynamodb-job-result-store';
import { DynamoDbScheduledJobStore } from '../lambdas/adapters/dynamodb/dynamodb-scheduled-job-store';
import { DynamoDbTokenStore } from '../lambdas/adapters/dynamodb/dynamodb-token-store';
import { DynamoDbUserStore } from '../lambdas/adapters/dynamodb/dynamodb-user-store';
import { EventBridgeScheduleGateway } from '../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import { CountingBusinessMetrics } from '../lambdas/adapters/metrics/counting-business-metrics';
import { systemClock, uuidGenerator } from '../lambdas/core/clock';
import type { JobResult, JobResultFilter } from '../lambdas/core/job-results';
import { bootstrapAdmin } from '../lambdas/core/user-administration';
import { createApiHandler } from '../lambdas/handlers/api-handler';
import { createAuthorizerHandler } from '../lambdas/handlers/authorizer-handler';
import { docsAssetsFrom } from '../lambdas/handlers/http/docs-assets';
import { apiRoutes } from '../lambdas/handlers/http/routes';
import { catalogue } from '../lambdas/jobs/catalogue';
import { CountersignStack, type CountersignStackProps } from '../lib/countersign-stack';
import { START_OCCURRENCE_MEMORY_MB } from '../lib/workflow';
import { LOCAL_START_OCCURRENCE, startLocalCountersign } from '../local/composition';
import { LocalHttpServer } from '../local/http-server';
import type { LocalLambda } from '../local/lambda-context';
import { startLocalDynamoDb } from '../local/local-dynamodb';
import { LocalInputSealer } from '../local/local-input-sealer';
import { LOCAL_SCHEDULER, LocalScheduler } from '../local/local-scheduler';
import { LOCAL_STATE_MACHINE_ARN } from '../local/local-workflow';
import { LogEventPublisher } from '../local/log-event-publisher';
import { DynamoDbMeter, type MeteredCall } from './dynamodb-meter';
import { PRICES } from './prices';

const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const SAMPLES = Number(option('--samples') ?? 100);
const SIZES = (option('--sizes') ?? '1000,100000').split(',').map(Number);
const SKIP = new Set((option('--skip') ?? '').split(','));
const TOKEN = 'bench-admin-token';
const TABLE = 'countersign';

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const usd = (value: number) => `$${value.toFixed(4)}`;

// 1 ────────────────────────────────────────────────────────────────────────────────────────────────

async function listLatency(): Promise<void> {
  const JOBS = ['local/a/One', 'local/a/Two', 'local/b/Three', 'local/b/Four', 'local/c/Five'];
  const STATUSES = ['SUCCESS', 'FAILURE', 'SUCCESS', 'SUCCESS', 'PENDING'] as const;
  const repeats = 15;
  console.log(`1. List latency (median of ${repeats}, ms), page size 50, dynalite on disk`);
  console.log(
    `${'rows'.padStart(8)}${'newest'.padStart(9)}${'by job'.padStart(9)}${'by status'.padStart(11)}${'page 10'.padStart(9)}${'requests'.padStart(10)}`,
  );
  const rows: number[][] = [];
  for (const size of SIZES) {
    const dir = await mkdtemp(join(tmpdir(), 'countersign-bench-'));
    const dynamodb = await startLocalDynamoDb({ tableName: TABLE, path: dir });
    const store = new DynamoDbJobResultStore({
      client: createDocumentClient(dynamodb.client),
      tableName: TABLE,
    });
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    for (let i = 0; i < size; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, size - i) }, (_, k): JobResult => {
          const n = i + k;
          return {
            id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
            jobPath: JOBS[n % JOBS.length] as string,
            name: 'bench',
            status: STATUSES[n % STATUSES.length] ?? 'SUCCESS',
            user: 'bench',
            dryrun: false,
            dateCreated: new Date(start + n * 1000).toISOString(),
            logs: [],
          };
        }).map((result) => store.create(result)),
      );
    }
    const time = async (filter: JobResultFilter, pagesDeep = 1) => {
      const samples: number[] = [];
      let requests = 0;
      // Unmeasured first passes, so the first table size is not charged for warming up the process.
      for (let r = 0; r < 3; r += 1) await store.list(filter, { limit: 50 });
      for (let r = 0; r < repeats; r += 1) {
        let cursor: string | undefined;
        for (let page = 1; page < pagesDeep; page += 1)
          cursor = (await store.list(filter, { limit: 50, cursor })).next;
        const before = dynamodb.requestCount();
        const t0 = performance.now();
        await store.list(filter, { limit: 50, cursor });
        samples.push(performance.now() - t0);
        requests = Math.max(requests, dynamodb.requestCount() - before);
      }
      return { ms: median(samples), requests };
    };
    const figures = [
      await time({}),
      await time({ jobPath: 'local/b/Three' }),
      await time({ status: 'FAILURE' }),
      await time({}, 10),
    ];
    rows.push(figures.map((figure) => figure.ms));
    console.log(
      `${String(size).padStart(8)}${figures.map((f, i) => f.ms.toFixed(1).padStart(i === 2 ? 11 : 9)).join('')}` +
        `${String(Math.max(...figures.map((f) => f.requests))).padStart(10)}`,
    );
    await dynamodb.close();
    await rm(dir, { recursive: true, force: true });
  }
  const first = rows[0];
  const last = rows.at(-1);
  if (first && last && rows.length > 1) {
    const growth = Math.max(...last.map((ms, i) => ms / (first[i] ?? ms)));
    console.log(`   ${SIZES[0]} → ${SIZES.at(-1)} rows: slowest list ${growth.toFixed(2)}× (goal ≤ 1.3×)`);
  }
}

// 2 ────────────────────────────────────────────────────────────────────────────────────────────────

async function apiLatency(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'countersign-bench-'));
  const meter = new DynamoDbMeter({ indexWrites: false });
  const dynamodb = await startLocalDynamoDb({
    tableName: TABLE,
    path: dir,
    instrument: (client) => meter.install(client, client),
  });
  const client = createDocumentClient(dynamodb.client);
  const stores = { client, tableName: TABLE };
  const results = new DynamoDbJobResultStore(stores);
  const users = new DynamoDbUserStore(stores);
  const tokens = new DynamoDbTokenStore(stores);
  const scheduledJobs = new DynamoDbScheduledJobStore({ ...stores, clock: systemClock });
  const localScheduler = new LocalScheduler({ clock: systemClock, invokeTarget: async () => undefined });
  const scheduler = new EventBridgeScheduleGateway({
    client: localScheduler,
    groupName: LOCAL_SCHEDULER.groupName,
    targetArn: LOCAL_START_OCCURRENCE.functionArn,
    roleArn: LOCAL_SCHEDULER.roleArn,
    deadLetterQueueArn: LOCAL_SCHEDULER.deadLetterQueueArn,
    clock: systemClock,
  });
  await bootstrapAdmin({ users, tokens, clock: systemClock, ids: uuidGenerator }, TOKEN);
  const logger = new Logger({ logLevel: 'SILENT' });
  // What the deployed API's latency is made of, as API Gateway reports it (AuthorizerLatency plus
  // IntegrationLatency): the time inside the two functions. The local HTTP server standing in for
  // the gateway, and this process's HTTP client, are timed too, but apart.
  let inFunctions = 0;
  const timed =
    (lambda: LocalLambda): LocalLambda =>
    async (event, context) => {
      const started = performance.now();
      try {
        return await lambda(event, context);
      } finally {
        inFunctions += performance.now() - started;
      }
    };
  const server = new LocalHttpServer({
    authorizer: timed(createAuthorizerHandler({ users, tokens, clock: systemClock }, logger) as LocalLambda),
    api: timed(
      createApiHandler(
        apiRoutes({
          catalogue,
          results,
          users,
          tokens,
          scheduledJobs,
          scheduler,
          // Runs are recorded PENDING and not executed: only the API's own DynamoDB calls are timed.
          workflow: {
            startRun: async (run) => `${LOCAL_STATE_MACHINE_ARN}:${run.jobResultId}`,
            startOccurrence: async (occurrence) => `${LOCAL_STATE_MACHINE_ARN}:${occurrence.scheduledJobId}`,
          },
          inputSealer: new LocalInputSealer(),
          events: new LogEventPublisher(logger),
          metrics: new CountingBusinessMetrics(),
          clock: systemClock,
          ids: uuidGenerator,
          logger,
          runtimeMode: 'local',
          // The docs page is not measured; an empty directory serves nothing.
          docsAssets: docsAssetsFrom(tmpdir()),
        }),
        logger,
      ) as LocalLambda,
    ),
  });
  const url = new URL(await server.listen(0));
  // A plain keep-alive HTTP client, as a load tester would use: fetch's own work (about 0.5 ms a
  // request here) is the client's, not the API's, and would be counted against the API otherwise.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** The answer's JSON; anything but a 2xx is an error. */
  const send = (method: string, path: string, body?: unknown, token = TOKEN) =>
    new Promise<unknown>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const outgoing = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          agent,
          headers: {
            authorization: `Token ${token}`,
            'content-type': 'application/json',
            ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status >= 300) reject(new Error(`${method} ${path}: ${status} ${text}`));
            else resolve(text === '' ? undefined : JSON.parse(text));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  const call = async (method: string, path: string, body?: unknown) => {
    await send(method, path, body);
  };

  console.log(
    `\n2. API latency ÷ its DynamoDB round trips (median of ${SAMPLES}; goal ≤ 1.5×). Latency is the time in the\n` +
      '   authorizer and API functions (what API Gateway reports as their latency); DynamoDB calls are timed at\n' +
      "   the functions' client; over HTTP adds the local stand-in for the gateway and this process's HTTP client.",
  );
  console.log(
    `${'operation'.padEnd(40)}${'over HTTP'.padStart(10)}${'latency'.padStart(9)}${'in DynamoDB'.padStart(13)}${'ratio'.padStart(7)}  calls`,
  );
  const measure = async (label: string, action: (i: number) => Promise<void>) => {
    const overHttp: number[] = [];
    const latencies: number[] = [];
    const database: number[] = [];
    const ratios: number[] = [];
    let calls: readonly MeteredCall[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const mark = meter.calls.length;
      inFunctions = 0;
      const t0 = performance.now();
      await action(i);
      overHttp.push(performance.now() - t0);
      const ms = inFunctions;
      calls = meter.since(mark);
      const inDatabase = calls.reduce((sum, c) => sum + c.ms, 0);
      latencies.push(ms);
      database.push(inDatabase);
      ratios.push(ms / inDatabase);
    }
    const byOperation = new Map<string, number>();
    for (const c of calls) byOperation.set(c.operation, (byOperation.get(c.operation) ?? 0) + 1);
    const ratio = median(ratios);
    console.log(
      `${label.padEnd(40)}${`${median(overHttp).toFixed(2)} ms`.padStart(10)}${`${median(latencies).toFixed(2)} ms`.padStart(9)}${`${median(database).toFixed(2)} ms`.padStart(13)}` +
        `${`${ratio.toFixed(2)}×`.padStart(7)}  ${[...byOperation].map(([op, n]) => `${n} ${op}`).join(', ')}${ratio <= 1.5 ? '' : '  (over)'}`,
    );
  };
  await measure('GET jobs list', () => call('GET', '/api/extras/jobs/'));
  await measure('POST run now', () =>
    call('POST', '/api/extras/jobs/local/example/MyJobWithNoVars/run/', {}),
  );
  await measure('GET job-results list (50)', () => call('GET', '/api/extras/job-results/?limit=50'));
  await measure('POST create a daily schedule', (i) =>
    call('POST', '/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
      schedule: { name: `bench daily ${i}`, interval: 'daily', start_time: '2031-01-01T09:00:00Z' },
    }),
  );
  await measure('GET scheduled-jobs list (50)', () => call('GET', '/api/extras/scheduled-jobs/?limit=50'));
  // Approvals: the admin requests, a second user decides (no one approves their own request).
  const approver = await bootstrapApprover();
  const requestApproval = async (name: string) => {
    const answer = (await send('POST', '/api/extras/jobs/local/example/RotateCredentials/run/', {
      data: { service: 'db' },
      schedule: { name, interval: 'future', start_time: '2031-01-01T09:00:00Z' },
    })) as { scheduled_job: { id: string } };
    return answer.scheduled_job.id;
  };
  const decide = async (path: string) => {
    await send('POST', path, undefined, approver);
  };
  const pending: string[] = [];
  await measure('POST run needing approval (queued)', async (i) => {
    pending.push(await requestApproval(`bench approval ${i}`));
  });
  await measure('POST approve (decision, then schedule)', (i) =>
    decide(`/api/extras/scheduled-jobs/${pending[i]}/approve/`),
  );
  const toDeny: string[] = [];
  for (let i = 0; i < SAMPLES; i += 1) toDeny.push(await requestApproval(`bench deny ${i}`));
  await measure('POST deny', (i) => decide(`/api/extras/scheduled-jobs/${toDeny[i]}/deny/`));
  agent.destroy();
  await server.close();
  await dynamodb.close();
  await rm(dir, { recursive: true, force: true });

  /** A second user with `approve`, and a token for it, made through the API as an operator would. */
  async function bootstrapApprover(): Promise<string> {
    await send('POST', '/api/users/users/', {
      username: 'approver',
      permissions: ['view', 'run', 'approve'],
    });
    return ((await send('POST', '/api/users/tokens/', { user: 'approver' })) as { key: string }).key;
  }
}

// 3 ────────────────────────────────────────────────────────────────────────────────────────────────

/** Estimated billed milliseconds per invocation on arm64 at 512 MB (DynamoDB in-region ~5 ms a call). */
const LAMBDA_MS = { authorizer: 15, api: 40, runStep: 20, runJob: 25 } as const;
/**
 * The start-occurrence function's billed time: its handler as measured here (median), plus the
 * StartExecution round trip it makes when deployed (estimated, in-region, like DynamoDB's above).
 */
const START_EXECUTION_ROUND_TRIP_MS = 15;
/** Memory per function, as the stack sets it (lib/lambda-function.ts, lib/workflow.ts). */
const LAMBDA_GB = { default: 0.5, startOccurrence: START_OCCURRENCE_MEMORY_MB / 1024 } as const;
/** Estimated log bytes: per invocation (START, END, REPORT and one application line), per workflow
 * history event (logged at level ALL without execution data), per EMF metric line. */
const LOG_BYTES = { invocation: 800, workflowEvent: 350, metric: 400 } as const;

interface RunCost {
  readonly transitions: number;
  readonly invocations: {
    readonly authorizer: number;
    readonly api: number;
    readonly startOccurrence: number;
    readonly runStep: number;
    readonly runJob: number;
  };
  readonly wru: number;
  readonly rru: number;
  readonly httpRequests: number;
  readonly schedulerInvocations: number;
  readonly historyEvents: number;
  readonly metricLines: number;
}

function itemize(cost: RunCost, startOccurrenceMs: number) {
  const invocations = Object.values(cost.invocations).reduce((a, b) => a + b, 0);
  const { startOccurrence, ...others } = cost.invocations;
  const otherGbSeconds = Object.entries(others).reduce(
    (sum, [fn, n]) => sum + n * (LAMBDA_MS[fn as keyof typeof LAMBDA_MS] / 1000) * LAMBDA_GB.default,
    0,
  );
  const startGbSeconds =
    startOccurrence *
    (Math.ceil(startOccurrenceMs + START_EXECUTION_ROUND_TRIP_MS) / 1000) * // billed by the whole ms
    LAMBDA_GB.startOccurrence;
  const logBytes =
    invocations * LOG_BYTES.invocation +
    cost.historyEvents * LOG_BYTES.workflowEvent +
    cost.metricLines * LOG_BYTES.metric;
  const items = {
    'Step Functions': cost.transitions * PRICES.stepFunctionsTransition,
    'start-occurrence requests': startOccurrence * PRICES.lambdaRequest,
    'start-occurrence duration': startGbSeconds * PRICES.lambdaArmGbSecond,
    'other Lambda requests': (invocations - startOccurrence) * PRICES.lambdaRequest,
    'other Lambda duration (est.)': otherGbSeconds * PRICES.lambdaArmGbSecond,
    'DynamoDB writes': cost.wru * PRICES.dynamoDbWru,
    'DynamoDB reads': cost.rru * PRICES.dynamoDbRru,
    'API Gateway': cost.httpRequests * PRICES.httpApiRequest,
    Scheduler: cost.schedulerInvocations * PRICES.schedulerInvocation,
    'Logs (est.)': logBytes * PRICES.logsIngestedByte,
  };
  return { items, total: Object.values(items).reduce((a, b) => a + b, 0), invocations };
}

async function runCosts(): Promise<void> {
  const meter = new DynamoDbMeter({ indexWrites: true });
  const server = await startLocalCountersign({
    port: 0,
    adminToken: TOKEN,
    logLevel: 'SILENT',
    startScheduler: false,
    instrumentDynamoDb: (client, endpoint) =>
      meter.install(
        client,
        new DynamoDbClient({
          endpoint,
          region: 'local',
          credentials: async () => ({ accessKeyId: 'l', secretAccessKey: 'l' }),
        }),
      ),
  });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Record<string, { id: string } | null>;
  };
  const metricLines = () => Object.values(server.metrics.snapshot()).reduce((a, b) => a + b, 0);
  /**
   * What `action` costs: the executions it started (a start under a name already taken starts
   * nothing, as on AWS) with every state they entered, and the DynamoDB units and metrics of it all.
   */
  const observe = async (
    action: () => Promise<unknown>,
    http: number,
    scheduler: number,
  ): Promise<RunCost> => {
    await server.workflow.idle();
    const mark = meter.calls.length;
    const metricsBefore = metricLines();
    const startExecution = server.workflow.startExecution;
    const started: string[] = [];
    server.workflow.startExecution = async (input, name) => {
      const fresh = name === undefined || server.workflow.history(name).length === 0;
      const arn = await startExecution.call(server.workflow, input, name);
      if (fresh) started.push(arn.split(':').pop() as string);
      return arn;
    };
    try {
      await action();
      await server.workflow.idle();
    } finally {
      server.workflow.startExecution = startExecution;
    }
    const calls = meter.since(mark);
    const history = started.flatMap((name) => server.workflow.history(name));
    const tasks = history.filter((event) => event.type === 'TaskScheduled');
    return {
      transitions: history.filter((event) => event.type === 'StateEntered').length,
      invocations: {
        authorizer: http,
        api: http,
        startOccurrence: scheduler,
        runStep: tasks.filter((task) => task.state !== 'RunJob').length,
        runJob: tasks.filter((task) => task.state === 'RunJob').length,
      },
      wru: calls.reduce((sum, c) => sum + c.writeUnits, 0),
      rru: calls.reduce((sum, c) => sum + c.readUnits, 0),
      httpRequests: http,
      schedulerInvocations: scheduler,
      historyEvents: history.length,
      metricLines: metricLines() - metricsBefore,
    };
  };

  const runNow = await observe(() => post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {}), 1, 0);
  const created = await post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
    schedule: {
      name: 'bench costs',
      interval: 'daily',
      start_time: new Date(Date.now() + 60_000).toISOString(),
    },
  });
  // What EventBridge Scheduler does at an occurrence, and again for a duplicate delivery: invoke the
  // schedule's target, the start-occurrence function, with the schedule's input.
  const target = server.scheduler.list().find((schedule) => schedule.name === created.scheduled_job?.id)
    ?.target.Arn as string;
  const deliver = (scheduledTime: Date) =>
    server.invokeScheduleTarget(
      target,
      JSON.stringify({
        scheduled_job_id: created.scheduled_job?.id,
        scheduled_time: scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      }),
    );
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const scheduled = await observe(() => deliver(now), 0, 1);
  const duplicate = await observe(() => deliver(now), 0, 1);
  // The handler's own time, in this process: a duplicate (the execution exists), and a first
  // delivery of earlier occurrences inside the guard's claim window, each starting a run.
  const timed = async (action: () => Promise<unknown>) => {
    const t0 = performance.now();
    await action();
    return performance.now() - t0;
  };
  const duplicateMs: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) duplicateMs.push(await timed(() => deliver(now)));
  const firstMs: number[] = [];
  for (let i = 1; i <= 20; i += 1) {
    firstMs.push(await timed(() => deliver(new Date(now.getTime() - i * 60_000))));
    await server.workflow.idle();
  }
  await server.close();
  const handlerMs = { scheduled: median(firstMs), duplicate: median(duplicateMs) };

  console.log(
    '\n3. Cost per 1,000 runs, us-east-1 list prices (bench/prices.ts); goal ≤ $0.20 a run, ≤ $0.02 a duplicate',
  );
  const runs = [
    ['run now', runNow, 0.2],
    ['scheduled occurrence', scheduled, 0.2],
    ['refused duplicate', duplicate, 0.02],
  ] as const;
  const itemized = runs.map(([label, cost, goal]) => ({
    label,
    cost,
    goal,
    ...itemize(cost, label === 'refused duplicate' ? handlerMs.duplicate : handlerMs.scheduled),
  }));
  console.log(`${''.padEnd(30)}${itemized.map((r) => r.label.padStart(22)).join('')}`);
  const counts: [string, (c: RunCost, invocations: number) => string][] = [
    ['states entered', (c) => String(c.transitions)],
    ['Lambda invocations', (_c, n) => String(n)],
    ['DynamoDB WRU / RRU', (c) => `${c.wru} / ${c.rru}`],
  ];
  for (const [label, value] of counts) {
    console.log(
      `${label.padEnd(30)}${itemized.map((r) => value(r.cost, r.invocations).padStart(22)).join('')}`,
    );
  }
  for (const item of Object.keys(itemized[0]?.items ?? {})) {
    console.log(
      `${item.padEnd(30)}${itemized.map((r) => usd(1000 * ((r.items as Record<string, number>)[item] ?? 0)).padStart(22)).join('')}`,
    );
  }
  console.log(
    `${'total per 1,000'.padEnd(30)}${itemized.map((r) => `${usd(1000 * r.total)} ${1000 * r.total <= r.goal ? 'ok' : 'OVER'}`.padStart(22)).join('')}`,
  );
  const startDuration = itemized[1]?.items['start-occurrence duration'] ?? 0;
  console.log(
    `   start-occurrence (the schedules' target) is billed at ${START_OCCURRENCE_MEMORY_MB} MB for its handler as timed here, median\n` +
      `   ${handlerMs.scheduled.toFixed(2)} ms starting a run (of 20) and ${handlerMs.duplicate.toFixed(2)} ms for a duplicate (of ${SAMPLES}), plus ${START_EXECUTION_ROUND_TRIP_MS} ms\n` +
      `   for its StartExecution call (estimated): ${usd(1e5 * startDuration)} per 100,000 occurrences. The other functions'\n` +
      '   durations are estimates at 512 MB (LAMBDA_MS). A duplicate starts no execution: Step Functions refuses the name.',
  );
  console.log(
    '   Sensitive input adds nothing per run by default (the Parameter Store key is read once per cold start);\n' +
      `   with inputSealing=customer-managed-key it adds 2 KMS requests, ${usd(2000 * PRICES.kmsRequest)} per 1,000.`,
  );
}

// 4 ────────────────────────────────────────────────────────────────────────────────────────────────

async function idleCost(): Promise<void> {
  // One reconcile pass over an empty store: what the timer costs when nothing happens.
  const meter = new DynamoDbMeter({ indexWrites: false });
  const server = await startLocalCountersign({
    port: 0,
    adminToken: TOKEN,
    logLevel: 'SILENT',
    startScheduler: false,
    instrumentDynamoDb: (client) => meter.install(client, client),
  });
  const mark = meter.calls.length;
  await server.reconcile();
  const pass = meter.since(mark);
  await server.close();
  const passRru = pass.reduce((sum, c) => sum + c.readUnits, 0);
  const passCost =
    PRICES.lambdaRequest +
    0.1 * LAMBDA_GB.default * PRICES.lambdaArmGbSecond + // ~100 ms
    passRru * PRICES.dynamoDbRru +
    (LOG_BYTES.invocation + 300) * PRICES.logsIngestedByte;

  console.log('\n4. Idle cost per month of the synthesized stack (no requests, no runs; goal $0 by default)');
  const variants: [string, CountersignStackProps][] = [
    ['default', {}],
    ['inputSealing=customer-managed-key', { inputSealing: 'customer-managed-key' }],
    [
      'with alarm actions (5 alarms)',
      { alarmActions: [{ bind: () => ({ alarmActionArn: 'arn:aws:sns:us-east-1:123456789012:t' }) }] },
    ],
  ];
  for (const [label, props] of variants) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const template = Template.fromStack(new CountersignStack(app, 'Countersign', props)).toJSON() as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const resources = Object.values(template.Resources);
    const count = (type: string) => resources.filter((r) => r.Type === type).length;
    const passesPerMonth = resources
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map((r) => /^rate\((\d+) minutes?\)$/.exec(String(r.Properties?.ScheduleExpression)))
      .reduce((sum, match) => sum + (match ? (30 * 24 * 60) / Number(match[1]) : 0), 0);
    const items = {
      'KMS keys': count('AWS::KMS::Key') * PRICES.kmsKeyMonth,
      alarms: count('AWS::CloudWatch::Alarm') * PRICES.alarmMonth,
      secrets: count('AWS::SecretsManager::Secret') * PRICES.secretMonth,
      [`reconciler (${passesPerMonth} passes, ${passRru} RRU each)`]: passesPerMonth * passCost,
    };
    const total = Object.values(items).reduce((a, b) => a + b, 0);
    console.log(
      `   ${label.padEnd(36)} $${total.toFixed(3)}/month = ${Object.entries(items)
        .map(([item, cost]) => `${item} $${cost.toFixed(3)}`)
        .join(' + ')}`,
    );
  }
  console.log(
    '   Not counted: storage (an empty table, log groups and the parameter cost nothing to keep), and the\n' +
      "   always-free tiers, which cover the reconciler's Lambda requests, duration and logs (not its reads).",
  );
}

if (!SKIP.has('lists')) await listLatency();
if (!SKIP.has('api')) await apiLatency();
if (!SKIP.has('runs')) await runCosts();
if (!SKIP.has('idle')) await idleCost();

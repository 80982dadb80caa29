/**
 * The local embedded runtime: the same handler factories as the Lambda entry points, wired to
 * dynalite, the local workflow and the local HTTP server instead of AWS.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, type DynamoDbClient } from '../lambdas/adapters/dynamodb/document-client';
import { DynamoDbJobResultStore } from '../lambdas/adapters/dynamodb/dynamodb-job-result-store';
import { DynamoDbScheduledJobStore } from '../lambdas/adapters/dynamodb/dynamodb-scheduled-job-store';
import { DynamoDbTokenStore } from '../lambdas/adapters/dynamodb/dynamodb-token-store';
import { DynamoDbUserStore } from '../lambdas/adapters/dynamodb/dynamodb-user-store';
import { EventBridgeScheduleGateway } from '../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import { CountingBusinessMetrics } from '../lambdas/adapters/metrics/counting-business-metrics';
import { systemClock, uuidGenerator } from '../lambdas/core/clock';
import { failAbandonedRuns } from '../lambdas/core/fail-abandoned-runs';
import type { JobCatalogue } from '../lambdas/core/jobs';
import type { Clock, EventPublisher } from '../lambdas/core/ports';
import { bootstrapAdmin } from '../lambdas/core/user-administration';
import { createApiHandler } from '../lambdas/handlers/api-handler';
import { createAuthorizerHandler } from '../lambdas/handlers/authorizer-handler';
import { DOCS_ASSETS_PACKAGE, docsAssetsFrom } from '../lambdas/handlers/http/docs-assets';
import { apiRoutes } from '../lambdas/handlers/http/routes';
import type { ReconcileResult } from '../lambdas/handlers/reconcile-handler';
import { createReconcileHandler } from '../lambdas/handlers/reconcile-handler';
import { createRunJobHandler } from '../lambdas/handlers/run-job-handler';
import { createRunStepHandler } from '../lambdas/handlers/run-step-handler';
import { createStartOccurrenceHandler } from '../lambdas/handlers/start-occurrence-handler';
import { catalogue as defaultCatalogue } from '../lambdas/jobs/catalogue';
import { type LocalLogLevel, type LogFormat, localLogger } from './console-log';
import { type DataDirectoryLock, lockDataDirectory } from './data-dir-lock';
import { repairDynaliteIndexes } from './dynalite-index-repair';
import { LocalHttpServer } from './http-server';
import { type LocalLambda, localLambdaContext } from './lambda-context';
import { startLocalDynamoDb } from './local-dynamodb';
import { LocalInputSealer } from './local-input-sealer';
import { LOCAL_SCHEDULER, LocalScheduler } from './local-scheduler';
import { LOCAL_FUNCTIONS, LocalWorkflow } from './local-workflow';
import { LogEventPublisher } from './log-event-publisher';

export interface LocalOptions {
  /** Where data is kept between starts; in memory when absent (tests). */
  readonly dataDir?: string | undefined;
  /** @default 8080 (0 picks a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** A key to accept as the admin's token; generated on first start when absent. */
  readonly adminToken?: string | undefined;
  /** @default 'INFO' */
  readonly logLevel?: LocalLogLevel;
  /** One readable line per event, or Powertools' JSON as deployed. @default 'text' */
  readonly logFormat?: LogFormat;
  /** Where the log goes. @default process.stdout */
  readonly logOutput?: Writable;
  /** @default the deployment's catalogue */
  readonly catalogue?: JobCatalogue;
  /** @default the system clock */
  readonly clock?: Clock;
  /** Where notifications go. @default one line each in the server log */
  readonly events?: EventPublisher;
  /**
   * Fire schedules, and reconcile them every 15 minutes, on timers; tests that move a fake clock call
   * `scheduler.runDue()` and `reconcile()` instead. Schedules are reconciled once at start either way.
   * @default true
   */
  readonly startScheduler?: boolean;
  /** Called with the DynamoDB client before first use: benchmarks meter each call with it. */
  readonly instrumentDynamoDb?: ((client: DynamoDbClient, endpoint: string) => void) | undefined;
  /**
   * The built web page (web/dist), served beside the API at every path outside /api/.
   * @default - not served; `npm start` passes web/dist
   */
  readonly webRoot?: string;
}

export interface LocalCountersign {
  readonly url: string;
  /** A key printed once: the admin token generated on first start. */
  readonly generatedAdminToken?: string | undefined;
  readonly workflow: LocalWorkflow;
  readonly scheduler: LocalScheduler;
  /**
   * What the scheduler does at each occurrence: invoke a schedule's target with its input. Tests and
   * benchmarks call it again to deliver an occurrence twice, as EventBridge Scheduler may.
   */
  invokeScheduleTarget(targetArn: string, input: string): Promise<unknown>;
  /** The business metrics counted so far (CloudWatch gets them when deployed). */
  readonly metrics: CountingBusinessMetrics;
  /** DynamoDB requests made so far, for benchmarks of the calls each operation costs. */
  dynamodbRequestCount(): number;
  /** DynamoDB writes that changed the table so far, for tests that prove a request wrote nothing. */
  dynamodbAppliedWriteCount(): number;
  /** One pass of the schedule reconciler, as the deployed one runs every 15 minutes. */
  reconcile(): Promise<ReconcileResult>;
  close(): Promise<void>;
}

const TABLE_NAME = 'countersign';
/** Every schedule's target, as deployed: the function that starts the workflow for an occurrence. */
export const LOCAL_START_OCCURRENCE = {
  functionName: 'countersign-start-occurrence',
  functionArn: 'arn:aws:lambda:local:000000000000:function:countersign-start-occurrence',
} as const;
/** In the data directory: the admin token generated on first start, for the README's commands. */
export const ADMIN_TOKEN_FILE = 'admin-token';
const RECONCILE_INTERVAL_MS = 15 * 60_000;

export async function startLocalCountersign(options: LocalOptions = {}): Promise<LocalCountersign> {
  const logLevel = options.logLevel ?? 'INFO';
  const logger = (name: string) =>
    localLogger(name, { logLevel, format: options.logFormat ?? 'text', output: options.logOutput });
  const clock = options.clock ?? systemClock;
  const catalogue = options.catalogue ?? defaultCatalogue;

  const startupLogger = logger('countersign-local');
  const lock =
    options.dataDir === undefined ? undefined : await lockAndRepair(options.dataDir, startupLogger);
  try {
    return await startWithStore(options, { logger, clock, catalogue, lock });
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * Takes the data directory, and after a server that was killed, repairs dynalite's indexes from its
 * items before anything reads them (the sweep of interrupted runs reads the status index).
 */
async function lockAndRepair(dataDir: string, startupLogger: Logger): Promise<DataDirectoryLock> {
  await mkdir(dataDir, { recursive: true });
  const lock = lockDataDirectory(dataDir);
  const databasePath = join(dataDir, 'dynamodb');
  if (lock.previousStopWasUnclean && existsSync(databasePath)) {
    try {
      const repair = await repairDynaliteIndexes(databasePath, TABLE_NAME);
      startupLogger.info('The last server stopped without closing; indexes checked against items', {
        ...repair,
      });
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  return lock;
}

async function startWithStore(
  options: LocalOptions,
  {
    logger,
    clock,
    catalogue,
    lock,
  }: {
    logger: (name: string) => Logger;
    clock: Clock;
    catalogue: JobCatalogue;
    lock: DataDirectoryLock | undefined;
  },
): Promise<LocalCountersign> {
  const dynamodb = await startLocalDynamoDb({
    tableName: TABLE_NAME,
    instrument: options.instrumentDynamoDb,
    ...(options.dataDir === undefined ? {} : { path: join(options.dataDir, 'dynamodb') }),
  });
  const client = createDocumentClient(dynamodb.client);
  const results = new DynamoDbJobResultStore({ client, tableName: TABLE_NAME });
  const users = new DynamoDbUserStore({ client, tableName: TABLE_NAME });
  const tokens = new DynamoDbTokenStore({ client, tableName: TABLE_NAME });
  const scheduledJobs = new DynamoDbScheduledJobStore({ client, tableName: TABLE_NAME, clock });

  const startupLogger = logger('countersign-local');
  const metrics = new CountingBusinessMetrics();
  // The gateway is the deployed adapter; only its client is swapped for the emulator.
  let startOccurrence: LocalLambda | undefined;
  // Every schedule has the one target, the start-occurrence function, invoked as deployed: its
  // failure is the scheduler's to retry and dead-letter. (Schedules saved before it was the target
  // name the state machine; they are delivered the same way, and the reconciler re-points them.)
  const invokeScheduleTarget = async (_targetArn: string, input: string): Promise<unknown> =>
    startOccurrence?.(JSON.parse(input), localLambdaContext(LOCAL_START_OCCURRENCE.functionName));
  const scheduler = new LocalScheduler({
    clock,
    ...(options.dataDir === undefined ? {} : { directory: join(options.dataDir, 'scheduler') }),
    invokeTarget: invokeScheduleTarget,
    onError: (error) => startupLogger.error('Local scheduler error', { error: error as Error }),
  });
  const scheduleGateway = new EventBridgeScheduleGateway({
    client: scheduler,
    groupName: LOCAL_SCHEDULER.groupName,
    targetArn: LOCAL_START_OCCURRENCE.functionArn,
    roleArn: LOCAL_SCHEDULER.roleArn,
    deadLetterQueueArn: LOCAL_SCHEDULER.deadLetterQueueArn,
    clock,
  });
  const events = options.events ?? new LogEventPublisher(logger('countersign-events'));
  // One per process, shared by the API (which seals) and the run function (which opens).
  const inputSealer = new LocalInputSealer();
  const workflow = new LocalWorkflow({
    catalogue,
    functions: {
      [LOCAL_FUNCTIONS.runStep]: createRunStepHandler(
        { catalogue, results, scheduledJobs, scheduler: scheduleGateway, events, clock, metrics },
        logger(LOCAL_FUNCTIONS.runStep),
      ) as LocalLambda,
      [LOCAL_FUNCTIONS.runJob]: createRunJobHandler(
        { catalogue, results, clock, inputSealer },
        logger(LOCAL_FUNCTIONS.runJob),
      ) as LocalLambda,
    },
    onExecutionError: (name, error) =>
      startupLogger.error('Workflow execution failed', { execution: name, error: error as Error }),
  });
  startOccurrence = createStartOccurrenceHandler(
    { workflow },
    logger(LOCAL_START_OCCURRENCE.functionName),
  ) as LocalLambda;

  // Runs in flight when the process last stopped cannot finish: record that instead of leaving them.
  await failAbandonedRuns(
    { results, clock, metrics },
    {
      createdBefore: clock.now(),
      reason: 'The local server stopped before this run finished.',
      onRecorded: (jobResultId) =>
        startupLogger.error('Run failed: the server stopped before it finished', { jobResultId }),
      onFailed: (jobResultId, error) =>
        startupLogger.error('Interrupted run not recorded as failed', { jobResultId, error: error as Error }),
    },
  );

  // A process killed between writing a scheduled job and its schedule leaves that job unscheduled.
  // Passes run one after another; `close` waits for the one under way.
  const reconcileLogger = logger('countersign-reconcile');
  const reconcileHandler = createReconcileHandler(
    { scheduledJobs, scheduler: scheduleGateway, results, workflow, clock, metrics },
    reconcileLogger,
  );
  let reconciling: Promise<unknown> = Promise.resolve();
  const reconcile = (): Promise<ReconcileResult> => {
    const pass = reconciling.then(() => reconcileHandler({}, localLambdaContext('countersign-reconcile')));
    reconciling = pass.catch((error: unknown) =>
      reconcileLogger.error('Schedules not reconciled', { error: error as Error }),
    );
    return pass;
  };
  await reconcile();

  const apiLogger = logger('countersign-api');
  const server = new LocalHttpServer({
    authorizer: createAuthorizerHandler(
      { users, tokens, clock },
      logger('countersign-authorizer'),
    ) as LocalLambda,
    api: createApiHandler(
      apiRoutes({
        catalogue,
        results,
        users,
        tokens,
        scheduledJobs,
        scheduler: scheduleGateway,
        events,
        metrics,
        workflow,
        inputSealer,
        clock,
        ids: uuidGenerator,
        logger: apiLogger,
        runtimeMode: 'local',
        // Straight from the package; deployed, a copy beside the bundle (lib/bundling.ts).
        docsAssets: docsAssetsFrom(
          dirname(createRequire(import.meta.url).resolve(`${DOCS_ASSETS_PACKAGE}/package.json`)),
        ),
      }),
      apiLogger,
    ) as LocalLambda,
    onError: (error) => apiLogger.error('Local server error', { error: error as Error }),
    ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
  });
  let url: string;
  try {
    url = await server.listen(options.port ?? 8080, options.host ?? '127.0.0.1');
  } catch (error) {
    await reconciling;
    await workflow.idle();
    await dynamodb.close();
    throw error;
  }
  // Only now: a first start that cannot listen (the port is taken) must not create a superuser
  // whose token nobody saw.
  const admin = await bootstrapAdmin({ users, tokens, clock, ids: uuidGenerator }, options.adminToken);
  let reconcileTimer: NodeJS.Timeout | undefined;
  if (options.startScheduler ?? true) {
    scheduler.start();
    reconcileTimer = setInterval(() => {
      reconcile().catch(() => undefined); // Logged by `reconciling`.
    }, RECONCILE_INTERVAL_MS);
    reconcileTimer.unref();
  }

  return {
    url,
    generatedAdminToken: admin.generatedKey,
    workflow,
    scheduler,
    invokeScheduleTarget,
    metrics,
    dynamodbRequestCount: () => dynamodb.requestCount(),
    dynamodbAppliedWriteCount: () => dynamodb.appliedWriteCount(),
    reconcile,
    close: async () => {
      clearInterval(reconcileTimer);
      await server.close();
      await reconciling;
      await scheduler.stop();
      await workflow.idle();
      await dynamodb.close();
      lock?.release();
    },
  };
}

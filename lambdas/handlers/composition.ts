/**
 * The Lambda runtime's wiring: AWS clients and adapters, built once per cold start by the entry
 * module that needs them. Local mode has its own composition (local/composition.ts) around the
 * same handler factories.
 */

import { fileURLToPath } from 'node:url';
import type { Logger } from '@aws-lambda-powertools/logger';
import { lambdaCredentials } from '../adapters/aws/lambda-credentials';
import { KeyWrappingInputSealer } from '../adapters/crypto/key-wrapping-input-sealer';
import { createDocumentClient } from '../adapters/dynamodb/document-client';
import { DynamoDbJobResultStore } from '../adapters/dynamodb/dynamodb-job-result-store';
import { DynamoDbScheduledJobStore } from '../adapters/dynamodb/dynamodb-scheduled-job-store';
import { DynamoDbTokenStore } from '../adapters/dynamodb/dynamodb-token-store';
import { DynamoDbUserStore } from '../adapters/dynamodb/dynamodb-user-store';
import { createEventBridgeClient } from '../adapters/eventbridge/eventbridge-client';
import { EventBridgeEventPublisher } from '../adapters/eventbridge/eventbridge-event-publisher';
import {
  EventBridgeScheduleGateway,
  EventBridgeScheduleRemover,
} from '../adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import { createSchedulerClient } from '../adapters/eventbridge-scheduler/scheduler-client';
import { createKmsClient } from '../adapters/kms/kms-client';
import { KmsInputSealer } from '../adapters/kms/kms-input-sealer';
import { PowertoolsBusinessMetrics } from '../adapters/metrics/powertools-business-metrics';
import { ParameterStoreClient } from '../adapters/ssm/parameter-store-client';
import { ssmWrappingKey } from '../adapters/ssm/ssm-wrapping-key';
import { createSfnClient } from '../adapters/step-functions/sfn-client';
import { StepFunctionsWorkflowStarter } from '../adapters/step-functions/step-functions-workflow-starter';
import { systemClock, uuidGenerator } from '../core/clock';
import type { InputSealer } from '../core/ports';
import { catalogue } from '../jobs/catalogue';
import { readConfig } from './config';
import { DOCS_ASSETS_DIRECTORY, docsAssetsFrom } from './http/docs-assets';

/** Every client signs with the function role's credentials, read from the environment, in its region. */
function clientConfig() {
  const { AWS_REGION: region } = readConfig(['AWS_REGION']);
  return { credentials: lambdaCredentials, region };
}

function table() {
  const { TABLE_NAME: tableName } = readConfig(['TABLE_NAME']);
  return { client: createDocumentClient(clientConfig()), tableName };
}

/** Creates, replaces and reads the deployment's schedules (the API and the reconciler). */
function scheduleGateway(): EventBridgeScheduleGateway {
  const config = readConfig([
    'SCHEDULE_GROUP_NAME',
    'SCHEDULER_ROLE_ARN',
    'SCHEDULER_DLQ_ARN',
    'SCHEDULER_TARGET_ARN',
  ]);
  return new EventBridgeScheduleGateway({
    client: createSchedulerClient(clientConfig()),
    groupName: config.SCHEDULE_GROUP_NAME,
    targetArn: config.SCHEDULER_TARGET_ARN,
    roleArn: config.SCHEDULER_ROLE_ARN,
    deadLetterQueueArn: config.SCHEDULER_DLQ_ARN,
  });
}

/**
 * Seals sensitive run input (the API, which may also make the Parameter Store key on first use) and
 * opens it (the run-job function): with the stack's KMS key when it has one (INPUT_KEY_ARN), else
 * with the key in Parameter Store (INPUT_KEY_PARAMETER). See lib/input-key.ts.
 */
function inputSealer(use: 'seal' | 'open'): InputSealer {
  const { INPUT_KEY_ARN } = process.env;
  if (INPUT_KEY_ARN)
    return new KmsInputSealer({ client: createKmsClient(clientConfig()), keyId: INPUT_KEY_ARN });
  const { INPUT_KEY_PARAMETER } = readConfig(['INPUT_KEY_PARAMETER']);
  return new KeyWrappingInputSealer(
    ssmWrappingKey({
      parameters: new ParameterStoreClient(clientConfig()),
      parameterName: INPUT_KEY_PARAMETER,
      createIfMissing: use === 'seal',
    }),
  );
}

/** Notifications (approval requested and decided, run finished) on the deployment's bus. */
function eventPublisher(logger: Logger): EventBridgeEventPublisher {
  const { EVENT_BUS_NAME } = readConfig(['EVENT_BUS_NAME']);
  return new EventBridgeEventPublisher({
    client: createEventBridgeClient(clientConfig()),
    eventBusName: EVENT_BUS_NAME,
    onError: (error, event) =>
      logger.error('Event not published', { type: event.type, error: error as Error }),
  });
}

function workflowStarter(): StepFunctionsWorkflowStarter {
  const config = readConfig(['STATE_MACHINE_ARN']);
  return new StepFunctionsWorkflowStarter({
    client: createSfnClient(clientConfig()),
    stateMachineArn: config.STATE_MACHINE_ARN,
  });
}

export function apiDependencies(logger: Logger) {
  const store = table();
  return {
    catalogue,
    results: new DynamoDbJobResultStore(store),
    users: new DynamoDbUserStore(store),
    tokens: new DynamoDbTokenStore(store),
    scheduledJobs: new DynamoDbScheduledJobStore(store),
    workflow: workflowStarter(),
    inputSealer: inputSealer('seal'),
    scheduler: scheduleGateway(),
    events: eventPublisher(logger),
    metrics: new PowertoolsBusinessMetrics(),
    clock: systemClock,
    ids: uuidGenerator,
    logger,
    runtimeMode: 'deployed' as const,
    // Copied beside the bundle (lib/bundling.ts); this module is bundled into the function's index.mjs.
    docsAssets: docsAssetsFrom(fileURLToPath(new URL(`./${DOCS_ASSETS_DIRECTORY}/`, import.meta.url))),
  };
}

export function authorizerDependencies() {
  const store = table();
  return { users: new DynamoDbUserStore(store), tokens: new DynamoDbTokenStore(store), clock: systemClock };
}

export function runStepDependencies(logger: Logger) {
  const { SCHEDULE_GROUP_NAME } = readConfig(['SCHEDULE_GROUP_NAME']);
  const store = table();
  return {
    metrics: new PowertoolsBusinessMetrics(),
    catalogue,
    results: new DynamoDbJobResultStore(store),
    scheduledJobs: new DynamoDbScheduledJobStore(store),
    scheduler: new EventBridgeScheduleRemover({
      client: createSchedulerClient(clientConfig()),
      groupName: SCHEDULE_GROUP_NAME,
    }),
    events: eventPublisher(logger),
    clock: systemClock,
  };
}

export function reconcileDependencies() {
  const store = table();
  return {
    metrics: new PowertoolsBusinessMetrics(),
    scheduledJobs: new DynamoDbScheduledJobStore(store),
    results: new DynamoDbJobResultStore(store),
    scheduler: scheduleGateway(),
    workflow: workflowStarter(),
    clock: systemClock,
  };
}

export function runJobDependencies() {
  return {
    catalogue,
    results: new DynamoDbJobResultStore(table()),
    clock: systemClock,
    inputSealer: inputSealer('open'),
  };
}

/** Every schedule's target: starts the run workflow for an occurrence, named after it. */
export function startOccurrenceDependencies() {
  return { workflow: workflowStarter() };
}

/**
 * The Lambda runtime's wiring: AWS clients and adapters, built once per cold start by the entry
 * module that needs them. Local mode has its own composition (local/composition.ts) around the
 * same handler factories.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createDocumentClient } from '../adapters/dynamodb/document-client';
import { DynamoDbJobResultStore } from '../adapters/dynamodb/dynamodb-job-result-store';
import { DynamoDbScheduledJobStore } from '../adapters/dynamodb/dynamodb-scheduled-job-store';
import { DynamoDbTokenStore } from '../adapters/dynamodb/dynamodb-token-store';
import { DynamoDbUserStore } from '../adapters/dynamodb/dynamodb-user-store';
import { EventBridgeEventPublisher } from '../adapters/eventbridge/eventbridge-event-publisher';
import {
  EventBridgeScheduleGateway,
  EventBridgeScheduleRemover,
} from '../adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import { KmsInputSealer } from '../adapters/kms/kms-input-sealer';
import { StepFunctionsWorkflowStarter } from '../adapters/step-functions/step-functions-workflow-starter';
import { systemClock, uuidGenerator } from '../core/clock';
import { catalogue } from '../jobs/catalogue';
import { readConfig } from './config';

function table() {
  const { TABLE_NAME: tableName } = readConfig(['TABLE_NAME']);
  return { client: createDocumentClient(), tableName };
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
    client: new SchedulerClient({}),
    groupName: config.SCHEDULE_GROUP_NAME,
    targetArn: config.SCHEDULER_TARGET_ARN,
    roleArn: config.SCHEDULER_ROLE_ARN,
    deadLetterQueueArn: config.SCHEDULER_DLQ_ARN,
  });
}

/** Notifications (approval requested and decided, run finished) on the deployment's bus. */
function eventPublisher(logger: Logger): EventBridgeEventPublisher {
  const { EVENT_BUS_NAME } = readConfig(['EVENT_BUS_NAME']);
  return new EventBridgeEventPublisher({
    client: new EventBridgeClient({}),
    eventBusName: EVENT_BUS_NAME,
    onError: (error, event) =>
      logger.error('Event not published', { type: event.type, error: error as Error }),
  });
}

function workflowStarter(): StepFunctionsWorkflowStarter {
  const config = readConfig(['STATE_MACHINE_ARN']);
  return new StepFunctionsWorkflowStarter({
    client: new SFNClient({}),
    stateMachineArn: config.STATE_MACHINE_ARN,
  });
}

/** Seals sensitive run input (the API) and opens it (the run-job function). */
function inputSealer(): KmsInputSealer {
  const { INPUT_KEY_ARN } = readConfig(['INPUT_KEY_ARN']);
  return new KmsInputSealer({ client: new KMSClient({}), keyId: INPUT_KEY_ARN });
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
    inputSealer: inputSealer(),
    scheduler: scheduleGateway(),
    events: eventPublisher(logger),
    clock: systemClock,
    ids: uuidGenerator,
    logger,
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
    catalogue,
    results: new DynamoDbJobResultStore(store),
    scheduledJobs: new DynamoDbScheduledJobStore(store),
    scheduler: new EventBridgeScheduleRemover({
      client: new SchedulerClient({}),
      groupName: SCHEDULE_GROUP_NAME,
    }),
    events: eventPublisher(logger),
    clock: systemClock,
  };
}

export function reconcileDependencies() {
  const store = table();
  return {
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
    inputSealer: inputSealer(),
  };
}

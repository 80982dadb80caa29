import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { catalogue } from '../lambdas/jobs/catalogue';
import { Api } from './api';
import { Events } from './events';
import { Monitoring } from './monitoring';
import { ScheduleReconciler } from './schedule-reconciler';
import { Scheduler } from './scheduler';
import { Store } from './store';
import { Workflow } from './workflow';

export interface CountersignStackProps extends StackProps {
  /**
   * The longest time limit of any job this deployment runs; sizes the run-job function's timeout.
   * @default - the longest time limit in the job catalogue (`lambdas/jobs/catalogue.ts`)
   */
  readonly maxJobTimeLimit?: Duration;
  /**
   * Requests per second the API stage accepts in the steady state, from all clients together, so one
   * noisy client cannot run up cost without bound; more are answered 429. Also
   * `cdk deploy -c apiRateLimit=<n>`.
   * @default 50
   */
  readonly apiRateLimit?: number;
  /**
   * Requests the stage accepts at once above the rate. Also `cdk deploy -c apiBurstLimit=<n>`.
   * @default 100
   */
  readonly apiBurstLimit?: number;
}

export class CountersignStack extends Stack {
  readonly store: Store;
  readonly events: Events;
  readonly scheduler: Scheduler;
  readonly workflow: Workflow;
  readonly api: Api;
  readonly reconciler: ScheduleReconciler;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: CountersignStackProps = {}) {
    super(scope, id, props);

    this.store = new Store(this, 'Store');
    this.events = new Events(this, 'Events');
    this.scheduler = new Scheduler(this, 'Scheduler');
    this.workflow = new Workflow(this, 'Workflow', {
      store: this.store,
      scheduler: this.scheduler,
      events: this.events,
      maxJobTimeLimit: props.maxJobTimeLimit ?? Duration.seconds(catalogue.maxTimeLimitSeconds()),
    });
    this.scheduler.allowTarget(this.workflow.stateMachine);
    this.api = new Api(this, 'Api', {
      store: this.store,
      workflow: this.workflow,
      scheduler: this.scheduler,
      events: this.events,
      ...(props.apiRateLimit === undefined ? {} : { throttlingRateLimit: props.apiRateLimit }),
      ...(props.apiBurstLimit === undefined ? {} : { throttlingBurstLimit: props.apiBurstLimit }),
    });
    this.reconciler = new ScheduleReconciler(this, 'ScheduleReconciler', {
      store: this.store,
      scheduler: this.scheduler,
      workflow: this.workflow,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      deadLetterQueue: this.scheduler.deadLetterQueue,
      stateMachine: this.workflow.stateMachine,
      httpApi: this.api.httpApi,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL; the API is under /api/' });
    new CfnOutput(this, 'ApiRoot', {
      value: `${this.api.url}/api/`,
      description: "The API's root, as Nautobot clients and curl take it",
    });
    new CfnOutput(this, 'TableName', { value: this.store.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: 'Where approval and run events are put (source "countersign")',
    });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduler.scheduleGroup.scheduleGroupName });
  }
}

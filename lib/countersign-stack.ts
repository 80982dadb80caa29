import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { catalogue } from '../lambdas/jobs/catalogue';
import { AlarmTopic } from './alarm-topic';
import { Api } from './api';
import { Events } from './events';
import type { InputSealing } from './input-key';
import { Monitoring } from './monitoring';
import { ScheduleReconciler } from './schedule-reconciler';
import { Scheduler } from './scheduler';
import { Store } from './store';
import { Web } from './web';
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
  /**
   * Who is told when an alarm fires (e.g. an `SnsAction` on a topic). Alarms are created only when
   * this names someone; see `Monitoring`.
   * @default - no alarms
   */
  readonly alarmActions?: readonly IAlarmAction[];
  /**
   * An existing SNS topic to notify when an alarm fires, by ARN (added to `alarmActions`). Also
   * `cdk deploy -c alarmTopicArn=arn:aws:sns:…`.
   * @default - none
   */
  readonly alarmTopicArn?: string;
  /**
   * An e-mail address to notify when an alarm fires: a topic is created and subscribed (the address
   * gets a confirmation mail first). Also `cdk deploy -c alarmEmail=ops@example.com`.
   * @default - none
   */
  readonly alarmEmail?: string;
  /**
   * How the input of jobs with sensitive variables is sealed in the run workflow's history:
   * `customer-managed-key` for teams whose policy requires a KMS key of their own ($1 a month).
   * Also `cdk deploy -c inputSealing=customer-managed-key`.
   * @default 'parameter-store' (no idle cost; README, "Sealed input")
   */
  readonly inputSealing?: InputSealing;
}

export class CountersignStack extends Stack {
  readonly store: Store;
  readonly events: Events;
  readonly scheduler: Scheduler;
  readonly workflow: Workflow;
  readonly api: Api;
  readonly reconciler: ScheduleReconciler;
  readonly monitoring: Monitoring;
  readonly alarmTopic: AlarmTopic;
  readonly web: Web;

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
      ...(props.inputSealing === undefined ? {} : { inputSealing: props.inputSealing }),
    });
    this.scheduler.allowTarget(this.workflow.startOccurrence.function);
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
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      topicArn: props.alarmTopicArn,
      email: props.alarmEmail,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      deadLetterQueue: this.scheduler.deadLetterQueue,
      stateMachine: this.workflow.stateMachine,
      httpApi: this.api.httpApi,
      alarmActions: [...(props.alarmActions ?? []), ...this.alarmTopic.actions],
    });

    this.web = new Web(this, 'Web', { apiId: this.api.httpApi.apiId });

    new CfnOutput(this, 'WebUrl', {
      value: this.web.url,
      description: 'The web page; sign in with an API token',
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

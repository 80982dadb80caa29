import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** The schedules' dead-letter queue: anything in it is a scheduled run that never started. */
  readonly deadLetterQueue: IQueue;
  /** The run workflow: a failed execution is a run whose result could not even be recorded. */
  readonly stateMachine: IStateMachine;
  /** The API, which answers bad input with 4xx, so any 5xx is a defect or an outage. */
  readonly httpApi: IHttpApi;
  /**
   * What to do when an alarm fires, e.g. notify an SNS topic.
   * @default - no action; the alarms are visible in CloudWatch only
   */
  readonly alarmActions?: readonly IAlarmAction[];
}

/** Alarms for the failures nobody would otherwise notice. Each fires on the first occurrence. */
export class Monitoring extends Construct {
  readonly deadLetterAlarm: Alarm;
  readonly failedRunsAlarm: Alarm;
  readonly serverErrorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.deadLetterAlarm = this.alarmOnAny(
      'DeadLetterAlarm',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      'A scheduled job run could not be delivered to the workflow; see the schedules dead-letter queue.',
      props,
    );
    this.failedRunsAlarm = this.alarmOnAny(
      'FailedRunsAlarm',
      props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      'A run-job execution failed before it could record its outcome; the job result may be stuck.',
      props,
    );
    this.serverErrorsAlarm = this.alarmOnAny(
      'ServerErrorsAlarm',
      props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The Countersign API answered with a 5xx.',
      props,
    );
  }

  private alarmOnAny(id: string, metric: IMetric, description: string, props: MonitoringProps): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const action of props.alarmActions ?? []) alarm.addAlarmAction(action);
    return alarm;
  }
}

import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../lambdas/adapters/metrics/metric-names';

export interface MonitoringProps {
  /** The schedules' dead-letter queue: anything in it is a scheduled run that never started. */
  readonly deadLetterQueue: IQueue;
  /** The run workflow: a failed execution is a run whose result could not even be recorded. */
  readonly stateMachine: IStateMachine;
  /** The API, which answers bad input with 4xx, so any 5xx is a defect or an outage. */
  readonly httpApi: IHttpApi;
  /**
   * Who is told when an alarm fires, e.g. an SNS topic. The alarms exist only when someone is: an
   * alarm nobody is notified of is seen by nobody, yet costs $0.10 a month, and the stack costs
   * nothing while idle otherwise (README, Performance).
   * @default - no alarms
   */
  readonly alarmActions?: readonly IAlarmAction[];
}

/**
 * Alarms for the failures nobody would otherwise notice, each firing on the first occurrence, when
 * the deployment names someone to notify. The business metrics behind two of them (Powertools EMF,
 * `lambdas/adapters/metrics`) are written either way.
 */
export class Monitoring extends Construct {
  /** Empty when no alarm actions were given. */
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const actions = props.alarmActions ?? [];
    if (actions.length === 0) {
      this.alarms = [];
      return;
    }
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' } as const;
    const alarm = (alarmId: string, metric: IMetric, description: string): Alarm => {
      const created = new Alarm(this, alarmId, {
        metric,
        alarmDescription: description,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const action of actions) created.addAlarmAction(action);
      return created;
    };
    const business = (metricName: string, dimensions: Record<string, string> = {}) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
        ...fiveMinutes,
      });

    this.alarms = [
      alarm(
        'DeadLetterAlarm',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        'A scheduled job run could not be delivered to the workflow; see the schedules dead-letter queue.',
      ),
      alarm(
        'WorkflowFailuresAlarm',
        props.stateMachine.metricFailed(fiveMinutes),
        'A run-job execution failed before it could record its outcome; the job result may be stuck.',
      ),
      alarm(
        'FailedRunsAlarm',
        business(METRIC.runsFinished, { status: 'FAILURE' }),
        'A job run finished with FAILURE (the job failed, timed out, or its workflow stopped without an outcome).',
      ),
      alarm(
        'RepairedSchedulesAlarm',
        business(METRIC.schedulesRepaired),
        'The reconciler put back a schedule that was missing or in the wrong state: a change reached the ' +
          'database but not EventBridge Scheduler (a crash or a Scheduler failure in between).',
      ),
      alarm(
        'ServerErrorsAlarm',
        props.httpApi.metricServerError(fiveMinutes),
        'The Countersign API answered with a 5xx.',
      ),
    ];
  }
}

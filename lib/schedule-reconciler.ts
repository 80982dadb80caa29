import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CountersignFunction } from './lambda-function';
import type { Scheduler } from './scheduler';
import type { Store } from './store';
import type { Workflow } from './workflow';

export interface ScheduleReconcilerProps {
  readonly store: Store;
  readonly scheduler: Scheduler;
  /** What the schedules it puts invoke, and what it starts for an approved run. */
  readonly workflow: Workflow;
  /**
   * How often a pass runs: the longest a job whose schedule a crash lost waits to be scheduled again.
   * @default Duration.minutes(15)
   */
  readonly interval?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * The database is written before the scheduler, so a crash between the two can leave an approved job
 * without its schedule. This function puts such schedules back (lambdas/core/reconcile-schedules.ts),
 * on an EventBridge rule rather than an EventBridge Scheduler schedule: in the jobs' schedule group
 * the workflow's guard would take it for a job, and it needs no group of its own.
 */
export class ScheduleReconciler extends Construct {
  readonly handler: CountersignFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ScheduleReconcilerProps) {
    super(scope, id);
    const { scheduler, workflow } = props;
    const interval = props.interval ?? Duration.minutes(15);

    this.handler = new CountersignFunction(this, 'Function', {
      handler: 'reconcile',
      description: 'Countersign: repairs schedules and fails runs that a failure left behind',
      tableName: props.store.table.tableName,
      timeout: Duration.minutes(5),
      environment: {
        ...scheduler.gatewayEnvironment(workflow.startOccurrence.functionArn),
        STATE_MACHINE_ARN: workflow.stateMachine.stateMachineArn,
      },
      logRetention: props.logRetention,
    });
    // Lists scheduled jobs by enabled state (gsi4, see keys.ts) and reads one again before repairing
    // it; lists unfinished job results by status (gsi3) and records the abandoned ones as failed;
    // lists approvals not yet handed on (gsi5) and hands them on; recounts the job result counters
    // (listed on gsi1, their partitions on every index).
    props.store.grantQueryIndex(this.handler, 'gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5');
    props.store.grant(this.handler, 'dynamodb:GetItem');
    // It writes job results, list counters and scheduled jobs (their handoff mark) only: the
    // partition key condition keeps it off users, tokens and name reservations.
    props.store.grantUpdateItemsUnder(this.handler, 'RESULT#', 'SCHEDULED#', 'COUNT#');
    scheduler.grantReconcileSchedules(this.handler);
    // An approved run is started as the scheduler would start it (the guard claims it, once).
    workflow.grantStartExecution(this.handler);

    // A pass that could not be delivered by the time the next one is due is not worth delivering.
    this.rule = new Rule(this, 'Rule', {
      description: 'Countersign: reconcile schedules with scheduled jobs',
      schedule: Schedule.rate(interval),
      targets: [new LambdaFunction(this.handler.function, { maxEventAge: interval, retryAttempts: 2 })],
    });
  }
}

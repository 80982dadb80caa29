import { Arn, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable, type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type IScheduleGroup, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeRule, acknowledgeWildcardResource } from './nag';

export interface SchedulerProps {
  /**
   * How long an undeliverable schedule invocation stays in the dead-letter queue.
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;
}

/**
 * EventBridge Scheduler resources for approved scheduled jobs. The schedules themselves are created at
 * run time by the API (one per approved scheduled job); this construct provides their group, the role
 * they run as, and the dead-letter queue they send undeliverable invocations to.
 */
export class Scheduler extends Construct {
  readonly scheduleGroup: IScheduleGroup;
  /** The role schedules assume; it may only invoke the target function and use the DLQ. */
  readonly role: IRole;
  readonly deadLetterQueue: IQueue;
  /** The ARN pattern of every schedule in the group (schedule names are chosen at run time). */
  readonly scheduleArnPattern: string;

  constructor(scope: Construct, id: string, props: SchedulerProps = {}) {
    super(scope, id);

    // The schedules are derived from the retained table (approved scheduled jobs) and can be recreated
    // from it; a group retained past its stack would keep firing at a deleted state machine and role.
    this.scheduleGroup = new ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    this.scheduleArnPattern = Arn.format(
      {
        service: 'scheduler',
        resource: 'schedule',
        resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
      },
      Stack.of(this),
    );

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
    });
    acknowledgeRule(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the EventBridge Scheduler schedules (set on each ' +
        'schedule by the API at run time); a failed delivery here raises the DLQ alarm instead.',
    );

    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
      description: 'Assumed by Countersign schedules to start a job run',
    });
    // Scheduler needs only SendMessage to deliver to a DLQ (grantSendMessages would add two reads).
    Grant.addToPrincipal({
      grantee: role,
      actions: ['sqs:SendMessage'],
      resourceArns: [this.deadLetterQueue.queueArn],
    });
    this.role = role;
  }

  /**
   * Lets schedules invoke the given function (and nothing else). Only its unqualified ARN, which is
   * what schedules name: `grantInvoke` would add every version and alias (`:*`).
   */
  allowTarget(target: IFunction): Grant {
    return Grant.addToPrincipal({
      grantee: this.role,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [target.functionArn],
    });
  }

  /**
   * The environment the schedule gateway (lambdas/adapters/eventbridge-scheduler) reads: the group,
   * the schedules' role and dead-letter queue, and what the schedules invoke.
   */
  gatewayEnvironment(targetArn: string): Record<string, string> {
    return {
      SCHEDULE_GROUP_NAME: this.scheduleGroup.scheduleGroupName,
      SCHEDULER_ROLE_ARN: this.role.roleArn,
      SCHEDULER_DLQ_ARN: this.deadLetterQueue.queueArn,
      SCHEDULER_TARGET_ARN: targetArn,
    };
  }

  /**
   * Create, update, read and delete schedules in the group, and hand them the schedules' role.
   * The `*` is the schedule name inside this one group.
   */
  grantManageSchedules(grantee: IGrantable): Grant {
    return this.grantPassingRole(
      grantee,
      [
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:GetSchedule',
        'scheduler:DeleteSchedule',
      ],
      'create, update, read and delete',
    );
  }

  /**
   * Read, create and replace schedules in the group, and hand them the schedules' role, but never
   * delete one: what reconciling schedules with their scheduled jobs needs.
   */
  grantReconcileSchedules(grantee: IGrantable): Grant {
    return this.grantPassingRole(
      grantee,
      ['scheduler:GetSchedule', 'scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
      'read, create and update',
    );
  }

  /** Schedule actions in the group, plus passing the schedules' role to EventBridge Scheduler only. */
  private grantPassingRole(grantee: IGrantable, actions: string[], verbs: string): Grant {
    const schedules = Grant.addToPrincipal({ grantee, actions, resourceArns: [this.scheduleArnPattern] });
    const passRole = Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
    this.acknowledgeSchedules(grantee, verbs);
    return schedules.combine(passRole);
  }

  /** Delete schedules in the group (a finished one-off schedule). */
  grantDeleteSchedules(grantee: IGrantable): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: ['scheduler:DeleteSchedule'],
      resourceArns: [this.scheduleArnPattern],
    });
    this.acknowledgeSchedules(grantee, 'delete');
    return grant;
  }

  /** The wildcard lands in the grantee's role policy, so that is where it is acknowledged. */
  private acknowledgeSchedules(grantee: IGrantable, verbs: string): void {
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return;
    acknowledgeWildcardResource(
      principal,
      this.scheduleArnPattern,
      `Schedules are named per scheduled job at run time, so the function may ${verbs} any schedule, ` +
        'but only inside the schedule group of this deployment.',
    );
  }
}

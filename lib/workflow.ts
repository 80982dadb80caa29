import { Duration, Names } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  type IStateMachine,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SCHEDULER_MAXIMUM_EVENT_AGE_SECONDS } from '../lambdas/core/scheduled-jobs';
import {
  buildRunJobWorkflow,
  DEFINITION_SUBSTITUTIONS,
  TASK_TIMEOUT_MARGIN_SECONDS,
} from '../lambdas/workflow/run-job-workflow';
import type { Events } from './events';
import { InputKey, type InputSealing } from './input-key';
import { CountersignFunction } from './lambda-function';
import { acknowledgeRule, acknowledgeStarResource } from './nag';
import type { Scheduler } from './scheduler';
import type { Store } from './store';

/** Time the run function gets beyond the job's own limit, to record the outcome after a timeout. */
export const RUN_JOB_TIMEOUT_MARGIN = Duration.seconds(60);
/** The Lambda maximum. */
export const LAMBDA_MAX_TIMEOUT = Duration.minutes(15);

/** The run function's timeout for a catalogue whose longest job may run for `maxJobTimeLimit`. */
export function runJobTimeout(maxJobTimeLimit: Duration): Duration {
  const seconds = maxJobTimeLimit.toSeconds() + RUN_JOB_TIMEOUT_MARGIN.toSeconds();
  return Duration.seconds(Math.min(seconds, LAMBDA_MAX_TIMEOUT.toSeconds()));
}

export interface WorkflowProps {
  readonly store: Store;
  /** One-off schedules are deleted by the run-step function once their run is recorded. */
  readonly scheduler: Scheduler;
  /** Where run (and, for the API, approval) events are put. */
  readonly events: Events;
  /** The longest time limit of any job in the catalogue; sizes the run-job function's timeout. */
  readonly maxJobTimeLimit: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * How sensitive job input is sealed in the execution history; see `InputKey`.
   * @default 'parameter-store'
   */
  readonly inputSealing?: InputSealing;
}

/** Enough for one StartExecution call; more memory would buy nothing but a higher price. */
export const START_OCCURRENCE_MEMORY_MB = 128;

/**
 * The "run job" workflow: a Standard state machine (the ASL shared with local mode), the two
 * functions it invokes, which nothing else may invoke, and the function every schedule invokes to
 * start it for an occurrence.
 */
export class Workflow extends Construct {
  readonly stateMachine: IStateMachine;
  readonly runStep: CountersignFunction;
  readonly runJob: CountersignFunction;
  /**
   * Every schedule's target: starts the execution named after the occurrence, so that a duplicate
   * delivery starts nothing (lambdas/handlers/start-occurrence-handler.ts).
   */
  readonly startOccurrence: CountersignFunction;
  /** Seals the input of jobs with sensitive variables, which the execution history would keep. */
  readonly inputKey: InputKey;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const tableName = props.store.table.tableName;

    this.runStep = new CountersignFunction(this, 'RunStep', {
      handler: 'runStep',
      description: 'Countersign: records the start and the outcome of a job run',
      tableName,
      environment: {
        SCHEDULE_GROUP_NAME: props.scheduler.scheduleGroup.scheduleGroupName,
        ...props.events.environment(),
      },
      logRetention,
    });
    props.store.grant(
      this.runStep,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
    );
    props.scheduler.grantDeleteSchedules(this.runStep);
    props.events.grantPut(this.runStep);

    this.inputKey = new InputKey(this, 'InputKey', { sealing: props.inputSealing ?? 'parameter-store' });
    this.runJob = new CountersignFunction(this, 'RunJob', {
      handler: 'runJob',
      description: 'Countersign: runs one job from the catalogue',
      tableName,
      timeout: runJobTimeout(props.maxJobTimeLimit),
      environment: this.inputKey.environment(),
      logRetention,
    });
    // Appending logs is one UpdateItem; a batch that would pass the log cap reads the counters first.
    props.store.grant(this.runJob, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    this.inputKey.grantOpen(this.runJob);

    // Step Functions asks for log groups under /aws/vendedlogs/ so that it does not have to grow the
    // account's size-limited CloudWatch Logs resource policy; the rest of the name is derived from
    // this construct's path (stack name included), not hard-coded.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`,
      retention: logRetention,
    });

    const stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment: 'Countersign: run one job and record its result',
      definitionBody: DefinitionBody.fromString(
        JSON.stringify(
          buildRunJobWorkflow(
            DEFINITION_SUBSTITUTIONS,
            props.maxJobTimeLimit.toSeconds() + TASK_TIMEOUT_MARGIN_SECONDS,
          ),
        ),
      ),
      definitionSubstitutions: {
        RunStepFunctionArn: this.runStep.functionArn,
        RunJobFunctionArn: this.runJob.functionArn,
      },
      // Execution data would copy each job's input and output into the logs; job variables may be
      // sensitive and are deliberately not stored anywhere else, so the logs carry events only. (The
      // execution history keeps inputs regardless, which is why sensitive input arrives sealed.)
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      // Not traced, like the functions it invokes (see lib/lambda-function.ts): the execution history
      // and the logs already show every step of a run.
      tracingEnabled: false,
    });
    // The definition invokes the unqualified function ARNs, so no `:*` version ARNs are granted.
    stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.runStep.functionArn, this.runJob.functionArn],
      }),
    );
    acknowledgeStarResource(
      stateMachine.role,
      'Logging to CloudWatch Logs (logs:*LogDelivery, logs:*ResourcePolicy, logs:DescribeLogGroups) ' +
        'needs Resource "*": these actions support no resource-level permissions.',
    );
    acknowledgeRule(
      stateMachine,
      'AwsSolutions-SF2',
      'X-Ray tracing is off on purpose: the execution history and the logs show every step of a run, ' +
        'and tracing the functions too would cost a third of their bundle size budget (README, Performance).',
    );
    this.stateMachine = stateMachine;

    this.startOccurrence = new CountersignFunction(this, 'StartOccurrence', {
      handler: 'startOccurrence',
      description: 'Countersign: starts the run workflow for a scheduled occurrence, once',
      memorySize: START_OCCURRENCE_MEMORY_MB,
      environment: { STATE_MACHINE_ARN: stateMachine.stateMachineArn },
      logRetention,
    });
    stateMachine.grantStartExecution(this.startOccurrence);
    // EventBridge Scheduler invokes a function asynchronously: its retry policy covers handing the
    // event to Lambda, and a failed start (a throttled StartExecution) is retried by Lambda. Both
    // give up within the schedule's maximum event age, so the guard's claim window still covers every
    // retry, and both dead-letter to the schedules' queue, whose alarm is the one to watch.
    this.startOccurrence.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.seconds(SCHEDULER_MAXIMUM_EVENT_AGE_SECONDS),
      onFailure: new SqsDestination(props.scheduler.deadLetterQueue),
    });
  }

  /** Start executions, i.e. run jobs now (immediate runs and dry runs). */
  grantStartExecution(grantee: IGrantable) {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** Seal the input of runs of jobs with sensitive variables (opening it is the run-job function's alone). */
  grantSealInput(grantee: IGrantable) {
    return this.inputKey.grantSeal(grantee);
  }
}

/**
 * The "run job" workflow, in Amazon States Language (JSONPath, not JSONata: the local emulator
 * only understands JSONPath). The CDK stack deploys this definition with the function ARNs
 * substituted, and local mode executes the very same object in aws-local-stepfunctions.
 *
 * Input: RunWorkflowInput for a run started now, or ScheduledWorkflowInput for an occurrence (from
 * the start-occurrence function, every schedule's target, or an approved run started now), whose
 * occurrence is first claimed, so that a second execution of it ends without running: the execution
 * is named after the occurrence, which keeps duplicate deliveries out, but names are unique for 90
 * days only.
 * Step Functions keeps the input and every task's parameters in the execution history, so the
 * input of a job with sensitive variables travels only sealed (`sealed_data`), and is opened
 * inside the run function.
 * Every state that writes is idempotent on retry (the run steps are
 * conditional writes keyed by the execution), so retries never record a run twice.
 *
 * Each state entered is billed (Choice and Succeed too), and transitions are most of what a run
 * costs, so the bookkeeping is folded into as few states as stay clear: a run started now enters 4
 * states (Route, MarkStarted, RunJob, RecordOutcome), a scheduled occurrence 5 (the claim also marks
 * the run STARTED, and the step that records the outcome also counts the occurrence), a second
 * execution of an occurrence 4 (a duplicate delivery starts none: its name is taken).
 */
import type { WorkflowRun } from '../core/ports';
import { occurrenceResultId } from '../core/scheduled-runs';
import { catalogue } from '../jobs/catalogue';

export interface RunWorkflowInput {
  readonly job_result_id: string;
  readonly job: string;
  /** The input of a job without sensitive variables; `{}` when the input is sealed. */
  readonly data: Record<string, unknown>;
  /**
   * The sealed input of a job with sensitive variables, else null. Always present: a JSONPath
   * (`$.sealed_data`) to a missing field fails the state on AWS.
   */
  readonly sealed_data: string | null;
  /** The job's own limit, enforced inside the run function. */
  readonly time_limit_seconds: number;
  /** Null for a run started now; the claim step sets them for a scheduled occurrence. */
  readonly scheduled_job_id: null;
  readonly scheduled_time: null;
}

/** What every schedule sends at each occurrence (EventBridge Scheduler or the local emulator), and the occurrence's execution input. */
export interface ScheduledWorkflowInput {
  readonly scheduled_job_id: string;
  /** `<aws.scheduler.scheduled-time>`, e.g. `2030-01-01T01:00:00Z`. */
  readonly scheduled_time: string;
}

export interface WorkflowFunctions {
  /** Function name or ARN of the run-step handler (start, finish, fail). */
  readonly runStep: string;
  /** Function name or ARN of the run-job handler. */
  readonly runJob: string;
}

/** Placeholders the CDK stack fills in with `definitionSubstitutions`. */
export const DEFINITION_SUBSTITUTIONS = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Step Functions substitution, not a template
  runStep: '${RunStepFunctionArn}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Step Functions substitution, not a template
  runJob: '${RunJobFunctionArn}',
} as const satisfies WorkflowFunctions;

/** Seconds allowed for a bookkeeping step (a single conditional write). */
const STEP_TIMEOUT_SECONDS = 30;
/** Added to the longest job limit for the workflow's own backstop timeout on the run task. */
export const TASK_TIMEOUT_MARGIN_SECONDS = 30;

/**
 * The run task's backstop timeout. Each job's own limit is enforced inside the run function, which
 * reports FAILURE when it passes; this only catches a run function that hangs or dies. It is fixed
 * in the definition because `TimeoutSecondsPath` is read from different inputs by Step Functions
 * (the state input) and by the local emulator (the task parameters).
 */
export function runTaskTimeoutSeconds(catalogue: { maxTimeLimitSeconds(): number }): number {
  return catalogue.maxTimeLimitSeconds() + TASK_TIMEOUT_MARGIN_SECONDS;
}

/**
 * The bookkeeping steps are idempotent, so anything may be retried (a throttled table, a timed-out
 * invocation) except a failed condition, which fails the same way every time.
 */
const retryStep = [
  { ErrorEquals: ['StaleStateError', 'NotFoundError'], MaxAttempts: 0 },
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' },
];

/**
 * Failures that happen before the job runs (a throttled invocation, the key service failing to
 * open sealed input) are the only ones of the run step that are safe to retry.
 */
const retryNotStarted = [
  {
    ErrorEquals: ['Lambda.TooManyRequestsException', 'InputUnavailableError'],
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];

const catchAll = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }];

function invoke(functionName: string, payload: Record<string, unknown>) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionName, Payload: payload },
  };
}

export function buildRunJobWorkflow(
  functions: WorkflowFunctions,
  runJobTimeoutSeconds: number = runTaskTimeoutSeconds(catalogue),
) {
  return {
    Comment: 'Countersign: run one job (now, or at a scheduled occurrence) and record its result',
    StartAt: 'Route',
    States: {
      Route: {
        Type: 'Choice',
        // A scheduled occurrence carries its scheduled job's id; a run started now carries null.
        Choices: [
          {
            And: [
              { Variable: '$.scheduled_job_id', IsPresent: true },
              { Variable: '$.scheduled_job_id', IsString: true },
            ],
            Next: 'ClaimOccurrence',
          },
        ],
        Default: 'MarkStarted',
      },
      ClaimOccurrence: {
        ...invoke(functions.runStep, {
          action: 'claim',
          'scheduled_job_id.$': '$.scheduled_job_id',
          'scheduled_time.$': '$.scheduled_time',
          'execution.$': '$$.Execution.Id',
        }),
        TimeoutSeconds: STEP_TIMEOUT_SECONDS,
        // The claim answers in the shape of a run's input, already STARTED (`started`), so it
        // replaces the state's input and RunJob reads both kinds of run alike. Jobs with sensitive
        // variables cannot be scheduled, so its `sealed_data` is always null.
        ResultSelector: {
          'run.$': '$.Payload.run',
          'reason.$': '$.Payload.reason',
          'job_result_id.$': '$.Payload.job_result_id',
          'job.$': '$.Payload.job',
          'data.$': '$.Payload.data',
          'sealed_data.$': '$.Payload.sealed_data',
          'time_limit_seconds.$': '$.Payload.time_limit_seconds',
          'scheduled_job_id.$': '$.Payload.scheduled_job_id',
          'scheduled_time.$': '$.Payload.scheduled_time',
          'started.$': '$.Payload.started',
        },
        // No ResultPath: the default, `$`, replaces the input with the result (the local emulator
        // reads an explicit `"$"` as a field named "$").
        Retry: retryStep,
        Next: 'ShouldRun',
      },
      ShouldRun: {
        Type: 'Choice',
        Choices: [{ Variable: '$.run', BooleanEquals: true, Next: 'RunJob' }],
        Default: 'NotRun',
      },
      NotRun: { Type: 'Succeed' },
      MarkStarted: {
        ...invoke(functions.runStep, {
          action: 'start',
          'job_result_id.$': '$.job_result_id',
          'execution.$': '$$.Execution.Id',
        }),
        TimeoutSeconds: STEP_TIMEOUT_SECONDS,
        ResultSelector: { 'user.$': '$.Payload.user', 'dryrun.$': '$.Payload.dryrun' },
        ResultPath: '$.started',
        Retry: retryStep,
        Catch: catchAll,
        Next: 'RunJob',
      },
      RunJob: {
        ...invoke(functions.runJob, {
          'job_result_id.$': '$.job_result_id',
          'job.$': '$.job',
          'data.$': '$.data',
          'sealed_data.$': '$.sealed_data',
          'execution.$': '$$.Execution.Id',
          'user.$': '$.started.user',
          'dryrun.$': '$.started.dryrun',
          'time_limit_seconds.$': '$.time_limit_seconds',
        }),
        TimeoutSeconds: runJobTimeoutSeconds,
        ResultSelector: { 'outcome.$': '$.Payload' },
        ResultPath: '$.run',
        Retry: retryNotStarted,
        Catch: catchAll,
        Next: 'RecordOutcome',
      },
      RecordOutcome: {
        ...invoke(functions.runStep, {
          action: 'finish',
          'job_result_id.$': '$.job_result_id',
          'execution.$': '$$.Execution.Id',
          'outcome.$': '$.run.outcome',
          'scheduled_job_id.$': '$.scheduled_job_id',
          'scheduled_time.$': '$.scheduled_time',
        }),
        TimeoutSeconds: STEP_TIMEOUT_SECONDS,
        ResultSelector: { 'status.$': '$.Payload.status' },
        ResultPath: '$.recorded',
        Retry: retryStep,
        // Whatever stopped the outcome being written, the result must not stay STARTED.
        Catch: catchAll,
        End: true,
      },
      RecordFailure: {
        ...invoke(functions.runStep, {
          action: 'fail',
          'job_result_id.$': '$.job_result_id',
          'execution.$': '$$.Execution.Id',
          'error.$': '$.error',
          'scheduled_job_id.$': '$.scheduled_job_id',
          'scheduled_time.$': '$.scheduled_time',
        }),
        TimeoutSeconds: STEP_TIMEOUT_SECONDS,
        ResultSelector: { 'status.$': '$.Payload.status' },
        ResultPath: '$.recorded',
        Retry: [
          {
            ErrorEquals: ['States.ALL'],
            IntervalSeconds: 1,
            MaxAttempts: 6,
            BackoffRate: 2,
            JitterStrategy: 'FULL',
          },
        ],
        End: true,
      },
    },
  };
}

export type RunJobWorkflowDefinition = ReturnType<typeof buildRunJobWorkflow>;

/**
 * The execution that runs one occurrence of a scheduled job, for a schedule's delivery (the
 * start-occurrence function) or an approved run started now, named after the occurrence's job
 * result so that a repeated start is the same execution.
 */
export function occurrenceExecution(occurrence: {
  readonly scheduledJobId: string;
  readonly scheduledTime: string;
}): { readonly name: string; readonly input: ScheduledWorkflowInput } {
  return {
    name: occurrenceResultId(occurrence.scheduledJobId, occurrence.scheduledTime),
    input: { scheduled_job_id: occurrence.scheduledJobId, scheduled_time: occurrence.scheduledTime },
  };
}

/** The execution input for a run, the same whichever runtime starts it. */
export function toWorkflowInput(request: WorkflowRun): RunWorkflowInput {
  return {
    job_result_id: request.jobResultId,
    job: request.jobPath,
    data: request.sealedData === undefined ? request.data : {},
    sealed_data: request.sealedData ?? null,
    time_limit_seconds: request.timeLimitSeconds,
    scheduled_job_id: null,
    scheduled_time: null,
  };
}

import './polyfills';
import { randomUUID } from 'node:crypto';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

type JSONValue = Parameters<StateMachine['run']>[0];
type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

import type { JobCatalogue } from '../lambdas/core/jobs';
import type { WorkflowRun, WorkflowStarter } from '../lambdas/core/ports';
import {
  buildRunJobWorkflow,
  occurrenceExecution,
  runTaskTimeoutSeconds,
  toWorkflowInput,
} from '../lambdas/workflow/run-job-workflow';
import { type LocalLambda, localLambdaContext } from './lambda-context';

export const LOCAL_STATE_MACHINE_ARN = 'arn:aws:states:local:000000000000:stateMachine:countersign-run-job';
export const LOCAL_FUNCTIONS = { runStep: 'countersign-run-step', runJob: 'countersign-run-job' } as const;

/** How many of the latest executions keep their history; older ones are forgotten. */
const HISTORY_LIMIT = 100;

/**
 * One entry of an execution's history, as Step Functions keeps it (GetExecutionHistory, the console):
 * the execution's input and output, each state's input and output, and each task's parameters.
 */
export interface LocalHistoryEvent {
  readonly type: string;
  readonly state?: string | undefined;
  readonly data?: unknown;
}

export interface LocalWorkflowProps {
  /** The same handlers the deployed functions export, keyed by the local function names. */
  readonly functions: Record<(typeof LOCAL_FUNCTIONS)[keyof typeof LOCAL_FUNCTIONS], LocalLambda>;
  readonly catalogue: JobCatalogue;
  readonly onExecutionError?: (name: string, error: unknown) => void;
}

/**
 * Step Functions, locally: the deployed workflow definition executed by aws-local-stepfunctions,
 * with each `lambda:invoke` task calling the handler module its FunctionName names. Executions are
 * named after their job result, and a name runs at most once per process, as on AWS.
 */
export class LocalWorkflow implements WorkflowStarter {
  private readonly definition: ReturnType<typeof buildRunJobWorkflow>;
  private readonly machine: StateMachine;
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly started = new Set<string>();
  private readonly histories = new Map<string, LocalHistoryEvent[]>();

  constructor(private readonly props: LocalWorkflowProps) {
    this.definition = buildRunJobWorkflow(LOCAL_FUNCTIONS, runTaskTimeoutSeconds(props.catalogue));
    this.machine = new StateMachine(this.definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false },
    });
  }

  async startRun(request: WorkflowRun): Promise<string> {
    return this.startExecution(toWorkflowInput(request), request.jobResultId);
  }

  async startOccurrence(occurrence: {
    readonly scheduledJobId: string;
    readonly scheduledTime: string;
  }): Promise<string> {
    const { name, input } = occurrenceExecution(occurrence);
    return this.startExecution(input, name);
  }

  /**
   * StartExecution: a run started now is named after its job result, an occurrence after the job
   * result it will have. Without a name (as a schedule that started the state machine itself did),
   * one is generated, so only the workflow's guard stands between two deliveries and two runs.
   */
  async startExecution(input: unknown, name: string = randomUUID()): Promise<string> {
    const arn = `${LOCAL_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.started.has(name)) return arn;
    this.started.add(name);
    const history = this.newHistory(name);
    const execution = this.machine.run(input as unknown as JSONValue, {
      overrides: { taskResourceLocalHandlers: this.taskHandlers(history) },
      context: {
        Execution: {
          Id: arn,
          Name: name,
          Input: input as unknown as JSONValue,
          StartTime: new Date().toISOString(),
        },
      },
    });
    const recorded = (async () => {
      for await (const event of execution.eventLogs) history.push(historyEvent(event));
    })();
    const done = Promise.all([
      execution.result.catch((error: unknown) => this.props.onExecutionError?.(name, error)),
      recorded.catch(() => undefined),
    ]).finally(() => this.running.delete(name));
    this.running.set(name, done);
    return arn;
  }

  /** Resolves when every execution started so far has ended (tests and shutdown use this). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** The history of an execution by name: what the deployed workflow would keep for 90 days. */
  history(name: string): readonly LocalHistoryEvent[] {
    return this.histories.get(name) ?? [];
  }

  private newHistory(name: string): LocalHistoryEvent[] {
    const history: LocalHistoryEvent[] = [];
    this.histories.set(name, history);
    for (const oldest of this.histories.keys()) {
      if (this.histories.size <= HISTORY_LIMIT) break;
      this.histories.delete(oldest);
    }
    return history;
  }

  private taskHandlers(history: LocalHistoryEvent[]): TaskHandlers {
    const handlers: TaskHandlers = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task') continue;
      handlers[stateName] = async (input) => {
        history.push({ type: 'TaskScheduled', state: stateName, data: structuredClone(input) });
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
        const fn = this.props.functions[FunctionName as keyof LocalWorkflowProps['functions']];
        if (!fn)
          throw Object.assign(new Error(`No local function ${FunctionName}`), {
            name: 'Lambda.ResourceNotFoundException',
          });
        const result = await fn(Payload, localLambdaContext(FunctionName));
        return { Payload: result } as Awaited<ReturnType<TaskHandlers[string]>>;
      };
    }
    return handlers;
  }
}

function historyEvent(event: EventLog): LocalHistoryEvent {
  const state = 'state' in event ? event.state : undefined;
  const data =
    'input' in event
      ? event.input
      : 'output' in event
        ? event.output
        : 'Error' in event
          ? { Error: event.Error, Cause: event.Cause }
          : event.type === 'StateEntered'
            ? state?.input
            : state?.output;
  return {
    type: event.type,
    state: state?.name,
    data: data === undefined ? undefined : structuredClone(data),
  };
}

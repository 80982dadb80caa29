/**
 * The steps of the run workflow. Each is safe to repeat: the workflow retries them, and
 * Step Functions may deliver a task more than once.
 */
import { InputUnavailableError, SealedInputError, StaleStateError } from './errors';
import { FINISHED_STATUSES, type JobResult, MAX_LOG_MESSAGE_LENGTH, MAX_OUTPUT_BYTES } from './job-results';
import type { JobCatalogue, JobOutput, LogLevel, LogLine } from './jobs';
import { notify } from './notifications';
import type {
  BusinessMetrics,
  Clock,
  EventPublisher,
  InputSealer,
  JobResultStore,
  RunInput,
  RunOutcome,
} from './ports';
import { ENGLISH_MESSAGES } from './validation-messages';

export interface RunStepDeps {
  readonly results: JobResultStore;
  readonly clock: Clock;
  readonly metrics: BusinessMetrics;
}

export async function markRunStarted(
  deps: RunStepDeps,
  jobResultId: string,
  execution: string,
): Promise<JobResult> {
  const result = await deps.results.markStarted(jobResultId, execution, deps.clock.now().toISOString());
  deps.metrics.runStarted();
  return result;
}

/** The steps that finish a run, and tell others it finished (at least once: a retried step tells again). */
export interface RecordStepDeps extends RunStepDeps {
  readonly events: EventPublisher;
}

/** Records the outcome the job reported. A result already finished the same way is left alone. */
export async function recordOutcome(
  deps: RecordStepDeps,
  jobResultId: string,
  outcome: RunOutcome,
): Promise<JobResult> {
  const result = await deps.results.finish(jobResultId, outcome, deps.clock.now().toISOString());
  deps.metrics.runFinished(outcome.status);
  await notify(deps, runFinished(result));
  return result;
}

function runFinished(result: JobResult) {
  return {
    type: 'Job Run Finished',
    jobResultId: result.id,
    jobPath: result.jobPath,
    user: result.user,
    status: result.status,
    scheduledJobId: result.scheduledJob,
    dryrun: result.dryrun,
  } as const;
}

/** What the workflow catches when a step fails outright: `{Error, Cause}` as Step Functions reports it. */
export interface WorkflowError {
  readonly Error?: string;
  readonly Cause?: string;
}

/**
 * Records a run the workflow could not complete (the run function crashed, timed out or could not
 * be invoked). A result that is already finished keeps its status: that outcome is the truth.
 */
export async function recordFailure(
  deps: RecordStepDeps,
  jobResultId: string,
  error: WorkflowError,
): Promise<JobResult | undefined> {
  const { result, failed } = await failIfUnfinished(deps, jobResultId, describeWorkflowError(error));
  if (failed && result !== undefined) await notify(deps, runFinished(result));
  return result;
}

/**
 * Marks a result FAILURE unless it has already finished (or does not exist); `failed` says whether
 * this call was the one that failed it. Losing a race to the workflow's own outcome is not an error.
 */
export async function failIfUnfinished(
  deps: RunStepDeps,
  jobResultId: string,
  error: string,
): Promise<{ readonly result: JobResult | undefined; readonly failed: boolean }> {
  const existing = await deps.results.get(jobResultId);
  if (!existing || FINISHED_STATUSES.includes(existing.status)) return { result: existing, failed: false };
  try {
    const result = await deps.results.finish(
      jobResultId,
      { status: 'FAILURE', error },
      deps.clock.now().toISOString(),
    );
    deps.metrics.runFinished('FAILURE');
    return { result, failed: true };
  } catch (failure) {
    if (failure instanceof StaleStateError)
      return { result: await deps.results.get(jobResultId), failed: false };
    throw failure;
  }
}

export function describeWorkflowError(error: WorkflowError): string {
  if (error.Error === 'States.Timeout') return 'The job did not finish within its time limit.';
  let message = error.Cause ?? '';
  try {
    const cause = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
  } catch {
    // A plain-text cause is already the message.
  }
  const name = error.Error ?? 'Error';
  return truncate(message === '' ? `The run failed (${name}).` : `The run failed (${name}): ${message}`);
}

export interface ExecuteJobDeps {
  readonly catalogue: JobCatalogue;
  readonly results: JobResultStore;
  readonly clock: Clock;
  /** Opens the input of a run started with sensitive variables. */
  readonly inputSealer: InputSealer;
  /** How often buffered log lines are written while the job runs. */
  readonly logFlushIntervalMs?: number;
}

export type JobExecution = RunInput & {
  readonly jobResultId: string;
  readonly jobPath: string;
  readonly user: string;
  readonly dryrun: boolean;
  readonly timeLimitSeconds: number;
};

/**
 * Runs a job within its time limit and reports the outcome; never throws for the job's own
 * failures, so the workflow's Catch is left for infrastructure failures only.
 */
export async function executeJob(deps: ExecuteJobDeps, request: JobExecution): Promise<RunOutcome> {
  const logs = new LogBuffer(deps, request.jobResultId);
  const job = deps.catalogue.get(request.jobPath);
  if (!job) {
    const error = `Job "${request.jobPath}" is not in this deployment's catalogue.`;
    logs.add('error', error);
    await logs.close();
    return { status: 'FAILURE', error };
  }
  const data = await openInput(deps, request, logs);

  const limitSeconds = Math.min(request.timeLimitSeconds, job.timeLimitSeconds);
  const limitMs = limitSeconds * 1000;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('Time limit reached.'));
      resolve('timeout');
    }, limitMs);
  });

  try {
    const variables = job.variables.safeParse(data, ENGLISH_MESSAGES);
    if (!variables.success) {
      logs.add('error', "The input no longer matches the job's variables.");
      return {
        status: 'FAILURE',
        error: `Invalid input: ${variables.error.issues.map((i) => i.message).join('; ')}`,
      };
    }
    const run = Promise.resolve().then(() =>
      job.run(
        {
          logger: logs.logger(),
          jobResultId: request.jobResultId,
          user: request.user,
          dryrun: request.dryrun,
          signal: controller.signal,
        },
        variables.data,
      ),
    );
    const settled = await Promise.race([
      run.then(
        (output) => ({ kind: 'done' as const, output }),
        (error: unknown) => ({ kind: 'failed' as const, error }),
      ),
      timedOut,
    ]);
    if (settled === 'timeout') {
      const error = `The job did not finish within its time limit of ${limitSeconds} second${limitSeconds === 1 ? '' : 's'}.`;
      logs.add('error', error);
      return { status: 'FAILURE', error };
    }
    if (settled.kind === 'failed') {
      const error = truncate(errorMessage(settled.error));
      logs.add('error', `The job failed: ${error}`);
      return { status: 'FAILURE', error };
    }
    const output = toJobOutput(settled.output);
    if (output.tooLarge) {
      const error = `The job's output is larger than ${MAX_OUTPUT_BYTES} bytes and was not kept.`;
      logs.add('error', error);
      return { status: 'FAILURE', error };
    }
    return { status: 'SUCCESS', output: output.value };
  } finally {
    clearTimeout(timer);
    await logs.close();
  }
}

/**
 * The plain input, opened only here, inside the run function. Failing to open it is not the job's
 * failure but the run's, so it is thrown for the workflow to record.
 */
async function openInput(
  deps: ExecuteJobDeps,
  request: JobExecution,
  logs: LogBuffer,
): Promise<Record<string, unknown>> {
  if (request.sealedData === undefined) return request.data;
  try {
    return await deps.inputSealer.open(request.sealedData, { jobResultId: request.jobResultId });
  } catch (error) {
    // Not the right input for this run: that will never change, so say so and let the run fail.
    if (error instanceof SealedInputError) {
      logs.add('error', "The job's sealed input could not be opened.");
      await logs.close();
      throw error;
    }
    // The key service failed: nothing has run, so the workflow may safely try the run step again.
    await logs.close();
    throw new InputUnavailableError(undefined, { cause: error });
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function truncate(message: string): string {
  return message.length > MAX_LOG_MESSAGE_LENGTH
    ? `${message.slice(0, MAX_LOG_MESSAGE_LENGTH - 1)}…`
    : message;
}

function toJobOutput(value: unknown): { value: JobOutput | undefined; tooLarge: boolean } {
  if (value === undefined) return { value: undefined, tooLarge: false };
  const json = JSON.stringify(value);
  if (json === undefined) return { value: undefined, tooLarge: false };
  if (Buffer.byteLength(json, 'utf8') > MAX_OUTPUT_BYTES) return { value: undefined, tooLarge: true };
  return { value: JSON.parse(json) as JobOutput, tooLarge: false };
}

/** Collects a job's log lines and writes them in batches, so a chatty job costs few writes. */
class LogBuffer {
  private pending: LogLine[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly interval: NodeJS.Timeout;

  constructor(
    private readonly deps: ExecuteJobDeps,
    private readonly jobResultId: string,
  ) {
    this.interval = setInterval(() => void this.flush(), deps.logFlushIntervalMs ?? 1000);
    this.interval.unref();
  }

  add(level: LogLevel, message: string): void {
    this.pending.push({
      level,
      message: truncate(String(message)),
      time: this.deps.clock.now().toISOString(),
    });
  }

  logger() {
    return {
      debug: (message: string) => this.add('debug', message),
      info: (message: string) => this.add('info', message),
      warning: (message: string) => this.add('warning', message),
      error: (message: string) => this.add('error', message),
    };
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.length === 0) return;
      const batch = this.pending;
      this.pending = [];
      try {
        await this.deps.results.appendLogs(this.jobResultId, batch);
      } catch (error) {
        // A result that is no longer STARTED takes no more lines; anything else is worth a retry.
        if (!(error instanceof StaleStateError)) this.pending = [...batch, ...this.pending];
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.interval);
    await this.flush();
    if (this.pending.length > 0) await this.flush();
  }
}

import type * as z from 'zod/mini';
import { PermissionDeniedError, ServiceUnavailableError, ValidationError } from './errors';
import { getJob } from './job-catalogue-queries';
import { type JobResult, MAX_INPUT_BYTES } from './job-results';
import type { JobCatalogue, JobDefinition } from './jobs';
import { MESSAGES } from './messages';
import { hasPermission, type Principal } from './permissions';
import type { Clock, IdGenerator, InputSealer, JobResultStore, RunInput, WorkflowStarter } from './ports';
import { ENGLISH_MESSAGES } from './validation-messages';

export interface StartRunDeps {
  readonly catalogue: JobCatalogue;
  readonly results: JobResultStore;
  readonly workflow: WorkflowStarter;
  /** Seals the input of jobs with sensitive variables before it enters the workflow. */
  readonly inputSealer: InputSealer;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** Checks that the caller may run the job and that it may run at all; the order matches Nautobot. */
export function authorizeRun(catalogue: JobCatalogue, principal: Principal, path: string): JobDefinition {
  const job = getJob(catalogue, principal, path);
  if (!hasPermission(principal, 'run', job.path)) {
    throw new PermissionDeniedError(MESSAGES.noRunPermission);
  }
  if (!job.enabled) throw new PermissionDeniedError(MESSAGES.jobNotEnabled);
  return job;
}

/** Validates `data` against the job's variables; errors are keyed by variable under `data`. */
export function validateJobData(job: JobDefinition, data: unknown): Record<string, unknown> {
  const parsed = job.variables.safeParse(data ?? {}, ENGLISH_MESSAGES);
  if (!parsed.success) throw new ValidationError({ data: fieldErrors(parsed.error) });
  if (Buffer.byteLength(JSON.stringify(parsed.data), 'utf8') > MAX_INPUT_BYTES) {
    throw new ValidationError({
      data: { non_field_errors: [`The job's input is larger than ${MAX_INPUT_BYTES} bytes.`] },
    });
  }
  return parsed.data as Record<string, unknown>;
}

function fieldErrors(error: z.core.$ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length === 0 ? 'non_field_errors' : issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const unknownKey of issue.keys) {
        fields[unknownKey] = [...(fields[unknownKey] ?? []), 'This job has no such variable.'];
      }
      continue;
    }
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  return fields;
}

/**
 * Starts an immediate run of an already authorized and validated job: records a PENDING result,
 * then starts the workflow named after it. If the start fails, the result is marked FAILURE so
 * that nothing is left pending forever, and the caller is told the service is unavailable.
 *
 * Sensitive input is neither recorded nor handed to the workflow in the clear: the workflow keeps
 * its input in the execution history, so it carries only the input sealed to this job result.
 */
export async function startImmediateRun(
  deps: StartRunDeps,
  principal: Principal,
  job: JobDefinition,
  data: Record<string, unknown>,
  options: {
    readonly dryrun: boolean;
    readonly scheduledJob?: string | undefined;
    /** An id chosen beforehand (to name the result elsewhere first); a new one otherwise. */
    readonly jobResultId?: string | undefined;
  } = { dryrun: false },
): Promise<JobResult> {
  const id = options.jobResultId ?? deps.ids.newId();
  const input = await runInput(deps, job, data, id);
  const result: JobResult = {
    id,
    jobPath: job.path,
    name: job.name,
    status: 'PENDING',
    user: principal.username,
    dryrun: options.dryrun,
    data: job.hasSensitiveVariables ? undefined : data,
    scheduledJob: options.scheduledJob,
    dateCreated: deps.clock.now().toISOString(),
    logs: [],
  };
  await deps.results.create(result);
  try {
    const execution = await deps.workflow.startRun({
      ...input,
      jobResultId: result.id,
      jobPath: job.path,
      timeLimitSeconds: job.timeLimitSeconds,
    });
    return { ...result, execution };
  } catch (cause) {
    // Only while still PENDING: a start that failed on the way back may have started the run.
    await deps.results.abandon(
      result.id,
      'The run could not be started: the workflow service did not accept it.',
      deps.clock.now().toISOString(),
    );
    throw new ServiceUnavailableError(MESSAGES.runNotStarted, { cause });
  }
}

/** Sealed before anything is recorded, so a sealer that is unavailable leaves no result behind. */
async function runInput(
  deps: StartRunDeps,
  job: JobDefinition,
  data: Record<string, unknown>,
  jobResultId: string,
): Promise<RunInput> {
  if (!job.hasSensitiveVariables) return { data };
  try {
    return { sealedData: await deps.inputSealer.seal(data, { jobResultId }) };
  } catch (cause) {
    throw new ServiceUnavailableError(MESSAGES.runNotStarted, { cause });
  }
}

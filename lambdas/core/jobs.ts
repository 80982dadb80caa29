import type * as z from 'zod/mini';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  /** ISO 8601, UTC. */
  readonly time: string;
}

export interface JobLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export interface JobRunContext {
  readonly logger: JobLogger;
  readonly jobResultId: string;
  /** The user the run is on behalf of (the requester, or the caller of a dry run). */
  readonly user: string;
  readonly dryrun: boolean;
  /** Aborted when the time limit passes; long-running jobs should stop promptly. */
  readonly signal: AbortSignal;
}

/** Output must survive JSON: it is stored on the job result and passed through the workflow. */
export type JobOutput = string | number | boolean | null | { [key: string]: JobOutput } | JobOutput[];

export interface JobDefinition<Schema extends z.ZodMiniType = z.ZodMiniType> {
  /** `{source}/{module}/{Name}`, e.g. `local/example/MyJobWithNoVars`. */
  readonly path: string;
  readonly name: string;
  readonly description: string;
  readonly variables: Schema;
  readonly approvalRequired: boolean;
  readonly supportsDryrun: boolean;
  /** As in Nautobot, true unless a job says otherwise: such jobs run only immediately and never store their input. */
  readonly hasSensitiveVariables: boolean;
  readonly enabled: boolean;
  readonly timeLimitSeconds: number;
  run(
    context: JobRunContext,
    variables: z.output<Schema>,
  ): Promise<JobOutput | undefined> | JobOutput | undefined;
}

export const JOB_PATH = /^[A-Za-z0-9_-]+\/[A-Za-z0-9_.-]+\/[A-Za-z][A-Za-z0-9_]*$/;

/** The jobs this deployment can run, looked up by path. */
export class JobCatalogue {
  private readonly byPath: ReadonlyMap<string, JobDefinition>;

  constructor(jobs: readonly JobDefinition[]) {
    const byPath = new Map<string, JobDefinition>();
    for (const job of jobs) {
      if (!JOB_PATH.test(job.path))
        throw new Error(`Invalid job path "${job.path}": expected {source}/{module}/{Name}.`);
      if (byPath.has(job.path)) throw new Error(`Job path "${job.path}" is defined twice.`);
      if (job.hasSensitiveVariables && job.approvalRequired) {
        throw new Error(`Job "${job.path}" has sensitive variables and so cannot also require approval.`);
      }
      if (!(job.timeLimitSeconds > 0 && job.timeLimitSeconds <= MAX_TIME_LIMIT_SECONDS)) {
        throw new Error(
          `Job "${job.path}" needs a time limit between 1 and ${MAX_TIME_LIMIT_SECONDS} seconds.`,
        );
      }
      byPath.set(job.path, job);
    }
    this.byPath = byPath;
  }

  get(path: string): JobDefinition | undefined {
    return this.byPath.get(path);
  }

  list(): readonly JobDefinition[] {
    return [...this.byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The longest time limit, which sizes the run function's own timeout. */
  maxTimeLimitSeconds(): number {
    return Math.max(...this.list().map((job) => job.timeLimitSeconds));
  }
}

/** A Lambda function cannot run for longer than 15 minutes; leave a minute for bookkeeping. */
export const MAX_TIME_LIMIT_SECONDS = 14 * 60;

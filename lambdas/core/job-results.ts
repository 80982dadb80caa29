import type { JobOutput, LogLine } from './jobs';

export const JOB_RESULT_STATUSES = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'REVOKED'] as const;
export type JobResultStatus = (typeof JOB_RESULT_STATUSES)[number];
export const FINISHED_STATUSES: readonly JobResultStatus[] = ['SUCCESS', 'FAILURE', 'REVOKED'];

export interface JobResult {
  readonly id: string;
  readonly job: string;
  readonly name: string;
  readonly status: JobResultStatus;
  readonly user: string;
  readonly dryrun: boolean;
  /** The job's input, absent for jobs with sensitive variables. */
  readonly data?: Record<string, unknown> | undefined;
  readonly scheduledJob?: string | undefined;
  readonly dateCreated: string;
  readonly dateStarted?: string | undefined;
  readonly dateDone?: string | undefined;
  readonly output?: JobOutput | undefined;
  readonly error?: string | undefined;
  /** The workflow execution that runs (or ran) this result. */
  readonly execution?: string | undefined;
  readonly logs: readonly LogLine[];
}

export interface JobResultFilter {
  readonly job?: string | undefined;
  readonly status?: JobResultStatus | undefined;
  /** Results of one scheduled job's runs. */
  readonly scheduledJob?: string | undefined;
}

/** Logs share the result's item, so their size is bounded to keep the item well under 400 KB. */
export const MAX_LOG_LINES = 1000;
export const MAX_LOG_MESSAGE_LENGTH = 2000;
export const MAX_OUTPUT_BYTES = 128 * 1024;

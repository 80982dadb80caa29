import type { JobOutput, LogLine } from './jobs';

export const JOB_RESULT_STATUSES = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'REVOKED'] as const;
export type JobResultStatus = (typeof JOB_RESULT_STATUSES)[number];
export const FINISHED_STATUSES: readonly JobResultStatus[] = ['SUCCESS', 'FAILURE', 'REVOKED'];

export interface JobResult {
  readonly id: string;
  readonly jobPath: string;
  readonly name: string;
  readonly status: JobResultStatus;
  readonly user: string;
  readonly dryrun: boolean;
  /** The job's input, absent for jobs with sensitive variables. */
  readonly data?: Record<string, unknown> | undefined;
  readonly scheduledJob?: string | undefined;
  /** Who approved the request this run belongs to, for runs of requests that required approval. */
  readonly approvedBy?: string | undefined;
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
  readonly jobPath?: string | undefined;
  readonly status?: JobResultStatus | undefined;
  /** Results of one scheduled job's runs. */
  readonly scheduledJob?: string | undefined;
}

/** Logs share the result's item, so their size is bounded to keep the item well under 400 KB. */
export const MAX_LOG_LINES = 1000;
export const MAX_LOG_MESSAGE_LENGTH = 2000;
/**
 * Budgets that keep a result within DynamoDB's 400 KB item (input + output + 160 KiB of logs) and
 * a run within Step Functions' 256 KiB state (input + output).
 */
export const MAX_OUTPUT_BYTES = 64 * 1024;
export const MAX_INPUT_BYTES = 32 * 1024;

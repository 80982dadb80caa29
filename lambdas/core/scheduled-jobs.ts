import type { ScheduleInterval, SchedulerSchedule } from './schedules';

/** One claimed occurrence of a scheduled job, kept only for the deduplication window. */
export interface OccurrenceClaim {
  readonly execution: string;
  /** True once the run it started has been counted in `totalRunCount`. */
  readonly counted: boolean;
}

export interface ScheduledJob {
  readonly id: string;
  readonly name: string;
  /** The job's path. */
  readonly jobPath: string;
  readonly interval: ScheduleInterval;
  /** ISO 8601 UTC; absent only for `custom` without one. */
  readonly startTime?: string | undefined;
  readonly timeZone: string;
  readonly crontab?: string | undefined;
  /** `immediately` and `future`: runs once. */
  readonly oneOff: boolean;
  readonly enabled: boolean;
  /** The requester, on whose behalf it runs. */
  readonly user: string;
  /** The job's validated input. Never present for jobs with sensitive variables (they cannot be scheduled). */
  readonly data: Record<string, unknown>;
  readonly totalRunCount: number;
  readonly lastRunAt?: string | undefined;
  readonly dateCreated: string;
  readonly approvalRequired: boolean;
  readonly approvedByUser?: string | undefined;
  readonly approvedAt?: string | undefined;
  /** Absent for `immediately` requests, which never go to the scheduler. */
  readonly schedule?: SchedulerSchedule | undefined;
  /** Occurrence (ISO 8601 UTC scheduled time) → its claim, within the deduplication window. */
  readonly claims: Readonly<Record<string, OccurrenceClaim>>;
}

export interface ScheduledJobFilter {
  readonly jobPath?: string | undefined;
  readonly user?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly approvalRequired?: boolean | undefined;
  readonly approved?: boolean | undefined;
}

/** Whether the scheduler may start it now: enabled, and approved where approval is required. */
export function isRunnable(job: ScheduledJob): boolean {
  return job.enabled && !awaitsApproval(job);
}

/** Requires approval and has none (yet, or ever: a denied request is never approved). */
export function awaitsApproval(job: Pick<ScheduledJob, 'approvalRequired' | 'approvedAt'>): boolean {
  return job.approvalRequired && job.approvedAt === undefined;
}

/** A one-off that has run, or whose time has come: its schedule has fired or never will again. */
export function oneOffHasPassed(job: ScheduledJob, now: Date): boolean {
  if (!job.oneOff) return false;
  return job.totalRunCount > 0 || (job.startTime !== undefined && Date.parse(job.startTime) <= now.getTime());
}

/**
 * How long a claimed occurrence is remembered. EventBridge Scheduler retries a delivery for at most
 * the schedule's maximum event age (one hour, set by the adapter); an occurrence older than this
 * window is refused outright, so forgetting its claim can never let it run twice.
 */
export const CLAIM_WINDOW_MS = 2 * 60 * 60 * 1000;
export const SCHEDULER_MAXIMUM_EVENT_AGE_SECONDS = 60 * 60;
export const SCHEDULER_MAXIMUM_RETRY_ATTEMPTS = 10;

export type ClaimOutcome =
  /** This execution now owns the occurrence (or already did: a retried step). */
  | { readonly kind: 'claimed'; readonly scheduledJob: ScheduledJob }
  /** Another execution owns it: a duplicate delivery. */
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-runnable'; readonly scheduledJob: ScheduledJob };

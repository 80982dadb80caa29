import { absent, and, type Condition, eq, exists, holds, ne, oneOf, type Scalar } from './conditions';
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
  /** Kept on the record: `not_required` unless the job required approval when it was requested. */
  readonly approvalStatus: ApprovalStatus;
  /** The approval or denial, once made; final. */
  readonly decision?: Decision | undefined;
  /**
   * Set by an approval, in the same write, while the approved work has not yet been handed on (a run
   * started, or a schedule created); cleared when it has. The reconciler finishes what is left set.
   */
  readonly handoff?: Handoff | undefined;
  /** Every change, oldest first, each written in the same conditional write as the change itself. */
  readonly history: readonly HistoryEntry[];
  /** Set instead of removing the record, so that deleted requests stay on record with their history. */
  readonly deleted?: { readonly user: string; readonly at: string } | undefined;
  /** Absent for `immediately` requests, which never go to the scheduler. */
  readonly schedule?: SchedulerSchedule | undefined;
  /** Occurrence (ISO 8601 UTC scheduled time) → its claim, within the deduplication window. */
  readonly claims: Readonly<Record<string, OccurrenceClaim>>;
}

export const APPROVAL_STATUSES = ['not_required', 'pending', 'approved', 'denied'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface Decision {
  readonly outcome: 'approved' | 'denied';
  readonly user: string;
  /** ISO 8601 UTC. */
  readonly at: string;
  readonly comment?: string | undefined;
}

/** What an approval still has to hand on: start the run now, or create the schedule. */
export type Handoff = 'run' | 'schedule';

export const HISTORY_ACTIONS = [
  'requested',
  'approved',
  'denied',
  'dry_run',
  'paused',
  'resumed',
  'deleted',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface HistoryEntry {
  readonly action: HistoryAction;
  readonly user: string;
  /** ISO 8601 UTC. */
  readonly time: string;
  readonly comment?: string | undefined;
}

export interface ScheduledJobFilter {
  readonly jobPath?: string | undefined;
  readonly user?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly approvalRequired?: boolean | undefined;
  readonly approved?: boolean | undefined;
  readonly approvalStatus?: ApprovalStatus | undefined;
  /** Only approvals whose run or schedule has not been handed on yet (for the reconciler). */
  readonly awaitingHandoff?: boolean | undefined;
}

// The rules about a scheduled job's state. Use cases and the in-memory fake evaluate them with
// `satisfies`; stores translate them into their conditional writes. Nowhere else restates them.

/** The fields rules may read, by their domain names. */
export type ScheduledJobField = 'enabled' | 'approvalStatus' | 'handoff' | 'user' | 'deleted';
export type ScheduledJobCondition = Condition<ScheduledJobField>;

export function readField(job: ScheduledJob, field: ScheduledJobField): Scalar | undefined {
  switch (field) {
    case 'enabled':
      return job.enabled;
    case 'approvalStatus':
      return job.approvalStatus;
    case 'handoff':
      return job.handoff;
    case 'user':
      return job.user;
    case 'deleted':
      return job.deleted?.at;
  }
}

export function satisfies(job: ScheduledJob | undefined, condition: ScheduledJobCondition): boolean {
  return holds(condition, job, readField);
}

/** Exists and has not been deleted. */
export const LIVE: ScheduledJobCondition = and(exists, absent('deleted'));

/** The scheduler may start it: live, enabled, and approved where approval is required. */
export const RUNNABLE: ScheduledJobCondition = and(
  LIVE,
  eq('enabled', true),
  oneOf('approvalStatus', ['not_required', 'approved']),
);

/** Waiting in the approval queue for a decision. */
export const AWAITING_DECISION: ScheduledJobCondition = and(LIVE, eq('approvalStatus', 'pending'));

/** Awaiting a decision that `approver` may make: no one approves their own request. */
export function approvableBy(approver: string): ScheduledJobCondition {
  return and(AWAITING_DECISION, ne('user', approver));
}

/** An approval whose handoff of this kind is still to be done. */
export function handoffPending(kind: Handoff): ScheduledJobCondition {
  return and(LIVE, eq('approvalStatus', 'approved'), eq('handoff', kind));
}

export function isRunnable(job: ScheduledJob): boolean {
  return satisfies(job, RUNNABLE);
}

/** Requires approval and has none (yet, or ever: a denied request is never approved). */
export function awaitsApproval(job: Pick<ScheduledJob, 'approvalStatus'>): boolean {
  return job.approvalStatus === 'pending' || job.approvalStatus === 'denied';
}

/**
 * The approval statuses a list filter selects, or undefined when it does not filter on approval.
 * `approval_required=true&approved=false` is the approval queue (pending only): Nautobot's queue view.
 */
export function approvalStatusesOf(
  filter: Pick<ScheduledJobFilter, 'approvalRequired' | 'approved' | 'approvalStatus'>,
): readonly ApprovalStatus[] | undefined {
  const { approvalRequired, approved, approvalStatus } = filter;
  let statuses: readonly ApprovalStatus[] | undefined;
  if (approvalRequired !== undefined || approved !== undefined) {
    if (approvalRequired === false) statuses = approved === true ? [] : ['not_required'];
    else if (approved === undefined) statuses = ['pending', 'approved', 'denied'];
    else statuses = approved ? ['approved'] : ['pending'];
  }
  if (approvalStatus === undefined) return statuses;
  return statuses === undefined || statuses.includes(approvalStatus) ? [approvalStatus] : [];
}

/** The approval status of a new request for a job. */
export function initialApprovalStatus(approvalRequired: boolean): ApprovalStatus {
  return approvalRequired ? 'pending' : 'not_required';
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

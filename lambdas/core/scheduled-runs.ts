/**
 * The guard of a scheduled occurrence. EventBridge Scheduler delivers at least once; this makes
 * runs exactly once: the occurrence is claimed in the scheduled job's own item by a conditional
 * write that also requires the job to exist and be runnable, and the job result's id is derived
 * from the occurrence, so even a retried guard creates one result.
 */
import { createHash } from 'node:crypto';
import { ConflictError } from './errors';
import type { JobResult } from './job-results';
import type { JobCatalogue } from './jobs';
import type { BusinessMetrics, Clock, JobResultStore, ScheduledJobStore, ScheduleGateway } from './ports';
import { CLAIM_WINDOW_MS, isRunnable, type ScheduledJob } from './scheduled-jobs';

export interface ScheduledRunDeps {
  readonly catalogue: JobCatalogue;
  readonly scheduledJobs: ScheduledJobStore;
  /** Only to remove the schedule of a scheduled job that no longer exists. */
  readonly scheduler: Pick<ScheduleGateway, 'delete'>;
  readonly results: JobResultStore;
  readonly clock: Clock;
  readonly metrics: BusinessMetrics;
}

export interface ClaimedRun {
  readonly jobResultId: string;
  readonly jobPath: string;
  readonly data: Record<string, unknown>;
  readonly timeLimitSeconds: number;
}

export type ClaimDecision =
  | { readonly run: true; readonly request: ClaimedRun }
  | {
      readonly run: false;
      readonly reason: 'missing' | 'duplicate' | 'not-runnable' | 'stale' | 'job-unavailable';
    };

/** A UUID-shaped id that is the same for every delivery of one occurrence of one scheduled job. */
export function occurrenceResultId(scheduledJobId: string, occurrence: string): string {
  const hex = createHash('sha256').update(`${scheduledJobId}|${occurrence}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** EventBridge writes `2030-01-01T01:00:00Z`; claims are keyed by one canonical form. */
export function canonicalOccurrence(scheduledTime: string): string | undefined {
  const time = Date.parse(scheduledTime);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export async function claimScheduledRun(
  deps: ScheduledRunDeps,
  input: { readonly scheduledJobId: string; readonly scheduledTime: string; readonly execution: string },
): Promise<ClaimDecision> {
  const occurrence = canonicalOccurrence(input.scheduledTime);
  const now = deps.clock.now().getTime();
  const nowIso = new Date(now).toISOString();
  if (occurrence === undefined) return { run: false, reason: 'stale' };

  const existing = await deps.scheduledJobs.get(input.scheduledJobId);
  if (!existing || existing.deleted) return forgetSchedule(deps, input.scheduledJobId);
  if (!isRunnable(existing) || approvalAddedSince(deps.catalogue, existing)) {
    return { run: false, reason: 'not-runnable' };
  }
  // An approved request run now is claimed at its approval instant, however late the start came;
  // any other occurrence older than the claim window is refused (its claim may be forgotten).
  const approvedRun = existing.handoff === 'run' && existing.decision?.at === occurrence;
  if (!approvedRun && Date.parse(occurrence) < now - CLAIM_WINDOW_MS) return { run: false, reason: 'stale' };
  const forget = Object.keys(existing.claims).filter(
    (claimed) => Date.parse(claimed) < now - CLAIM_WINDOW_MS,
  );
  const claim = await deps.scheduledJobs.claimOccurrence(
    input.scheduledJobId,
    occurrence,
    input.execution,
    forget,
    { handoff: approvedRun },
  );
  if (claim.kind === 'missing') return forgetSchedule(deps, input.scheduledJobId);
  if (claim.kind === 'duplicate') deps.metrics.duplicateDeliveryRefused();
  if (claim.kind === 'not-runnable' && claim.scheduledJob.deleted) {
    return forgetSchedule(deps, input.scheduledJobId);
  }
  if (claim.kind !== 'claimed') return { run: false, reason: claim.kind };

  const scheduledJob = claim.scheduledJob;
  const job = deps.catalogue.get(scheduledJob.jobPath);
  const jobResultId = occurrenceResultId(scheduledJob.id, occurrence);
  const result: JobResult = {
    id: jobResultId,
    jobPath: scheduledJob.jobPath,
    name: job?.name ?? scheduledJob.jobPath,
    status: 'PENDING',
    user: scheduledJob.user,
    dryrun: false,
    data: job?.hasSensitiveVariables === false ? scheduledJob.data : undefined,
    scheduledJob: scheduledJob.id,
    approvedBy: scheduledJob.decision?.outcome === 'approved' ? scheduledJob.decision.user : undefined,
    dateCreated: nowIso,
    logs: [],
  };
  try {
    await deps.results.create(result);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  if (!job?.enabled) {
    await deps.results.finish(
      jobResultId,
      {
        status: 'FAILURE',
        error: job
          ? 'This job is not enabled to be run.'
          : `Job "${scheduledJob.jobPath}" is no longer in the catalogue.`,
      },
      nowIso,
    );
    await deps.scheduledJobs.countRun(scheduledJob.id, occurrence, nowIso);
    return { run: false, reason: 'job-unavailable' };
  }
  return {
    run: true,
    request: {
      jobResultId,
      jobPath: job.path,
      data: scheduledJob.data,
      timeLimitSeconds: job.timeLimitSeconds,
    },
  };
}

/**
 * The stricter rule wins: a request made while the job needed approval keeps needing it, and a job
 * the catalogue has since marked approval-required runs nothing unapproved, not even schedules made
 * before (they stop until requested again and approved: fail safe, not silently permissive).
 */
function approvalAddedSince(catalogue: JobCatalogue, job: ScheduledJob): boolean {
  return job.approvalStatus === 'not_required' && catalogue.get(job.jobPath)?.approvalRequired === true;
}

/** The scheduled job is gone: its schedule should be too, and nothing runs. */
async function forgetSchedule(deps: ScheduledRunDeps, scheduledJobId: string): Promise<ClaimDecision> {
  await deps.scheduler.delete(scheduledJobId);
  return { run: false, reason: 'missing' };
}

/** Counts the occurrence's run on its scheduled job, once, whatever the outcome. */
export async function countScheduledRun(
  deps: Pick<ScheduledRunDeps, 'scheduledJobs' | 'clock'>,
  input: { readonly scheduledJobId: string; readonly scheduledTime: string },
): Promise<void> {
  const occurrence = canonicalOccurrence(input.scheduledTime);
  if (occurrence === undefined) return;
  await deps.scheduledJobs.countRun(input.scheduledJobId, occurrence, deps.clock.now().toISOString());
}

/**
 * The four-eyes queue: approve, deny and dry-run a request for a job that requires approval.
 *
 * A decision is one conditional write on the request's own item (still awaiting a decision, and for
 * an approval not the requester's), with its history entry in the same write, so concurrent
 * decisions produce exactly one. An approval is recorded before the approved work is handed on
 * (a run started now, or a schedule created); the write marks the handoff as still to do, and only
 * the handoff itself clears the mark. A failed handoff therefore loses nothing: repeating the call,
 * or the reconciler's next pass (`finishHandoffs`), completes it, and the guard's claim makes a
 * repeated run start run nothing twice.
 */
import {
  BadRequestError,
  ConflictError,
  NotAllowedError,
  NotFoundError,
  PermissionDeniedError,
} from './errors';
import type { JobResult } from './job-results';
import { alreadyDecided, MESSAGES } from './messages';
import { notify } from './notifications';
import { hasPermission, type Principal } from './permissions';
import type {
  BusinessMetrics,
  DomainEvent,
  EventPublisher,
  ScheduledJobStore,
  ScheduleGateway,
  UpdateOutcome,
  WorkflowStarter,
} from './ports';
import { deletedError, liveScheduledJob, type ScheduledJobDeps } from './scheduled-job-management';
import {
  AWAITING_DECISION,
  approvableBy,
  type Decision,
  type Handoff,
  handoffPending,
  LIVE,
  type ScheduledJob,
} from './scheduled-jobs';
import { type StartRunDeps, startImmediateRun } from './start-run';

export interface ApprovalDeps extends ScheduledJobDeps, StartRunDeps {
  readonly events: EventPublisher;
  readonly metrics: Pick<BusinessMetrics, 'approvalDecided'>;
}

export interface HandoffDeps {
  readonly scheduledJobs: Pick<ScheduledJobStore, 'update'>;
  readonly scheduler: Pick<ScheduleGateway, 'put'>;
  readonly workflow: Pick<WorkflowStarter, 'startOccurrence'>;
  readonly clock: ApprovalDeps['clock'];
}

export interface Approval {
  readonly scheduledJob: ScheduledJob;
  /** False when the run or schedule could not be handed on yet; it is retried. */
  readonly handedOn: boolean;
}

/** True for `force=true` and `force=1` only: Nautobot reads `force=false` as force, we do not. */
export function isForce(value: string | undefined): boolean {
  return value !== undefined && /^(true|1)$/i.test(value);
}

export async function approveRequest(
  deps: ApprovalDeps,
  principal: Principal,
  id: string,
  options: { readonly force: boolean; readonly comment?: string | undefined },
): Promise<Approval> {
  const existing = await decidable(deps, principal, id);
  // Own request first: the requester is told the rule that applies to them whatever they hold.
  if (existing.user === principal.username) throw new PermissionDeniedError(MESSAGES.ownRequest);
  if (!hasPermission(principal, 'approve', existing.jobPath)) {
    throw new PermissionDeniedError(MESSAGES.noApprovePermission);
  }
  if (existing.decision !== undefined) {
    // The approver repeating an approval whose handoff is not done yet (it failed, or is under way):
    // repeating finishes it, and changes nothing else. Anyone else learns who decided first.
    const repeated =
      existing.decision.outcome === 'approved' && existing.decision.user === principal.username;
    if (repeated && existing.handoff !== undefined) {
      return { scheduledJob: existing, handedOn: await tryHandOn(deps, existing) };
    }
    throw refusalFor(existing);
  }
  const now = deps.clock.now();
  if (startTimePassed(existing, now) && !options.force) throw new BadRequestError(MESSAGES.startTimePassed);

  const decision: Decision = {
    outcome: 'approved',
    user: principal.username,
    at: now.toISOString(),
    comment: options.comment,
  };
  const outcome = await deps.scheduledJobs.update(
    id,
    {
      decision: { status: 'approved', decision, handoff: handoffKind(existing, now) },
      history: { action: 'approved', user: principal.username, time: decision.at, comment: options.comment },
    },
    approvableBy(principal.username),
  );
  const approved = updatedOrThrow(outcome);
  deps.metrics.approvalDecided('approved');
  await notify(deps, decided(approved, decision));
  return { scheduledJob: approved, handedOn: await tryHandOn(deps, approved) };
}

/** By a user who may approve the job, or by the requester withdrawing their own request. */
export async function denyRequest(
  deps: ApprovalDeps,
  principal: Principal,
  id: string,
  options: { readonly comment?: string | undefined },
): Promise<ScheduledJob> {
  const existing = await decidable(deps, principal, id);
  const withdrawing = existing.user === principal.username;
  if (!withdrawing && !hasPermission(principal, 'approve', existing.jobPath)) {
    throw new PermissionDeniedError(MESSAGES.noDenyPermission);
  }
  if (existing.decision !== undefined) throw refusalFor(existing);
  const decision: Decision = {
    outcome: 'denied',
    user: principal.username,
    at: deps.clock.now().toISOString(),
    comment: options.comment,
  };
  const outcome = await deps.scheduledJobs.update(
    id,
    {
      decision: { status: 'denied', decision },
      history: { action: 'denied', user: principal.username, time: decision.at, comment: options.comment },
    },
    AWAITING_DECISION,
  );
  const denied = updatedOrThrow(outcome);
  deps.metrics.approvalDecided('denied');
  await notify(deps, decided(denied, decision));
  return denied;
}

/**
 * Runs the requested job now as a dry run, as the caller, whatever the request's approval state;
 * the request itself only gains a history entry naming the result.
 */
export async function dryRunRequest(
  deps: ApprovalDeps,
  principal: Principal,
  id: string,
): Promise<JobResult> {
  const existing = await liveScheduledJob(deps, principal, id);
  const job = deps.catalogue.get(existing.jobPath);
  if (!job || !hasPermission(principal, 'run', job.path)) {
    throw new PermissionDeniedError(MESSAGES.noRunPermissionForJob);
  }
  if (!job.supportsDryrun) throw new NotAllowedError(MESSAGES.dryRunUnsupported);
  if (!job.enabled) throw new PermissionDeniedError(MESSAGES.jobNotEnabled);
  const jobResultId = deps.ids.newId();
  const outcome = await deps.scheduledJobs.update(
    id,
    {
      history: {
        action: 'dry_run',
        user: principal.username,
        time: deps.clock.now().toISOString(),
        comment: `Job result ${jobResultId}`,
      },
    },
    LIVE,
  );
  updatedOrThrow(outcome);
  return startImmediateRun(deps, principal, job, existing.data, {
    dryrun: true,
    scheduledJob: id,
    jobResultId,
  });
}

/**
 * Hands approved work on: starts the run (through the workflow's guard, as the scheduler would) or
 * creates the schedule and then clears the mark. Safe to repeat; throws when a dependency failed.
 */
export async function handOn(deps: HandoffDeps, job: ScheduledJob): Promise<void> {
  let current = job;
  if (current.handoff === 'schedule' && startTimePassed(current, deps.clock.now())) {
    // A one-off whose time passed while its schedule could not be created: it was approved to run,
    // and an at() in the past never fires, so it runs now instead.
    const switched = await deps.scheduledJobs.update(
      current.id,
      { handoff: { switchTo: 'run' } },
      handoffPending('schedule'),
    );
    if (switched.kind === 'refused') return;
    current = switched.scheduledJob;
  }
  if (current.handoff === 'run') {
    if (current.decision === undefined) return;
    // The guard claims this occurrence and clears the handoff mark in the same write.
    await deps.workflow.startOccurrence({ scheduledJobId: current.id, scheduledTime: current.decision.at });
    return;
  }
  if (current.handoff === 'schedule') {
    await deps.scheduler.put(current);
    await deps.scheduledJobs.update(current.id, { handoff: { done: true } }, handoffPending('schedule'));
  }
}

async function tryHandOn(deps: HandoffDeps, job: ScheduledJob): Promise<boolean> {
  try {
    await handOn(deps, job);
    return true;
  } catch {
    return false;
  }
}

/**
 * What an approval hands on: an `immediately` request, and a one-off forced past its start time,
 * run now; everything else is scheduled (a recurring one from its next occurrence after now: the
 * schedule's start date is left out once it has passed, so missed occurrences are not run).
 */
function handoffKind(job: ScheduledJob, now: Date): Handoff {
  if (job.schedule === undefined || startTimePassed(job, now)) return 'run';
  return 'schedule';
}

/** A one-off (`future`) whose start time has come: approving it needs force. */
export function startTimePassed(job: ScheduledJob, now: Date): boolean {
  return (
    job.interval === 'future' && job.startTime !== undefined && Date.parse(job.startTime) <= now.getTime()
  );
}

/** The request, visible to the caller, still on record, and of a job that requires approval. */
async function decidable(deps: ApprovalDeps, principal: Principal, id: string): Promise<ScheduledJob> {
  const existing = await liveScheduledJob(deps, principal, id);
  if (existing.approvalStatus === 'not_required') {
    throw new BadRequestError('This scheduled job does not require approval.');
  }
  return existing;
}

function updatedOrThrow(outcome: UpdateOutcome): ScheduledJob {
  if (outcome.kind === 'updated') return outcome.scheduledJob;
  throw refusalFor(outcome.current);
}

/** Why a write found the request other than it expected: gone, deleted, or decided meanwhile. */
function refusalFor(current: ScheduledJob | undefined): Error {
  if (current === undefined) return new NotFoundError(MESSAGES.scheduledJobNotFound);
  if (current.deleted) return deletedError(current.deleted);
  if (current.decision !== undefined) {
    return new ConflictError(
      alreadyDecided(current.decision.outcome, current.decision.user, current.decision.at),
    );
  }
  return new ConflictError('The request changed while this was being decided. Try again.');
}

function decided(job: ScheduledJob, decision: Decision): DomainEvent {
  return {
    type: 'Approval Decided',
    scheduledJobId: job.id,
    jobPath: job.jobPath,
    requester: job.user,
    decider: decision.user,
    status: decision.outcome,
    comment: decision.comment,
  };
}

export interface FinishHandoffsDeps extends HandoffDeps {
  readonly scheduledJobs: Pick<ScheduledJobStore, 'list' | 'get' | 'update'>;
}

export const HANDOFF_PAGE_SIZE = 100;

/**
 * The reconciler's pass over approvals whose run or schedule was not handed on (the process died,
 * or a dependency failed, between the approval and its handoff). It reads only the index partition
 * that holds them — empty in normal operation, so one Query per pass — and hands each on again.
 */
export async function finishHandoffs(
  deps: FinishHandoffsDeps,
  options: {
    readonly onFinished?: ((scheduledJobId: string) => void) | undefined;
    readonly onFailed?: ((scheduledJobId: string, error: unknown) => void) | undefined;
  } = {},
): Promise<{ readonly finished: number; readonly failed: number }> {
  let finished = 0;
  let failed = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.scheduledJobs.list(
      { awaitingHandoff: true },
      { limit: HANDOFF_PAGE_SIZE, cursor },
    );
    for (const listed of page.items) {
      try {
        // The index may lag a write: what counts is the item as it is now.
        const current = await deps.scheduledJobs.get(listed.id);
        if (current?.handoff === undefined || current.deleted) continue;
        await handOn(deps, current);
        finished += 1;
        options.onFinished?.(current.id);
      } catch (error) {
        failed += 1;
        options.onFailed?.(listed.id, error);
      }
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return { finished, failed };
}

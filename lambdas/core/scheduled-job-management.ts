/** Reading, pausing, resuming and deleting scheduled jobs. */
import { isRecordId } from './clock';
import { and, oneOf } from './conditions';
import {
  GoneError,
  NotFoundError,
  PermissionDeniedError,
  ServiceUnavailableError,
  ValidationError,
} from './errors';
import { countVisible } from './job-catalogue-queries';
import type { JobCatalogue } from './jobs';
import { deletedBy, MESSAGES } from './messages';
import type { Page, PageRequest } from './pagination';
import { hasAnyPermission, hasPermission, type Principal } from './permissions';
import type { Clock, ScheduledJobStore, ScheduleGateway, UpdateOutcome } from './ports';
import {
  awaitsApproval,
  LIVE,
  oneOffHasPassed,
  type ScheduledJob,
  type ScheduledJobCondition,
  type ScheduledJobFilter,
} from './scheduled-jobs';
import {
  canonicalTimeZone,
  formatInZone,
  nextRunTimes,
  ScheduleExpressionError,
  scheduleFieldErrors,
  toSchedulerSchedule,
  upcomingRunTimes,
  validateScheduleRequest,
} from './schedules';

export interface ScheduledJobDeps {
  readonly scheduledJobs: ScheduledJobStore;
  readonly scheduler: ScheduleGateway;
  readonly clock: Clock;
}

/** How many store pages one list answer may read to fill itself with jobs the caller may view. */
const MAX_FILL_READS = 10;

/**
 * Pages are exact: when the store's page holds jobs the caller may not view (a viewer limited by a
 * glob), or a combined filter left it short, the rest is read from where the last page ended, asking
 * each time for no more than is still missing, so the next link always follows the last job shown.
 */
export async function listScheduledJobs(
  deps: ScheduledJobDeps,
  principal: Principal,
  filter: ScheduledJobFilter,
  page: PageRequest,
): Promise<Page<ScheduledJob>> {
  if (!hasAnyPermission(principal, 'view')) throw new PermissionDeniedError(MESSAGES.noPermission);
  if (filter.jobPath !== undefined && !hasPermission(principal, 'view', filter.jobPath)) return { items: [] };
  const first = await deps.scheduledJobs.list(filter, page);
  const items = first.items.filter((job) => hasPermission(principal, 'view', job.jobPath));
  let next = first.next;
  for (let reads = 1; items.length < page.limit && next !== undefined && reads < MAX_FILL_READS; reads++) {
    const more = await deps.scheduledJobs.list(filter, { limit: page.limit - items.length, cursor: next });
    items.push(...more.items.filter((job) => hasPermission(principal, 'view', job.jobPath)));
    next = more.next;
  }
  return { ...first, items, next };
}

/** How many scheduled jobs the caller would list with this filter (glob-limited callers job by job). */
export async function countScheduledJobs(
  deps: Pick<ScheduledJobDeps, 'scheduledJobs'> & { readonly catalogue: JobCatalogue },
  principal: Principal,
  filter: ScheduledJobFilter,
): Promise<number> {
  return countVisible(deps.catalogue, principal, filter, (each) => deps.scheduledJobs.count(each));
}

/** The scheduled job, deleted ones included (they stay on record); 404 when the caller may not view it. */
export async function getScheduledJob(
  deps: Pick<ScheduledJobDeps, 'scheduledJobs'>,
  principal: Principal,
  id: string,
): Promise<ScheduledJob> {
  const found = isRecordId(id) ? await deps.scheduledJobs.get(id) : undefined;
  if (!found || !hasPermission(principal, 'view', found.jobPath)) {
    throw new NotFoundError(MESSAGES.scheduledJobNotFound);
  }
  return found;
}

/** 410, naming who deleted the scheduled job and when (it stays on record). */
export function deletedError(deleted: NonNullable<ScheduledJob['deleted']>): GoneError {
  return new GoneError(deletedBy(deleted.user, deleted.at));
}

/** A scheduled job that can still change: 410 once deleted. */
export async function liveScheduledJob(
  deps: Pick<ScheduledJobDeps, 'scheduledJobs'>,
  principal: Principal,
  id: string,
): Promise<ScheduledJob> {
  const found = await getScheduledJob(deps, principal, id);
  if (found.deleted) throw deletedError(found.deleted);
  return found;
}

/** Pausing applies to what may run: a request awaiting a decision, or denied, has nothing to pause. */
const PAUSABLE: ScheduledJobCondition = and(LIVE, oneOf('approvalStatus', ['not_required', 'approved']));

/**
 * Pause or resume, by the requester or a superuser. Pausing writes the database first, so the
 * workflow's guard refuses runs even if the scheduler fires before it hears of the pause. The
 * schedule's state is put again even when the flag does not change, so repeating a PATCH repairs
 * a schedule that missed an earlier change. If resuming cannot reach the scheduler, the pause is
 * restored and the caller told.
 */
export async function setScheduledJobEnabled(
  deps: ScheduledJobDeps,
  principal: Principal,
  id: string,
  enabled: boolean,
): Promise<ScheduledJob> {
  const existing = await liveScheduledJob(deps, principal, id);
  if (!hasPermission(principal, 'run', existing.jobPath)) {
    throw new PermissionDeniedError(MESSAGES.noRunPermission);
  }
  if (!principal.isSuperuser && principal.username !== existing.user) {
    throw new PermissionDeniedError(MESSAGES.pauseRequesterOnly);
  }
  if (awaitsApproval(existing)) throw new ValidationError({ enabled: [MESSAGES.pauseAwaitingDecision] });
  if (enabled && !existing.enabled && oneOffHasPassed(existing, deps.clock.now())) {
    throw new ValidationError({ enabled: [MESSAGES.cannotResumePassedOneOff] });
  }
  const updated =
    existing.enabled === enabled ? existing : await changeEnabled(deps, principal, existing, enabled);
  if (updated.schedule === undefined || updated.handoff !== undefined) return updated;
  if (!enabled && oneOffHasPassed(existing, deps.clock.now())) return updated;
  try {
    await deps.scheduler.put(updated);
  } catch (cause) {
    if (!enabled) return updated; // The guard already refuses its runs; the schedule state is a courtesy.
    if (!existing.enabled)
      await changeEnabled(deps, principal, updated, false, 'The scheduler was unavailable.');
    throw new ServiceUnavailableError(
      'The scheduler did not accept the change. Nothing was changed; try again later.',
      { cause },
    );
  }
  return updated;
}

async function changeEnabled(
  deps: ScheduledJobDeps,
  principal: Principal,
  job: ScheduledJob,
  enabled: boolean,
  comment?: string,
): Promise<ScheduledJob> {
  const outcome = await deps.scheduledJobs.update(
    job.id,
    {
      enabled,
      history: {
        action: enabled ? 'resumed' : 'paused',
        user: principal.username,
        time: deps.clock.now().toISOString(),
        comment,
      },
    },
    PAUSABLE,
  );
  return updatedOrGone(outcome);
}

function updatedOrGone(outcome: UpdateOutcome): ScheduledJob {
  if (outcome.kind === 'updated') return outcome.scheduledJob;
  const current = outcome.current;
  if (current?.deleted) throw deletedError(current.deleted);
  if (current === undefined) throw new NotFoundError(MESSAGES.scheduledJobNotFound);
  throw new ValidationError({ enabled: [MESSAGES.pauseAwaitingDecision] });
}

/**
 * Deletes the scheduled job (it stays on record, with its history, out of every list), then its
 * schedule. Should the scheduler be unreachable, the schedule is left to fire into a guard that
 * finds the job deleted, deletes the schedule and runs nothing.
 */
export async function deleteScheduledJob(
  deps: ScheduledJobDeps,
  principal: Principal,
  id: string,
  onScheduleLeft?: (error: unknown) => void,
): Promise<void> {
  const existing = await liveScheduledJob(deps, principal, id);
  if (!hasPermission(principal, 'delete', existing.jobPath)) {
    throw new PermissionDeniedError(MESSAGES.noDeletePermission);
  }
  const at = deps.clock.now().toISOString();
  updatedOrGone(
    await deps.scheduledJobs.update(
      id,
      {
        deleted: { user: principal.username, at },
        history: { action: 'deleted', user: principal.username, time: at },
      },
      LIVE,
    ),
  );
  try {
    await deps.scheduler.delete(id);
  } catch (error) {
    onScheduleLeft?.(error);
  }
}

/** The next runs the scheduler will make, in the job's zone (or the viewer's), none when it cannot run. */
export function upcomingRuns(
  job: ScheduledJob,
  now: Date,
  count = 5,
  displayTimeZone = job.timeZone,
): string[] {
  if (!job.enabled || job.schedule === undefined || job.deleted) return [];
  if (job.approvalStatus === 'denied' || (job.oneOff && job.totalRunCount > 0)) return [];
  try {
    return upcomingRunTimes(job.schedule, now, count, displayTimeZone);
  } catch (error) {
    // A stored expression this version cannot evaluate must not make the record unreadable.
    if (error instanceof ScheduleExpressionError) return [];
    throw error;
  }
}

/** A viewer's `display_time_zone`, canonical, or a field error; undefined when none was asked for. */
export function resolveDisplayTimeZone(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const zone = canonicalTimeZone(value);
  if (zone === undefined) {
    throw new ValidationError({ display_time_zone: [`"${value}" is not an IANA time zone name.`] });
  }
  return zone;
}

/** A schedule's next runs before it is submitted; the name is not needed to preview. */
export function previewSchedule(
  schedule: unknown,
  now: Date,
  count: number,
  displayTimeZone: string | undefined,
): { readonly nextRunTimes: string[]; readonly expression: string | undefined; readonly timeZone: string } {
  const withName =
    typeof schedule === 'object' && schedule !== null && !Array.isArray(schedule)
      ? { name: 'preview', ...(schedule as Record<string, unknown>) }
      : schedule;
  const validated = validateScheduleRequest(withName, now);
  if (!validated.ok) throw new ValidationError(scheduleFieldErrors(validated.errors));
  const zone = resolveDisplayTimeZone(displayTimeZone) ?? validated.schedule.timeZone;
  if (validated.schedule.interval === 'immediately') {
    return {
      nextRunTimes: [formatInZone(now, zone)],
      expression: undefined,
      timeZone: validated.schedule.timeZone,
    };
  }
  return {
    nextRunTimes: nextRunTimes(validated.schedule, now, count, zone),
    expression: toSchedulerSchedule(validated.schedule).expression,
    timeZone: validated.schedule.timeZone,
  };
}

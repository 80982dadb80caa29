/** Reading, pausing, resuming and deleting scheduled jobs. */
import { isRecordId } from './clock';
import { NotFoundError, PermissionDeniedError, ServiceUnavailableError, ValidationError } from './errors';
import type { Page, PageRequest } from './pagination';
import { hasAnyPermission, hasPermission, type Principal } from './permissions';
import type { Clock, ScheduledJobStore, ScheduleGateway } from './ports';
import {
  awaitsApproval,
  oneOffHasPassed,
  type ScheduledJob,
  type ScheduledJobFilter,
} from './scheduled-jobs';
import {
  canonicalTimeZone,
  formatInZone,
  nextRunTimes,
  ScheduleExpressionError,
  toSchedulerSchedule,
  upcomingRunTimes,
  validateScheduleRequest,
} from './schedules';

export interface ScheduledJobDeps {
  readonly scheduledJobs: ScheduledJobStore;
  readonly scheduler: ScheduleGateway;
  readonly clock: Clock;
}

const NOT_FOUND = 'No ScheduledJob matches the given query.';
const NO_VIEW = 'You do not have permission to perform this action.';

export async function listScheduledJobs(
  deps: ScheduledJobDeps,
  principal: Principal,
  filter: ScheduledJobFilter,
  page: PageRequest,
): Promise<Page<ScheduledJob>> {
  if (!hasAnyPermission(principal, 'view')) throw new PermissionDeniedError(NO_VIEW);
  if (filter.jobPath !== undefined && !hasPermission(principal, 'view', filter.jobPath)) return { items: [] };
  const found = await deps.scheduledJobs.list(filter, page);
  return { ...found, items: found.items.filter((job) => hasPermission(principal, 'view', job.jobPath)) };
}

export async function getScheduledJob(
  deps: ScheduledJobDeps,
  principal: Principal,
  id: string,
): Promise<ScheduledJob> {
  const found = isRecordId(id) ? await deps.scheduledJobs.get(id) : undefined;
  if (!found || !hasPermission(principal, 'view', found.jobPath)) throw new NotFoundError(NOT_FOUND);
  return found;
}

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
  const existing = await getScheduledJob(deps, principal, id);
  if (!hasPermission(principal, 'run', existing.jobPath)) {
    throw new PermissionDeniedError('This user does not have permission to run jobs.');
  }
  if (!principal.isSuperuser && principal.username !== existing.user) {
    throw new PermissionDeniedError('Only the requester or a superuser may pause or resume a scheduled job.');
  }
  if (enabled && !existing.enabled && oneOffHasPassed(existing, deps.clock.now())) {
    throw new ValidationError({
      enabled: ['This one-off job has already run or its time has passed, so it cannot be resumed.'],
    });
  }
  const updated = existing.enabled === enabled ? existing : await deps.scheduledJobs.setEnabled(id, enabled);
  if (updated.schedule === undefined || awaitsApproval(updated)) return updated;
  if (!enabled && oneOffHasPassed(existing, deps.clock.now())) return updated;
  try {
    await deps.scheduler.put(updated);
  } catch (cause) {
    if (!enabled) return updated; // The guard already refuses its runs; the schedule state is a courtesy.
    if (!existing.enabled) await deps.scheduledJobs.setEnabled(id, false);
    throw new ServiceUnavailableError(
      'The scheduler did not accept the change. Nothing was changed; try again later.',
      {
        cause,
      },
    );
  }
  return updated;
}

/**
 * Deletes the scheduled job, then its schedule. Should the scheduler be unreachable, the schedule
 * is left to fire into a guard that finds no job, deletes the schedule and runs nothing.
 */
export async function deleteScheduledJob(
  deps: ScheduledJobDeps,
  principal: Principal,
  id: string,
  onScheduleLeft?: (error: unknown) => void,
): Promise<void> {
  const existing = await getScheduledJob(deps, principal, id);
  if (!hasPermission(principal, 'delete', existing.jobPath)) {
    throw new PermissionDeniedError('You do not have permission to delete this scheduled job.');
  }
  await deps.scheduledJobs.delete(id);
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
  if (!job.enabled || job.schedule === undefined) return [];
  if (job.oneOff && job.totalRunCount > 0) return [];
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
  if (!validated.ok) throw new ValidationError(validated.errors);
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

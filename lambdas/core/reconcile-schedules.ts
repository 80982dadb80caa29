/**
 * Converges the scheduler on the database. Every change writes the database first and the scheduler
 * second, so a crash between the two (a Lambda timeout, a killed process) can leave a runnable job
 * with no schedule, or a disabled one: it would silently never run. This pass finds those and puts
 * their schedule again; a paused job whose schedule still fires is put back to DISABLED too, although
 * the workflow's guard already refuses its runs. A schedule made before its target changed (they
 * once started the state machine themselves) is put again at the current target.
 *
 * Only jobs that should have a schedule are looked at. Schedules whose job is gone are not: the guard
 * deletes them when they fire.
 */
import type { BusinessMetrics, Clock, ScheduledJobStore, ScheduleGateway, ScheduleState } from './ports';
import { awaitsApproval, oneOffHasPassed, type ScheduledJob } from './scheduled-jobs';

export interface ReconcileSchedulesDeps {
  readonly scheduledJobs: Pick<ScheduledJobStore, 'list' | 'get'>;
  readonly scheduler: Pick<ScheduleGateway, 'describe' | 'put'>;
  readonly clock: Clock;
  readonly metrics: Pick<BusinessMetrics, 'scheduleRepaired'>;
}

export interface ScheduleRepair {
  readonly scheduledJobId: string;
  /** What the scheduler had: undefined when the schedule was missing. */
  readonly found: ScheduleState['state'] | undefined;
  readonly put: ScheduleState['state'];
  /** Set when the schedule invoked an earlier target (made before the target changed). */
  readonly outdatedTarget?: true;
}

export interface ReconcileSchedulesOptions {
  /** Told of each schedule put again. */
  readonly onRepaired?: ((repair: ScheduleRepair) => void) | undefined;
  /** Told of each job that could not be checked or repaired; the pass goes on with the others. */
  readonly onFailed?: ((scheduledJobId: string, error: unknown) => void) | undefined;
}

export interface ReconcileSummary {
  /** Jobs that should have a schedule, whose schedule was compared with them. */
  readonly checked: number;
  /** Schedules put again, because they were missing, in the wrong state or at an earlier target. */
  readonly repaired: number;
  /** Jobs whose check or repair failed; the next pass tries them again. */
  readonly failed: number;
}

export const RECONCILE_PAGE_SIZE = 100;

/**
 * One pass over every scheduled job, enabled ones first, read page by page from the store's
 * enabled-state lists (index queries only, never a scan). The lists may lag a write by a moment, so
 * a job whose schedule looks wrong is read again, consistently, before anything is put: a job paused,
 * resumed or deleted since it was listed is judged by what it is now.
 */
export async function reconcileSchedules(
  deps: ReconcileSchedulesDeps,
  options: ReconcileSchedulesOptions = {},
): Promise<ReconcileSummary> {
  let checked = 0;
  let repaired = 0;
  let failed = 0;
  for (const enabled of [true, false]) {
    let cursor: string | undefined;
    do {
      const page = await deps.scheduledJobs.list({ enabled }, { limit: RECONCILE_PAGE_SIZE, cursor });
      for (const listed of page.items) {
        if (wantedState(listed, deps.clock.now()) === undefined) continue;
        checked += 1;
        try {
          const repair = await reconcileOne(deps, listed);
          if (repair === undefined) continue;
          repaired += 1;
          // A schedule re-pointed after the target changed (an upgrade) is no failure to alarm on.
          if (repair.found !== repair.put) deps.metrics.scheduleRepaired();
          options.onRepaired?.(repair);
        } catch (error) {
          failed += 1;
          options.onFailed?.(listed.id, error);
        }
      }
      cursor = page.next;
    } while (cursor !== undefined);
  }
  return { checked, repaired, failed };
}

async function reconcileOne(
  deps: ReconcileSchedulesDeps,
  listed: ScheduledJob,
): Promise<ScheduleRepair | undefined> {
  const described = await deps.scheduler.describe(listed.id);
  const found = described?.state;
  const outdatedTarget = described?.currentTarget === false;
  if (!outdatedTarget && found === wantedState(listed, deps.clock.now())) return undefined;
  let current = await deps.scheduledJobs.get(listed.id);
  if (current === undefined) return undefined;
  const wanted = wantedState(current, deps.clock.now());
  if (wanted === undefined || (!outdatedTarget && wanted === found)) return undefined;
  // A pause or resume may land between the read and the put, and its own put may come first: read
  // again after putting, and put again until the state that was put is the state in the table.
  for (let attempt = 1; ; attempt++) {
    await deps.scheduler.put(current);
    const after = await deps.scheduledJobs.get(current.id);
    if (after === undefined || after.enabled === current.enabled || attempt >= MAX_PUT_ATTEMPTS) break;
    current = after;
  }
  return { scheduledJobId: current.id, found, put: wanted, ...(outdatedTarget ? { outdatedTarget } : {}) };
}

const MAX_PUT_ATTEMPTS = 3;

/**
 * The state the job's schedule should be in, or undefined when it should not be looked at: an
 * `immediately` request (never scheduled), a request awaiting approval (never scheduled before it),
 * or a one-off that has run or whose time has passed (its schedule deletes itself after firing).
 */
function wantedState(job: ScheduledJob, now: Date): ScheduleState['state'] | undefined {
  if (job.schedule === undefined || awaitsApproval(job) || oneOffHasPassed(job, now)) return undefined;
  return job.enabled ? 'ENABLED' : 'DISABLED';
}

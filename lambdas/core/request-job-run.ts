/**
 * POST /api/extras/jobs/{job}/run/: run now, or keep a scheduled job for later or recurring runs,
 * or queue the request for approval. Nothing that requires approval is started or scheduled here.
 */
import { ConflictError, ServiceUnavailableError, ValidationError } from './errors';
import type { JobResult } from './job-results';
import type { JobDefinition } from './jobs';
import { MESSAGES } from './messages';
import { notify } from './notifications';
import type { Principal } from './permissions';
import type { BusinessMetrics, EventPublisher, ScheduledJobStore, ScheduleGateway } from './ports';
import { initialApprovalStatus, type ScheduledJob } from './scheduled-jobs';
import { type Schedule, toSchedulerSchedule, validateScheduleRequest } from './schedules';
import { authorizeRun, type StartRunDeps, startImmediateRun, validateJobData } from './start-run';
import { addFieldError, emptyFieldErrors, type FieldErrors } from './validation';

export interface RequestJobRunDeps extends StartRunDeps {
  readonly scheduledJobs: ScheduledJobStore;
  readonly scheduler: ScheduleGateway;
  readonly events: EventPublisher;
  readonly metrics: Pick<BusinessMetrics, 'approvalRequested'>;
}

export interface RunRequest {
  readonly data?: unknown;
  /** Nautobot's schedule object; absent means "immediately". */
  readonly schedule?: unknown;
  readonly dryrun?: boolean | undefined;
}

export interface RunResponse {
  readonly scheduledJob: ScheduledJob | null;
  readonly jobResult: JobResult | null;
}

export async function requestJobRun(
  deps: RequestJobRunDeps,
  principal: Principal,
  path: string,
  request: RunRequest,
): Promise<RunResponse> {
  const job = authorizeRun(deps.catalogue, principal, path);
  const now = deps.clock.now();
  // Keys here come from the request (unknown schedule fields): no prototype for them to reach.
  const errors = emptyFieldErrors();

  let data: Record<string, unknown> = {};
  try {
    data = validateJobData(job, request.data);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.data = error.fields.data as FieldErrors;
  }

  for (const field of unknownFields(request.schedule)) {
    addFieldError(errors, ['schedule', field], MESSAGES.fieldNotAllowed);
  }
  const validated =
    request.schedule === undefined || request.schedule === null
      ? ({ ok: true, schedule: immediately(now) } as const)
      : validateScheduleRequest(request.schedule, now);
  if (!validated.ok) {
    for (const [field, message] of Object.entries(validated.errors)) {
      if (message !== undefined) addFieldError(errors, ['schedule', field], message);
    }
  }
  const schedule = validated.ok ? validated.schedule : undefined;

  const dryrun = request.dryrun ?? false;
  if (dryrun && !job.supportsDryrun) addFieldError(errors, ['dryrun'], MESSAGES.dryRunUnsupported);
  if (dryrun && schedule !== undefined && schedule.interval !== 'immediately') {
    addFieldError(errors, ['dryrun'], 'A dry run runs now; it cannot be scheduled.');
  }
  if (schedule !== undefined && schedule.interval !== 'immediately' && job.hasSensitiveVariables) {
    addFieldError(errors, ['schedule', 'interval'], MESSAGES.sensitiveSchedule);
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  if (schedule === undefined) throw new Error('unreachable: a valid request has a schedule');

  // A dry run changes nothing, so it needs no approval; anything else that needs one waits for it.
  if (schedule.interval === 'immediately' && (dryrun || !job.approvalRequired)) {
    return { scheduledJob: null, jobResult: await startImmediateRun(deps, principal, job, data, { dryrun }) };
  }
  return { scheduledJob: await createScheduledJob(deps, principal, job, data, schedule), jobResult: null };
}

const SCHEDULE_FIELDS = new Set(['name', 'interval', 'start_time', 'crontab', 'time_zone']);

/** A misspelt field (`timezone`) would otherwise be ignored and the schedule quietly run in UTC. */
function unknownFields(schedule: unknown): string[] {
  if (typeof schedule !== 'object' || schedule === null || Array.isArray(schedule)) return [];
  return Object.keys(schedule).filter((field) => !SCHEDULE_FIELDS.has(field));
}

function immediately(now: Date): Schedule {
  return { name: undefined, interval: 'immediately', startTime: now, crontab: undefined, timeZone: 'UTC' };
}

async function createScheduledJob(
  deps: RequestJobRunDeps,
  principal: Principal,
  job: JobDefinition,
  data: Record<string, unknown>,
  schedule: Schedule,
): Promise<ScheduledJob> {
  const now = deps.clock.now();
  const scheduledJob: ScheduledJob = {
    id: deps.ids.newId(),
    name: schedule.name ?? `${job.name} requested by ${principal.username} at ${now.toISOString()}`,
    jobPath: job.path,
    interval: schedule.interval,
    startTime: schedule.startTime?.toISOString(),
    timeZone: schedule.timeZone,
    crontab: schedule.crontab,
    oneOff: schedule.interval === 'immediately' || schedule.interval === 'future',
    enabled: true,
    user: principal.username,
    data,
    totalRunCount: 0,
    dateCreated: now.toISOString(),
    approvalRequired: job.approvalRequired,
    approvalStatus: initialApprovalStatus(job.approvalRequired),
    history: [{ action: 'requested', user: principal.username, time: now.toISOString() }],
    schedule: schedule.interval === 'immediately' ? undefined : toSchedulerSchedule(schedule),
    claims: {},
  };
  try {
    await deps.scheduledJobs.create(scheduledJob);
  } catch (error) {
    if (error instanceof ConflictError)
      throw new ValidationError({ schedule: { name: [MESSAGES.scheduleNameTaken] } });
    throw error;
  }
  if (scheduledJob.approvalStatus === 'pending') {
    deps.metrics.approvalRequested();
    await notify(deps, {
      type: 'Approval Requested',
      scheduledJobId: scheduledJob.id,
      jobPath: scheduledJob.jobPath,
      requester: scheduledJob.user,
      startTime: scheduledJob.startTime,
    });
  } else {
    await handToScheduler(deps, scheduledJob);
  }
  return scheduledJob;
}

/**
 * The database is written first, so the workflow's guard always finds what the scheduler fires.
 * If the scheduler refuses, the scheduled job is removed again and the caller told to retry.
 */
async function handToScheduler(deps: RequestJobRunDeps, scheduledJob: ScheduledJob): Promise<void> {
  try {
    await deps.scheduler.put(scheduledJob);
  } catch (cause) {
    await deps.scheduledJobs.delete(scheduledJob.id);
    throw new ServiceUnavailableError(
      'The scheduler did not accept the schedule. Nothing was saved; try again later.',
      {
        cause,
      },
    );
  }
}

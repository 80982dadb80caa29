/**
 * Item ↔ domain mapping. Items carry their keys (see keys.ts), an `entity` tag, and the domain fields
 * in snake_case. A job result's `data` and `output`, and a scheduled job's `data`, are stored as JSON
 * text: arbitrary JSON does not
 * always survive DynamoDB's native types (32 levels of nesting, 38-digit numbers, numbers beyond
 * Number.MAX_SAFE_INTEGER on the way back), and the item is never queried by them.
 *
 * Items are parsed on the way out, so a malformed item fails loudly here rather than deep in core.
 */
// zod/mini keeps the authorizer's bundle free of zod's classic API (about 450 KiB).
import * as z from 'zod/mini';
import { JOB_RESULT_STATUSES, type JobResult } from '../../core/job-results';
import type { JobOutput, LogLine } from '../../core/jobs';
import {
  APPROVAL_STATUSES,
  type Decision,
  HISTORY_ACTIONS,
  type HistoryEntry,
  type OccurrenceClaim,
  type ScheduledJob,
} from '../../core/scheduled-jobs';
import { SCHEDULE_INTERVALS } from '../../core/schedules/schedule';
import type { Token, User } from '../../core/users';
import { fitLogs, normaliseLogLine } from './job-result-logs';
import {
  jobResultIndexKeys,
  jobResultKey,
  scheduledJobIndexKeys,
  scheduledJobKey,
  scheduledJobNameKey,
  tokenIndexKeys,
  tokenKey,
  userIndexKeys,
  userKey,
} from './keys';
import type { Item } from './query-page';

// Users

const userItem = z.object({
  username: z.string(),
  is_superuser: z.boolean(),
  permissions: z.array(z.string()),
  date_joined: z.string(),
});

export function userToItem(user: User): Item {
  return {
    ...userKey(user.username),
    ...userIndexKeys(user.username),
    entity: 'user',
    username: user.username,
    is_superuser: user.isSuperuser,
    permissions: [...user.permissions],
    date_joined: user.dateJoined,
  };
}

export function userFromItem(item: Item): User {
  const parsed = userItem.parse(item);
  return {
    username: parsed.username,
    isSuperuser: parsed.is_superuser,
    permissions: parsed.permissions,
    dateJoined: parsed.date_joined,
  };
}

// Tokens

const tokenItem = z.object({
  id: z.string(),
  user: z.string(),
  key_hash: z.string(),
  key_hint: z.string(),
  created: z.string(),
  expires: z.optional(z.string()),
  write_enabled: z.boolean(),
  description: z.string(),
});

export function tokenToItem(token: Token): Item {
  return {
    ...tokenKey(token.keyHash),
    ...tokenIndexKeys(token),
    entity: 'token',
    id: token.id,
    user: token.user,
    key_hash: token.keyHash,
    key_hint: token.keyHint,
    created: token.created,
    expires: token.expires,
    write_enabled: token.writeEnabled,
    description: token.description,
  };
}

export function tokenFromItem(item: Item): Token {
  const parsed = tokenItem.parse(item);
  return {
    id: parsed.id,
    user: parsed.user,
    keyHash: parsed.key_hash,
    keyHint: parsed.key_hint,
    created: parsed.created,
    expires: parsed.expires,
    writeEnabled: parsed.write_enabled,
    description: parsed.description,
  };
}

// Job results

const logLine = z.object({
  level: z.enum(['debug', 'info', 'warning', 'error']),
  message: z.string(),
  time: z.string(),
});

const jobResultItem = z.object({
  id: z.string(),
  job: z.string(),
  name: z.string(),
  status: z.enum(JOB_RESULT_STATUSES),
  user: z.string(),
  dryrun: z.boolean(),
  data_json: z.optional(z.string()),
  scheduled_job: z.optional(z.string()),
  approved_by_user: z.optional(z.string()),
  date_created: z.string(),
  date_started: z.optional(z.string()),
  date_done: z.optional(z.string()),
  /** NULL once finished without output or error (see the job result store's finish). */
  output_json: z.nullish(z.string()),
  error: z.nullish(z.string()),
  execution: z.optional(z.string()),
  logs: z.array(logLine),
});

/** JSON text of a value, or undefined for undefined (so that the attribute is left out). */
export function toJsonText(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

export function jobResultToItem(result: JobResult): Item {
  const logs = fitLogs({ count: 0, bytes: 0 }, result.logs.map(normaliseLogLine));
  return {
    ...jobResultKey(result.id),
    ...jobResultIndexKeys(result),
    entity: 'job_result',
    id: result.id,
    job: result.jobPath,
    name: result.name,
    status: result.status,
    user: result.user,
    dryrun: result.dryrun,
    data_json: toJsonText(result.data),
    scheduled_job: result.scheduledJob,
    approved_by_user: result.approvedBy,
    date_created: result.dateCreated,
    date_started: result.dateStarted,
    date_done: result.dateDone,
    output_json: toJsonText(result.output),
    error: result.error,
    execution: result.execution,
    logs: logs.lines,
    log_count: logs.count,
    log_bytes: logs.bytes,
    log_truncated: logs.truncated,
  };
}

export function jobResultFromItem(item: Item): JobResult {
  const parsed = jobResultItem.parse(item);
  return {
    id: parsed.id,
    jobPath: parsed.job,
    name: parsed.name,
    status: parsed.status,
    user: parsed.user,
    dryrun: parsed.dryrun,
    data:
      parsed.data_json === undefined ? undefined : (JSON.parse(parsed.data_json) as Record<string, unknown>),
    scheduledJob: parsed.scheduled_job,
    approvedBy: parsed.approved_by_user,
    dateCreated: parsed.date_created,
    dateStarted: parsed.date_started,
    dateDone: parsed.date_done,
    output: parsed.output_json == null ? undefined : (JSON.parse(parsed.output_json) as JobOutput),
    error: parsed.error ?? undefined,
    execution: parsed.execution,
    logs: parsed.logs satisfies LogLine[],
  };
}

// Scheduled jobs

const occurrenceClaim = z.object({ execution: z.string(), counted: z.boolean() });

const schedulerSchedule = z.object({
  expression: z.string(),
  time_zone: z.string(),
  start_date: z.optional(z.string()),
  end_date: z.optional(z.string()),
  action_after_completion: z.enum(['DELETE', 'NONE']),
});

const decisionItem = z.object({
  outcome: z.enum(['approved', 'denied']),
  user: z.string(),
  at: z.string(),
  comment: z.optional(z.string()),
});

const historyEntryItem = z.object({
  action: z.enum(HISTORY_ACTIONS),
  user: z.string(),
  time: z.string(),
  comment: z.optional(z.string()),
});

export function historyEntryToItem(entry: HistoryEntry): Item {
  return { action: entry.action, user: entry.user, time: entry.time, comment: entry.comment };
}

export function decisionToItem(decision: Decision): Item {
  return { outcome: decision.outcome, user: decision.user, at: decision.at, comment: decision.comment };
}

const scheduledJobItem = z.object({
  id: z.string(),
  name: z.string(),
  job: z.string(),
  interval: z.enum(SCHEDULE_INTERVALS),
  start_time: z.optional(z.string()),
  time_zone: z.string(),
  crontab: z.optional(z.string()),
  one_off: z.boolean(),
  enabled: z.boolean(),
  user: z.string(),
  data_json: z.string(),
  total_run_count: z.int(),
  last_run_at: z.optional(z.string()),
  date_created: z.string(),
  approval_required: z.boolean(),
  approval_status: z.enum(APPROVAL_STATUSES),
  decision: z.optional(decisionItem),
  handoff: z.optional(z.enum(['run', 'schedule'])),
  history: z.array(historyEntryItem),
  deleted_by_user: z.optional(z.string()),
  deleted_at: z.optional(z.string()),
  schedule: z.optional(schedulerSchedule),
  /** Occurrence (ISO 8601 UTC) → claim; a map from creation, so claims are SET into it by path. */
  claims: z.record(z.string(), occurrenceClaim),
});

export function scheduledJobToItem(job: ScheduledJob): Item {
  return {
    ...scheduledJobKey(job.id),
    ...scheduledJobIndexKeys(job),
    entity: 'scheduled_job',
    id: job.id,
    name: job.name,
    job: job.jobPath,
    interval: job.interval,
    start_time: job.startTime,
    time_zone: job.timeZone,
    crontab: job.crontab,
    one_off: job.oneOff,
    enabled: job.enabled,
    user: job.user,
    data_json: JSON.stringify(job.data),
    total_run_count: job.totalRunCount,
    last_run_at: job.lastRunAt,
    date_created: job.dateCreated,
    approval_required: job.approvalRequired,
    approval_status: job.approvalStatus,
    decision: job.decision && decisionToItem(job.decision),
    handoff: job.handoff,
    history: job.history.map(historyEntryToItem),
    deleted_by_user: job.deleted?.user,
    deleted_at: job.deleted?.at,
    schedule: job.schedule && {
      expression: job.schedule.expression,
      time_zone: job.schedule.timeZone,
      start_date: job.schedule.startDate,
      end_date: job.schedule.endDate,
      action_after_completion: job.schedule.actionAfterCompletion,
    },
    claims: Object.fromEntries(
      Object.entries(job.claims).map(([occurrence, claim]) => [occurrence, occurrenceClaimToItem(claim)]),
    ),
  };
}

export function occurrenceClaimToItem(claim: OccurrenceClaim): Item {
  return { execution: claim.execution, counted: claim.counted };
}

export function scheduledJobFromItem(item: Item): ScheduledJob {
  const parsed = scheduledJobItem.parse(item);
  return {
    id: parsed.id,
    name: parsed.name,
    jobPath: parsed.job,
    interval: parsed.interval,
    startTime: parsed.start_time,
    timeZone: parsed.time_zone,
    crontab: parsed.crontab,
    oneOff: parsed.one_off,
    enabled: parsed.enabled,
    user: parsed.user,
    data: JSON.parse(parsed.data_json) as Record<string, unknown>,
    totalRunCount: parsed.total_run_count,
    lastRunAt: parsed.last_run_at,
    dateCreated: parsed.date_created,
    approvalRequired: parsed.approval_required,
    approvalStatus: parsed.approval_status,
    decision: parsed.decision,
    handoff: parsed.handoff,
    history: parsed.history,
    deleted:
      parsed.deleted_at === undefined
        ? undefined
        : { user: parsed.deleted_by_user ?? '', at: parsed.deleted_at },
    schedule: parsed.schedule && {
      expression: parsed.schedule.expression,
      timeZone: parsed.schedule.time_zone,
      startDate: parsed.schedule.start_date,
      endDate: parsed.schedule.end_date,
      actionAfterCompletion: parsed.schedule.action_after_completion,
    },
    claims: parsed.claims,
  };
}

// Scheduled job names

const scheduledJobNameItem = z.object({
  name: z.string(),
  scheduled_job: z.string(),
  reserved_at: z.string(),
});

export interface ScheduledJobNameReservation {
  readonly name: string;
  /** The id of the scheduled job that owns the name. */
  readonly scheduledJob: string;
  /** ISO 8601 UTC; how old an orphaned reservation is decides whether it may be taken over. */
  readonly reservedAt: string;
}

export function scheduledJobNameToItem(reservation: ScheduledJobNameReservation): Item {
  return {
    ...scheduledJobNameKey(reservation.name),
    entity: 'scheduled_job_name',
    name: reservation.name,
    scheduled_job: reservation.scheduledJob,
    reserved_at: reservation.reservedAt,
  };
}

export function scheduledJobNameFromItem(item: Item): ScheduledJobNameReservation {
  const parsed = scheduledJobNameItem.parse(item);
  return { name: parsed.name, scheduledJob: parsed.scheduled_job, reservedAt: parsed.reserved_at };
}

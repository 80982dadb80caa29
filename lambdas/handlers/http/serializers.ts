/** Domain objects → Nautobot-shaped JSON. Field names follow Nautobot 2.x where it has them. */
import * as z from 'zod/mini';
import { startTimePassed } from '../../core/approvals';
import type { JobResult } from '../../core/job-results';
import type { JobDefinition } from '../../core/jobs';
import type { Principal } from '../../core/permissions';
import { upcomingRuns } from '../../core/scheduled-job-management';
import type { ScheduledJob } from '../../core/scheduled-jobs';
import { formatInZone } from '../../core/schedules';
import type { Token, User } from '../../core/users';

/** Where the API is reached from, for absolute `url`, `next` and `previous` links. */
export interface Links {
  readonly baseUrl: string;
}

export function serializeJob(job: JobDefinition, links: Links) {
  const [source, module, className] = job.path.split('/');
  return {
    id: job.path,
    url: `${links.baseUrl}/api/extras/jobs/${job.path}/`,
    name: job.name,
    description: job.description,
    source,
    module_name: module,
    job_class_name: className,
    grouping: `${source}/${module}`,
    enabled: job.enabled,
    approval_required: job.approvalRequired,
    has_sensitive_variables: job.hasSensitiveVariables,
    supports_dryrun: job.supportsDryrun,
    time_limit: job.timeLimitSeconds,
    variables: variablesSchema(job),
  };
}

/** A job's variables never change while the function lives, so each is converted once, not per request. */
const variablesSchemas = new WeakMap<JobDefinition, unknown>();

function variablesSchema(job: JobDefinition): unknown {
  let schema = variablesSchemas.get(job);
  if (schema === undefined) {
    schema = z.toJSONSchema(job.variables, { io: 'input', unrepresentable: 'any' });
    variablesSchemas.set(job, schema);
  }
  return schema;
}

export function serializeJobResult(result: JobResult, links: Links) {
  return {
    id: result.id,
    url: `${links.baseUrl}/api/extras/job-results/${result.id}/`,
    job: result.jobPath,
    name: result.name,
    status: result.status,
    user: result.user,
    dryrun: result.dryrun,
    task_kwargs: result.data ?? null,
    scheduled_job: result.scheduledJob ?? null,
    approved_by_user: result.approvedBy ?? null,
    date_created: result.dateCreated,
    date_started: result.dateStarted ?? null,
    date_done: result.dateDone ?? null,
    result: result.output ?? null,
    traceback: result.error ?? null,
    execution: result.execution ?? null,
    log_count: result.logs.length,
    logs_url: `${links.baseUrl}/api/extras/job-results/${result.id}/logs/`,
  };
}

export function serializeLogs(result: JobResult) {
  return result.logs.map((line, index) => ({
    id: index + 1,
    job_result: result.id,
    log_level: line.level,
    message: line.message,
    created: line.time,
  }));
}

export function serializeUser(user: User, links: Links) {
  return {
    id: user.username,
    url: `${links.baseUrl}/api/users/users/${encodeURIComponent(user.username)}/`,
    username: user.username,
    is_superuser: user.isSuperuser,
    permissions: user.permissions,
    date_joined: user.dateJoined,
  };
}

/** The caller, as its token identifies it (`GET /api/users/me/`). */
export function serializePrincipal(principal: Principal) {
  return {
    username: principal.username,
    is_superuser: principal.isSuperuser,
    permissions: principal.permissions,
    write_enabled: principal.writeEnabled,
  };
}

export function serializeToken(token: Token, links: Links, key?: string) {
  return {
    id: token.id,
    url: `${links.baseUrl}/api/users/tokens/${token.id}/`,
    user: token.user,
    created: token.created,
    expires: token.expires ?? null,
    write_enabled: token.writeEnabled,
    description: token.description,
    display: `****${token.keyHint}`,
    ...(key === undefined ? {} : { key }),
  };
}

export function serializeScheduledJob(
  job: ScheduledJob,
  links: Links,
  now: Date,
  options: { readonly sensitive: boolean; readonly displayTimeZone?: string | undefined },
) {
  const approved = job.decision?.outcome === 'approved' ? job.decision : undefined;
  return {
    id: job.id,
    url: `${links.baseUrl}/api/extras/scheduled-jobs/${job.id}/`,
    name: job.name,
    job: job.jobPath,
    interval: job.interval,
    start_time: job.startTime === undefined ? null : formatInZone(new Date(job.startTime), job.timeZone),
    time_zone: job.timeZone,
    crontab: job.crontab ?? null,
    one_off: job.oneOff,
    enabled: job.enabled,
    user: job.user,
    ...(options.sensitive ? {} : { data: job.data }),
    total_run_count: job.totalRunCount,
    last_run_at: job.lastRunAt ?? null,
    date_created: job.dateCreated,
    approval_required: job.approvalRequired,
    approval_status: job.approvalStatus,
    approved_by_user: approved?.user ?? null,
    approved_at: approved?.at ?? null,
    decided_by_user: job.decision?.user ?? null,
    decided_at: job.decision?.at ?? null,
    decision_comment: job.decision?.comment ?? null,
    start_time_passed: startTimePassed(job, now),
    history: job.history.map((entry) => ({
      action: entry.action,
      user: entry.user,
      time: entry.time,
      comment: entry.comment ?? null,
    })),
    schedule_expression: job.schedule?.expression ?? null,
    next_run_times: upcomingRuns(job, now, 5, options.displayTimeZone ?? job.timeZone),
    job_results_url: `${links.baseUrl}/api/extras/job-results/?scheduled_job=${job.id}`,
  };
}

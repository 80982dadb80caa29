/** Scheduled jobs (and requests waiting for approval): `/api/extras/scheduled-jobs/`. */
import * as z from 'zod/mini';
import { approveRequest, denyRequest, dryRunRequest } from '../../../core/approvals';
import { alreadyDecided, deletedBy, MESSAGES } from '../../../core/messages';
import {
  countScheduledJobs,
  deleteScheduledJob,
  getScheduledJob,
  listScheduledJobs,
  previewSchedule,
  resolveDisplayTimeZone,
  setScheduledJobEnabled,
} from '../../../core/scheduled-job-management';
import { APPROVAL_STATUSES, type ScheduledJob } from '../../../core/scheduled-jobs';
import { SCHEDULE_INTERVALS } from '../../../core/schedules';
import { booleanParam, listRequest, pageQuery, textParam, wholeNumberParam } from '../request';
import { json, noContent } from '../responses';
import { defineRoute, type Route } from '../router';
import { type Links, serializeJobResult, serializeScheduledJob } from '../serializers';
import { type ApiDeps, dateTime, examplePage, idParam, listJson, pageOf } from './common';
import { jobResultExample, jobResultJson } from './job-results';

const TAG = 'scheduled-jobs';

export const scheduledJobJson = z.object({
  id: z.string(),
  url: z.url(),
  name: z.string(),
  job: z.string(),
  interval: z.enum(SCHEDULE_INTERVALS),
  start_time: z.nullable(dateTime().check(z.describe('In the schedule time zone.'))),
  time_zone: z.string(),
  crontab: z.nullable(z.string()),
  one_off: z.boolean(),
  enabled: z.boolean(),
  user: z.string(),
  data: z.optional(
    z
      .record(z.string(), z.unknown())
      .check(z.describe('The job input; absent for jobs with sensitive variables.')),
  ),
  total_run_count: z.int(),
  last_run_at: z.nullable(dateTime()),
  date_created: dateTime(),
  approval_required: z.boolean(),
  approval_status: z.enum(APPROVAL_STATUSES),
  approved_by_user: z.nullable(z.string()),
  approved_at: z.nullable(dateTime()),
  decided_by_user: z.nullable(z.string()),
  decided_at: z.nullable(dateTime()),
  decision_comment: z.nullable(z.string()),
  start_time_passed: z
    .boolean()
    .check(z.describe('A one-off whose start time has passed: approving it needs `force`.')),
  history: z.array(
    z.object({
      action: z.enum(['requested', 'approved', 'denied', 'dry_run', 'paused', 'resumed', 'deleted']),
      user: z.string(),
      time: dateTime(),
      comment: z.nullable(z.string()),
    }),
  ),
  schedule_expression: z.nullable(z.string().check(z.describe('The EventBridge Scheduler expression.'))),
  next_run_times: z.array(dateTime()),
  job_results_url: z.url(),
});

export const scheduledJobExample = {
  id: '3b9d2f1e-8c7a-4e5b-a6d4-0f1e2d3c4b5a',
  url: 'https://countersign.example.com/api/extras/scheduled-jobs/3b9d2f1e-8c7a-4e5b-a6d4-0f1e2d3c4b5a/',
  name: 'Nightly sum',
  job: 'local/example/AddNumbers',
  interval: 'daily',
  start_time: '2026-12-01T02:00:00.000+01:00',
  time_zone: 'Europe/Paris',
  crontab: null,
  one_off: false,
  enabled: true,
  user: 'alice',
  data: { numbers: [1, 2] },
  total_run_count: 0,
  last_run_at: null,
  date_created: '2026-11-30T09:00:00.000Z',
  approval_required: true,
  approval_status: 'approved',
  approved_by_user: 'bob',
  approved_at: '2026-11-30T09:12:00.000Z',
  decided_by_user: 'bob',
  decided_at: '2026-11-30T09:12:00.000Z',
  decision_comment: 'Change ticket CHG-1042.',
  start_time_passed: false,
  history: [
    { action: 'requested', user: 'alice', time: '2026-11-30T09:00:00.000Z', comment: null },
    { action: 'approved', user: 'bob', time: '2026-11-30T09:12:00.000Z', comment: 'Change ticket CHG-1042.' },
  ],
  schedule_expression: 'cron(0 2 * * ? *)',
  next_run_times: ['2026-12-01T02:00:00.000+01:00', '2026-12-02T02:00:00.000+01:00'],
  job_results_url:
    'https://countersign.example.com/api/extras/job-results/?scheduled_job=3b9d2f1e-8c7a-4e5b-a6d4-0f1e2d3c4b5a',
};

/** Serializes a scheduled job as the caller sees it: without data for sensitive jobs, next runs in a zone. */
export function scheduledJobSerializer(deps: Pick<ApiDeps, 'catalogue' | 'clock'>) {
  return (job: ScheduledJob, links: Links, displayTimeZone?: string) =>
    serializeScheduledJob(job, links, deps.clock.now(), {
      sensitive: deps.catalogue.get(job.jobPath)?.hasSensitiveVariables ?? true,
      displayTimeZone,
    });
}

/** A decision's optional comment, kept on the record and in its history. */
/** What a decision on a request can meet, as the OpenAPI document shows it. */
const DELETED = { description: 'Deleted.', detail: deletedBy('alice', '2026-11-30T10:00:00.000Z') };
const DECIDED_OR_DELETED = {
  409: {
    description: 'Already decided: a decision is final.',
    detail: alreadyDecided('approved', 'bob', '2026-11-30T09:12:00.000Z'),
  },
  410: DELETED,
};

const decisionBody = z.strictObject({ comment: z.optional(z.string().check(z.maxLength(1000))) });

/** `force=true` and `force=1` force; `false` and `0` do not (Nautobot reads any value as force). */
const forceParam = z.optional(
  z.pipe(
    z
      .string()
      .check(
        z.regex(/^(true|1|false|0)$/i, 'Must be true or false.'),
        z.describe('Approve a one-off whose start time has passed.'),
      ),
    z.transform((value: string) => /^(true|1)$/i.test(value)),
  ),
);

const approvalStatusFilter = z.optional(
  z.enum(APPROVAL_STATUSES, {
    error: (issue) => `Select a valid choice. ${String(issue.input)} is not one of the available choices.`,
  }),
);

const displayTimeZone = z.optional(
  z.string().check(z.describe('An IANA time zone to show `next_run_times` in; the schedule zone if absent.')),
);

export function scheduledJobRoutes(deps: ApiDeps): Route[] {
  const scheduledJobBody = scheduledJobSerializer(deps);
  const byId = z.strictObject({ id: idParam() });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/extras/scheduled-jobs/',
      operationId: 'extras_scheduled_jobs_list',
      summary: 'List scheduled jobs; `?approval_required=true&approved=false` is the approval queue',
      tag: TAG,
      query: z.strictObject({
        ...pageQuery,
        job: textParam(),
        user: textParam(),
        enabled: booleanParam(),
        approval_required: booleanParam(),
        approved: booleanParam(),
        approval_status: approvalStatusFilter,
        display_time_zone: displayTimeZone,
      }),
      responses: {
        200: {
          description: 'A page of scheduled jobs.',
          schema: pageOf(scheduledJobJson),
          example: examplePage([scheduledJobExample]),
        },
      },
      handle: async ({ principal, query, event, links }) => {
        const zone = resolveDisplayTimeZone(query.display_time_zone);
        const filter = {
          jobPath: query.job,
          user: query.user,
          enabled: query.enabled,
          approvalRequired: query.approval_required,
          approved: query.approved,
          approvalStatus: query.approval_status,
        };
        const { limit: _limit, offset: _offset, cursor: _cursor, ...filters } = query;
        return listJson(
          { event, links },
          {
            request: listRequest(query),
            list: (page) => listScheduledJobs(deps, principal, filter, page),
            count: () => countScheduledJobs(deps, principal, filter),
            serialize: (job) => scheduledJobBody(job, links, zone),
            filters,
          },
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/extras/scheduled-jobs/preview/',
      operationId: 'extras_scheduled_jobs_preview_retrieve',
      summary: 'Preview the next run times of a schedule before requesting it',
      tag: TAG,
      query: z.strictObject({
        interval: textParam(),
        start_time: textParam(),
        crontab: textParam(),
        time_zone: textParam(),
        count: wholeNumberParam(50),
        display_time_zone: displayTimeZone,
      }),
      responses: {
        200: {
          description: 'The next run times.',
          schema: z.object({
            next_run_times: z.array(dateTime()),
            schedule_expression: z.nullable(z.string()),
            time_zone: z.string(),
          }),
          example: {
            next_run_times: ['2030-03-08T09:00:00.000-05:00', '2030-03-09T09:00:00.000-05:00'],
            schedule_expression: 'cron(0 9 * * ? *)',
            time_zone: 'America/New_York',
          },
        },
      },
      handle: async ({ query }) => {
        const preview = previewSchedule(
          {
            interval: query.interval,
            // An unencoded "+01:00" offset arrives as " 01:00": put the plus sign back.
            start_time: query.start_time?.replace(/ (\d{2}:?\d{2})$/, '+$1'),
            crontab: query.crontab,
            time_zone: query.time_zone,
          },
          deps.clock.now(),
          query.count ?? 5,
          query.display_time_zone,
        );
        return json(200, {
          next_run_times: preview.nextRunTimes,
          schedule_expression: preview.expression ?? null,
          time_zone: preview.timeZone,
        });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/extras/scheduled-jobs/{id}/',
      operationId: 'extras_scheduled_jobs_retrieve',
      summary: 'Show one scheduled job',
      tag: TAG,
      params: byId,
      query: z.strictObject({ display_time_zone: displayTimeZone }),
      errors: {
        410: {
          description: 'Deleted, but kept on record: the body also holds `scheduled_job`, with its history.',
          detail: deletedBy('alice', '2026-11-30T10:00:00.000Z'),
        },
      },
      responses: {
        200: { description: 'The scheduled job.', schema: scheduledJobJson, example: scheduledJobExample },
      },
      handle: async ({ principal, params, query, links }) => {
        const found = await getScheduledJob(deps, principal, params.id);
        const body = scheduledJobBody(found, links, resolveDisplayTimeZone(query.display_time_zone));
        // Deleted, but kept on record: say so, and still show what it was and its history.
        if (found.deleted) {
          return json(410, { detail: deletedBy(found.deleted.user, found.deleted.at), scheduled_job: body });
        }
        return json(200, body);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/extras/scheduled-jobs/{id}/approve/',
      operationId: 'extras_scheduled_jobs_approve_create',
      summary: 'Approve a request (not your own); `?force=true` for a one-off whose start time has passed',
      tag: TAG,
      params: byId,
      query: z.strictObject({ force: forceParam }),
      body: decisionBody,
      errors: {
        403: {
          description: 'Your own request, or no `approve` permission on its job.',
          detail: MESSAGES.ownRequest,
        },
        ...DECIDED_OR_DELETED,
      },
      responses: {
        200: {
          description: 'Approved and handed on.',
          schema: scheduledJobJson,
          example: scheduledJobExample,
        },
        202: {
          description:
            'Approved and recorded; handing it on failed and will be retried. Repeating the call is safe.',
          schema: z.object({ detail: z.string(), scheduled_job: scheduledJobJson }),
          example: { detail: MESSAGES.handoffRetrying, scheduled_job: scheduledJobExample },
        },
      },
      handle: async ({ principal, params, query, body, links }) => {
        const approval = await approveRequest(deps, principal, params.id, {
          force: query.force ?? false,
          comment: body.comment,
        });
        const scheduledJob = scheduledJobBody(approval.scheduledJob, links);
        if (!approval.handedOn) {
          deps.logger.error('Approved, but the run or schedule was not handed on; the reconciler will', {
            scheduledJobId: approval.scheduledJob.id,
          });
          return json(202, { detail: MESSAGES.handoffRetrying, scheduled_job: scheduledJob });
        }
        return json(200, scheduledJob);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/extras/scheduled-jobs/{id}/deny/',
      operationId: 'extras_scheduled_jobs_deny_create',
      summary: 'Deny a request (an approver), or withdraw it (its requester)',
      tag: TAG,
      params: byId,
      body: decisionBody,
      errors: {
        ...DECIDED_OR_DELETED,
      },
      responses: {
        200: {
          description: 'Denied.',
          schema: scheduledJobJson,
          example: {
            ...scheduledJobExample,
            approval_status: 'denied',
            approved_by_user: null,
            approved_at: null,
          },
        },
      },
      handle: async ({ principal, params, body, links }) =>
        json(
          200,
          scheduledJobBody(await denyRequest(deps, principal, params.id, { comment: body.comment }), links),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/extras/scheduled-jobs/{id}/dry-run/',
      operationId: 'extras_scheduled_jobs_dry_run_create',
      summary: 'Start a dry run of a request now, as the caller; the request stays as it is',
      tag: TAG,
      params: byId,
      body: z.strictObject({}),
      errors: {
        405: { description: 'The job does not support dry runs.', detail: MESSAGES.dryRunUnsupported },
        410: DELETED,
      },
      responses: {
        200: {
          description: 'The dry run’s job result.',
          schema: jobResultJson,
          example: {
            ...jobResultExample,
            dryrun: true,
            status: 'PENDING',
            scheduled_job: scheduledJobExample.id,
          },
        },
      },
      handle: async ({ principal, params, links }) =>
        json(200, serializeJobResult(await dryRunRequest(deps, principal, params.id), links)),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/extras/scheduled-jobs/{id}/',
      operationId: 'extras_scheduled_jobs_partial_update',
      summary: 'Pause (`enabled: false`) or resume a scheduled job',
      tag: TAG,
      params: byId,
      body: z.strictObject({ enabled: z.boolean({ error: 'Must be true or false.' }) }),
      responses: {
        200: {
          description: 'The scheduled job.',
          schema: scheduledJobJson,
          example: { ...scheduledJobExample, enabled: false, next_run_times: [] },
        },
      },
      handle: async ({ principal, params, body, links }) =>
        json(
          200,
          scheduledJobBody(await setScheduledJobEnabled(deps, principal, params.id, body.enabled), links),
        ),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/extras/scheduled-jobs/{id}/',
      operationId: 'extras_scheduled_jobs_destroy',
      summary: 'Delete a scheduled job and its EventBridge schedule',
      tag: TAG,
      params: byId,
      responses: { 204: { description: 'Deleted.' } },
      handle: async ({ principal, params }) => {
        await deleteScheduledJob(deps, principal, params.id, (error) =>
          deps.logger.warn('Schedule not deleted; the guard will remove it when it fires', {
            error: error as Error,
          }),
        );
        return noContent();
      },
    }),
  ];
}

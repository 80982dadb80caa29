import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import { type ApprovalDeps, approveRequest, denyRequest, dryRunRequest } from '../../core/approvals';
import { ValidationError } from '../../core/errors';
import { getJob, listJobs } from '../../core/job-catalogue-queries';
import { getJobResult, listJobResults } from '../../core/job-result-queries';
import { JOB_RESULT_STATUSES } from '../../core/job-results';
import { deletedBy, MESSAGES } from '../../core/messages';
import { type Page, pageInMemory } from '../../core/pagination';
import { type RequestJobRunDeps, requestJobRun } from '../../core/request-job-run';
import {
  deleteScheduledJob,
  getScheduledJob,
  listScheduledJobs,
  previewSchedule,
  resolveDisplayTimeZone,
  type ScheduledJobDeps,
  setScheduledJobEnabled,
} from '../../core/scheduled-job-management';
import { APPROVAL_STATUSES, type ScheduledJob } from '../../core/scheduled-jobs';
import {
  createToken,
  createUser,
  getToken,
  getUser,
  listTokens,
  listUsers,
  revokeToken,
  type UserAdministrationDeps,
} from '../../core/user-administration';
import {
  jsonBody,
  listQuery,
  parseBooleanParam,
  parseWith,
  singleValuedQuery,
  wholeNumberParam,
} from './request';
import { json, noContent } from './responses';
import { type Route, type RouteContext, route } from './router';
import {
  serializeJob,
  serializeJobResult,
  serializeLogs,
  serializePage,
  serializePrincipal,
  serializeScheduledJob,
  serializeToken,
  serializeUser,
} from './serializers';

export type ApiDeps = RequestJobRunDeps &
  ApprovalDeps &
  ScheduledJobDeps &
  UserAdministrationDeps & { readonly logger: Logger };

const runBody = z.strictObject({
  data: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  schedule: z.optional(z.unknown()),
  dryrun: z.optional(z.boolean()),
});

const patchScheduledJobBody = z.strictObject({ enabled: z.boolean({ error: 'Must be true or false.' }) });

const previewQuery = z.object({ count: wholeNumberParam(50) });

/** A decision's optional comment, kept on the record and in its history. */
const decisionBody = z.strictObject({ comment: z.optional(z.string().check(z.maxLength(1000))) });

const approvalStatusFilter = z.enum(APPROVAL_STATUSES, {
  error: (issue) => `Select a valid choice. ${String(issue.input)} is not one of the available choices.`,
});

/** `force=true` and `force=1` force; `false` and `0` do not (Nautobot reads any value as force). */
function forceParam(value: string | undefined): boolean {
  if (value === undefined || /^(false|0)$/i.test(value)) return false;
  if (/^(true|1)$/i.test(value)) return true;
  throw new ValidationError({ force: ['Must be true or false.'] });
}

const userBody = z.strictObject({
  username: z.string({ error: 'This field is required.' }),
  is_superuser: z._default(z.boolean(), false),
  permissions: z._default(z.array(z.string()).check(z.maxLength(100)), []),
});

const tokenBody = z.strictObject({
  user: z.optional(z.string()),
  expires: z.optional(z.iso.datetime({ offset: true, error: 'Enter a valid date/time with a time zone.' })),
  write_enabled: z._default(z.boolean(), true),
  description: z._default(z.string().check(z.maxLength(200)), ''),
});

const statusFilter = z.enum(JOB_RESULT_STATUSES, {
  error: (issue) => `Select a valid choice. ${String(issue.input)} is not one of the available choices.`,
});

/** A list answer: `{count, next, previous, results}` with links that keep the query. */
function pageJson<T>(
  context: RouteContext,
  found: Page<T>,
  serialize: (item: T) => unknown,
  query: Record<string, string | number | undefined>,
  count: number | null = null,
) {
  return json(200, {
    ...serializePage(found, serialize, context.links, context.event.rawPath, query),
    count,
  });
}

export function apiRoutes(deps: ApiDeps): Route[] {
  const scheduledJobJson = (job: ScheduledJob, links: RouteContext['links'], displayTimeZone?: string) =>
    serializeScheduledJob(job, links, deps.clock.now(), {
      sensitive: deps.catalogue.get(job.jobPath)?.hasSensitiveVariables ?? true,
      displayTimeZone,
    });

  return [
    route('/api/extras/jobs', {
      GET: async (context) => {
        const { page } = listQuery(context.event, []);
        const jobs = listJobs(deps.catalogue, context.principal);
        const found = pageInMemory(jobs, page);
        // The catalogue is in memory, so unlike the stored lists its size is known.
        return pageJson(
          context,
          found,
          (job) => serializeJob(job, context.links),
          { limit: page.limit },
          jobs.length,
        );
      },
    }),
    route('/api/extras/jobs/{job+}/run', {
      POST: async ({ principal, params, event, links }) => {
        const body = parseWith(runBody, jsonBody(event));
        const response = await requestJobRun(deps, principal, params.job ?? '', {
          data: body.data ?? undefined,
          schedule: body.schedule,
          dryrun: body.dryrun,
        });
        return json(201, {
          scheduled_job: response.scheduledJob && scheduledJobJson(response.scheduledJob, links),
          job_result: response.jobResult && serializeJobResult(response.jobResult, links),
        });
      },
    }),
    route('/api/extras/jobs/{job+}', {
      GET: async ({ principal, params, links }) =>
        json(200, serializeJob(getJob(deps.catalogue, principal, params.job ?? ''), links)),
    }),
    route('/api/extras/job-results', {
      GET: async (context) => {
        const { page, filters } = listQuery(context.event, ['job', 'status', 'scheduled_job']);
        const status =
          filters.status === undefined
            ? undefined
            : parseWith(z.object({ status: statusFilter }), filters).status;
        const found = await listJobResults(
          deps.results,
          context.principal,
          { jobPath: filters.job, status, scheduledJob: filters.scheduled_job },
          page,
        );
        return pageJson(context, found, (r) => serializeJobResult(r, context.links), {
          ...filters,
          limit: page.limit,
        });
      },
    }),
    route('/api/extras/job-results/{id}/logs', {
      GET: async ({ principal, params, event }) => {
        singleValuedQuery(event, []);
        return json(200, serializeLogs(await getJobResult(deps.results, principal, params.id ?? '')));
      },
    }),
    route('/api/extras/job-results/{id}', {
      GET: async ({ principal, params, links, event }) => {
        singleValuedQuery(event, []);
        return json(
          200,
          serializeJobResult(await getJobResult(deps.results, principal, params.id ?? ''), links),
        );
      },
    }),
    route('/api/extras/scheduled-jobs', {
      GET: async (context) => {
        const { page, filters } = listQuery(context.event, [
          'job',
          'user',
          'enabled',
          'approval_required',
          'approved',
          'approval_status',
          'display_time_zone',
        ]);
        const displayTimeZone = resolveDisplayTimeZone(filters.display_time_zone);
        const found = await listScheduledJobs(
          deps,
          context.principal,
          {
            jobPath: filters.job,
            user: filters.user,
            enabled: parseBooleanParam('enabled', filters.enabled),
            approvalRequired: parseBooleanParam('approval_required', filters.approval_required),
            approved: parseBooleanParam('approved', filters.approved),
            approvalStatus:
              filters.approval_status === undefined
                ? undefined
                : parseWith(z.object({ approval_status: approvalStatusFilter }), filters).approval_status,
          },
          page,
        );
        return pageJson(context, found, (job) => scheduledJobJson(job, context.links, displayTimeZone), {
          ...filters,
          limit: page.limit,
        });
      },
    }),
    route('/api/extras/scheduled-jobs/preview', {
      GET: async ({ event }) => {
        const query = singleValuedQuery(event, [
          'interval',
          'start_time',
          'crontab',
          'time_zone',
          'count',
          'display_time_zone',
        ]);
        const { count } = parseWith(previewQuery, { count: query.count });
        const preview = previewSchedule(
          {
            interval: query.interval,
            // An unencoded "+01:00" offset arrives as " 01:00": put the plus sign back.
            start_time: query.start_time?.replace(/ (\d{2}:?\d{2})$/, '+$1'),
            crontab: query.crontab,
            time_zone: query.time_zone,
          },
          deps.clock.now(),
          count ?? 5,
          query.display_time_zone,
        );
        return json(200, {
          next_run_times: preview.nextRunTimes,
          schedule_expression: preview.expression ?? null,
          time_zone: preview.timeZone,
        });
      },
    }),
    route('/api/extras/scheduled-jobs/{id}/approve', {
      POST: async ({ principal, params, links, event }) => {
        const query = singleValuedQuery(event, ['force']);
        const body = parseWith(decisionBody, jsonBody(event));
        const approval = await approveRequest(deps, principal, params.id ?? '', {
          force: forceParam(query.force),
          comment: body.comment,
        });
        const scheduledJob = scheduledJobJson(approval.scheduledJob, links);
        if (!approval.handedOn) {
          deps.logger.error('Approved, but the run or schedule was not handed on; the reconciler will', {
            scheduledJobId: approval.scheduledJob.id,
          });
          return json(202, { detail: MESSAGES.handoffRetrying, scheduled_job: scheduledJob });
        }
        return json(200, scheduledJob);
      },
    }),
    route('/api/extras/scheduled-jobs/{id}/deny', {
      POST: async ({ principal, params, links, event }) => {
        singleValuedQuery(event, []);
        const body = parseWith(decisionBody, jsonBody(event));
        const denied = await denyRequest(deps, principal, params.id ?? '', { comment: body.comment });
        return json(200, scheduledJobJson(denied, links));
      },
    }),
    route('/api/extras/scheduled-jobs/{id}/dry-run', {
      POST: async ({ principal, params, links, event }) => {
        singleValuedQuery(event, []);
        parseWith(z.strictObject({}), jsonBody(event));
        const result = await dryRunRequest(deps, principal, params.id ?? '');
        return json(200, serializeJobResult(result, links));
      },
    }),
    route('/api/extras/scheduled-jobs/{id}', {
      GET: async ({ principal, params, links, event }) => {
        const query = singleValuedQuery(event, ['display_time_zone']);
        const found = await getScheduledJob(deps, principal, params.id ?? '');
        const body = scheduledJobJson(found, links, resolveDisplayTimeZone(query.display_time_zone));
        // Deleted, but kept on record: say so, and still show what it was and its history.
        if (found.deleted) {
          return json(410, { detail: deletedBy(found.deleted.user, found.deleted.at), scheduled_job: body });
        }
        return json(200, body);
      },
      PATCH: async ({ principal, params, links, event }) => {
        const body = parseWith(patchScheduledJobBody, jsonBody(event));
        const updated = await setScheduledJobEnabled(deps, principal, params.id ?? '', body.enabled);
        return json(200, scheduledJobJson(updated, links));
      },
      DELETE: async ({ principal, params }) => {
        await deleteScheduledJob(deps, principal, params.id ?? '', (error) =>
          deps.logger.warn('Schedule not deleted; the guard will remove it when it fires', {
            error: error as Error,
          }),
        );
        return noContent();
      },
    }),
    route('/api/users/users', {
      GET: async (context) => {
        const { page } = listQuery(context.event, []);
        const found = await listUsers(deps, context.principal, page);
        return pageJson(context, found, (u) => serializeUser(u, context.links), { limit: page.limit });
      },
      POST: async ({ principal, event, links }) => {
        const body = parseWith(userBody, jsonBody(event));
        const user = await createUser(deps, principal, {
          username: body.username,
          isSuperuser: body.is_superuser,
          permissions: body.permissions,
        });
        return json(201, serializeUser(user, links));
      },
    }),
    route('/api/users/users/{username}', {
      GET: async ({ principal, params, links }) =>
        json(200, serializeUser(await getUser(deps, principal, params.username ?? ''), links)),
    }),
    // Who the token belongs to: the web page shows the name and offers administration to superusers.
    route('/api/users/me', {
      GET: async ({ principal, event }) => {
        singleValuedQuery(event, []);
        return json(200, serializePrincipal(principal));
      },
    }),
    route('/api/users/tokens', {
      GET: async (context) => {
        const { page, filters } = listQuery(context.event, ['user']);
        const found = await listTokens(deps, context.principal, { user: filters.user }, page);
        return pageJson(context, found, (t) => serializeToken(t, context.links), {
          ...filters,
          limit: page.limit,
        });
      },
      POST: async ({ principal, event, links }) => {
        const body = parseWith(tokenBody, jsonBody(event));
        const issued = await createToken(deps, principal, {
          user: body.user,
          expires: body.expires,
          writeEnabled: body.write_enabled,
          description: body.description,
        });
        return json(201, serializeToken(issued.token, links, issued.key));
      },
    }),
    route('/api/users/tokens/{id}', {
      GET: async ({ principal, params, links, event }) => {
        singleValuedQuery(event, []);
        return json(200, serializeToken(await getToken(deps, principal, params.id ?? ''), links));
      },
      DELETE: async ({ principal, params }) => {
        await revokeToken(deps, principal, params.id ?? '');
        return noContent();
      },
    }),
  ];
}

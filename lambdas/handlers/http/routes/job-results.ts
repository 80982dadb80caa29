/** Runs and their outcome: `/api/extras/job-results/`. */
import * as z from 'zod/mini';
import { countJobResults, getJobResult, listJobResults } from '../../../core/job-result-queries';
import { JOB_RESULT_STATUSES } from '../../../core/job-results';
import { listRequest, pageQuery, textParam } from '../request';
import { json } from '../responses';
import { defineRoute, type Route } from '../router';
import { serializeJobResult, serializeLogs } from '../serializers';
import { type ApiDeps, dateTime, examplePage, idParam, listJson, pageOf } from './common';

const TAG = 'job-results';

export const jobResultJson = z.object({
  id: z.string(),
  url: z.url(),
  job: z.string(),
  name: z.string(),
  status: z.enum(JOB_RESULT_STATUSES),
  user: z.string(),
  dryrun: z.boolean(),
  task_kwargs: z.nullable(z.record(z.string(), z.unknown())),
  scheduled_job: z.nullable(z.string()),
  date_created: dateTime(),
  date_started: z.nullable(dateTime()),
  date_done: z.nullable(dateTime()),
  result: z.unknown().check(z.describe("The job's output: any JSON value, or null.")),
  traceback: z.nullable(z.string()),
  execution: z.nullable(z.string().check(z.describe('The run workflow execution.'))),
  log_count: z.int(),
  logs_url: z.url(),
});

export const jobResultExample = {
  id: '7f3c8e2a-5b1d-4c6e-9a0f-1d2e3f4a5b6c',
  url: 'https://countersign.example.com/api/extras/job-results/7f3c8e2a-5b1d-4c6e-9a0f-1d2e3f4a5b6c/',
  job: 'local/example/AddNumbers',
  name: 'AddNumbers',
  status: 'SUCCESS',
  user: 'alice',
  dryrun: false,
  task_kwargs: { numbers: [1, 2.5], round: true },
  scheduled_job: null,
  date_created: '2026-11-30T09:00:00.000Z',
  date_started: '2026-11-30T09:00:00.412Z',
  date_done: '2026-11-30T09:00:01.030Z',
  result: { sum: 4 },
  traceback: null,
  execution: 'arn:aws:states:eu-west-1:123456789012:execution:RunJob:7f3c8e2a-5b1d-4c6e-9a0f-1d2e3f4a5b6c',
  log_count: 1,
  logs_url:
    'https://countersign.example.com/api/extras/job-results/7f3c8e2a-5b1d-4c6e-9a0f-1d2e3f4a5b6c/logs/',
};

const logLineJson = z.object({
  id: z.int(),
  job_result: z.string(),
  log_level: z.enum(['debug', 'info', 'warning', 'error']),
  message: z.string(),
  created: dateTime(),
});

const statusFilter = z.optional(
  z.enum(JOB_RESULT_STATUSES, {
    error: (issue) => `Select a valid choice. ${String(issue.input)} is not one of the available choices.`,
  }),
);

export function jobResultRoutes(deps: ApiDeps): Route[] {
  const byId = z.strictObject({ id: idParam() });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/extras/job-results/',
      operationId: 'extras_job_results_list',
      summary: 'List job results, newest first',
      tag: TAG,
      query: z.strictObject({
        ...pageQuery,
        job: textParam(),
        status: statusFilter,
        scheduled_job: textParam(),
      }),
      responses: {
        200: {
          description: 'A page of job results.',
          schema: pageOf(jobResultJson),
          example: examplePage([jobResultExample]),
        },
      },
      handle: async ({ principal, query, event, links }) => {
        const filter = { jobPath: query.job, status: query.status, scheduledJob: query.scheduled_job };
        return listJson(
          { event, links },
          {
            request: listRequest(query),
            list: (page) => listJobResults(deps.results, principal, filter, page),
            count: () => countJobResults(deps, principal, filter),
            serialize: (result) => serializeJobResult(result, links),
            filters: { job: query.job, status: query.status, scheduled_job: query.scheduled_job },
          },
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/extras/job-results/{id}/',
      operationId: 'extras_job_results_retrieve',
      summary: 'Show one job result',
      tag: TAG,
      params: byId,
      responses: {
        200: { description: 'The job result.', schema: jobResultJson, example: jobResultExample },
      },
      handle: async ({ principal, params, links }) =>
        json(200, serializeJobResult(await getJobResult(deps.results, principal, params.id), links)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/extras/job-results/{id}/logs/',
      operationId: 'extras_job_results_logs_retrieve',
      summary: "A job result's log lines, oldest first",
      tag: TAG,
      params: byId,
      responses: {
        200: {
          description: 'The log lines.',
          schema: z.array(logLineJson),
          example: [
            {
              id: 1,
              job_result: jobResultExample.id,
              log_level: 'info',
              message: 'The sum is 4.',
              created: '2026-11-30T09:00:00.903Z',
            },
          ],
        },
      },
      handle: async ({ principal, params }) =>
        json(200, serializeLogs(await getJobResult(deps.results, principal, params.id))),
    }),
  ];
}

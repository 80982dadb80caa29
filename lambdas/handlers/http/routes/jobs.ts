/** The job catalogue and run requests: `/api/extras/jobs/`. */
import * as z from 'zod/mini';
import { ValidationError } from '../../../core/errors';
import { getJob, listJobs } from '../../../core/job-catalogue-queries';
import { JOB_PATH } from '../../../core/jobs';
import { pageInMemory } from '../../../core/pagination';
import { requestJobRun } from '../../../core/request-job-run';
import { SCHEDULE_INTERVALS } from '../../../core/schedules';
import { listRequest, pageQuery } from '../request';
import { json } from '../responses';
import { defineRoute, type Route } from '../router';
import { serializeJob, serializeJobResult } from '../serializers';
import { type ApiDeps, dateTime, examplePage, listJson, pageOf } from './common';
import { jobResultExample, jobResultJson } from './job-results';
import { scheduledJobJson, scheduledJobSerializer } from './scheduled-jobs';

const TAG = 'jobs';

/** `{source}/{module}/{Name}`; a path that is no job path matches no route. */
const jobPathParam = z
  .string()
  .check(z.regex(JOB_PATH), z.describe('The job path, e.g. `local/example/MyJobWithNoVars`.'));

export const jobJson = z.object({
  id: z.string(),
  url: z.url(),
  name: z.string(),
  description: z.string(),
  source: z.string(),
  module_name: z.string(),
  job_class_name: z.string(),
  grouping: z.string(),
  enabled: z.boolean(),
  approval_required: z.boolean(),
  has_sensitive_variables: z.boolean(),
  supports_dryrun: z.boolean(),
  time_limit: z.number(),
  variables: z.record(z.string(), z.unknown()).check(z.describe("The JSON Schema of the job's variables.")),
});

const jobExample = {
  id: 'local/example/AddNumbers',
  url: 'https://countersign.example.com/api/extras/jobs/local/example/AddNumbers/',
  name: 'AddNumbers',
  description: 'Adds the numbers it is given.',
  source: 'local',
  module_name: 'example',
  job_class_name: 'AddNumbers',
  grouping: 'local/example',
  enabled: true,
  approval_required: false,
  has_sensitive_variables: false,
  supports_dryrun: false,
  time_limit: 60,
  variables: {
    type: 'object',
    properties: { numbers: { type: 'array', items: { type: 'number' } }, round: { type: 'boolean' } },
    required: ['numbers'],
    additionalProperties: false,
  },
};

/** Nautobot's only task queue; its clients may name it. */
export const DEFAULT_QUEUE = 'default';

/** The job's variables, as the document shows them. */
const runData = z.optional(z.nullable(z.record(z.string(), z.unknown())));

const runBody = z.strictObject({
  // Passed on as parsed, checked by core against the job's variables: a zod record would copy it
  // and silently drop an own `__proto__` key, which must be refused like any unknown variable.
  data: z.optional(z.unknown()),
  schedule: z.optional(z.unknown()),
  dryrun: z.optional(z.boolean()),
  // What Nautobot's clients send besides: pynautobot puts its own arguments in the body.
  job_id: z.optional(z.string().check(z.describe('The job path again; must name the job in the URL.'))),
  job_name: z.optional(z.string().check(z.describe('The job path again; must name the job in the URL.'))),
  task_queue: z.optional(z.nullable(z.string().check(z.describe(`Only \`${DEFAULT_QUEUE}\`.`)))),
  job_queue: z.optional(z.nullable(z.string().check(z.describe(`Only \`${DEFAULT_QUEUE}\`.`)))),
});

/**
 * The fields Nautobot's clients add: a job named again must be the job of the path, and a queue
 * must be the default one, so that nothing a client asked for is silently ignored.
 */
function checkClientFields(jobPath: string, body: z.output<typeof runBody>): void {
  const errors: Record<string, string[]> = {};
  for (const field of ['job_id', 'job_name'] as const) {
    const named = body[field];
    if (named !== undefined && named !== jobPath) {
      errors[field] = [`This names the job "${named}", but the path names "${jobPath}".`];
    }
  }
  for (const field of ['task_queue', 'job_queue'] as const) {
    const queue = body[field];
    if (queue !== undefined && queue !== null && queue !== '' && queue !== DEFAULT_QUEUE) {
      errors[field] = [`"${queue}" is not a valid choice. Available queues: ${DEFAULT_QUEUE}.`];
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

/** The schedule is validated by core, with Nautobot's messages; this is its shape for the document. */
const scheduleRequest = z.strictObject({
  name: z.optional(
    z.nullable(z.string().check(z.describe('Required for every interval but `immediately`.'))),
  ),
  interval: z.optional(z.nullable(z.enum(SCHEDULE_INTERVALS))),
  start_time: z.optional(z.nullable(dateTime().check(z.describe('With a UTC offset; not in the past.')))),
  crontab: z.optional(z.nullable(z.string().check(z.describe('Five fields, for `custom`.')))),
  time_zone: z.optional(z.nullable(z.string().check(z.describe('An IANA time zone name; UTC if absent.')))),
});

export function jobRoutes(deps: ApiDeps): Route[] {
  const scheduledJobBody = scheduledJobSerializer(deps);
  return [
    defineRoute({
      method: 'GET',
      path: '/api/extras/jobs/',
      operationId: 'extras_jobs_list',
      summary: 'List the jobs the caller may view',
      tag: TAG,
      query: z.strictObject({ ...pageQuery }),
      responses: {
        200: { description: 'A page of jobs.', schema: pageOf(jobJson), example: examplePage([jobExample]) },
      },
      handle: async ({ principal, query, event, links }) => {
        const jobs = listJobs(deps.catalogue, principal);
        return listJson(
          { event, links },
          {
            request: listRequest(query),
            list: async (page) => pageInMemory(jobs, page),
            count: async () => jobs.length,
            serialize: (job) => serializeJob(job, links),
          },
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/extras/jobs/{job+}/',
      operationId: 'extras_jobs_retrieve',
      summary: 'Show one job, with the JSON Schema of its variables',
      tag: TAG,
      params: z.strictObject({ job: jobPathParam }),
      responses: { 200: { description: 'The job.', schema: jobJson, example: jobExample } },
      handle: async ({ principal, params, links }) =>
        json(200, serializeJob(getJob(deps.catalogue, principal, params.job), links)),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/extras/jobs/{job+}/run/',
      operationId: 'extras_jobs_run_create',
      summary: 'Run a job now, at a later time or on a schedule; approval-required jobs wait for approval',
      tag: TAG,
      params: z.strictObject({ job: jobPathParam }),
      body: runBody,
      documentedBody: z.strictObject({
        ...runBody.def.shape,
        data: runData,
        schedule: z.optional(scheduleRequest),
      }),
      responses: {
        201: {
          description: 'A run was started (`job_result`) or scheduled (`scheduled_job`).',
          schema: z.object({
            scheduled_job: z.nullable(scheduledJobJson),
            job_result: z.nullable(jobResultJson),
          }),
          example: { scheduled_job: null, job_result: jobResultExample },
        },
      },
      handle: async ({ principal, params, body, links }) => {
        checkClientFields(params.job, body);
        const response = await requestJobRun(deps, principal, params.job, {
          data: body.data ?? undefined,
          schedule: body.schedule,
          dryrun: body.dryrun,
        });
        return json(201, {
          scheduled_job: response.scheduledJob && scheduledJobBody(response.scheduledJob, links),
          job_result: response.jobResult && serializeJobResult(response.jobResult, links),
        });
      },
    }),
  ];
}

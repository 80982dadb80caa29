/** The job catalogue and run requests: `/api/extras/jobs/`. */
import * as z from 'zod/mini';
import { getJob, listJobs } from '../../../core/job-catalogue-queries';
import { JOB_PATH } from '../../../core/jobs';
import { pageInMemory } from '../../../core/pagination';
import { requestJobRun } from '../../../core/request-job-run';
import { SCHEDULE_INTERVALS } from '../../../core/schedules';
import { pageQuery, pageRequest } from '../request';
import { json } from '../responses';
import { defineRoute, type Route } from '../router';
import { serializeJob, serializeJobResult } from '../serializers';
import { type ApiDeps, dateTime, examplePage, pageJson, pageOf } from './common';
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

const runBody = z.strictObject({
  data: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  schedule: z.optional(z.unknown()),
  dryrun: z.optional(z.boolean()),
});

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
        const page = pageRequest(query);
        const jobs = listJobs(deps.catalogue, principal);
        // The catalogue is in memory, so unlike the stored lists its size is known.
        return pageJson(
          { event, links },
          pageInMemory(jobs, page),
          (job) => serializeJob(job, links),
          { limit: page.limit },
          jobs.length,
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
      documentedBody: z.strictObject({ ...runBody.def.shape, schedule: z.optional(scheduleRequest) }),
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

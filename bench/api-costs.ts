/**
 * What operations cost, printed as figures (a benchmark, not a test: timings on a shared machine are
 * noisy, counts are exact).
 *
 * 1. List latency as the table grows: job results listed newest first, by job, by status, and ten
 *    pages deep, on tables of growing size. Every list is one Query that reads what it returns, so
 *    latency should stay flat.
 * 2. Nautobot's limit/offset pagination at 1,000 and 100,000 rows: the pages a client follows.
 * 3. DynamoDB calls per API operation and per run, counted at the local DynamoDB, and the workflow's
 *    state transitions per run.
 *
 * Run: `npm run bench:costs` (local mode's dynalite; no AWS).
 */
import '../local/quiet-node-version-warning';
import '../local/polyfills';
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/document-client';
import { DynamoDbJobResultStore } from '../lambdas/adapters/dynamodb/dynamodb-job-result-store';
import { jobResultCountedQueries } from '../lambdas/adapters/dynamodb/keys';
import { adjustCounters, counterMoves } from '../lambdas/adapters/dynamodb/list-counts';
import { jobResultToItem } from '../lambdas/adapters/dynamodb/mappers';
import { countJobResults, listJobResults } from '../lambdas/core/job-result-queries';
import type { JobResult, JobResultFilter } from '../lambdas/core/job-results';
import { JobCatalogue } from '../lambdas/core/jobs';
import { type ListRequest, readPage } from '../lambdas/core/pagination';
import { startLocalCountersign } from '../local/composition';
import { startLocalDynamoDb } from '../local/local-dynamodb';

const SIZES = [500, 5_000, 20_000];
const REPEATS = 15;
const JOBS = ['local/a/One', 'local/a/Two', 'local/b/Three', 'local/b/Four', 'local/c/Five'];
const STATUSES = ['SUCCESS', 'FAILURE', 'SUCCESS', 'SUCCESS', 'PENDING'] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function listLatency(): Promise<void> {
  console.log('List latency (median of %d, ms) and DynamoDB requests per list, page size 50', REPEATS);
  console.log(
    'rows'.padStart(7),
    'newest'.padStart(8),
    'by job'.padStart(8),
    'by status'.padStart(10),
    'page 10'.padStart(8),
    'requests'.padStart(9),
  );
  for (const size of SIZES) {
    const dynamodb = await startLocalDynamoDb({ tableName: 'bench' });
    const store = new DynamoDbJobResultStore({
      client: createDocumentClient(dynamodb.client),
      tableName: 'bench',
    });
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    for (let i = 0; i < size; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, size - i) }, (_, k): JobResult => {
          const n = i + k;
          return {
            id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
            jobPath: JOBS[n % JOBS.length] as string,
            name: 'bench',
            status: STATUSES[n % STATUSES.length] ?? 'SUCCESS',
            user: 'bench',
            dryrun: false,
            dateCreated: new Date(start + n * 1000).toISOString(),
            logs: [],
          };
        }).map((result) => store.create(result)),
      );
    }
    const time = async (filter: JobResultFilter, pagesDeep = 1) => {
      const samples: number[] = [];
      let requests = 0;
      for (let r = 0; r < REPEATS; r += 1) {
        let cursor: string | undefined;
        for (let page = 1; page < pagesDeep; page += 1)
          cursor = (await store.list(filter, { limit: 50, cursor })).next;
        const before = dynamodb.requestCount();
        const t0 = performance.now();
        await store.list(filter, { limit: 50, cursor });
        samples.push(performance.now() - t0);
        requests = dynamodb.requestCount() - before;
      }
      return { ms: median(samples), requests };
    };
    const newest = await time({});
    const byJob = await time({ jobPath: 'local/b/Three' });
    const byStatus = await time({ status: 'FAILURE' });
    const deep = await time({}, 10);
    console.log(
      String(size).padStart(7),
      newest.ms.toFixed(1).padStart(8),
      byJob.ms.toFixed(1).padStart(8),
      byStatus.ms.toFixed(1).padStart(10),
      deep.ms.toFixed(1).padStart(8),
      String(Math.max(newest.requests, byJob.requests, byStatus.requests, deep.requests)).padStart(9),
    );
    await dynamodb.close();
  }
}

async function operationCosts(): Promise<void> {
  const token = 'bench-admin-token';
  const server = await startLocalCountersign({
    port: 0,
    adminToken: token,
    logLevel: 'SILENT',
    startScheduler: false,
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  };
  const measure = async (label: string, action: () => Promise<unknown>) => {
    await server.workflow.idle();
    const before = server.dynamodbRequestCount();
    const value = await action();
    console.log(`${label.padEnd(58)} ${String(server.dynamodbRequestCount() - before).padStart(3)}`);
    return value;
  };

  console.log('\nDynamoDB requests per operation (each API request includes 2 for the authorizer)');
  await measure('GET /api/extras/jobs/', () => call('GET', '/api/extras/jobs/'));
  const run = (await measure('POST run now, with its workflow execution to SUCCESS', async () => {
    const response = await call('POST', '/api/extras/jobs/local/example/MyJobWithNoVars/run/', {});
    await server.workflow.idle();
    return response;
  })) as { job_result: { id: string } };
  const transitions = server.workflow
    .history(run.job_result.id)
    .filter((e) => e.type === 'StateEntered').length;
  await measure('GET /api/extras/job-results/{id}/', () =>
    call('GET', `/api/extras/job-results/${run.job_result.id}/`),
  );
  await measure('GET /api/extras/job-results/?limit=50', () =>
    call('GET', '/api/extras/job-results/?limit=50'),
  );
  const scheduled = (await measure('POST run with a daily schedule', () =>
    call('POST', '/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
      schedule: { name: 'bench daily', interval: 'daily', start_time: '2031-01-01T09:00:00Z' },
    }),
  )) as { scheduled_job: { id: string } };
  await measure('GET /api/extras/scheduled-jobs/?limit=50', () =>
    call('GET', '/api/extras/scheduled-jobs/?limit=50'),
  );
  await measure('PATCH pause', () =>
    call('PATCH', `/api/extras/scheduled-jobs/${scheduled.scheduled_job.id}/`, { enabled: false }),
  );
  await measure('PATCH resume', () =>
    call('PATCH', `/api/extras/scheduled-jobs/${scheduled.scheduled_job.id}/`, { enabled: true }),
  );
  await measure('One scheduled occurrence, claim to count', async () => {
    await server.workflow.startExecution({
      scheduled_job_id: scheduled.scheduled_job.id,
      scheduled_time: '2031-01-01T09:00:00Z',
    });
    await server.workflow.idle();
  });
  await measure('The same occurrence delivered again (refused)', async () => {
    await server.workflow.startExecution({
      scheduled_job_id: scheduled.scheduled_job.id,
      scheduled_time: '2031-01-01T09:00:00Z',
    });
    await server.workflow.idle();
  });
  await measure('DELETE scheduled job', () =>
    call('DELETE', `/api/extras/scheduled-jobs/${scheduled.scheduled_job.id}/`),
  );
  // Approvals: the admin requests, a second user decides (no one approves their own request).
  await call('POST', '/api/users/users/', { username: 'approver', permissions: ['view', 'run', 'approve'] });
  const approverToken = ((await call('POST', '/api/users/tokens/', { user: 'approver' })) as { key: string })
    .key;
  const decide = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Token ${approverToken}` },
    });
    await response.text();
  };
  const requestApproval = async (name: string) =>
    (
      (await call('POST', '/api/extras/jobs/local/example/RotateCredentials/run/', {
        data: { service: 'db' },
        schedule: { name, interval: 'future', start_time: '2031-01-01T09:00:00Z' },
      })) as { scheduled_job: { id: string } }
    ).scheduled_job.id;
  const toApprove = await measure('POST run needing approval (queued)', () =>
    requestApproval('bench approve'),
  );
  await measure('POST approve (decision, then schedule created)', () =>
    decide(`/api/extras/scheduled-jobs/${toApprove}/approve/`),
  );
  const toDeny = await requestApproval('bench deny');
  await measure('POST deny', () => decide(`/api/extras/scheduled-jobs/${toDeny}/deny/`));
  const toDryRun = await requestApproval('bench dry run');
  await measure('POST dry-run, with its workflow execution to SUCCESS', async () => {
    await decide(`/api/extras/scheduled-jobs/${toDryRun}/dry-run/`);
    await server.workflow.idle();
  });
  const immediate = (
    (await call('POST', '/api/extras/jobs/local/example/RotateCredentials/run/', {
      data: { service: 'db' },
    })) as { scheduled_job: { id: string } }
  ).scheduled_job.id;
  await measure('POST approve of an immediately request, with its run', async () => {
    await decide(`/api/extras/scheduled-jobs/${immediate}/approve/`);
    await server.workflow.idle();
  });
  console.log(`\nState transitions of a run started now: ${transitions} (states entered)`);
  await server.close();
}

/**
 * 3. Nautobot pagination at 1,000 and 100,000 rows: the pages a client such as pynautobot follows,
 * each with its `count` (as the API answers them: page and count read together). Rows are loaded
 * with BatchWriteItem and counted once by the reconciler's repair pass, as after a bulk import.
 */
async function nautobotPagination(): Promise<void> {
  const sizes = [1_000, 100_000];
  const admin = { username: 'bench', isSuperuser: true, permissions: [], writeEnabled: true };
  const rows: Record<number, Record<string, number>> = {};
  console.log('\nNautobot pagination: median ms of %d, page and count together', REPEATS);
  for (const size of sizes) {
    const dynamodb = await startLocalDynamoDb({ tableName: 'bench' });
    const client = createDocumentClient(dynamodb.client);
    const results = new DynamoDbJobResultStore({ client, tableName: 'bench' });
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const loadStarted = performance.now();
    // The counters as `create` would have left them, added up and written once.
    const counts = new Map<string, number>();
    for (let i = 0; i < size; i += 25 * 8) {
      await Promise.all(
        Array.from({ length: 8 }, (_, batch) => {
          const items = Array.from({ length: 25 }, (_, k) => i + batch * 25 + k)
            .filter((n) => n < size)
            .map((n) => {
              const result: JobResult = {
                id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
                jobPath: JOBS[n % JOBS.length] as string,
                name: 'bench',
                status: STATUSES[n % STATUSES.length] ?? 'SUCCESS',
                user: 'bench',
                dryrun: false,
                dateCreated: new Date(start + n * 1000).toISOString(),
                logs: [],
              };
              for (const [name, delta] of counterMoves([], jobResultCountedQueries(result)))
                counts.set(name, (counts.get(name) ?? 0) + delta);
              return jobResultToItem(result);
            });
          return items.length === 0
            ? Promise.resolve()
            : client.send(
                new BatchWriteCommand({
                  RequestItems: { bench: items.map((Item) => ({ PutRequest: { Item } })) },
                }),
              );
        }),
      );
    }
    await adjustCounters({ client, tableName: 'bench' }, counts);
    const loaded = performance.now() - loadStarted;
    const repairStarted = performance.now();
    const repaired = await results.repairCounts();
    const repairMs = performance.now() - repairStarted;
    const deps = { results, catalogue: new JobCatalogue([]) };
    const list = (request: ListRequest) =>
      Promise.all([
        readPage((page) => listJobResults(results, admin, {}, page), request),
        countJobResults(deps, admin, {}),
      ]);
    const time = async (request: () => Promise<ListRequest>) => {
      const samples: number[] = [];
      for (let r = 0; r < REPEATS; r += 1) {
        const ready = await request();
        const t0 = performance.now();
        const [, count] = await list(ready);
        samples.push(performance.now() - t0);
        if (count !== size) throw new Error(`count ${count}, expected ${size}`);
      }
      return median(samples);
    };
    const cursorAfter = async (pages: number) => {
      let cursor: string | undefined;
      for (let page = 0; page < pages; page += 1) cursor = (await list({ limit: 50, cursor }))[0].next;
      return cursor;
    };
    const next2 = await cursorAfter(1);
    const next10 = await cursorAfter(9);
    rows[size] = {
      'first page (?limit=50)': await time(async () => ({ limit: 50 })),
      'next link, page 2': await time(async () => ({ limit: 50, offset: 50, cursor: next2 })),
      'next link, page 10': await time(async () => ({ limit: 50, offset: 450, cursor: next10 })),
      "pynautobot's 2nd call (?limit=count&offset=50)": await time(async () => ({ limit: 1000, offset: 50 })),
      'threaded ?limit=0 (1,000 rows)': await time(async () => ({ limit: 1000 })),
      'threaded ?offset=1000&limit=1000': await time(async () => ({ limit: 1000, offset: 1000 })),
    };
    console.log(
      `  ${size} rows: loaded in ${(loaded / 1000).toFixed(1)} s; a repair pass recounted ${counts.size} counters ` +
        `(${repaired} corrected) in ${(repairMs / 1000).toFixed(1)} s`,
    );
    await dynamodb.close();
  }
  const [small, large] = sizes.map((size) => rows[size] ?? {});
  console.log(
    `${'page'.padEnd(48)} ${'1k rows'.padStart(9)} ${'100k rows'.padStart(10)} ${'ratio'.padStart(6)}`,
  );
  for (const [label, ms] of Object.entries(small ?? {})) {
    const big = large?.[label] ?? Number.NaN;
    console.log(
      `${label.padEnd(48)} ${ms.toFixed(1).padStart(9)} ${big.toFixed(1).padStart(10)} ${(big / ms).toFixed(2).padStart(6)}`,
    );
  }
}

// `--only=pagination` runs section 2 alone (the 100,000-row load takes a few minutes).
if (process.argv.includes('--only=pagination')) {
  await nautobotPagination();
} else {
  await listLatency();
  await nautobotPagination();
  await operationCosts();
}

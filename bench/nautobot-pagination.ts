/**
 * Nautobot's limit/offset pagination as the table grows: the pages a client such as pynautobot
 * follows, at 1,000 and 100,000 job results and at 1,000 and 100,000 scheduled jobs, each with its
 * `count`. A benchmark, not a test: it prints figures. Run: `npm run bench:pagination` (local
 * dynalite; each 100,000-row load takes minutes); `-- --only=results` or `-- --only=scheduled-jobs`
 * runs one half.
 */
import '../local/quiet-node-version-warning';
import '../local/polyfills';
import { performance } from 'node:perf_hooks';
import {
  BatchWriteCommand,
  createDocumentClient,
  type DocumentClient,
} from '../lambdas/adapters/dynamodb/document-client';
import { DynamoDbJobResultStore } from '../lambdas/adapters/dynamodb/dynamodb-job-result-store';
import { DynamoDbScheduledJobStore } from '../lambdas/adapters/dynamodb/dynamodb-scheduled-job-store';
import {
  type CounterSlot,
  jobResultCounterSlots,
  scheduledJobCounterSlots,
} from '../lambdas/adapters/dynamodb/keys';
import { adjustCounters, counterMoves } from '../lambdas/adapters/dynamodb/list-counts';
import { jobResultToItem, scheduledJobToItem } from '../lambdas/adapters/dynamodb/mappers';
import { countJobResults, listJobResults } from '../lambdas/core/job-result-queries';
import type { JobResult } from '../lambdas/core/job-results';
import { JobCatalogue } from '../lambdas/core/jobs';
import { type ListRequest, readPage } from '../lambdas/core/pagination';
import { countScheduledJobs } from '../lambdas/core/scheduled-job-management';
import type { ApprovalStatus, ScheduledJob, ScheduledJobFilter } from '../lambdas/core/scheduled-jobs';
import { startLocalDynamoDb } from '../local/local-dynamodb';

/** Two sizes are compared, so each figure is the median of many samples against a noisy machine. */
const REPEATS = 41;
const JOBS = ['local/a/One', 'local/a/Two', 'local/b/Three', 'local/b/Four', 'local/c/Five'];
const STATUSES = ['SUCCESS', 'FAILURE', 'SUCCESS', 'SUCCESS', 'PENDING'] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Writes rows 0 … size − 1 into the `bench` table with BatchWriteItem (eight calls of 25 at a time),
 * and the list counters as `create` would have left them, added up and written once; how many.
 */
async function loadRows(
  client: DocumentClient,
  size: number,
  row: (n: number) => { readonly item: Record<string, unknown>; readonly slots: readonly CounterSlot[] },
): Promise<number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < size; i += 25 * 8) {
    await Promise.all(
      Array.from({ length: 8 }, (_, batch) => {
        const items = Array.from({ length: 25 }, (_, k) => i + batch * 25 + k)
          .filter((n) => n < size)
          .map((n) => {
            const { item, slots } = row(n);
            for (const [name, delta] of counterMoves([], slots))
              counts.set(name, (counts.get(name) ?? 0) + delta);
            return item;
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
  return counts.size;
}

/**
 * Nautobot pagination at 1,000 and 100,000 rows: the pages a client such as pynautobot follows,
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
    const counters = await loadRows(client, size, (n) => {
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
      return { item: jobResultToItem(result), slots: jobResultCounterSlots(result) };
    });
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
      `  ${size} rows: loaded in ${(loaded / 1000).toFixed(1)} s; a repair pass recounted ${counters} counters ` +
        `(${repaired} corrected) in ${(repairMs / 1000).toFixed(1)} s`,
    );
    await dynamodb.close();
  }
  printRatios(rows, sizes);
}

/** Prints each page's median at both sizes, and the ratio. */
function printRatios(rows: Record<number, Record<string, number>>, sizes: readonly number[]): void {
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

/** One scheduled job of a bench table: five jobs, five users, a quarter paused, a tenth pending. */
function benchScheduledJob(n: number, start: number): ScheduledJob {
  const approval: ApprovalStatus[] = ['pending', 'denied', 'approved', 'approved', 'approved'];
  const approvalStatus = approval[n % 10] ?? 'not_required';
  const dateCreated = new Date(start + n * 1000).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `bench ${n}`,
    jobPath: JOBS[n % JOBS.length] as string,
    interval: 'daily',
    startTime: new Date(start + 86_400_000 + n * 1000).toISOString(),
    timeZone: 'UTC',
    oneOff: false,
    enabled: n % 4 !== 0 || approvalStatus === 'pending' || approvalStatus === 'denied',
    user: `user${n % 5}`,
    data: {},
    totalRunCount: 0,
    dateCreated,
    approvalRequired: approvalStatus !== 'not_required',
    approvalStatus,
    history: [],
    schedule: {
      expression: 'cron(0 9 * * ? *)',
      timeZone: 'UTC',
      startDate: dateCreated,
      actionAfterCompletion: 'NONE',
    },
    claims: {},
  };
}

/**
 * The same for scheduled jobs: each list a filter maps to one index partition (all, ?enabled=,
 * ?user=, ?job=, an approval state, merged approval states) has a counter; the page and its count
 * are read together as the API does. Items are written with the store's mapper, as `create` writes
 * them (their name reservations are left out: lists never read them).
 */
async function scheduledJobPagination(): Promise<void> {
  const sizes = [1_000, 100_000];
  const admin = { username: 'bench', isSuperuser: true, permissions: [], writeEnabled: true };
  const rows: Record<number, Record<string, number>> = {};
  console.log('\nScheduled jobs: median ms of %d, page and count together', REPEATS);
  for (const size of sizes) {
    const dynamodb = await startLocalDynamoDb({ tableName: 'bench' });
    const client = createDocumentClient(dynamodb.client);
    const scheduledJobs = new DynamoDbScheduledJobStore({ client, tableName: 'bench' });
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const loadStarted = performance.now();
    const expected = new Map<string, number>();
    const counters = await loadRows(client, size, (n) => {
      const item = scheduledJobToItem(benchScheduledJob(n, start));
      return { item, slots: scheduledJobCounterSlots(item) };
    });
    const loaded = performance.now() - loadStarted;
    const repairStarted = performance.now();
    const repaired = await scheduledJobs.repairCounts();
    const repairMs = performance.now() - repairStarted;
    const deps = { scheduledJobs, catalogue: new JobCatalogue([]) };
    const list = (filter: ScheduledJobFilter, request: ListRequest) =>
      Promise.all([
        readPage((page) => scheduledJobs.list(filter, page), request),
        countScheduledJobs(deps, admin, filter),
      ]);
    const time = async (filter: ScheduledJobFilter, request: () => Promise<ListRequest>) => {
      const samples: number[] = [];
      for (let r = 0; r < REPEATS; r += 1) {
        const ready = await request();
        const t0 = performance.now();
        const [, count] = await list(filter, ready);
        samples.push(performance.now() - t0);
        const key = JSON.stringify(filter);
        if (!expected.has(key)) expected.set(key, count);
        if (count !== expected.get(key))
          throw new Error(`count ${count} for ${key}, then ${expected.get(key)}`);
      }
      return median(samples);
    };
    const cursorAfter = async (filter: ScheduledJobFilter, pages: number) => {
      let cursor: string | undefined;
      for (let page = 0; page < pages; page += 1)
        cursor = (await list(filter, { limit: 50, cursor }))[0].next;
      return cursor;
    };
    const all: ScheduledJobFilter = {};
    const next2 = await cursorAfter(all, 1);
    const next10 = await cursorAfter(all, 9);
    const allCount = await countScheduledJobs(deps, admin, all);
    if (allCount !== size) throw new Error(`count ${allCount}, expected ${size}`);
    rows[size] = {
      'all, first page (?limit=50)': await time(all, async () => ({ limit: 50 })),
      'all, next link, page 2': await time(all, async () => ({ limit: 50, offset: 50, cursor: next2 })),
      'all, next link, page 10': await time(all, async () => ({ limit: 50, offset: 450, cursor: next10 })),
      '?enabled=false': await time({ enabled: false }, async () => ({ limit: 50 })),
      '?user=user3': await time({ user: 'user3' }, async () => ({ limit: 50 })),
      '?job=local/b/Three': await time({ jobPath: 'local/b/Three' }, async () => ({ limit: 50 })),
      'queue (?approval_required=true&approved=false)': await time(
        { approvalRequired: true, approved: false },
        async () => ({ limit: 50 }),
      ),
      '?approval_required=true (3 states merged)': await time({ approvalRequired: true }, async () => ({
        limit: 50,
      })),
    };
    console.log(
      `  ${size} rows: loaded in ${(loaded / 1000).toFixed(1)} s; a repair pass recounted ${counters} counters ` +
        `(${repaired} corrected) in ${(repairMs / 1000).toFixed(1)} s`,
    );
    await dynamodb.close();
  }
  printRatios(rows, sizes);
}

const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
if (only === undefined || only === 'results') await nautobotPagination();
if (only === undefined || only === 'scheduled-jobs') await scheduledJobPagination();

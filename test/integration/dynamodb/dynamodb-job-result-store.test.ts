import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbJobResultStore } from '../../../lambdas/adapters/dynamodb/dynamodb-job-result-store';
import { MAX_LOG_BYTES } from '../../../lambdas/adapters/dynamodb/job-result-logs';
import { BadRequestError, ConflictError, NotFoundError, StaleStateError } from '../../../lambdas/core/errors';
import {
  type JobResult,
  type JobResultFilter,
  type JobResultStatus,
  MAX_LOG_LINES,
  MAX_LOG_MESSAGE_LENGTH,
} from '../../../lambdas/core/job-results';
import type { LogLine } from '../../../lambdas/core/jobs';
import { type LocalDynamoDb, startDynalite } from '../../support/dynalite';
import { tamper, walkForwardAndBack } from './paging';

const JOB_A = 'local/example/JobA';
/** Shares JOB_A's path as a prefix: a job filter must not match it. */
const JOB_AB = 'local/example/JobAB';
const T0 = Date.UTC(2025, 0, 1);

let clock = 0;
function aJobResult(overrides: Partial<JobResult> = {}): JobResult {
  clock += 1;
  return {
    id: randomUUID(),
    jobPath: JOB_A,
    name: 'JobA',
    status: 'PENDING',
    user: 'alice',
    dryrun: false,
    dateCreated: new Date(T0 + clock * 1000).toISOString(),
    logs: [],
    ...overrides,
  };
}

function logLines(count: number, message = (i: number) => `line ${i}`): LogLine[] {
  return Array.from({ length: count }, (_, i) => ({
    level: 'info',
    message: message(i),
    time: new Date(T0 + i).toISOString(),
  }));
}

/** The order the lists promise: newest first, then by id. */
function newestFirst(results: readonly JobResult[]): string[] {
  return [...results]
    .sort((a, b) => (`${a.dateCreated}#${a.id}` < `${b.dateCreated}#${b.id}` ? 1 : -1))
    .map((result) => result.id);
}

describe('Class: DynamoDbJobResultStore', () => {
  let db: LocalDynamoDb;
  let store: DynamoDbJobResultStore;

  beforeAll(async () => {
    db = await startDynalite();
    store = new DynamoDbJobResultStore({ client: db.docClient, tableName: db.tableName });
  });

  afterAll(async () => {
    await db.close();
  });

  async function started(overrides: Partial<JobResult> = {}): Promise<JobResult> {
    const result = aJobResult(overrides);
    await store.create(result);
    return store.markStarted(result.id, 'execution-1', new Date(T0 + 60_000).toISOString());
  }

  describe('Method: create', () => {
    it('stores a result that get returns unchanged', async () => {
      // Prepare
      const result = aJobResult({
        data: { count: 3, nested: { deep: [1, 'two', null] }, big: 2 ** 60 },
        scheduledJob: 'scheduled-1',
        output: { answer: 42, list: [true, null] },
        execution: undefined,
        logs: logLines(2),
      });

      // Act
      await store.create(result);

      // Assess
      expect(await store.get(result.id)).toEqual(result);
    });

    it('fails with ConflictError when the id is taken, and keeps the first result', async () => {
      // Prepare
      const first = aJobResult();
      await store.create(first);

      // Act
      const second = store.create({ ...first, name: 'Other' });

      // Assess
      await expect(second).rejects.toThrow(ConflictError);
      expect(await store.get(first.id)).toEqual(first);
    });
  });

  describe('Method: get', () => {
    it('returns undefined for an unknown id', async () => {
      // Act
      const result = await store.get(randomUUID());

      // Assess
      expect(result).toBeUndefined();
    });
  });

  describe('Method: markStarted', () => {
    it('moves a PENDING result to STARTED for the execution', async () => {
      // Prepare
      const result = aJobResult();
      await store.create(result);
      const at = new Date(T0 + 5_000_000).toISOString();

      // Act
      const updated = await store.markStarted(result.id, 'execution-1', at);

      // Assess
      expect(updated).toEqual({ ...result, status: 'STARTED', execution: 'execution-1', dateStarted: at });
      expect(await store.get(result.id)).toEqual(updated);
    });

    it('is a no-op when repeated for the same execution', async () => {
      // Prepare
      const first = await started();

      // Act
      const repeated = await store.markStarted(
        first.id,
        'execution-1',
        new Date(T0 + 9_999_999).toISOString(),
      );

      // Assess
      expect(repeated).toEqual(first);
    });

    it('throws StaleStateError for another execution of a STARTED result', async () => {
      // Prepare
      const result = await started();

      // Act
      const attempt = store.markStarted(result.id, 'execution-2', result.dateCreated);

      // Assess
      await expect(attempt).rejects.toThrow(StaleStateError);
      expect(await store.get(result.id)).toEqual(result);
    });

    it.each<JobResultStatus>(['SUCCESS', 'FAILURE', 'REVOKED'])(
      'throws StaleStateError for a %s result',
      async (status) => {
        // Prepare
        const result = aJobResult({ status });
        await store.create(result);

        // Act
        const attempt = store.markStarted(result.id, 'execution-1', result.dateCreated);

        // Assess
        await expect(attempt).rejects.toThrow(StaleStateError);
      },
    );

    it('throws NotFoundError for an unknown id', async () => {
      // Act
      const attempt = store.markStarted(randomUUID(), 'execution-1', new Date(T0).toISOString());

      // Assess
      await expect(attempt).rejects.toThrow(NotFoundError);
    });

    it('lets exactly one of several concurrent executions start the result', async () => {
      // Prepare
      const result = aJobResult();
      await store.create(result);
      const executions = Array.from({ length: 8 }, (_, i) => `execution-${i}`);

      // Act
      const outcomes = await Promise.allSettled(
        executions.map((execution) => store.markStarted(result.id, execution, new Date(T0).toISOString())),
      );

      // Assess
      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const losers = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(winners).toHaveLength(1);
      for (const loser of losers) expect(loser.reason).toBeInstanceOf(StaleStateError);
      const stored = await store.get(result.id);
      expect(stored?.execution).toBe(winners[0]?.value.execution);
    });
  });

  describe('Method: finish', () => {
    it('moves a STARTED result to SUCCESS with its output', async () => {
      // Prepare
      const result = await started();
      const at = new Date(T0 + 7_000_000).toISOString();

      // Act
      const finished = await store.finish(result.id, { status: 'SUCCESS', output: { rows: 3 } }, at);

      // Assess
      expect(finished).toEqual({ ...result, status: 'SUCCESS', output: { rows: 3 }, dateDone: at });
      expect(await store.get(result.id)).toEqual(finished);
    });

    it('moves a PENDING result to REVOKED with its error', async () => {
      // Prepare
      const result = aJobResult();
      await store.create(result);

      // Act
      const finished = await store.finish(
        result.id,
        { status: 'REVOKED', error: 'Denied.' },
        result.dateCreated,
      );

      // Assess
      expect(finished).toMatchObject({ status: 'REVOKED', error: 'Denied.', dateDone: result.dateCreated });
    });

    it('keeps a null output apart from no output', async () => {
      // Prepare
      const result = await started();

      // Act
      const finished = await store.finish(result.id, { status: 'SUCCESS', output: null }, result.dateCreated);

      // Assess
      expect(finished.output).toBeNull();
    });

    it('is a no-op when the same outcome is repeated', async () => {
      // Prepare
      const result = await started();
      const first = await store.finish(result.id, { status: 'FAILURE', error: 'Boom.' }, result.dateCreated);

      // Act
      const repeated = await store.finish(
        result.id,
        { status: 'FAILURE', error: 'Boom again.', output: 'late' },
        new Date(T0 + 9_999_999).toISOString(),
      );

      // Assess
      expect(repeated).toEqual(first);
    });

    it('throws StaleStateError when finishing a finished result differently', async () => {
      // Prepare
      const result = await started();
      const first = await store.finish(result.id, { status: 'SUCCESS' }, result.dateCreated);

      // Act
      const attempt = store.finish(result.id, { status: 'FAILURE', error: 'Late.' }, result.dateCreated);

      // Assess
      await expect(attempt).rejects.toThrow(StaleStateError);
      expect(await store.get(result.id)).toEqual(first);
    });

    it('throws NotFoundError for an unknown id', async () => {
      // Act
      const attempt = store.finish(randomUUID(), { status: 'SUCCESS' }, new Date(T0).toISOString());

      // Assess
      await expect(attempt).rejects.toThrow(NotFoundError);
    });

    it('lets exactly one of several concurrent, different outcomes win', async () => {
      // Prepare
      const result = await started();
      const outcomes = [
        { status: 'SUCCESS' as const },
        { status: 'FAILURE' as const, error: 'Failed.' },
        { status: 'REVOKED' as const, error: 'Revoked.' },
      ];

      // Act
      const settled = await Promise.allSettled(
        outcomes.map((outcome) => store.finish(result.id, outcome, result.dateCreated)),
      );

      // Assess
      const winners = settled.filter((outcome) => outcome.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const loser of settled.filter((outcome) => outcome.status === 'rejected')) {
        expect(loser.reason).toBeInstanceOf(StaleStateError);
      }
      expect((await store.get(result.id))?.status).toBe(winners[0]?.value.status);
    });

    it('throws StaleStateError when starting a finished result', async () => {
      // Prepare
      const result = await started();
      await store.finish(result.id, { status: 'SUCCESS' }, result.dateCreated);

      // Act
      const attempt = store.markStarted(result.id, 'execution-1', result.dateCreated);

      // Assess
      await expect(attempt).rejects.toThrow(StaleStateError);
    });
  });

  describe('Method: abandon', () => {
    it('fails a PENDING result whose start was refused', async () => {
      // Prepare
      const result = aJobResult();
      await store.create(result);

      // Act
      const abandoned = await store.abandon(result.id, 'not started', '2026-11-25T12:00:09.000Z');

      // Assess
      expect(abandoned).toBe(true);
      expect(await store.get(result.id)).toMatchObject({ status: 'FAILURE', error: 'not started' });
      expect((await store.list({ status: 'FAILURE' }, { limit: 1000 })).items.map((r) => r.id)).toContain(
        result.id,
      );
    });

    it('leaves a result whose run did start, and a missing one, alone', async () => {
      // Prepare
      const result = await started();

      // Act & Assess
      expect(await store.abandon(result.id, 'not started', '2026-11-25T12:00:09.000Z')).toBe(false);
      expect((await store.get(result.id))?.status).toBe('STARTED');
      expect(
        await store.abandon('00000000-0000-4000-8000-00000000dead', 'x', '2026-11-25T12:00:09.000Z'),
      ).toBe(false);
    });
  });

  describe('Method: appendLogs', () => {
    it('appends lines in order while the result is STARTED', async () => {
      // Prepare
      const result = await started();
      const lines = logLines(5);

      // Act
      await store.appendLogs(result.id, lines.slice(0, 2));
      await store.appendLogs(result.id, lines.slice(2));

      // Assess
      expect((await store.get(result.id))?.logs).toEqual(lines);
    });

    it('cuts messages longer than MAX_LOG_MESSAGE_LENGTH', async () => {
      // Prepare
      const result = await started();

      // Act
      await store.appendLogs(
        result.id,
        logLines(1, () => 'x'.repeat(MAX_LOG_MESSAGE_LENGTH * 2)),
      );

      // Assess
      const [line] = (await store.get(result.id))?.logs ?? [];
      expect(line?.message).toHaveLength(MAX_LOG_MESSAGE_LENGTH);
      expect(line?.message.endsWith('…')).toBe(true);
    });

    it.each<JobResultStatus>(['PENDING', 'SUCCESS'])(
      'throws StaleStateError for a %s result',
      async (status) => {
        // Prepare
        const result = aJobResult({ status });
        await store.create(result);

        // Act
        const attempt = store.appendLogs(result.id, logLines(1));

        // Assess
        await expect(attempt).rejects.toThrow(StaleStateError);
        expect((await store.get(result.id))?.logs).toEqual([]);
      },
    );

    it('throws NotFoundError for an unknown id', async () => {
      // Act
      const attempt = store.appendLogs(randomUUID(), logLines(1));

      // Assess
      await expect(attempt).rejects.toThrow(NotFoundError);
    });

    it('keeps at most MAX_LOG_LINES lines, the last one a single truncation notice', async () => {
      // Prepare
      const result = await started();
      const lines = logLines(MAX_LOG_LINES + 50);
      await store.appendLogs(result.id, lines.slice(0, MAX_LOG_LINES - 10));

      // Act
      await store.appendLogs(result.id, lines.slice(MAX_LOG_LINES - 10, MAX_LOG_LINES + 20));
      await store.appendLogs(result.id, lines.slice(MAX_LOG_LINES + 20));

      // Assess
      const logs = (await store.get(result.id))?.logs ?? [];
      expect(logs).toHaveLength(MAX_LOG_LINES);
      expect(logs.slice(0, MAX_LOG_LINES - 1)).toEqual(lines.slice(0, MAX_LOG_LINES - 1));
      expect(logs.at(-1)).toMatchObject({
        level: 'warning',
        message: expect.stringMatching(/^Log truncated: /),
      });
    });

    it('keeps the log within MAX_LOG_BYTES however long the lines', async () => {
      // Prepare
      const result = await started();
      const long = logLines(300, (i) => `${i} ${'y'.repeat(MAX_LOG_MESSAGE_LENGTH)}`);

      // Act
      for (let i = 0; i < long.length; i += 25) await store.appendLogs(result.id, long.slice(i, i + 25));

      // Assess
      const logs = (await store.get(result.id))?.logs ?? [];
      const bytes = logs.reduce((sum, line) => sum + Buffer.byteLength(line.message), 0);
      expect(bytes).toBeLessThanOrEqual(MAX_LOG_BYTES);
      expect(logs.filter((line) => line.message.startsWith('Log truncated: '))).toHaveLength(1);
      expect(logs.at(-1)?.message).toMatch(/^Log truncated: /);
    });

    it('keeps what fits of one batch larger than the whole log', async () => {
      // Prepare
      const result = await started();
      const lines = logLines(MAX_LOG_LINES * 3);

      // Act
      await store.appendLogs(result.id, lines);

      // Assess
      const logs = (await store.get(result.id))?.logs ?? [];
      expect(logs).toHaveLength(MAX_LOG_LINES);
      expect(logs.slice(0, -1)).toEqual(lines.slice(0, MAX_LOG_LINES - 1));
      expect(logs.at(-1)?.message).toMatch(/^Log truncated: /);
    });

    it('holds the cap and writes one notice when concurrent appends overflow it', async () => {
      // Prepare
      const result = await started();
      await store.appendLogs(result.id, logLines(MAX_LOG_LINES - 20));
      const batches = Array.from({ length: 6 }, (_, batch) =>
        logLines(10, (i) => `batch ${batch} line ${i}`),
      );

      // Act
      await Promise.all(batches.map((batch) => store.appendLogs(result.id, batch)));

      // Assess
      const logs = (await store.get(result.id))?.logs ?? [];
      expect(logs).toHaveLength(MAX_LOG_LINES);
      expect(logs.filter((line) => line.message.startsWith('Log truncated: '))).toHaveLength(1);
      expect(logs.at(-1)?.message).toMatch(/^Log truncated: /);
    });
  });

  describe('Method: list', () => {
    let listed: DynamoDbJobResultStore;
    let seeded: JobResult[];

    beforeAll(async () => {
      listed = new DynamoDbJobResultStore({ client: db.docClient, tableName: await db.newTable() });
      // 10 of JOB_A/SUCCESS, 10 of JOB_A/FAILURE, 10 of JOB_AB/SUCCESS, interleaved in time; a few share a
      // creation time, so the id decides their order.
      seeded = Array.from({ length: 30 }, (_, i) => {
        const kind = i % 3;
        return aJobResult({
          jobPath: kind === 2 ? JOB_AB : JOB_A,
          status: kind === 1 ? 'FAILURE' : 'SUCCESS',
          dateCreated: new Date(T0 + Math.floor(i / 2) * 1000).toISOString(),
        });
      });
      for (const result of seeded) await listed.create(result);
    });

    it.each<[string, JobResultFilter]>([
      ['no filter', {}],
      ['job', { jobPath: JOB_A }],
      ['status', { status: 'SUCCESS' }],
      ['job and status', { jobPath: JOB_A, status: 'SUCCESS' }],
    ])('pages newest first through 2.5 pages, forward and back, with %s', async (_, filter) => {
      // Prepare
      const expected = newestFirst(
        seeded.filter(
          (result) =>
            (filter.jobPath === undefined || result.jobPath === filter.jobPath) &&
            (filter.status === undefined || result.status === filter.status),
        ),
      );
      const limit = (expected.length * 2) / 5;

      // Act
      const pages = await walkForwardAndBack((page) => listed.list(filter, page), limit);

      // Assess
      expect(pages.map((page) => page.length)).toEqual([limit, limit, limit / 2]);
      expect(pages.flat().map((result) => result.id)).toEqual(expected);
    });

    it('returns one page without links when everything fits', async () => {
      // Act
      const page = await listed.list({ jobPath: JOB_AB }, { limit: 10 });

      // Assess
      expect(page.items).toHaveLength(10);
      expect(page.next).toBeUndefined();
      expect(page.previous).toBeUndefined();
    });

    it('returns nothing for statuses and jobs without results', async () => {
      // Act
      const [pending, unknownJob, hashInJob] = await Promise.all([
        listed.list({ status: 'PENDING' }, { limit: 10 }),
        listed.list({ jobPath: 'local/example/Job', status: 'SUCCESS' }, { limit: 10 }),
        listed.list({ jobPath: `${JOB_A}#2025`, status: 'SUCCESS' }, { limit: 10 }),
      ]);

      // Assess
      expect(pending).toEqual({ items: [], next: undefined, previous: undefined });
      expect(unknownJob.items).toEqual([]);
      expect(hashInJob.items).toEqual([]);
    });

    it('follows status transitions between the status lists', async () => {
      // Prepare
      const own = new DynamoDbJobResultStore({ client: db.docClient, tableName: await db.newTable() });
      const result = aJobResult();
      await own.create(result);
      const ids = async (filter: JobResultFilter) =>
        (await own.list(filter, { limit: 10 })).items.map((item) => item.id);

      // Act
      await own.markStarted(result.id, 'execution-1', result.dateCreated);
      const whileStarted = [
        await ids({ status: 'PENDING' }),
        await ids({ jobPath: JOB_A, status: 'STARTED' }),
      ];
      await own.finish(result.id, { status: 'SUCCESS' }, result.dateCreated);
      const whenDone = [await ids({ status: 'STARTED' }), await ids({ jobPath: JOB_A, status: 'SUCCESS' })];

      // Assess
      expect(whileStarted).toEqual([[], [result.id]]);
      expect(whenDone).toEqual([[], [result.id]]);
    });

    it('answers a next cursor past what is left of a shrunk list with its last page', async () => {
      // Prepare
      const own = new DynamoDbJobResultStore({ client: db.docClient, tableName: await db.newTable() });
      const results = Array.from({ length: 5 }, () => aJobResult());
      for (const result of results) await own.create(result);
      const first = await own.list({ status: 'PENDING' }, { limit: 3 });
      for (const result of results.slice(0, 2))
        await own.markStarted(result.id, 'execution-1', result.dateCreated);

      // Act
      const page = await own.list({ status: 'PENDING' }, { limit: 3, cursor: first.next });

      // Assess
      expect(page.items.map((item) => item.id)).toEqual(newestFirst(results.slice(2)));
      expect(page.next).toBeUndefined();
      expect(page.previous).toBeUndefined();
    });

    it('answers a previous cursor before what is left of a shrunk list with its first page', async () => {
      // Prepare
      const own = new DynamoDbJobResultStore({ client: db.docClient, tableName: await db.newTable() });
      const results = Array.from({ length: 5 }, () => aJobResult());
      for (const result of results) await own.create(result);
      const first = await own.list({ status: 'PENDING' }, { limit: 2 });
      const second = await own.list({ status: 'PENDING' }, { limit: 2, cursor: first.next });
      for (const result of results.slice(3))
        await own.markStarted(result.id, 'execution-1', result.dateCreated);

      // Act
      const page = await own.list({ status: 'PENDING' }, { limit: 2, cursor: second.previous });

      // Assess
      expect(page.items.map((item) => item.id)).toEqual(newestFirst(results.slice(1, 3)));
      expect(page.previous).toBeUndefined();
      expect(page.next).toBeDefined();
    });

    it('throws BadRequestError for a malformed or tampered cursor', async () => {
      // Prepare
      const filter = { jobPath: JOB_A, status: 'SUCCESS' as const };
      const { next } = await listed.list(filter, { limit: 2 });
      if (next === undefined) throw new Error('Expected a next page.');
      const cursors = [
        'not a cursor',
        Buffer.from('not json').toString('base64url'),
        Buffer.from('[1]').toString('base64url'),
        tamper(next, (c) => {
          c.v = 2;
        }),
        tamper(next, (c) => {
          c.dir = 'sideways';
        }),
        tamper(next, (c) => {
          c.extra = true;
        }),
        tamper(next, (c) => {
          c.q = 'AAAAAAAAAAAAAAAA';
        }),
        tamper(next, (c) => {
          (c.key as Record<string, unknown>).gsi4sk = 1;
        }),
        tamper(next, (c) => {
          (c.key as Record<string, unknown>).gsi4sk = '';
        }),
        tamper(next, (c) => {
          (c.key as Record<string, unknown>).other = 'x';
        }),
        tamper(next, (c) => {
          delete (c.key as Record<string, unknown>).pk;
        }),
        tamper(next, (c) => {
          (c.key as Record<string, unknown>).gsi4pk = 'RESULTS#STATUS#FAILURE';
        }),
        tamper(next, (c) => {
          (c.key as Record<string, unknown>).gsi4sk = `${JOB_AB}#2025-01-01T00:00:00.000Z#x`;
        }),
        tamper(next, (c) => {
          (c.key as Record<string, unknown>).sk = 'x'.repeat(2000);
        }),
      ];

      // Act
      const attempts = await Promise.allSettled(
        cursors.map((cursor) => listed.list(filter, { limit: 2, cursor })),
      );

      // Assess
      for (const attempt of attempts) {
        expect(attempt.status).toBe('rejected');
        if (attempt.status === 'rejected')
          expect(attempt.reason).toEqual(new BadRequestError('Invalid cursor.'));
      }
    });

    it('throws BadRequestError for a cursor from another list', async () => {
      // Prepare
      const { next } = await listed.list({ status: 'SUCCESS' }, { limit: 2 });

      // Act
      const attempts = [
        listed.list({ status: 'FAILURE' }, { limit: 2, cursor: next }),
        listed.list({ jobPath: JOB_A }, { limit: 2, cursor: next }),
        listed.list({}, { limit: 2, cursor: next }),
      ];

      // Assess
      for (const attempt of attempts) await expect(attempt).rejects.toThrow(BadRequestError);
    });

    it.each([0, -1, 1.5, 1001])('throws BadRequestError for a limit of %s', async (limit) => {
      // Act
      const attempt = listed.list({}, { limit });

      // Assess
      await expect(attempt).rejects.toThrow(BadRequestError);
    });

    describe('by scheduled job', () => {
      const SCHEDULED = 'scheduled-1';
      let own: DynamoDbJobResultStore;
      let runs: JobResult[];

      beforeAll(async () => {
        own = new DynamoDbJobResultStore({ client: db.docClient, tableName: await db.newTable() });
        // 12 runs of SCHEDULED (two jobs, two statuses, to exercise the filters on its partition), 6 of
        // another scheduled job and 6 immediate runs, interleaved in time.
        runs = Array.from({ length: 24 }, (_, i) =>
          aJobResult({
            scheduledJob: i % 2 === 0 ? SCHEDULED : i % 4 === 1 ? 'scheduled-2' : undefined,
            jobPath: i % 3 === 0 ? JOB_A : JOB_AB,
            status: i % 4 < 2 ? 'SUCCESS' : 'FAILURE',
            dateCreated: new Date(T0 + Math.floor(i / 2) * 1000).toISOString(),
          }),
        );
        for (const result of runs) await own.create(result);
      });

      it.each<[string, JobResultFilter]>([
        ['alone', { scheduledJob: SCHEDULED }],
        ['and a job', { scheduledJob: SCHEDULED, jobPath: JOB_A }],
        ['and a status', { scheduledJob: SCHEDULED, status: 'FAILURE' }],
        ['and a job and a status', { scheduledJob: SCHEDULED, jobPath: JOB_AB, status: 'SUCCESS' }],
        ['of another scheduled job', { scheduledJob: 'scheduled-2' }],
      ])('pages newest first through the runs of a scheduled job %s, forward and back', async (_, filter) => {
        // Prepare
        const expected = newestFirst(
          runs.filter(
            (result) =>
              result.scheduledJob === filter.scheduledJob &&
              (filter.jobPath === undefined || result.jobPath === filter.jobPath) &&
              (filter.status === undefined || result.status === filter.status),
          ),
        );

        // Act
        const forward: JobResult[] = [];
        let page = await own.list(filter, { limit: 2 });
        forward.push(...page.items);
        while (page.next !== undefined) {
          page = await own.list(filter, { limit: 2, cursor: page.next });
          forward.push(...page.items);
        }
        const backward: JobResult[] = [...page.items];
        while (page.previous !== undefined) {
          page = await own.list(filter, { limit: 2, cursor: page.previous });
          backward.unshift(...page.items);
        }

        // Assess
        expect(expected.length).toBeGreaterThan(0);
        expect(forward.map((result) => result.id)).toEqual(expected);
        expect(backward.map((result) => result.id)).toEqual(expected);
      });

      it('returns nothing for a scheduled job without runs', async () => {
        // Act
        const page = await own.list({ scheduledJob: 'scheduled-none', status: 'SUCCESS' }, { limit: 10 });

        // Assess
        expect(page).toEqual({ items: [], next: undefined, previous: undefined });
      });

      it('throws BadRequestError for a cursor of the same scheduled job with another filter', async () => {
        // Prepare
        const { next } = await own.list({ scheduledJob: SCHEDULED }, { limit: 2 });

        // Act
        const attempt = own.list({ scheduledJob: SCHEDULED, status: 'SUCCESS' }, { limit: 2, cursor: next });

        // Assess
        await expect(attempt).rejects.toThrow(BadRequestError);
      });
    });
  });

  describe('Method: listUnfinished', () => {
    it('pages through PENDING and STARTED results together, oldest first, forward and back', async () => {
      // Prepare
      const own = new DynamoDbJobResultStore({ client: db.docClient, tableName: await db.newTable() });
      const results = Array.from({ length: 15 }, (_, i) =>
        aJobResult({ status: (['PENDING', 'STARTED', 'SUCCESS'] as const)[i % 3] }),
      );
      for (const result of results) await own.create(result);
      const expected = results.filter((result) => result.status !== 'SUCCESS').map((result) => result.id);

      // Act
      const pages = await walkForwardAndBack((page) => own.listUnfinished(page), 4);

      // Assess
      expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
      expect(pages.flat().map((result) => result.id)).toEqual(expected);
    });

    it('throws BadRequestError for a cursor of another list', async () => {
      // Prepare
      await store.create(aJobResult());
      await store.create(aJobResult());
      const { next } = await store.list({ status: 'PENDING' }, { limit: 1 });

      // Act
      const attempt = store.listUnfinished({ limit: 1, cursor: next });

      // Assess
      await expect(attempt).rejects.toThrow(BadRequestError);
    });
  });
});

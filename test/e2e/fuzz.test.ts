/**
 * Generated hostile requests against the real local server (dynalite, the real workflow): every
 * declared route and method plus undeclared ones, with malformed JSON, wrong types, prototype-named
 * keys at every level, deep nesting, huge and unicode strings, bad ids, bad query values, and bad,
 * revoked and read-only tokens. No answer may be a 5xx, every error must be JSON, and a refused
 * request must not change the store. Prints its figures (requests, statuses, RSS growth). The same
 * requests are then sent to the server started by `npm start` (data on disk), whose resident memory
 * alone is measured: the in-process figure also holds the client, fast-check and the in-memory
 * database. Each reading of the server's memory follows the collection of all its garbage (see
 * test/support/gc-on-signal.mjs), so that it shows what the server holds, not where V8's garbage
 * happened to be. The growth that has a goal is counted from after a warm-up (at least 500 requests,
 * and until every route has had each of its methods), so that what is built once is not counted as
 * growth; the growth since start is printed beside it. (This found dynalite leaving a LevelDB iterator
 * open per Query and Scan, ~1.2 KiB a request here: local/dynalite-iterator-close.ts.)
 *
 * FUZZ_REQUESTS sets the number of requests (default 5,000); FUZZ_SEED replays a run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { queryObjects } from 'node:v8';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../local/data-dir-lock';
import { ADMIN_TOKEN, ApiClient, startTestServer } from '../support/local-server';
import { type ServerProcess, spawnServer } from '../support/server-process';

// All garbage collected before each memory reading, so that RSS growth is what stays: the collection
// V8 makes under memory pressure, which v8.queryObjects() makes before it counts (none, here).
class NeverInstantiated {}
const collectGarbage = () => queryObjects(NeverInstantiated, { format: 'count' });

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

let server: Awaited<ReturnType<typeof startTestServer>>;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  // No timers: the only writes during a request are the request's own.
  server = await startTestServer({ startScheduler: false });
  const api = server.api;
  const user = async (username: string, permissions: string[], writeEnabled = true) => {
    await api.post('/api/users/users/', { username, permissions });
    const token = await api.post('/api/users/tokens/', { user: username, write_enabled: writeEnabled });
    return token.body as { key: string; id: string };
  };
  tokens.admin = ADMIN_TOKEN;
  tokens.viewer = (await user('vera', ['view'])).key;
  tokens.readOnly = (await user('rory', ['view', 'run'], false)).key;
  const revoked = await user('rex', ['view', 'run']);
  await api.request('DELETE', `/api/users/tokens/${revoked.id}/`);
  tokens.revoked = revoked.key;
  ids.token = (await user('tina', ['view'])).id;
  const scheduled = await api.post('/api/extras/jobs/local/example/RotateCredentials/run/', {
    data: { service: 'db' },
    schedule: { name: 'fuzz target', interval: 'future', start_time: '2031-01-01T00:00:00Z' },
  });
  ids.scheduledJob = scheduled.body.scheduled_job.id;
  const run = await api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {});
  ids.jobResult = run.body.job_result.id;
  await server.workflow.idle();
});

afterAll(async () => {
  await server?.close();
});

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
const FIELD_KEYS = [
  'data',
  'schedule',
  'dryrun',
  'name',
  'interval',
  'start_time',
  'crontab',
  'time_zone',
  'enabled',
  'comment',
  'username',
  'permissions',
  'is_superuser',
  'user',
  'write_enabled',
  'expires',
  'description',
  'numbers',
  'round',
  'service',
  'job_id',
  'task_queue',
];

const hugeString = fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n));
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', '../../etc/passwd', '%00', '💥'.repeat(50), 'NaN', '1e309', '-1'),
  hugeString,
);
const key = fc.oneof(fc.constantFrom(...PROTO_KEYS, ...FIELD_KEYS), fc.string({ maxLength: 12 }));
const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;
/** A valid-looking run or schedule body with one part replaced by something hostile. */
const shapedBody = fc.record(
  {
    data: fc.oneof(value, fc.dictionary(key, value, { maxKeys: 4 })),
    schedule: fc.oneof(
      value,
      fc.record(
        {
          name: value,
          interval: fc.oneof(
            fc.constantFrom('immediately', 'future', 'hourly', 'daily', 'weekly', 'custom'),
            value,
          ),
          start_time: fc.oneof(fc.constantFrom('2031-01-01T00:00:00Z', '2020-01-01T00:00:00Z'), value),
          crontab: fc.oneof(fc.constantFrom('*/5 * * * *', '61 * * * *'), value),
          time_zone: fc.oneof(fc.constantFrom('UTC', 'Mars/Olympus'), value),
        },
        { requiredKeys: [] },
      ),
    ),
    enabled: value,
    username: value,
    permissions: value,
    user: value,
    comment: value,
  },
  { requiredKeys: [] },
);
const deep = fc
  .tuple(fc.integer({ min: 20, max: 120_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : '}';
    return `{"schedule":{"name":"n","interval":${open.repeat(depth)}1${close.repeat(depth)}}}`;
  });
const malformed = fc.oneof(
  fc.string(),
  fc.constantFrom('{', '{"a":}', '[1,2', 'nul', '{"a":1,}', '"\\ud800"', '{}}', '\u0000{}'),
);
/** Prototype-named keys at every level of a JSON document (raw, so `__proto__` stays a key). */
const protoAtEveryLevel = fc
  .tuple(fc.constantFrom(...PROTO_KEYS), fc.integer({ min: 1, max: 4 }))
  .map(([name, depth]) => {
    let body = `{"${name}":1}`;
    for (let level = 1; level < depth; level += 1) body = `{"${name}":${body},"data":${body}}`;
    return body;
  });
const rawBody = fc.oneof(
  { arbitrary: shapedBody.map((b) => JSON.stringify(b)), weight: 4 },
  { arbitrary: value.map((v) => JSON.stringify(v) ?? 'null'), weight: 2 },
  { arbitrary: protoAtEveryLevel, weight: 2 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: malformed, weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const ROUTES: readonly { readonly methods: readonly string[]; readonly path: string }[] = [
  { methods: ['GET'], path: '/api/' },
  { methods: ['GET'], path: '/api/extras/' },
  { methods: ['GET'], path: '/api/users/' },
  { methods: ['GET'], path: '/api/status/' },
  { methods: ['GET'], path: '/api/openapi.json' },
  { methods: ['GET'], path: '/api/docs/' },
  { methods: ['GET'], path: '/api/docs/{asset}' },
  { methods: ['GET'], path: '/api/extras/jobs/' },
  { methods: ['GET'], path: '/api/extras/jobs/{job}/' },
  { methods: ['POST'], path: '/api/extras/jobs/{job}/run/' },
  { methods: ['GET'], path: '/api/extras/job-results/' },
  { methods: ['GET'], path: '/api/extras/job-results/{result}/' },
  { methods: ['GET'], path: '/api/extras/job-results/{result}/logs/' },
  { methods: ['GET'], path: '/api/extras/scheduled-jobs/' },
  { methods: ['GET'], path: '/api/extras/scheduled-jobs/preview/' },
  { methods: ['GET', 'PATCH', 'DELETE'], path: '/api/extras/scheduled-jobs/{scheduled}/' },
  { methods: ['POST'], path: '/api/extras/scheduled-jobs/{scheduled}/approve/' },
  { methods: ['POST'], path: '/api/extras/scheduled-jobs/{scheduled}/deny/' },
  { methods: ['POST'], path: '/api/extras/scheduled-jobs/{scheduled}/dry-run/' },
  { methods: ['GET', 'POST'], path: '/api/users/users/' },
  { methods: ['GET'], path: '/api/users/users/{username}/' },
  { methods: ['GET', 'POST'], path: '/api/users/tokens/' },
  { methods: ['GET', 'DELETE'], path: '/api/users/tokens/{token}/' },
];

const badId = fc.oneof(
  fc.string({ minLength: 1 }).map(encodeURIComponent),
  fc.constantFrom('%', '%E0%A4%A', '..', '%2e%2e', '__proto__', 'constructor', 'a'.repeat(5000), '%00'),
  fc.uuid(),
);
const pathFor = (template: string) =>
  fc
    .record({
      job: fc.oneof(
        fc.constantFrom(
          'local/example/AddNumbers',
          'local/example/MyJobWithNoVars',
          'local/example/RotateCredentials',
        ),
        badId,
      ),
      result: fc.oneof(fc.constant(ids.jobResult as string), badId),
      scheduled: fc.oneof(fc.constant(ids.scheduledJob as string), badId),
      username: fc.oneof(fc.constantFrom('vera', 'admin'), badId),
      token: fc.oneof(fc.constant(ids.token as string), badId),
      asset: fc.oneof(fc.constantFrom('swagger-ui.css', 'swagger-ui-bundle.js'), badId),
    })
    .map((parts) => template.replace(/\{(\w+)\}/g, (_, name: string) => parts[name as keyof typeof parts]));

const query = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.oneof(
        fc.constantFrom(
          'limit',
          'offset',
          'cursor',
          'status',
          'job',
          'enabled',
          'approved',
          'count',
          'force',
        ),
        fc.constantFrom(...PROTO_KEYS),
        fc.string({ maxLength: 8 }),
      ),
      fc.oneof(
        {
          arbitrary: fc.constantFrom('-1', '0', '1', '1001', 'abc', 'true', 'SUCCESS', '1e9', ''),
          weight: 6,
        },
        { arbitrary: fc.string(), weight: 3 },
        // Past Node's 16 KB header limit now and then: a 431, as JSON.
        { arbitrary: hugeString, weight: 1 },
      ),
      { maxKeys: 3 },
    )
    .map((params) => `?${new URLSearchParams(params).toString()}`),
);

const request = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    // Mostly the route's own methods; one request in six tries another.
    otherMethod: fc.oneof(
      { arbitrary: fc.constant(null), weight: 5 },
      { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), weight: 1 },
    ),
    caller: fc.constantFrom(
      'admin',
      'admin',
      'admin',
      'admin',
      'viewer',
      'readOnly',
      'revoked',
      'bad',
      'none',
    ),
    body: rawBody,
    query,
    contentType: fc.constantFrom(
      'application/json',
      'text/plain',
      'application/json; charset=utf-8',
      undefined,
    ),
    accept: fc.constantFrom(
      undefined,
      undefined,
      undefined,
      'application/json; indent=4',
      'application/json; version=2.4',
      'application/json; version=9.9',
      'text/html',
    ),
  })
  .chain((parts) => pathFor(parts.route.path).map((path) => ({ ...parts, path })));

interface Figures {
  requests: number;
  byStatus: Map<number, number>;
  refusedWrites: number;
}

describe('Fuzzing the HTTP API', () => {
  it(`answers ${REQUESTS} generated requests with no 5xx, JSON errors and no write on refusal`, async () => {
    const figures: Figures = { requests: 0, byStatus: new Map(), refusedWrites: 0 };
    const problems: string[] = [];
    // Memory is measured from after a warm-up (compiled code, caches, the first big buffers).
    const warmUp = Math.min(500, Math.floor(REQUESTS / 10));
    let rssBefore = process.memoryUsage().rss;
    let heapBefore = process.memoryUsage().heapUsed;
    let externalBefore = process.memoryUsage().external;
    const started = performance.now();

    await fc.assert(
      fc.asyncProperty(request, async (generated) => {
        const method =
          generated.otherMethod ?? fc.sample(fc.constantFrom(...generated.route.methods), 1)[0] ?? 'GET';
        const headers: Record<string, string> = {};
        if (generated.caller !== 'none') {
          headers.authorization = `Token ${generated.caller === 'bad' ? 'not-a-token' : tokens[generated.caller]}`;
        }
        if (generated.contentType !== undefined) headers['content-type'] = generated.contentType;
        if (generated.accept !== undefined) headers.accept = generated.accept;
        const withBody = method !== 'GET' && method !== 'HEAD' && generated.body !== undefined;

        // Nothing else may write while the request runs: earlier requests' runs finish first.
        await server.workflow.idle();
        const writesBefore = server.dynamodbAppliedWriteCount();
        const schedulesBefore = JSON.stringify(server.scheduler.list());
        const response = await fetch(`${server.url}${generated.path}${generated.query}`, {
          method,
          headers,
          ...(withBody ? { body: generated.body } : {}),
        });
        const body = await response.text();
        figures.requests += 1;
        if (figures.requests === warmUp) {
          collectGarbage();
          rssBefore = process.memoryUsage().rss;
          heapBefore = process.memoryUsage().heapUsed;
          externalBefore = process.memoryUsage().external;
        }
        figures.byStatus.set(response.status, (figures.byStatus.get(response.status) ?? 0) + 1);
        const where = `${method} ${generated.path}${generated.query.slice(0, 80)} (${generated.caller})`;
        if (response.status >= 500) problems.push(`${response.status} for ${where}: ${body.slice(0, 200)}`);
        if (response.status >= 400 && method !== 'HEAD') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(body);
          } catch {
            problems.push(`non-JSON ${response.status} for ${where}: ${body.slice(0, 100)}`);
          }
          if (parsed !== undefined && (parsed === null || typeof parsed !== 'object')) {
            problems.push(`error body not an object for ${where}`);
          }
        }
        if (response.status >= 400) {
          await server.workflow.idle();
          const wrote = server.dynamodbAppliedWriteCount() - writesBefore;
          if (wrote > 0 || JSON.stringify(server.scheduler.list()) !== schedulesBefore) {
            figures.refusedWrites += 1;
            problems.push(`${response.status} for ${where} changed the store (${wrote} writes)`);
          }
        }
        expect(problems).toEqual([]);
      }),
      { numRuns: REQUESTS, seed: SEED, endOnFailure: true },
    );

    collectGarbage();
    const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    const heapGrowthMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    const externalGrowthMiB = (process.memoryUsage().external - externalBefore) / 1024 / 1024;
    const seconds = (performance.now() - started) / 1000;
    const statuses = [...figures.byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    console.log(
      `[fuzz] ${figures.requests} requests in ${seconds.toFixed(1)} s (seed ${SEED}); statuses ${statuses}; ` +
        `5xx 0; refused requests that wrote ${figures.refusedWrites}; ` +
        `growth after ${warmUp} warm-up requests of this process (the server with the client, fast-check ` +
        `and vitest; the goal is the server process's own, below): RSS ${rssGrowthMiB.toFixed(1)} MiB, JS heap ${heapGrowthMiB.toFixed(1)} MiB, ` +
        `buffers ${externalGrowthMiB.toFixed(1)} MiB`,
    );
    expect(figures.requests).toBe(REQUESTS);
  }, 900_000);
});

describe('Fuzzing the server in a process of its own', () => {
  const MiB = 1024 * 1024;

  /** The server process's resident memory, from /proc (Linux), in MiB. */
  async function residentMiB(pid: number): Promise<number> {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (kib === undefined) throw new Error(`No VmRSS for process ${pid}`);
    return Number(kib) / 1024;
  }

  interface MemoryReading {
    /** Resident memory just before the collection: wherever V8's garbage sawtooth happened to be. */
    readonly beforeCollectionMiB: number;
    /** Resident memory after collecting all garbage: what the server holds. */
    readonly residentMiB: number;
    readonly heapMiB: number;
    readonly heapTotalMiB: number;
    /** The module loader thread's V8 heap (tsx's hooks run there), part of the resident memory. */
    readonly loaderHeapMiB: number;
  }

  /**
   * Has the server (through test/support/gc-on-signal.mjs) collect all its garbage, waits for its
   * answer, then reads its resident memory: what it holds, not garbage awaiting the next collection.
   */
  async function settledMemory(
    spawned: ServerProcess,
    pid: number,
    collection: number,
  ): Promise<MemoryReading> {
    const answer = new RegExp(`\\[gc-on-signal\\] collected ${collection} (\\{.*\\})`);
    const beforeCollectionMiB = await residentMiB(pid);
    const collected = new Promise<string>((resolve, reject) => {
      const onData = () => {
        const found = answer.exec(spawned.output());
        if (found?.[1] === undefined) return;
        spawned.child.stdout?.off('data', onData);
        resolve(found[1]);
      };
      spawned.child.stdout?.on('data', onData);
      spawned.exited.then((code) => reject(new Error(`The server exited (${code}) before it collected`)));
    });
    process.kill(pid, 'SIGUSR2');
    const heap = JSON.parse(await collected) as { heapUsed: number; heapTotal: number; loaderHeap: number };
    return {
      beforeCollectionMiB,
      residentMiB: await residentMiB(pid),
      heapMiB: heap.heapUsed / MiB,
      heapTotalMiB: heap.heapTotal / MiB,
      loaderHeapMiB: heap.loaderHeap / MiB,
    };
  }

  it(`keeps the server's own memory flat over ${REQUESTS} generated requests`, async () => {
    // Prepare: the server as `npm start` runs it, on a data directory on disk, with the same callers.
    // The requests are generated first: generating 10,000s takes longer than the server keeps an idle
    // connection open (5 s), and the client would reuse one the server had just closed.
    const generated = fc.sample(request, { numRuns: REQUESTS, seed: SEED });
    const methodOf = (each: (typeof generated)[number], index: number) =>
      each.otherMethod ?? each.route.methods[index % each.route.methods.length] ?? 'GET';
    // The warm-up: at least 500 requests, and on until every route has had each of its methods, so
    // that what is built once (compiled and optimised code, lazily made objects, the first large
    // buffers) is in the baseline and only what accumulates is in the growth.
    const unseen = new Set(
      ROUTES.flatMap((route) => route.methods.map((method) => `${method} ${route.path}`)),
    );
    let everyRouteAfter: number | undefined;
    for (const [index, each] of generated.entries()) {
      unseen.delete(`${methodOf(each, index)} ${each.route.path}`);
      if (unseen.size === 0) {
        everyRouteAfter = index + 1;
        break;
      }
    }
    const warmUp = Math.min(
      REQUESTS,
      Math.max(Math.min(500, Math.floor(REQUESTS / 10)), everyRouteAfter ?? REQUESTS),
    );
    const dataDir = await mkdtemp(join(tmpdir(), 'countersign-fuzz-'));
    const spawned = spawnServer({
      dataDir,
      viaNpm: true,
      env: {
        COUNTERSIGN_ADMIN_TOKEN: ADMIN_TOKEN,
        LOG_LEVEL: 'ERROR',
        NODE_OPTIONS: `--import ${pathToFileURL(join(import.meta.dirname, '..', 'support', 'gc-on-signal.mjs'))}`,
      },
    });
    try {
      const url = await spawned.running;
      // The server's own PID, from its data directory lock (npm runs it through a shell).
      const pid = Number.parseInt(await readFile(join(dataDir, LOCK_FILE_NAME), 'utf8'), 10);
      const atStart = await settledMemory(spawned, pid, 1);
      const api = new ApiClient(url);
      const own: Record<string, string> = { admin: ADMIN_TOKEN };
      const user = async (username: string, permissions: string[], writeEnabled = true) => {
        await api.post('/api/users/users/', { username, permissions });
        return (await api.post('/api/users/tokens/', { user: username, write_enabled: writeEnabled }))
          .body as {
          key: string;
          id: string;
        };
      };
      own.viewer = (await user('vera', ['view'])).key;
      own.readOnly = (await user('rory', ['view', 'run'], false)).key;
      const revoked = await user('rex', ['view', 'run']);
      await api.request('DELETE', `/api/users/tokens/${revoked.id}/`);
      own.revoked = revoked.key;
      let afterWarmUp = atStart;
      let serverErrors = 0;

      // Act
      for (const [index, each] of generated.entries()) {
        if (index === warmUp) afterWarmUp = await settledMemory(spawned, pid, 2);
        const method = methodOf(each, index);
        const headers: Record<string, string> = {};
        if (each.caller !== 'none') {
          headers.authorization = `Token ${each.caller === 'bad' ? 'not-a-token' : own[each.caller]}`;
        }
        if (each.contentType !== undefined) headers['content-type'] = each.contentType;
        if (each.accept !== undefined) headers.accept = each.accept;
        const withBody = method !== 'GET' && method !== 'HEAD' && each.body !== undefined;
        const response = await fetch(`${url}${each.path}${each.query}`, {
          method,
          headers,
          ...(withBody ? { body: each.body } : {}),
        }).catch((error: unknown) => {
          throw new Error(
            `Request ${index} (${method} ${each.path.slice(0, 80)}) failed: ${String(error)}; ` +
              `the server said:\n${spawned.output().slice(-2000)}`,
          );
        });
        await response.arrayBuffer();
        if (response.status >= 500) serverErrors += 1;
      }
      const atEnd = await settledMemory(spawned, pid, warmUp < REQUESTS ? 3 : 2);

      // Assess
      const mib = (value: number) => `${value.toFixed(1)} MiB`;
      const signed = (value: number) => `${value >= 0 ? '+' : ''}${mib(value)}`;
      const series = (of: (reading: MemoryReading) => number) =>
        [atStart, afterWarmUp, atEnd].map((reading) => of(reading).toFixed(1)).join(' → ');
      const covered =
        everyRouteAfter === undefined
          ? 'NOT every route'
          : `every route and method by request ${everyRouteAfter}`;
      console.log(
        `[fuzz, server process] ${generated.length} requests; 5xx ${serverErrors}; server RSS with all garbage ` +
          `collected, at start → after ${warmUp} warm-up requests (${covered}) → at the end: ` +
          `${series((reading) => reading.residentMiB)} MiB (${mib(atEnd.beforeCollectionMiB)} before the last ` +
          `collection): growth ${signed(atEnd.residentMiB - afterWarmUp.residentMiB)} after the warm-up ` +
          `(goal < 20 MiB), ${signed(atEnd.residentMiB - atStart.residentMiB)} since start; JS heap used ` +
          `${series((reading) => reading.heapMiB)} MiB, committed ${series((reading) => reading.heapTotalMiB)} MiB; ` +
          `module loader thread's heap ${series((reading) => reading.loaderHeapMiB)} MiB`,
      );
      expect(serverErrors).toBe(0);
    } finally {
      const serverPid = Number.parseInt(
        await readFile(join(dataDir, LOCK_FILE_NAME), 'utf8').catch(() => ''),
        10,
      );
      if (Number.isInteger(serverPid)) process.kill(serverPid, 'SIGTERM');
      spawned.child.kill('SIGTERM');
      await spawned.exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 900_000);
});

/**
 * Bundles each Lambda entry point with the deployed esbuild settings (lib/bundling.ts) and prints,
 * per function: its minified and gzipped size against the size budget, and its module init time
 * (process start → handler module imported, in fresh Node processes, median and max of 10) against
 * the init budget, next to a bare `node` for reference; then the packages that weigh most in each;
 * then the web page's weight (its JavaScript and CSS, gzipped) against its 150 KB budget.
 *
 *   npm run bench [-- --top N] [-- --runs N]
 *
 * Sizes are exact and are also enforced by test/infra/bundle-sizes.test.ts; times vary with the
 * machine and its load, which is why they are printed here and not asserted anywhere.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import {
  BUNDLE_SIZE_BUDGET_BYTES,
  BUNDLE_SIZE_GOAL_BYTES,
  esbuildBuildOptions,
  HANDLER_ENTRIES,
  type HandlerName,
  MODULE_INIT_GOAL_MS,
  PROJECT_ROOT,
} from '../lib/bundling';
import { buildWeb } from '../local/web-build';

const run = promisify(execFile);
const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1] ?? fallback) : fallback;
};
const top = option('--top', 5);
const runs = option('--runs', 10);

/** What the stack sets, so each module's cold-start configuration check passes as deployed. */
const LAMBDA_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  TABLE_NAME: 'bench',
  POWERTOOLS_SERVICE_NAME: 'countersign',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:run',
  SCHEDULE_GROUP_NAME: 'countersign',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  SCHEDULER_TARGET_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:start-occurrence',
  INPUT_KEY_PARAMETER: '/countersign/bench',
  EVENT_BUS_NAME: 'countersign-bench',
};

interface Measured {
  readonly name: HandlerName;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly heaviest: readonly (readonly [string, number])[];
  readonly initMs: readonly number[];
}

/** `node_modules/@scope/name/...` → `@scope/name`; anything else is the project's own code. */
function packageOf(inputPath: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(inputPath);
  return match?.[1] ?? '(countersign)';
}

function heaviestPackages(metafile: Metafile): [string, number][] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
}

/** Milliseconds from process start (performance.timeOrigin) to the module imported, per fresh process. */
async function initTimes(modulePath: string | undefined, dir: string): Promise<number[]> {
  const driver = join(dir, `driver-${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(
    driver,
    `${modulePath === undefined ? '' : `await import(${JSON.stringify(modulePath)});\n`}process.stdout.write(String(performance.now()));\n`,
  );
  const times: number[] = [];
  // One at a time: parallel processes would measure each other.
  for (let i = 0; i < runs; i += 1) {
    const { stdout } = await run(process.execPath, [driver], { env: LAMBDA_ENV }).catch((error: unknown) => {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      throw new Error(
        `${modulePath} failed to load: ${stderr
          .split('\n')
          .filter((line) => /Error/.test(line))
          .at(-1)
          ?.slice(0, 300)}`,
      );
    });
    times.push(Number(stdout));
  }
  return times;
}

async function measure(name: HandlerName, dir: string): Promise<Measured> {
  const outfile = join(dir, name, 'index.mjs');
  const result = await build({
    ...esbuildBuildOptions(join(PROJECT_ROOT, HANDLER_ENTRIES[name])),
    outfile,
    metafile: true,
    logLevel: 'warning',
    write: false,
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (!code) throw new Error(`esbuild produced no bundle for ${name}`);
  await rm(join(dir, name), { recursive: true, force: true });
  await build({
    ...esbuildBuildOptions(join(PROJECT_ROOT, HANDLER_ENTRIES[name])),
    outfile,
    logLevel: 'warning',
  });
  return {
    name,
    bytes: code.contents.byteLength,
    gzipBytes: gzipSync(code.contents, { level: 9 }).byteLength,
    heaviest: heaviestPackages(result.metafile),
    initMs: await initTimes(outfile, dir),
  };
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mark = (ok: boolean) => (ok ? 'ok' : 'OVER');

const dir = await mkdtemp(join(tmpdir(), 'countersign-bench-'));
try {
  const bare = await initTimes(undefined, dir);
  const measured: Measured[] = [];
  for (const name of Object.keys(HANDLER_ENTRIES) as HandlerName[]) measured.push(await measure(name, dir));

  console.log(
    `Bundles (goal ≤ ${kib(BUNDLE_SIZE_GOAL_BYTES)} minified) and module init, process start → handler imported ` +
      `(goal ≤ ${MODULE_INIT_GOAL_MS} ms; median/max of ${runs} fresh processes, Node ${process.versions.node} ${process.arch})`,
  );
  console.log(
    `${'function'.padEnd(16)}${'minified'.padStart(12)}${'gzipped'.padStart(12)}${'budget'.padStart(12)}${'goal'.padStart(6)}` +
      `${'init median'.padStart(13)}${'max'.padStart(8)}${'goal'.padStart(6)}`,
  );
  for (const m of measured) {
    const init = median(m.initMs);
    console.log(
      `${m.name.padEnd(16)}${kib(m.bytes).padStart(12)}${kib(m.gzipBytes).padStart(12)}` +
        `${kib(BUNDLE_SIZE_BUDGET_BYTES[m.name]).padStart(12)}${mark(m.bytes <= BUNDLE_SIZE_GOAL_BYTES).padStart(6)}` +
        `${`${init.toFixed(0)} ms`.padStart(13)}${`${Math.max(...m.initMs).toFixed(0)} ms`.padStart(8)}` +
        `${mark(init <= MODULE_INIT_GOAL_MS).padStart(6)}`,
    );
  }
  console.log(
    `${'bare node'.padEnd(64)}${`${median(bare).toFixed(0)} ms`.padStart(13)}${`${Math.max(...bare).toFixed(0)} ms`.padStart(8)}`,
  );
  for (const m of measured) {
    console.log(`\n${m.name}: ${m.heaviest.map(([pkg, bytes]) => `${pkg} ${kib(bytes)}`).join(', ')}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

// The web page: the same Vite build `npm run build` makes, into a scratch folder.
const WEB_BUDGET_GZIP_BYTES = 150 * 1024;
const webOut = join(PROJECT_ROOT, 'cdk.out', 'bundle-sizes', 'web');
await buildWeb(webOut);
const assets = await readdir(join(webOut, 'assets'));
const weigh = async (extension: string) => {
  let bytes = 0;
  let gzipBytes = 0;
  for (const name of assets.filter((asset) => asset.endsWith(extension))) {
    const contents = await readFile(join(webOut, 'assets', name));
    bytes += contents.byteLength;
    gzipBytes += gzipSync(contents, { level: 9 }).byteLength;
  }
  return { bytes, gzipBytes };
};
const js = await weigh('.js');
const css = await weigh('.css');
console.log(`\n${'web page'.padEnd(12)}${'minified'.padStart(14)}${'gzipped'.padStart(14)}`);
console.log(`${'JavaScript'.padEnd(12)}${kib(js.bytes).padStart(14)}${kib(js.gzipBytes).padStart(14)}`);
console.log(`${'CSS'.padEnd(12)}${kib(css.bytes).padStart(14)}${kib(css.gzipBytes).padStart(14)}`);
console.log(
  `JavaScript budget: ${kib(WEB_BUDGET_GZIP_BYTES)} gzipped; ${js.gzipBytes <= WEB_BUDGET_GZIP_BYTES ? 'within' : 'OVER'} it (${((100 * js.gzipBytes) / WEB_BUDGET_GZIP_BYTES).toFixed(0)}%).`,
);

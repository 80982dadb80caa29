import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import {
  DOCS_ASSETS,
  DOCS_ASSETS_DIRECTORY,
  DOCS_ASSETS_PACKAGE,
} from '../lambdas/handlers/http/docs-assets';

/**
 * How every Countersign function is built. The CDK functions and `bench/bundle-sizes.ts` both read
 * these settings, so the sizes the benchmark reports are the sizes that get deployed.
 */

/** The repository root: entries, the lock file and tsconfig.json are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/** The Lambda entry points, relative to the repository root. Each exports `handler`. */
export const HANDLER_ENTRIES = {
  api: 'lambdas/handlers/api.ts',
  authorizer: 'lambdas/handlers/authorizer.ts',
  runStep: 'lambdas/handlers/run-step.ts',
  runJob: 'lambdas/handlers/run-job.ts',
  reconcile: 'lambdas/handlers/reconcile.ts',
  startOccurrence: 'lambdas/handlers/start-occurrence.ts',
} as const;

export type HandlerName = keyof typeof HANDLER_ENTRIES;

/**
 * What every function should weigh at most, minified: less code to fetch, parse and evaluate at each
 * cold start. `npm run bench` prints each bundle against it.
 */
export const BUNDLE_SIZE_GOAL_BYTES = 300 * 1024;

/**
 * The ceiling each bundle is held to by test/infra/bundle-sizes.test.ts. Every function is within
 * the goal since they stopped bundling the AWS SDK's clients (lambdas/adapters/aws/aws-client.ts);
 * raise a budget above it only with a reason written here.
 */
export const BUNDLE_SIZE_BUDGET_BYTES: Readonly<Record<HandlerName, number>> = {
  api: BUNDLE_SIZE_GOAL_BYTES,
  authorizer: BUNDLE_SIZE_GOAL_BYTES,
  runStep: BUNDLE_SIZE_GOAL_BYTES,
  runJob: BUNDLE_SIZE_GOAL_BYTES,
  reconcile: BUNDLE_SIZE_GOAL_BYTES,
  startOccurrence: BUNDLE_SIZE_GOAL_BYTES,
};

/** Module init goal: process start → handler imported, median of fresh processes (printed, not asserted). */
export const MODULE_INIT_GOAL_MS = 80;

/**
 * Bundled CommonJS dependencies still call `require` for Node built-ins, which ES modules lack;
 * this gives the bundle one. The alias keeps the banner clear of any `createRequire` in the bundle.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __countersignCreateRequire } from 'node:module'; const require = __countersignCreateRequire(import.meta.url);";

/**
 * The esbuild settings, in one place.
 *
 * - ES modules, preferring packages' ESM builds (`module` first), so esbuild can tree-shake them.
 * - Minified, names included: `keepNames` cost 26–43 KiB per function, and the names that matter
 *   (errors, which the workflow catches by name and logs show) are written out in their classes.
 * - No source maps: they would double the asset, and `--enable-source-maps` slows every cold start
 *   for the sake of the rare stack trace; the kept names make traces readable enough.
 * - Everything is bundled, nothing taken from the runtime: the deployed code runs the exact versions
 *   pinned in the lock file and tested locally. AWS is called through the functions' own small
 *   signed client (lambdas/adapters/aws/aws-client.ts), not the SDK's clients, which were 250 KiB of
 *   each bundle and a third of its cold start; of the SDK only `util-dynamodb` (marshalling) is in.
 */
export const BUNDLING = {
  target: 'node24',
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  keepNames: false,
  sourcemap: false,
  banner: ESM_REQUIRE_BANNER,
  external: [] as string[],
} as const;

/** The settings above as `NodejsFunction` bundling options. */
export function nodejsBundlingOptions(handler: HandlerName): BundlingOptions {
  return {
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => copyBesideBundle(handler, inputDir, outputDir),
    },
    target: BUNDLING.target,
    format: OutputFormat.ESM,
    mainFields: [...BUNDLING.mainFields],
    minify: BUNDLING.minify,
    keepNames: BUNDLING.keepNames,
    sourceMap: BUNDLING.sourcemap,
    banner: BUNDLING.banner,
    bundleAwsSDK: true,
    externalModules: [...BUNDLING.external],
  };
}

/**
 * Files copied beside a bundle, never into it: the docs page's Swagger UI files for the API function
 * (some 1.9 MB that the function reads only when the page is asked for, so they cost neither the
 * bundle's size nor its cold start). Paths: the bundle's folder → the project root.
 */
export const FILES_BESIDE_BUNDLE: Partial<Record<HandlerName, Readonly<Record<string, string>>>> = {
  api: Object.fromEntries(
    Object.keys(DOCS_ASSETS).map((name) => [
      `${DOCS_ASSETS_DIRECTORY}/${name}`,
      `node_modules/${DOCS_ASSETS_PACKAGE}/${name}`,
    ]),
  ),
};

/** Shell commands that copy a function's FILES_BESIDE_BUNDLE into its asset (NodejsFunction's afterBundling). */
export function copyBesideBundle(handler: HandlerName, inputDir: string, outputDir: string): string[] {
  const files = FILES_BESIDE_BUNDLE[handler] ?? {};
  return Object.entries(files).flatMap(([to, from]) => [
    `mkdir -p "${outputDir}/${dirname(to)}"`,
    `cp "${inputDir}/${from}" "${outputDir}/${to}"`,
  ]);
}

/** The same settings as esbuild build options (what `NodejsFunction` passes on its command line). */
export function esbuildBuildOptions(entry: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: BUNDLING.target,
    format: BUNDLING.format,
    mainFields: [...BUNDLING.mainFields],
    minify: BUNDLING.minify,
    keepNames: BUNDLING.keepNames,
    sourcemap: BUNDLING.sourcemap,
    banner: { js: BUNDLING.banner },
    external: [...BUNDLING.external],
    absWorkingDir: PROJECT_ROOT,
  };
}

/**
 * Bundles each Lambda entry point with the deployed esbuild settings (lib/bundling.ts) and prints its
 * minified and gzipped size, plus the packages that weigh most in it; then the web page's weight
 * (its JavaScript and CSS, gzipped) against its 150 KB budget.
 *
 *   npx tsx bench/bundle-sizes.ts [--top N]
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { esbuildBuildOptions, HANDLER_ENTRIES, type HandlerName, PROJECT_ROOT } from '../lib/bundling';
import { buildWeb } from '../local/web-build';

const topArg = process.argv.indexOf('--top');
const top = topArg >= 0 ? Number(process.argv[topArg + 1] ?? 5) : 5;

interface BundleSize {
  readonly name: HandlerName;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly heaviest: readonly (readonly [string, number])[];
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

async function measure(name: HandlerName): Promise<BundleSize> {
  const result = await build({
    ...esbuildBuildOptions(join(PROJECT_ROOT, HANDLER_ENTRIES[name])),
    outfile: join(PROJECT_ROOT, 'cdk.out', 'bundle-sizes', name, 'index.mjs'),
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (!code) throw new Error(`esbuild produced no bundle for ${name}`);
  return {
    name,
    bytes: code.contents.byteLength,
    gzipBytes: gzipSync(code.contents, { level: 9 }).byteLength,
    heaviest: heaviestPackages(result.metafile),
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const sizes = await Promise.all((Object.keys(HANDLER_ENTRIES) as HandlerName[]).map(measure));

console.log(`${'function'.padEnd(12)}${'minified'.padStart(14)}${'gzipped'.padStart(14)}`);
for (const size of sizes) {
  console.log(`${size.name.padEnd(12)}${kib(size.bytes).padStart(14)}${kib(size.gzipBytes).padStart(14)}`);
}
for (const size of sizes) {
  const parts = size.heaviest.map(([pkg, bytes]) => `${pkg} ${kib(bytes)}`).join(', ');
  console.log(`\n${size.name}: ${parts}`);
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

/**
 * Each Lambda bundle stays within its size budget (lib/bundling.ts). Sizes are deterministic for a
 * given lock file, so this is a test; module init time is not, so `npm run bench` prints it instead.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_SIZE_BUDGET_BYTES,
  BUNDLE_SIZE_GOAL_BYTES,
  esbuildBuildOptions,
  HANDLER_ENTRIES,
  type HandlerName,
  PROJECT_ROOT,
} from '../../lib/bundling';

async function bundleBytes(name: HandlerName): Promise<number> {
  const result = await build({
    ...esbuildBuildOptions(join(PROJECT_ROOT, HANDLER_ENTRIES[name])),
    outfile: join(PROJECT_ROOT, 'cdk.out', 'bundle-sizes', name, 'index.mjs'),
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (!code) throw new Error(`esbuild produced no bundle for ${name}`);
  return code.contents.byteLength;
}

describe('Lambda bundles', () => {
  it.each(Object.keys(HANDLER_ENTRIES) as HandlerName[])(
    'keeps %s within its size budget',
    async (name) => {
      const bytes = await bundleBytes(name);
      const budget = BUNDLE_SIZE_BUDGET_BYTES[name];
      console.log(
        `${name}: ${(bytes / 1024).toFixed(1)} KiB (budget ${(budget / 1024).toFixed(1)} KiB, goal ${(BUNDLE_SIZE_GOAL_BYTES / 1024).toFixed(0)} KiB)`,
      );
      expect(bytes, `${name} is ${bytes} bytes, over its budget of ${budget}`).toBeLessThanOrEqual(budget);
      // A budget above the goal is a ratchet: left far above the bundle, it would let it grow back.
      if (budget > BUNDLE_SIZE_GOAL_BYTES) {
        expect(
          budget - bytes,
          `${name}'s budget is ${budget - bytes} bytes above it: lower the budget`,
        ).toBeLessThan(8 * 1024);
      }
    },
    60_000,
  );
});

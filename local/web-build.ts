/**
 * The web page's build, for `npm start` and `npm test`: built when missing or older than its
 * sources, so a fresh clone and an edited page both work without a separate step.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_SOURCE = join(PROJECT_ROOT, 'web');
export const WEB_DIST = join(WEB_SOURCE, 'dist');
const BUILT_MARKER = join(WEB_DIST, 'index.html');
const LOCK = join(WEB_SOURCE, '.build-lock');

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/** Missing, or a source (src/, index.html, vite.config.ts) changed after the last build. */
export async function webBuildIsStale(): Promise<boolean> {
  const built = await stat(BUILT_MARKER).catch(() => undefined);
  if (!built) return true;
  const sources = await Promise.all(
    ['src', 'index.html', 'vite.config.ts'].map((name) => newestMtime(join(WEB_SOURCE, name))),
  );
  return Math.max(...sources) > built.mtimeMs;
}

/** `vite build` in a child process, into `outDir` (web/dist by default). */
export async function buildWeb(outDir = WEB_DIST): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [
      join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(WEB_SOURCE, 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
    ],
    { cwd: PROJECT_ROOT },
  );
}

/**
 * Builds when stale. Concurrent callers (test files run in parallel) take turns through a lock
 * directory, so one builds and the others find the build fresh.
 */
export async function ensureWebBuild(): Promise<'fresh' | 'built'> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const lock = await stat(LOCK).catch(() => undefined);
      // A lock left by a killed build is older than any build takes.
      if (lock && Date.now() - lock.mtimeMs > 120_000) await rm(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Gave up waiting for another web build (${LOCK}).`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!(await webBuildIsStale())) return 'fresh';
    await buildWeb();
    return 'built';
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

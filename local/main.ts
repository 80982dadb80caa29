/** `npm start`: Countersign's local embedded mode. */
import './quiet-node-version-warning';
import './polyfills';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADMIN_TOKEN_FILE, startLocalCountersign } from './composition';
import { ensureWebBuild, WEB_DIST } from './web-build';

function port(): number {
  const raw = process.env.PORT ?? '8080';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`PORT must be a port number, not "${raw}".`);
    process.exit(2);
  }
  return value;
}

const dataDir = resolve(process.env.COUNTERSIGN_DATA_DIR ?? '.countersign');
const logLevel = (process.env.LOG_LEVEL?.toUpperCase() ?? 'INFO') as
  | 'DEBUG'
  | 'INFO'
  | 'WARN'
  | 'ERROR'
  | 'SILENT';

const webBuild = await ensureWebBuild().catch((error: unknown) => {
  console.error(`The web page could not be built: ${(error as Error).message}`);
  process.exit(1);
});
if (webBuild === 'built') console.log(`Built the web page (${WEB_DIST}).`);

const logFormat = process.env.LOG_FORMAT?.toLowerCase() === 'json' ? 'json' : 'text';

const countersign = await startLocalCountersign({
  logFormat,
  webRoot: WEB_DIST,
  dataDir,
  port: port(),
  host: process.env.HOST ?? '127.0.0.1',
  adminToken: process.env.COUNTERSIGN_ADMIN_TOKEN || undefined,
  logLevel,
}).catch((error: unknown) => {
  console.error(`Countersign could not start: ${(error as Error).message}`);
  process.exit(1);
});

console.log(
  `Countersign is running: open ${countersign.url}/ (the API is at ${countersign.url}/api/; data in ${dataDir})`,
);
if (countersign.generatedAdminToken) {
  // Kept beside the data (readable by this user only), so that the README's commands can read it
  // with `cat` and a token missed on the console is not lost.
  const tokenFile = join(dataDir, ADMIN_TOKEN_FILE);
  writeFileSync(tokenFile, `${countersign.generatedAdminToken}\n`, { mode: 0o600 });
  console.log(
    `Created the superuser "admin". Its API token (also in ${tokenFile}): ${countersign.generatedAdminToken}`,
  );
}
console.log('Press Ctrl-C to stop.');

let stopping = false;
function stop(reason: string): void {
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`Stopping (${reason}): waiting for running jobs to finish (Ctrl-C again to force)…`);
  countersign.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`Stopped with an error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));

// A script that starts `npm start` and signals npm expects the server to go with it; npm may not
// pass the signal on (and a shell's background job ignores SIGINT). When the process that started
// this one is gone, so is its caller's interest in the server.
const parent = process.ppid;
const parentWatch = setInterval(() => {
  if (process.ppid !== parent) stop('the process that started it has exited');
}, 500);
parentWatch.unref();

/** `npm start`: Countersign's local embedded mode. */
import './quiet-node-version-warning';
import './polyfills';
import { resolve } from 'node:path';
import { startLocalCountersign } from './composition';
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

const countersign = await startLocalCountersign({
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
  console.log(
    `Created the superuser "admin". Its API token, shown only this once: ${countersign.generatedAdminToken}`,
  );
}
console.log('Press Ctrl-C to stop.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('Stopping: waiting for running jobs to finish (Ctrl-C again to force)…');
    countersign.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Stopped with an error: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  });
}

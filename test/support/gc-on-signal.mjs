/**
 * Preloaded (`NODE_OPTIONS=--import`) into the server the fuzz suite starts with `npm start`, so that
 * the suite can ask it for a full garbage collection before it reads the server's resident memory.
 * Without one a reading lands anywhere on V8's sawtooth: the old space holds up to ~50 MiB of garbage
 * until the next major collection, so two readings differed by ±20 MiB with nothing retained.
 * It changes nothing else: on SIGUSR2 it collects (here and in the module loader thread, see
 * gc-on-signal-hooks.mjs), then prints one line with the JS heap figures of both.
 * Plain JavaScript: it loads before `npm start`'s own `--import tsx`.
 */
import { register } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MessageChannel } from 'node:worker_threads';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');
const loader = new MessageChannel();
register(new URL('./gc-on-signal-hooks.mjs', import.meta.url), {
  data: { port: loader.port2 },
  transferList: [loader.port2],
});
loader.port1.unref();

let collections = 0;
process.on('SIGUSR2', () => {
  collectGarbage();
  loader.port1.once('message', (loaderHeap) => {
    collections += 1;
    const { heapUsed, external } = process.memoryUsage();
    const figures = JSON.stringify({ heapUsed, external, loaderHeap });
    process.stdout.write(`[gc-on-signal] collected ${collections} ${figures}\n`);
  });
  loader.port1.postMessage('collect');
});

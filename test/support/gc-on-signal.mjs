/**
 * Preloaded (`NODE_OPTIONS=--import`) into the server the fuzz suite starts with `npm start`, so that
 * the suite can have it collect all its garbage before it reads the server's resident memory.
 * Without that a reading lands anywhere on V8's sawtooth (the old space held 30–80 MiB between major
 * collections), and two readings differed by ±20 MiB with nothing retained. A plain `gc()` is not
 * enough: it keeps the 32 MiB new space and fragmented old-space pages committed, and leaves the
 * module loader thread's heap (see gc-on-signal-hooks.mjs) to shrink whenever V8 gets to it. The
 * collection V8 makes under memory pressure does all that; `v8.queryObjects()` makes one before it
 * counts, and counting instances of a class that has none costs nothing more.
 * It changes nothing else: on SIGUSR2 it collects here and in the loader thread, then prints one
 * line with the JS heap figures of both. Plain JavaScript: it loads before `npm start`'s
 * `--import tsx`.
 */
import { register } from 'node:module';
import { queryObjects } from 'node:v8';
import { MessageChannel } from 'node:worker_threads';

class NeverInstantiated {}
const loader = new MessageChannel();
register(new URL('./gc-on-signal-hooks.mjs', import.meta.url), {
  data: { port: loader.port2 },
  transferList: [loader.port2],
});
loader.port1.unref();

let collections = 0;
process.on('SIGUSR2', () => {
  queryObjects(NeverInstantiated, { format: 'count' });
  loader.port1.once('message', (loaderHeap) => {
    collections += 1;
    const { heapUsed, heapTotal, external } = process.memoryUsage();
    const figures = JSON.stringify({ heapUsed, heapTotal, external, loaderHeap });
    process.stdout.write(`[gc-on-signal] collected ${collections} ${figures}\n`);
  });
  loader.port1.postMessage('collect');
});

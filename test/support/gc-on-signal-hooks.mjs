/**
 * Module hooks of gc-on-signal.mjs: they resolve and load nothing, but run in Node's module loader
 * thread, beside tsx's. That thread has a V8 heap of its own (~28 MiB after compiling the server
 * with a cold tsx cache), which V8 shrinks to ~10 MiB once, 10–35 s after start, when it finds the
 * thread idle: a drop of up to 18 MiB in the server's RSS at a moment no request causes, which
 * made the growth after the warm-up read 0 or −18 MiB by chance. Collecting here too (see
 * gc-on-signal.mjs) shrinks it at the first reading instead.
 */
import { getHeapStatistics, queryObjects } from 'node:v8';

class NeverInstantiated {}

export function initialize({ port }) {
  port.on('message', () => {
    queryObjects(NeverInstantiated, { format: 'count' });
    port.postMessage(getHeapStatistics().total_physical_size);
  });
  port.unref();
}

/**
 * Module hooks of gc-on-signal.mjs: they resolve and load nothing, but run in Node's module loader
 * thread, beside tsx's. That thread has a V8 heap of its own (~25 MiB after compiling the server at
 * start), which V8 shrinks once, 10–35 s after start, when it finds the thread idle: a drop of up to
 * 17 MiB in the server's RSS at a moment no request causes. The suite prints it apart.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function initialize({ port }) {
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc');
  port.on('message', () => {
    collectGarbage();
    port.postMessage(getHeapStatistics().total_physical_size);
  });
  port.unref();
}

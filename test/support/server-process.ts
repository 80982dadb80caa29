import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything printed so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the API URL once the server says it is running; rejects if it exits first. */
  readonly running: Promise<string>;
  readonly exited: Promise<number | null>;
  /** The PID of npm, when started through it. */
  npmPid(): number | undefined;
}

/**
 * The local server as a user starts it: `npm start` (or node directly, which is what the script
 * runs), in its own process, so that it can be signalled and killed.
 */
export function spawnServer(options: {
  readonly dataDir: string;
  readonly port?: number;
  readonly viaNpm?: boolean;
  readonly env?: Record<string, string>;
}): ServerProcess {
  const env = {
    ...process.env,
    COUNTERSIGN_DATA_DIR: options.dataDir,
    PORT: String(options.port ?? 0),
    LOG_LEVEL: 'INFO',
    ...options.env,
  };
  // As a script does it: `npm start &` in a non-interactive shell, whose background jobs ignore SIGINT.
  const child = options.viaNpm
    ? spawn('sh', ['-c', 'npm start --silent & echo "npm PID $!"; wait'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  let text = '';
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const running = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const found = /the API is at (\S+)\/api\//.exec(text);
      if (found?.[1]) resolve(found[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    exited.then((code) => reject(new Error(`The server exited (${code}) before it ran:\n${text}`)));
  });
  running.catch(() => undefined);
  const npmPid = () => {
    const found = /npm PID (\d+)/.exec(text);
    return found?.[1] === undefined ? undefined : Number(found[1]);
  };
  return { child, output: () => text, running, exited, npmPid };
}

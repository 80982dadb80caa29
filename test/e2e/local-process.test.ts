/**
 * The local server as a process: what `npm start` does when its port or data directory is taken, and
 * when the script that started it signals npm.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalCountersign } from '../../local/composition';
import { spawnServer } from '../support/server-process';

const directories: string[] = [];
function dataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'countersign-process-'));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function takenPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

describe('First start', () => {
  it('does not lose the first admin token when the port is taken', async () => {
    const directory = dataDir();
    const { server, port } = await takenPort();
    try {
      await expect(startLocalCountersign({ dataDir: directory, port, logLevel: 'SILENT' })).rejects.toThrow(
        /EADDRINUSE/,
      );
    } finally {
      server.close();
    }
    const started = await startLocalCountersign({ dataDir: directory, port: 0, logLevel: 'SILENT' });
    try {
      expect(started.generatedAdminToken).toMatch(/^[0-9a-f]{40}$/);
      const response = await fetch(`${started.url}/api/users/users/`, {
        headers: { authorization: `Token ${started.generatedAdminToken}` },
      });
      expect(response.status).toBe(200);
    } finally {
      await started.close();
    }
  });
});

describe('A second server on the same data directory', () => {
  it('is refused with a message naming the directory and the PID', async () => {
    const directory = dataDir();
    const first = spawnServer({ dataDir: directory });
    try {
      await first.running;
      const second = spawnServer({ dataDir: directory });
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(
        `The data directory ${directory} is in use by another running Countersign server (PID ${first.child.pid})`,
      );
      expect(second.output()).not.toMatch(/Database is closed|at .*\.js:\d+/);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });
});

describe('npm start', () => {
  it('stops the server when npm is sent SIGINT by the script that started it', async () => {
    const server = spawnServer({ dataDir: dataDir(), viaNpm: true });
    const url = await server.running;
    const npmPid = server.npmPid();
    expect(npmPid).toBeDefined();
    process.kill(npmPid as number, 'SIGINT');
    // The shell waits for npm, and npm for the server, so after this the port must be free.
    await server.exited;
    await expect(fetch(`${url}/api/`)).rejects.toThrow();
  }, 60_000);
});

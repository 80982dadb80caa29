/**
 * dynalite writes a change as three LevelDB steps: old index entries deleted, new ones put, then the
 * item. A process killed after the second step leaves a result listed under its new status while the
 * result itself still has the old one. These tests leave exactly that state, with dynalite's own
 * functions, and restart the local server on it.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../local/data-dir-lock';
import { ADMIN_TOKEN, ApiClient, startTestServer } from '../support/local-server';

const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const dynaliteDb = requireFromDynalite('./db') as {
  create(options: { path: string }): DynaliteStore;
  createKey(item: unknown, table: unknown): string;
  updateIndexes(
    store: DynaliteStore,
    table: unknown,
    existing: unknown,
    item: unknown,
    cb: (error?: Error) => void,
  ): void;
};
interface DynaliteStore {
  db: { close(): Promise<void> };
  getTable(name: string, cb: (error: Error | null, table: unknown) => void): void;
  getItemDb(name: string): {
    get(key: string, cb: (error: Error | null, item: Record<string, { S?: string }>) => void): void;
    put(key: string, item: unknown, cb: (error?: Error) => void): void;
  };
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A PID that no process has any more, as a server killed with SIGKILL leaves in its lock file. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function withStatus(item: Record<string, { S?: string }>, status: string) {
  return {
    ...item,
    status: { S: status },
    gsi3pk: { S: `RESULTS#STATUS#${status}` },
    gsi4pk: { S: `RESULTS#STATUS#${status}` },
  };
}

/**
 * Leaves result `id` as a kill between dynalite's steps does: the item STARTED (its last complete
 * write), its index entries already moved to SUCCESS.
 */
async function tearStatusChange(path: string, id: string): Promise<void> {
  const store = dynaliteDb.create({ path });
  const call = <T>(fn: (cb: (error: Error | null | undefined, value?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));
  try {
    const table = await call<unknown>((cb) => store.getTable('countersign', cb));
    const itemDb = store.getItemDb('countersign');
    const key = dynaliteDb.createKey({ pk: { S: `RESULT#${id}` }, sk: { S: 'RESULT' } }, table);
    const finished = await call<Record<string, { S?: string }>>((cb) => itemDb.get(key, cb));
    const started = withStatus(finished, 'STARTED');
    // A complete write back to STARTED (the run in flight), then the first two steps of SUCCESS.
    await call((cb) => dynaliteDb.updateIndexes(store, table, finished, started, (e) => cb(e)));
    await call((cb) => itemDb.put(key, started, (e) => cb(e)));
    await call((cb) =>
      dynaliteDb.updateIndexes(store, table, started, withStatus(started, 'SUCCESS'), (e) => cb(e)),
    );
  } finally {
    await store.db.close();
  }
}

describe('Local crash recovery', () => {
  it('repairs indexes torn by a kill and fails the run that was in flight', async () => {
    // Prepare: a finished run, then the state a kill mid-write leaves, and the lock file of the dead server
    const dataDir = mkdtempSync(join(tmpdir(), 'countersign-torn-'));
    directories.push(dataDir);
    const first = await startTestServer({ dataDir });
    const run = await first.api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {});
    const id = run.body.job_result.id as string;
    await first.api.waitForResult(id);
    await first.close();
    await tearStatusChange(join(dataDir, 'dynamodb'), id);
    writeFileSync(join(dataDir, LOCK_FILE_NAME), `${deadPid()}\n`);

    // Act
    const second = await startTestServer({ dataDir });
    try {
      const api = new ApiClient(second.url);
      const detail = await api.get(`/api/extras/job-results/${id}/`, ADMIN_TOKEN);
      const listed = async (status: string) =>
        (await api.get(`/api/extras/job-results/?status=${status}&limit=1000`)).body.results.map(
          (result: { id: string }) => result.id,
        );

      // Assess: the interrupted run is FAILURE, and every list says what the detail says
      expect(detail.body.status).toBe('FAILURE');
      expect(await listed('FAILURE')).toContain(id);
      expect(await listed('SUCCESS')).not.toContain(id);
      expect(await listed('STARTED')).not.toContain(id);
    } finally {
      await second.close();
    }
  });
});

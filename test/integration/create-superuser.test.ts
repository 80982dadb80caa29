import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbTokenStore } from '../../lambdas/adapters/dynamodb/dynamodb-token-store';
import { DynamoDbUserStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-store';
import { authenticate } from '../../lambdas/core/authentication';
import { systemClock } from '../../lambdas/core/clock';
import { main } from '../../scripts/create-superuser';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEY = /^[0-9a-f]{40}$/;

let db: LocalDynamoDb;

beforeAll(async () => {
  db = await startDynalite();
});

afterAll(async () => {
  await db?.close();
});

// The script uses the SDK's default credential chain; these are what the chain finds first.
beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_REGION', 'us-east-1');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function stores(tableName: string) {
  const options = { client: db.docClient, tableName };
  return { users: new DynamoDbUserStore(options), tokens: new DynamoDbTokenStore(options) };
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (line) => out.push(line), stderr: (line) => err.push(line) });
  return { code, stdout: out, stderr: err.join('\n') };
}

async function login(tableName: string, key: string) {
  return authenticate({ ...stores(tableName), clock: systemClock }, `Token ${key}`);
}

describe('Script: create-superuser', () => {
  it('creates the superuser and prints a key, once and only on stdout, that authenticates', async () => {
    const table = await db.newTable();

    const result = await run('--table', table, '--endpoint', db.endpoint);

    expect(result.code).toBe(0);
    expect(result.stdout).toHaveLength(1);
    const key = result.stdout[0] ?? '';
    expect(key).toMatch(KEY);
    expect(result.stderr).toContain('Created the superuser "admin"');
    expect(result.stderr).not.toContain(key);
    expect(result.stderr.split('\n')).toHaveLength(1);
    await expect(login(table, key)).resolves.toEqual({
      username: 'admin',
      isSuperuser: true,
      permissions: [],
      writeEnabled: true,
    });
    const { items } = await stores(table).tokens.list({ user: 'admin' }, { limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ user: 'admin', keyHint: key.slice(-4), writeEnabled: true });
    expect(JSON.stringify(items)).not.toContain(key);
  });

  it('issues a second working token to an existing superuser, and honours --username and --region', async () => {
    const table = await db.newTable();
    const args = ['--table', table, '--username', 'ops@example.com', '--region', 'eu-west-1'];

    const first = await run(...args, '--endpoint', db.endpoint);
    const second = await run(...args, '--endpoint', db.endpoint);

    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('Issued a new token for the existing superuser "ops@example.com"');
    const [firstKey, secondKey] = [first.stdout[0] ?? '', second.stdout[0] ?? ''];
    expect(secondKey).toMatch(KEY);
    expect(secondKey).not.toBe(firstKey);
    for (const key of [firstKey, secondKey]) {
      await expect(login(table, key)).resolves.toMatchObject({
        username: 'ops@example.com',
        isSuperuser: true,
      });
    }
    const { items } = await stores(table).tokens.list({ user: 'ops@example.com' }, { limit: 10 });
    expect(items).toHaveLength(2);
  });

  it('refuses an existing user who is not a superuser and leaves it unchanged', async () => {
    const table = await db.newTable();
    const { users, tokens } = stores(table);
    const bob = {
      username: 'bob',
      isSuperuser: false,
      permissions: ['view'],
      dateJoined: '2026-01-01T00:00:00.000Z',
    };
    await users.create(bob);

    const result = await run('--table', table, '--username', 'bob', '--endpoint', db.endpoint);

    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toContain('"bob" already exists and is not a superuser');
    await expect(users.get('bob')).resolves.toEqual(bob);
    await expect(tokens.list({ user: 'bob' }, { limit: 10 })).resolves.toEqual({ items: [] });
  });

  it('reports a missing table by name and region, and writes nothing', async () => {
    const result = await run('--table', 'NoSuchTable', '--region', 'eu-west-1', '--endpoint', db.endpoint);

    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toContain('Table "NoSuchTable" was not found in region eu-west-1');
  });

  it.each([
    ['a missing --table', [], 'The option --table is required.'],
    ['an empty --table', ['--table', ''], 'The option --table is required.'],
    ['an unknown flag', ['--table', 't', '--tabel', 'x'], "Unknown option '--tabel'"],
    ['a positional argument', ['--table', 't', 'admin'], 'admin'],
    ['an invalid username', ['--table', 't', '--username', 'no spaces'], '--username "no spaces"'],
    ['an endpoint that is not a URL', ['--table', 't', '--endpoint', 'localhost'], 'must be a URL'],
  ])('exits 2 with the usage for %s', async (_, argv, message) => {
    const result = await run(...argv);

    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: npm run create-superuser -- --table <TableName>');
  });

  it('prints the help on stdout with --help', async () => {
    const result = await run('--help');

    expect(result.code).toBe(0);
    expect(result.stdout.join('\n')).toContain('Usage:');
  });
});

describe('Command: npx tsx scripts/create-superuser.ts', () => {
  function spawnScript(...argv: string[]) {
    const { AWS_PROFILE: _, ...env } = process.env;
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'npx',
        ['tsx', 'scripts/create-superuser.ts', ...argv],
        {
          cwd: ROOT,
          env: {
            ...env,
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            AWS_REGION: 'us-east-1',
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });
  }

  it('creates the superuser and prints only the key on stdout, exit 0', async () => {
    const table = await db.newTable();

    const result = await spawnScript('--table', table, '--endpoint', db.endpoint);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f]{40}\n$/);
    expect(result.stderr).toContain('Created the superuser "admin"');
    await expect(login(table, result.stdout.trim())).resolves.toMatchObject({
      username: 'admin',
      isSuperuser: true,
    });
  });

  it('exits 1 naming a missing table, and 2 on a usage error', async () => {
    const missing = await spawnScript('--table', 'NoSuchTable', '--endpoint', db.endpoint);
    const usage = await spawnScript('--tabel', 'x');

    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('Table "NoSuchTable" was not found in region us-east-1');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Unknown option '--tabel'");
  });
});

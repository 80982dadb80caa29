/**
 * `npm run create-superuser -- --table <TableName>`: the first superuser of a deployed stack and
 * its API token, written with the operator's AWS credentials (the SDK's default chain) through the
 * same core use case and DynamoDB adapters the API uses. The key is printed once, on stdout only.
 */
import '../local/quiet-node-version-warning';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/document-client';
import { DynamoDbTokenStore } from '../lambdas/adapters/dynamodb/dynamodb-token-store';
import { DynamoDbUserStore } from '../lambdas/adapters/dynamodb/dynamodb-user-store';
import { systemClock, uuidGenerator } from '../lambdas/core/clock';
import { ConflictError, ValidationError } from '../lambdas/core/errors';
import { createSuperuser } from '../lambdas/core/user-administration';

export const USAGE = `Usage: npm run create-superuser -- --table <TableName> [options]

Creates a superuser in a deployed Countersign table (or finds an existing one) and prints a new API
token for it, once. Uses your AWS credentials (the default credential chain, as \`cdk deploy\` does).

  --table <name>      the stack's TableName output (required)
  --username <name>   the superuser's username (default: admin)
  --region <region>   AWS region (default: from AWS_REGION or your AWS profile)
  --endpoint <url>    a DynamoDB endpoint other than AWS's (e.g. http://127.0.0.1:8000)
  -h, --help          show this help`;

export interface Io {
  /** Receives the key (or the --help text), and nothing else. */
  stdout(line: string): void;
  stderr(line: string): void;
}

const processIo: Io = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

interface Options {
  readonly table: string;
  readonly username: string;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
}

function parse(argv: readonly string[]): Options | 'help' | { readonly error: string } {
  let values: {
    table?: string | undefined;
    username?: string | undefined;
    region?: string | undefined;
    endpoint?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        table: { type: 'string' },
        username: { type: 'string', default: 'admin' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return 'help';
  if (values.table === undefined || values.table === '') return { error: 'The option --table is required.' };
  if (values.region === '') return { error: 'The option --region needs a region name.' };
  if (values.endpoint !== undefined && !URL.canParse(values.endpoint)) {
    return { error: `--endpoint must be a URL such as http://127.0.0.1:8000, not "${values.endpoint}".` };
  }
  return {
    table: values.table,
    username: values.username ?? 'admin',
    region: values.region,
    endpoint: values.endpoint,
  };
}

function describeFailure(error: unknown, options: Options, region: string): string {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const where = `region ${region}${options.endpoint === undefined ? '' : ` at ${options.endpoint}`}`;
  if (name === 'ResourceNotFoundException') {
    return `Table "${options.table}" was not found in ${where}. Pass the TableName output of the deployed stack, and --region if it was deployed to another region.`;
  }
  if (name === 'CredentialsProviderError') {
    return `No AWS credentials were found (${message}). Configure them as for \`npx cdk deploy\`: AWS_PROFILE, \`aws sso login\` or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.`;
  }
  if (error instanceof ConflictError) return error.message;
  return `Could not create the superuser in table "${options.table}" (${where}): ${name ? `${name}: ` : ''}${message}`;
}

/** Runs the command; resolves to the exit code: 0 done, 1 failed, 2 usage. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const options = parse(argv);
  if (options === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if ('error' in options) {
    io.stderr(`${options.error}\n\n${USAGE}`);
    return 2;
  }

  const client = new DynamoDBClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
  try {
    let region: string;
    try {
      region = await client.config.region();
    } catch {
      io.stderr(
        'No AWS region is configured: pass --region, or set AWS_REGION or a region in your AWS profile.',
      );
      return 1;
    }
    // The SDK client resolves the operator's region and credentials (profiles, SSO, …); the stores
    // send through the same small client the functions use.
    const docClient = createDocumentClient({
      region,
      credentials: () => client.config.credentials(),
      endpoint: options.endpoint,
    });
    const store = { client: docClient, tableName: options.table };
    const deps = {
      users: new DynamoDbUserStore(store),
      tokens: new DynamoDbTokenStore(store),
      clock: systemClock,
      ids: uuidGenerator,
    };
    try {
      const { created, issued } = await createSuperuser(deps, options.username);
      io.stderr(
        `${created ? 'Created the superuser' : 'Issued a new token for the existing superuser'} "${options.username}" in table "${options.table}". Its API token (send it as "Authorization: Token <key>"; it is shown only this once, on stdout):`,
      );
      io.stdout(issued.key);
      return 0;
    } catch (error) {
      if (error instanceof ValidationError) {
        const problems = Object.values(error.fields).flat().join(' ');
        io.stderr(`--username "${options.username}": ${problems}\n\n${USAGE}`);
        return 2;
      }
      io.stderr(describeFailure(error, options, region));
      return 1;
    }
  } finally {
    client.destroy();
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));

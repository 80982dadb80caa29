/**
 * The one way Countersign's functions talk to AWS: a request signed with Signature Version 4, sent
 * over a kept-alive HTTPS connection, retried as the SDK's standard retry mode retries, answered
 * with parsed JSON or an {@link AwsServiceError} named as the service names the error.
 *
 * Not the AWS SDK's clients: each one brings the SDK's schema-driven serde, its endpoint rule
 * engine and every error class of its service, some 250 KiB of a function's bundle before a line of
 * ours and a third of its cold start. Countersign makes fifteen kinds of call to six services that all
 * speak JSON (DynamoDB, Step Functions, EventBridge, KMS and Systems Manager the `awsJson` protocol:
 * a POST with the operation in `X-Amz-Target`; Scheduler `restJson1`: the operation in the method
 * and path). test/unit/adapters/aws-wire.test.ts holds each request this module sends against
 * the one the pinned SDK sends for the same input, and its signatures against the SDK's signer.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

export interface AwsClientOptions {
  /** The service's signing name, also the first label of its endpoint (`dynamodb`, `states`, …). */
  readonly service: string;
  readonly region: string;
  readonly credentials: CredentialsProvider;
  /**
   * @default `AWS_ENDPOINT_URL_<serviceId>`, else `AWS_ENDPOINT_URL` (the SDK's variables), else
   * `https://<service>.<region>.amazonaws.com` (`.com.cn` in the China regions)
   */
  readonly endpoint?: string | undefined;
  /** The SDK's service id as its endpoint variable spells it: `DYNAMODB`, `SFN`, `SCHEDULER`, … */
  readonly serviceId: string;
  /** Attempts per call, the first included (the SDK's standard mode). @default 3 */
  readonly maxAttempts?: number | undefined;
  /** The first retry's longest pause (doubling with each retry; throttling waits 500 ms). @default 100 */
  readonly retryBaseMs?: number | undefined;
  /** How long one attempt may wait for its answer. @default 10000 */
  readonly timeoutMs?: number | undefined;
  /** Waits between attempts (tests pass one that does not sleep). */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** What a service's client is made with: the service itself it knows. */
export type ServiceClientOptions = Omit<AwsClientOptions, 'service' | 'serviceId'>;

export interface AwsRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Already URI-encoded, e.g. `/schedules/my-schedule`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** An error a service answered with: `name` is its error code (`ConditionalCheckFailedException`). */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string | undefined };

  constructor(code: string, message: string, statusCode: number, requestId: string | undefined) {
    super(message);
    this.name = code;
    this.$fault = statusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: statusCode, requestId };
  }
}

/**
 * Whether `error` is the service's error of that name (`ConditionalCheckFailedException`, …). By
 * name rather than class, so the local emulators' errors (and an SDK's, in tests) match too.
 */
export function isServiceError(error: unknown, ...names: readonly string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

/** The SDK's throttling error codes: retried after a longer pause. */
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** The SDK's transient error codes and statuses, and the network failures it retries. */
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);
const MAX_BACKOFF_MS = 20_000;

/** Connections are kept open between invocations, as the SDK's handler keeps them. */
const AGENTS = {
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 50 }),
};

export class AwsClient {
  readonly endpoint: URL;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: AwsClientOptions) {
    const domain = options.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    this.endpoint = new URL(
      options.endpoint ??
        process.env[`AWS_ENDPOINT_URL_${options.serviceId}`] ??
        process.env.AWS_ENDPOINT_URL ??
        `https://${options.service}.${options.region}.${domain}`,
    );
    this.maxAttempts = options.maxAttempts ?? 3;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** An `awsJson` call: `target` is `<prefix>.<Operation>`, e.g. `DynamoDB_20120810.GetItem`. */
  json(target: string, input: object, version: '1.0' | '1.1'): Promise<unknown> {
    return this.request(awsJsonRequest(target, input, version));
  }

  /** Sends the request, retrying what the SDK retries; the answer's JSON (`{}` for an empty one). */
  async request(request: AwsRequest): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(request);
      } catch (error) {
        const retry = retryKind(error);
        if (retry === undefined || attempt >= this.maxAttempts) throw error;
        const base = retry === 'throttling' ? 500 : (this.options.retryBaseMs ?? 100);
        await this.sleep(Math.random() * Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1)));
      }
    }
  }

  private async attempt(request: AwsRequest): Promise<unknown> {
    const body = request.body ?? '';
    const headers: Record<string, string> = {
      ...request.headers,
      host: this.endpoint.host,
      ...(body === '' ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
    };
    const signed = signRequest({
      method: request.method,
      path: request.path,
      query: request.query ?? {},
      headers,
      body,
      service: this.options.service,
      region: this.options.region,
      credentials: await this.options.credentials(),
      date: new Date(),
    });
    // Encoded as the signature's canonical query is (RFC 3986: a space is %20, never `+`).
    const query = canonicalQuery(request.query ?? {});
    const answer = await this.send(
      `${request.path}${query === '' ? '' : `?${query}`}`,
      request.method,
      signed,
      body,
    );
    const text = answer.body;
    let json: unknown = {};
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        if (answer.status < 300) throw new Error(`${this.options.service} answered with something not JSON.`);
      }
    }
    if (answer.status >= 200 && answer.status < 300) return json;
    throw serviceError(answer.status, answer.headers, json, text);
  }

  private send(
    path: string,
    method: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
    const { endpoint } = this;
    const https = endpoint.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const outgoing = (https ? httpsRequest : httpRequest)(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port === '' ? undefined : Number(endpoint.port),
          method,
          path,
          headers,
          agent: AGENTS[https ? 'https:' : 'http:'],
          timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      outgoing.on('timeout', () => {
        const error = new Error(`${this.options.service} did not answer within ${this.timeoutMs} ms.`);
        error.name = 'TimeoutError';
        outgoing.destroy(error);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

/**
 * The error code as the SDK reads it for JSON protocols: the `x-amzn-errortype` header, else the
 * body's `code` or `__type`, without a namespace (`…#Code`) or a trailing `:uri`.
 */
function serviceError(
  status: number,
  headers: IncomingMessage['headers'],
  json: unknown,
  text: string,
): AwsServiceError {
  const body = (json !== null && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const raw = [headers['x-amzn-errortype'], body.code, body.__type].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  const code =
    raw?.split(':')[0]?.split('#').pop() || (status >= 500 ? 'InternalServerError' : 'UnknownError');
  const message = [body.message, body.Message, body.errorMessage].find(
    (value) => typeof value === 'string',
  ) as string | undefined;
  const requestId = headers['x-amzn-requestid'] ?? headers['x-amz-request-id'];
  // Without a message: the SDK's word for it, or the start of a body that is not JSON (a proxy's page).
  const parsed = json !== null && typeof json === 'object';
  return new AwsServiceError(
    code,
    message ?? (parsed ? 'UnknownError' : text.slice(0, 200) || `HTTP ${status}`),
    status,
    typeof requestId === 'string' ? requestId : undefined,
  );
}

function retryKind(error: unknown): 'throttling' | 'transient' | undefined {
  if (error instanceof AwsServiceError) {
    if (THROTTLING_CODES.has(error.name) || error.$metadata.httpStatusCode === 429) return 'throttling';
    if (TRANSIENT_CODES.has(error.name) || TRANSIENT_STATUSES.has(error.$metadata.httpStatusCode)) {
      return 'transient';
    }
    return undefined;
  }
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'transient';
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && NETWORK_CODES.has(code)) return 'transient';
  }
  return undefined;
}

/** Headers Signature Version 4 leaves unsigned, as the SDK's signer does (proxies may change them). */
const UNSIGNED_HEADERS = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

export interface SignableRequest {
  readonly method: string;
  /** Already URI-encoded. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names; `host` included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly date: Date;
}

/**
 * Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 * the request's headers with `x-amz-content-sha256`, `x-amz-date`, `x-amz-security-token` and
 * `authorization` added.
 */
export function signRequest(request: SignableRequest): Record<string, string> {
  const amzDate = request.date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const { accessKeyId, secretAccessKey, sessionToken } = request.credentials;
  const payloadHash = sha256Hex(request.body);
  // The payload hash is sent and signed as a header too, as the SDK's signer does.
  const headers: Record<string, string> = {
    ...request.headers,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
    ...(sessionToken ? { 'x-amz-security-token': sessionToken } : {}),
  };
  const signed = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => !UNSIGNED_HEADERS.has(name) && !name.startsWith('proxy-') && !name.startsWith('sec-'))
    .sort();
  const canonicalHeaders = signed
    .map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path),
    canonicalQuery(request.query),
    canonicalHeaders,
    signed.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(secretAccessKey, day, request.region, request.service);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, ` +
    `SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return headers;
}

/**
 * The key a day's requests to one service are signed with (four HMACs), kept as the SDK's signer
 * keeps it: a function signs with one secret, for a few services, on one day at a time.
 */
const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const id = `${day}/${region}/${service}/${secret}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(`AWS4${secret}`, day);
    for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
    if (signingKeys.size >= 16) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${escapeUri(key)}=${escapeUri(query[key] as string)}`)
    .join('&');
}

/** Each path segment escaped once more (every service but S3 signs the encoded path encoded again). */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${
    segments.length > 0 && path.endsWith('/') ? '/' : ''
  }`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** RFC 3986 unreserved characters stay; everything else is percent-encoded. */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/**
 * One call of a service, named and shaped as the SDK's command of the same name (`input` as the SDK
 * takes it, `output` for typing only), so adapters and their tests read as with the SDK.
 */
export abstract class AwsCommand<Input extends object, Output> {
  abstract readonly operation: string;
  declare readonly output: Output;
  constructor(readonly input: Input) {}
}

/** What adapters hold: something that sends commands (a service client, or a test's fake). */
export interface CommandSender {
  send<Output>(command: AwsCommand<object, Output>): Promise<Output>;
}

/** How a service's commands become requests and its answers outputs. */
export interface ServiceProtocol {
  toRequest(command: AwsCommand<object, unknown>): AwsRequest;
  fromResponse?(command: AwsCommand<object, unknown>, json: unknown): unknown;
}

/** An `awsJson` request: a POST of the input, the operation in `X-Amz-Target`. */
function awsJsonRequest(target: string, input: object, version: '1.0' | '1.1'): AwsRequest {
  return {
    method: 'POST',
    path: '/',
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
    body: JSON.stringify(input),
  };
}

/** The `awsJson` protocols: the input as the body, the operation in `X-Amz-Target`. */
export function awsJsonProtocol(
  targetPrefix: string,
  version: '1.0' | '1.1',
  convert: {
    readonly input?: (operation: string, input: object) => object;
    readonly output?: (operation: string, output: unknown) => unknown;
  } = {},
): ServiceProtocol {
  return {
    toRequest: (command) =>
      awsJsonRequest(
        `${targetPrefix}.${command.operation}`,
        convert.input ? convert.input(command.operation, command.input) : command.input,
        version,
      ),
    ...(convert.output ? { fromResponse: (command, json) => convert.output?.(command.operation, json) } : {}),
  };
}

/** A service's client: commands in, outputs out, through {@link AwsClient}. */
export class AwsServiceClient implements CommandSender {
  private readonly client: AwsClient;

  constructor(
    options: AwsClientOptions,
    private readonly protocol: ServiceProtocol,
  ) {
    this.client = new AwsClient(options);
  }

  async send<Output>(command: AwsCommand<object, Output>): Promise<Output> {
    const json = await this.client.request(this.protocol.toRequest(command));
    return (this.protocol.fromResponse ? this.protocol.fromResponse(command, json) : json) as Output;
  }
}

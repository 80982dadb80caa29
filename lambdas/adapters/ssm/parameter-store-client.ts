import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { lambdaCredentials } from '../aws/lambda-credentials';

/**
 * The two Parameter Store calls the input sealer makes (GetParameter with decryption, and PutParameter
 * if absent), signed with SigV4 by the SDK's own signer and sent with Node's fetch.
 *
 * Not `@aws-sdk/client-ssm`: an SDK client registers every error class of its service for its
 * deserializer, and Systems Manager has some 250 of them, so that client adds 78 KiB (a quarter of
 * the size budget) to the API and run-job bundles for these two calls. Systems Manager's JSON 1.1
 * protocol is small enough to speak directly: a POST with the operation in `X-Amz-Target`, JSON in,
 * JSON out, errors as `{"__type": …, "message": …}`.
 */
export interface ParameterStore {
  /** The decrypted value, or undefined if there is no such parameter. */
  getSecureString(name: string): Promise<string | undefined>;
  /** Creates a SecureString; false if the parameter exists already (it is left as it was). */
  putSecureStringIfAbsent(name: string, value: string, description: string): Promise<boolean>;
}

/** An error Systems Manager answered with, named as its API names it (e.g. `ThrottlingException`). */
export class ParameterStoreError extends Error {
  override readonly name = 'ParameterStoreError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(`Parameter Store answered ${statusCode} ${code}: ${message}`);
  }
}

export interface ParameterStoreClientOptions {
  readonly region: string;
  readonly credentials: typeof lambdaCredentials;
  /** @default `https://ssm.<region>.amazonaws.com` */
  readonly endpoint?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

export class ParameterStoreClient implements ParameterStore {
  private readonly signer: SignatureV4;
  private readonly endpoint: URL;

  constructor(private readonly options: ParameterStoreClientOptions) {
    this.signer = new SignatureV4({
      service: 'ssm',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
    });
    this.endpoint = new URL(options.endpoint ?? `https://ssm.${options.region}.amazonaws.com`);
  }

  async getSecureString(name: string): Promise<string | undefined> {
    try {
      const answer = (await this.call('GetParameter', { Name: name, WithDecryption: true })) as {
        Parameter?: { Value?: unknown };
      };
      const value = answer.Parameter?.Value;
      if (typeof value !== 'string') throw new Error(`Parameter Store returned no value for ${name}.`);
      return value;
    } catch (error) {
      if (error instanceof ParameterStoreError && error.code === 'ParameterNotFound') return undefined;
      throw error;
    }
  }

  async putSecureStringIfAbsent(name: string, value: string, description: string): Promise<boolean> {
    try {
      await this.call('PutParameter', {
        Name: name,
        Value: value,
        Type: 'SecureString',
        Tier: 'Standard',
        Overwrite: false,
        Description: description,
      });
      return true;
    } catch (error) {
      if (error instanceof ParameterStoreError && error.code === 'ParameterAlreadyExists') return false;
      throw error;
    }
  }

  private async call(operation: string, input: Record<string, unknown>): Promise<unknown> {
    const body = JSON.stringify(input);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      ...(this.endpoint.port === '' ? {} : { port: Number(this.endpoint.port) }),
      path: '/',
      query: {},
      headers: {
        host: this.endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AmazonSSM.${operation}`,
      },
      body,
    });
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    const text = await response.text();
    const json: unknown = text === '' ? {} : JSON.parse(text);
    if (response.ok) return json;
    const {
      __type: type,
      message,
      Message,
    } = json as { __type?: string; message?: string; Message?: string };
    throw new ParameterStoreError(
      (type ?? 'UnknownError').split('#').pop() as string,
      message ?? Message ?? text,
      response.status,
    );
  }
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the SDK's signer asks for. */
class NodeSha256 {
  private readonly hash;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

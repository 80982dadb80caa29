import { AwsClient, type AwsClientOptions, AwsServiceError } from '../aws/aws-client';

/**
 * The two Parameter Store calls the input sealer makes (GetParameter with decryption, and PutParameter
 * if absent), through the functions' signed client (../aws/aws-client.ts).
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

export interface ParameterStoreClientOptions
  extends Pick<AwsClientOptions, 'region' | 'credentials' | 'maxAttempts' | 'sleep'> {
  /** @default `https://ssm.<region>.amazonaws.com` */
  readonly endpoint?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

export class ParameterStoreClient implements ParameterStore {
  private readonly client: AwsClient;

  constructor(options: ParameterStoreClientOptions) {
    this.client = new AwsClient({ timeoutMs: 5000, ...options, service: 'ssm', serviceId: 'SSM' });
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
    try {
      return await this.client.json(`AmazonSSM.${operation}`, input, '1.1');
    } catch (error) {
      if (error instanceof AwsServiceError) {
        throw new ParameterStoreError(error.name, error.message, error.$metadata.httpStatusCode);
      }
      throw error;
    }
  }
}

import type {
  DecryptRequest,
  DecryptResponse,
  GenerateDataKeyRequest,
  GenerateDataKeyResponse,
} from '@aws-sdk/client-kms';
import { AwsCommand, AwsServiceClient, awsJsonProtocol, type ServiceClientOptions } from '../aws/aws-client';

/** KMS's GenerateDataKey and Decrypt, as the SDK names and shapes them (awsJson 1.1). */
export class GenerateDataKeyCommand extends AwsCommand<GenerateDataKeyRequest, GenerateDataKeyResponse> {
  readonly operation = 'GenerateDataKey';
}
export class DecryptCommand extends AwsCommand<DecryptRequest, DecryptResponse> {
  readonly operation = 'Decrypt';
}

/** Blob members travel as base64 in JSON; the SDK hands them over as bytes. */
const BLOBS = ['CiphertextBlob', 'Plaintext'] as const;

function convertBlobs(value: unknown, convert: (blob: unknown) => unknown): object {
  const converted: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const member of BLOBS) {
    if (converted[member] !== undefined) converted[member] = convert(converted[member]);
  }
  return converted;
}

/** Decoded into bytes of its own, not Node's shared pool, so wiping a data key leaves no copy there. */
function fromBase64(text: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.byteLength(text, 'base64'));
  const written = Buffer.from(bytes.buffer).write(text, 'base64');
  return bytes.subarray(0, written);
}

export function createKmsClient(options: ServiceClientOptions): AwsServiceClient {
  return new AwsServiceClient(
    { ...options, service: 'kms', serviceId: 'KMS' },
    awsJsonProtocol('TrentService', '1.1', {
      input: (_operation, input) =>
        convertBlobs(input, (blob) => Buffer.from(blob as Uint8Array).toString('base64')),
      output: (_operation, output) => convertBlobs(output, (blob) => fromBase64(blob as string)),
    }),
  );
}

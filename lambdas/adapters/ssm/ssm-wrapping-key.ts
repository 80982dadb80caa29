import { randomBytes } from 'node:crypto';
import type { WrappingKeySource } from '../crypto/key-wrapping-input-sealer';
import type { ParameterStore } from './parameter-store-client';

const KEY_BYTES = 32;

export interface SsmWrappingKeyOptions {
  readonly parameters: ParameterStore;
  /** A SecureString parameter holding the key, base64. */
  readonly parameterName: string;
  /**
   * Make the key if the parameter does not exist yet (the API, which seals first); the run-job
   * function, which only opens, never needs to.
   */
  readonly createIfMissing: boolean;
}

/**
 * The wrapping key of sealed run input, kept as a SecureString in Parameter Store: encrypted at rest
 * with the account's AWS managed key `aws/ssm`, which has no monthly fee (a customer-managed KMS key
 * costs $1 a month, idle or not). CloudFormation cannot create a SecureString without putting its
 * value in the template, so the first function that seals makes it: 256 random bits, written only if
 * absent, so concurrent first calls agree on one key. It is read once per execution environment; a
 * failed read is not kept, the next call tries again.
 */
export function ssmWrappingKey(options: SsmWrappingKeyOptions): WrappingKeySource {
  let cached: Promise<Uint8Array> | undefined;
  return () => {
    cached ??= load(options).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

async function load({
  parameters,
  parameterName,
  createIfMissing,
}: SsmWrappingKeyOptions): Promise<Uint8Array> {
  const existing = await parameters.getSecureString(parameterName);
  if (existing !== undefined) return decode(existing, parameterName);
  if (!createIfMissing) throw new Error(`The input sealing key ${parameterName} does not exist yet.`);
  const key = randomBytes(KEY_BYTES);
  const created = await parameters.putSecureStringIfAbsent(
    parameterName,
    key.toString('base64'),
    'Countersign: wraps the data keys of sealed job input (made on first use)',
  );
  if (created) return key;
  key.fill(0);
  // Another execution environment made it first: use theirs, so both seal under one key.
  const theirs = await parameters.getSecureString(parameterName);
  if (theirs === undefined) throw new Error(`The input sealing key ${parameterName} vanished.`);
  return decode(theirs, parameterName);
}

function decode(value: string, parameterName: string): Uint8Array {
  const key = Buffer.from(value, 'base64');
  if (key.byteLength !== KEY_BYTES) {
    throw new Error(`The input sealing key ${parameterName} is not 256 bits of base64.`);
  }
  return key;
}

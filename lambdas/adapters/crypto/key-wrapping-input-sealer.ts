import { SealedInputError } from '../../core/errors';
import type { InputSealer } from '../../core/ports';
import {
  gcmOpen,
  gcmSeal,
  IV_BYTES,
  newDataKey,
  openWithDataKey,
  parseSealedInput,
  sealWithDataKey,
  TAG_BYTES,
} from './sealed-input-format';

/** A 256-bit wrapping key, fetched when first needed (and cached by whoever supplies it). */
export type WrappingKeySource = () => Promise<Uint8Array>;

/**
 * The sealed-input envelope with each run's fresh data key wrapped by one long-lived 256-bit key
 * (AES-256-GCM, the job result id as additional authenticated data, so a data key opens only the
 * input of the job result it was sealed for). The wrapping key is the local server's per-process
 * key locally, and, deployed without a customer-managed KMS key, a secret kept in Parameter Store
 * (`ssm-wrapping-key.ts`). The KMS sealer writes the same envelope with KMS doing the wrapping.
 */
export class KeyWrappingInputSealer implements InputSealer {
  constructor(private readonly wrappingKey: WrappingKeySource) {}

  async seal(data: Record<string, unknown>, context: { readonly jobResultId: string }): Promise<string> {
    const key = await this.wrappingKey();
    const plaintext = newDataKey();
    return sealWithDataKey(
      { plaintext, encrypted: wrap(key, plaintext, context.jobResultId) },
      data,
      context.jobResultId,
    );
  }

  async open(sealed: string, context: { readonly jobResultId: string }): Promise<Record<string, unknown>> {
    const envelope = parseSealedInput(sealed);
    const key = await this.wrappingKey();
    return openWithDataKey(
      envelope,
      unwrap(key, envelope.encryptedKey, context.jobResultId),
      context.jobResultId,
    );
  }
}

/** `<iv><tag><encrypted key>`, as a KMS ciphertext blob is one opaque value. */
function wrap(key: Uint8Array, dataKey: Buffer, jobResultId: string): Buffer {
  const { iv, tag, ciphertext } = gcmSeal(key, dataKey, jobResultId);
  return Buffer.concat([iv, tag, ciphertext]);
}

function unwrap(key: Uint8Array, blob: Buffer, jobResultId: string): Buffer {
  try {
    return gcmOpen(
      key,
      {
        iv: blob.subarray(0, IV_BYTES),
        tag: blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
        ciphertext: blob.subarray(IV_BYTES + TAG_BYTES),
      },
      jobResultId,
    );
  } catch (cause) {
    throw new SealedInputError(undefined, { cause });
  }
}

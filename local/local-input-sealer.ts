import { randomBytes } from 'node:crypto';
import {
  gcmOpen,
  gcmSeal,
  IV_BYTES,
  newDataKey,
  openWithDataKey,
  parseSealedInput,
  sealWithDataKey,
  TAG_BYTES,
} from '../lambdas/adapters/crypto/sealed-input-format';
import { SealedInputError } from '../lambdas/core/errors';
import type { InputSealer } from '../lambdas/core/ports';

/**
 * KMS, locally: the same envelope as the deployed sealer, with each data key wrapped by a key made
 * at random for this process (AES-256-GCM, the job result id as additional authenticated data).
 * Sealed inputs do not outlive the process, and need not: the local server fails runs that were in
 * flight when it last stopped.
 */
export class LocalInputSealer implements InputSealer {
  private readonly processKey = randomBytes(32);

  async seal(data: Record<string, unknown>, context: { readonly jobResultId: string }): Promise<string> {
    const plaintext = newDataKey();
    return sealWithDataKey(
      { plaintext, encrypted: this.wrap(plaintext, context.jobResultId) },
      data,
      context.jobResultId,
    );
  }

  async open(sealed: string, context: { readonly jobResultId: string }): Promise<Record<string, unknown>> {
    const envelope = parseSealedInput(sealed);
    return openWithDataKey(
      envelope,
      this.unwrap(envelope.encryptedKey, context.jobResultId),
      context.jobResultId,
    );
  }

  /** `<iv><tag><encrypted key>`, as a KMS ciphertext blob is one opaque value. */
  private wrap(dataKey: Buffer, jobResultId: string): Buffer {
    const { iv, tag, ciphertext } = gcmSeal(this.processKey, dataKey, jobResultId);
    return Buffer.concat([iv, tag, ciphertext]);
  }

  private unwrap(blob: Buffer, jobResultId: string): Buffer {
    try {
      return gcmOpen(
        this.processKey,
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
}

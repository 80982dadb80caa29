import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  newDataKey,
  openWithDataKey,
  parseSealedInput,
  sealWithDataKey,
} from '../lambdas/adapters/crypto/sealed-input-format';
import { SealedInputError } from '../lambdas/core/errors';
import type { InputSealer } from '../lambdas/core/ports';

const IV_BYTES = 12;
const TAG_BYTES = 16;

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
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.processKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(jobResultId, 'utf8'));
    const encrypted = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), encrypted]);
  }

  private unwrap(blob: Buffer, jobResultId: string): Buffer {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.processKey, blob.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(jobResultId, 'utf8'));
      decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch (cause) {
      throw new SealedInputError(undefined, { cause });
    }
  }
}

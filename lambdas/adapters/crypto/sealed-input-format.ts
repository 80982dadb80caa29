/**
 * The sealed run input both sealers write: `v1.<encrypted data key>.<iv>.<tag>.<ciphertext>`, each
 * part base64url. The input's JSON is encrypted with AES-256-GCM under a fresh 256-bit data key,
 * with the job result id as additional authenticated data; the data key travels encrypted by the
 * key service (KMS, or the local server's process key), bound to the same job result id.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SealedInputError } from '../../core/errors';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PART = /^[A-Za-z0-9_-]+$/;

/** A data key as a key service hands it out: in the clear, and encrypted for the envelope. */
export interface DataKey {
  readonly plaintext: Uint8Array;
  readonly encrypted: Uint8Array;
}

export interface SealedInputEnvelope {
  readonly encryptedKey: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

/** Seals `data` under the data key, then wipes the plaintext key. */
export function sealWithDataKey(key: DataKey, data: Record<string, unknown>, jobResultId: string): string {
  try {
    if (key.plaintext.byteLength !== KEY_BYTES) throw new Error('The data key is not 256 bits long.');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(jobResultId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
    return [VERSION, Buffer.from(key.encrypted), iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  } finally {
    key.plaintext.fill(0);
  }
}

/** Splits a sealed input into its parts; anything that is not a `v1` envelope is a SealedInputError. */
export function parseSealedInput(sealed: string): SealedInputEnvelope {
  const parts = sealed.split('.');
  const [version, encryptedKey, iv, tag, ciphertext, ...extra] = parts;
  if (
    version !== VERSION ||
    encryptedKey === undefined ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined ||
    extra.length > 0 ||
    ![encryptedKey, iv, tag, ciphertext].every((part) => PART.test(part))
  ) {
    throw new SealedInputError('The sealed input is malformed.');
  }
  const envelope = {
    encryptedKey: Buffer.from(encryptedKey, 'base64url'),
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
  if (envelope.iv.length !== IV_BYTES || envelope.tag.length !== TAG_BYTES) {
    throw new SealedInputError('The sealed input is malformed.');
  }
  return envelope;
}

/**
 * Decrypts and authenticates the envelope's input with its (already decrypted) data key, then wipes
 * the key. A tampered envelope, or one sealed for another job result, is a SealedInputError.
 */
export function openWithDataKey(
  envelope: SealedInputEnvelope,
  plaintextKey: Uint8Array,
  jobResultId: string,
): Record<string, unknown> {
  let json: string;
  try {
    if (plaintextKey.byteLength !== KEY_BYTES) throw new Error('The data key is not 256 bits long.');
    const decipher = createDecipheriv('aes-256-gcm', plaintextKey, envelope.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(jobResultId, 'utf8'));
    decipher.setAuthTag(envelope.tag);
    json = Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SealedInputError(undefined, { cause });
  } finally {
    plaintextKey.fill(0);
  }
  const data: unknown = JSON.parse(json);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SealedInputError('The sealed input is not an object.');
  }
  return data as Record<string, unknown>;
}

/** A fresh data key in the clear, for a key service that wraps it itself (the local sealer). */
export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}
